/** /fact — one fact in full: statement, date, quote, source with link. */
import { ApplicationCommandOptionType, InteractionContextType } from "discord.js";
import { suggestFacts } from "../engine/engine.ts";
import { UserError } from "../errors.ts";
import { defineCommand } from "../interactions/command.ts";
import type { KnowledgeIndex } from "../index/knowledge-index.ts";
import { dateLabel } from "../knowledge/types.ts";
import { factReply, noticeReply } from "../replies/messages.ts";
import { LIMITS, truncate, userText } from "../replies/safe.ts";

function show(index: KnowledgeIndex, id: string, ephemeral: boolean) {
  const indexed = index.byId.get(id.trim().replace(/^fact:/, ""));
  if (!indexed) {
    const near = suggestFacts(index, id, 3).map((f) => `\`${f.id}\``);
    throw new UserError(
      `I have no fact “${userText(id, 80)}”.${near.length ? ` Did you mean ${near.join(", ")}?` : ""}`,
      "fact-unknown",
    );
  }
  const { fact } = indexed;
  return {
    ...factReply(fact, indexed.relation, index.sourceById.get(fact.sourceId), index.version),
    ephemeral,
  };
}

export default defineCommand({
  data: {
    name: "fact",
    description: "Show one fact in full, with its quote and source",
    name_localizations: { ja: "事実" },
    description_localizations: { ja: "一つの事実を引用と出典付きで表示する" },
    contexts: [InteractionContextType.Guild, InteractionContextType.BotDM],
    options: [
      {
        type: ApplicationCommandOptionType.String,
        name: "id",
        description: "The fact (type to search)",
        description_localizations: { ja: "事実（入力して検索）" },
        required: true,
        autocomplete: true,
        max_length: 200,
      },
    ],
  },
  execute({ options, index }) {
    return show(index, options.id, false);
  },
  autocomplete({ focused, index }) {
    return suggestFacts(index, focused.value, LIMITS.choices).map((f) => ({
      name: truncate(`${dateLabel(f) ?? "Undated"} · ${f.statement}`, LIMITS.choiceName),
      value: f.id,
    }));
  },
  components: {
    // The "nearest facts" menu under an answer the bot did not know.
    show(ctx) {
      const id = ctx.values[0];
      if (!id || !ctx.index.byId.has(id))
        return { reply: noticeReply("That fact is no longer in my knowledge (it was reloaded). Ask again.") };
      return { reply: show(ctx.index, id, true) };
    },
  },
});
