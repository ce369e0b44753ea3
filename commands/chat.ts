/** Questions asked in chat: a mention, a reply to the bot, or a message in an auto-answer channel. */
import { answerQuestion } from "../src/engine/engine.ts";
import type { ChatHandler } from "../src/interactions/command.ts";
import { userLocale } from "../src/replies/i18n.ts";
import { answerReply } from "../src/replies/messages.ts";

export default {
  answer({ text, index, actor, quietWhenUnknown }) {
    const answer = answerQuestion(index, text, { locale: userLocale(actor) });
    // In an auto-answer channel an "I don't know" would answer chatter nobody addressed to us.
    if (!answer.answered && quietWhenUnknown) return null;
    return answerReply(answer, index.knowledge.relations);
  },
} satisfies ChatHandler;
