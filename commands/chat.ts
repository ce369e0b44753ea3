/** Questions asked in chat: a mention, a reply to the bot, or a message in an auto-answer channel. */
import { answerQuestion } from "../src/engine/engine.ts";
import type { ChatHandler } from "../src/interactions/command.ts";
import { answerReply } from "../src/replies/messages.ts";

export default {
  answer({ text, index, quietWhenUnknown }) {
    const answer = answerQuestion(index, text);
    // In an auto-answer channel an "I don't know" would answer chatter nobody addressed to us.
    if (!answer.answered && quietWhenUnknown) return null;
    return answerReply(answer, index.knowledge.relations);
  },
} satisfies ChatHandler;
