/**
 * /ask — a short, dated, cited answer to a question. Its answers (and chat's) carry 👍 👎 🗑:
 * the handlers for those buttons and the "What is wrong?" form are here too.
 */
import { ApplicationCommandOptionType, InteractionContextType } from "discord.js";
import { userLocale } from "../replies/i18n.ts";
import type { Answer } from "../engine/types.ts";
import { answerQuestion, suggestFacts } from "../engine/engine.ts";
import { UserError } from "../errors.ts";
import { ANSWER_ID, type Feedback } from "../feedback/types.ts";
import type { KnowledgeIndex } from "../index/knowledge-index.ts";
import { defineCommand, type Actor, type Services } from "../interactions/command.ts";
import {
  ANSWER_ACTIONS,
  COMMENT_FIELD,
  voteThanksReply,
  whyModal,
  withAnswerActions,
} from "../replies/feedback.ts";
import { answerReply, factReply } from "../replies/messages.ts";
import type { Reply } from "../replies/reply.ts";
import { dateLabel } from "../knowledge/types.ts";
import { LIMITS, truncate } from "../replies/safe.ts";

/** Autocomplete values that pick a fact directly rather than a question to parse. */
const FACT_VALUE = /^fact:([a-z0-9][a-z0-9-]*)$/;

/**
 * The reply to a question, /ask's or chat's: the answer, recorded for votes and the question
 * log (queued, written later), with 👍 👎 and — when others can see it — 🗑 for the asker.
 */
export function replyToQuestion(
  answer: Answer,
  ctx: { readonly index: KnowledgeIndex; readonly actor: Actor; readonly services: Services },
  ephemeral = false,
): Reply {
  ctx.services.telemetry?.answered(answer);
  return withAnswerActions(answerReply(answer, ctx.index.knowledge.relations, ephemeral), {
    answerId: ctx.services.feedback?.answered(answer, ctx.index, ctx.actor),
    ownerId: ephemeral ? undefined : ctx.actor.id,
  });
}

/** The answer id a vote button or form carries, if it is one, and votes are recorded. */
function votable(services: Services, args: readonly string[]): { feedback: Feedback; answerId: string } {
  const feedback = services.feedback;
  if (!feedback?.votes) throw new UserError("Votes are not recorded on this bot.", "votes-off");
  const answerId = args[0] ?? "";
  if (!ANSWER_ID.test(answerId))
    throw new UserError("That button no longer works; ask again.", "unknown-component");
  return { feedback, answerId };
}

export default defineCommand({
  data: {
    name: "ask",
    description: "Ask a question about relations between countries",
    name_localizations: { ja: "質問" },
    description_localizations: { ja: "国と国との関係について質問する" },
    contexts: [InteractionContextType.Guild, InteractionContextType.BotDM],
    options: [
      {
        type: ApplicationCommandOptionType.String,
        name: "question",
        description: "Your question, e.g. When were diplomatic relations established?",
        name_localizations: { ja: "質問文" },
        description_localizations: { ja: "質問（例：国交はいつ樹立されましたか？）" },
        required: true,
        autocomplete: true,
        max_length: 1000,
      },
      {
        type: ApplicationCommandOptionType.Boolean,
        name: "private",
        description: "Only you see the answer",
        name_localizations: { ja: "非公開" },
        description_localizations: { ja: "自分だけに表示する" },
      },
    ],
  },
  costly: true,
  privacy: { option: "private" },
  execute({ options, index, actor, services }) {
    const ephemeral = options.private ?? false;
    const picked = FACT_VALUE.exec(options.question.trim());
    const fact = picked ? index.byId.get(picked[1]!)?.fact : undefined;
    if (fact) {
      const reply = factReply(
        fact,
        index.relationById.get(fact.relationId),
        index.sourceById.get(fact.sourceId),
        index.version,
      );
      // A fact picked from the list answers no question of the user's: nothing to vote on.
      return withAnswerActions({ ...reply, ephemeral }, { ownerId: ephemeral ? undefined : actor.id });
    }
    // A user whose Discord client is in Japanese gets Japanese answers whatever they type.
    const answer = answerQuestion(index, options.question, { locale: userLocale(actor) });
    return replyToQuestion(answer, { index, actor, services }, ephemeral);
  },
  autocomplete({ focused, index }) {
    // The user's own words first, so Enter asks exactly what they typed.
    const typed = focused.value.trim();
    const own = typed
      ? [{ name: truncate(typed, LIMITS.choiceName), value: truncate(typed, LIMITS.choiceValue) }]
      : [];
    const facts = suggestFacts(index, typed, LIMITS.choices - own.length);
    return [
      ...own,
      ...facts.map((f) => ({
        name: truncate(`${dateLabel(f) ?? "Undated"} · ${f.statement}`, LIMITS.choiceName),
        value: `fact:${f.id}`,
      })),
    ];
  },
  components: {
    [ANSWER_ACTIONS.up]({ args, actor, services }) {
      const { feedback, answerId } = votable(services, args);
      feedback.vote({ answerId, actor, up: true });
      return { reply: voteThanksReply(true) };
    },
    // The 👎 counts when the form is sent (its comment is optional); closing the form cancels it.
    [ANSWER_ACTIONS.down]({ args, services }) {
      const { answerId } = votable(services, args);
      return { modal: whyModal(answerId) };
    },
    [ANSWER_ACTIONS.delete]({ args, actor }) {
      if (actor.id !== args[0] && !actor.isAdmin)
        throw new UserError(
          "Only the person who asked, or a server admin, can delete this answer.",
          "not-owner",
        );
      return { delete: true };
    },
  },
  modals: {
    [ANSWER_ACTIONS.why]({ args, fields, actor, services }) {
      const { feedback, answerId } = votable(services, args);
      feedback.vote({ answerId, actor, up: false, comment: fields.get(COMMENT_FIELD) ?? null });
      return { reply: voteThanksReply(false) };
    },
  },
});
