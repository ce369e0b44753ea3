/** /ask — a short, dated, cited answer to a question. */
import { ApplicationCommandOptionType, InteractionContextType } from "discord.js";
import { userLocale } from "../src/replies/i18n.ts";
import { answerQuestion, suggestFacts } from "../src/engine/engine.ts";
import { defineCommand } from "../src/interactions/command.ts";
import { answerReply, factReply } from "../src/replies/messages.ts";
import { dateLabel } from "../src/knowledge/types.ts";
import { LIMITS, truncate } from "../src/replies/safe.ts";

/** Autocomplete values that pick a fact directly rather than a question to parse. */
const FACT_VALUE = /^fact:([a-z0-9][a-z0-9-]*)$/;

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
  execute({ options, index, actor }) {
    const picked = FACT_VALUE.exec(options.question.trim());
    const fact = picked ? index.byId.get(picked[1]!)?.fact : undefined;
    if (fact) {
      const reply = factReply(
        fact,
        index.relationById.get(fact.relationId),
        index.sourceById.get(fact.sourceId),
        index.version,
      );
      return { ...reply, ephemeral: options.private ?? false };
    }
    // A user whose Discord client is in Japanese gets Japanese answers whatever they type.
    const answer = answerQuestion(index, options.question, { locale: userLocale(actor) });
    return answerReply(answer, index.knowledge.relations, options.private ?? false);
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
});
