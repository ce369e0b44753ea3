/** Questions asked in chat: a mention, a reply to the bot, or a message in an auto-answer channel. */
import { answerQuestion } from "../engine/engine.ts";
import type { ChatHandler } from "../interactions/command.ts";
import { userLocale } from "../replies/i18n.ts";
import { replyToQuestion } from "./ask.ts";

export default {
  answer({ text, index, actor, services, quietWhenUnknown }) {
    const answer = answerQuestion(index, text, { locale: userLocale(actor) });
    // In an auto-answer channel an "I don't know" would answer chatter nobody addressed to us
    // (and such chatter is not recorded either: nobody asked the bot).
    if (!answer.answered && quietWhenUnknown) return null;
    return replyToQuestion(answer, { index, actor, services });
  },
} satisfies ChatHandler;
