/** /relations — the relations held, with fact counts and date ranges. */
import { InteractionContextType } from "discord.js";
import { defineCommand } from "../interactions/command.ts";
import { relationsReply } from "../replies/messages.ts";

export default defineCommand({
  data: {
    name: "relations",
    description: "The relations between countries I cover",
    name_localizations: { ja: "関係一覧" },
    description_localizations: { ja: "扱っている二国間関係の一覧" },
    contexts: [InteractionContextType.Guild, InteractionContextType.BotDM],
  },
  execute: ({ index }) => relationsReply(index),
});
