/** /sources — the sources with links and licenses. */
import { InteractionContextType } from "discord.js";
import { defineCommand } from "../interactions/command.ts";
import { sourcesReply } from "../replies/messages.ts";

export default defineCommand({
  data: {
    name: "sources",
    description: "The sources my answers cite, with links and licenses",
    name_localizations: { ja: "出典" },
    description_localizations: { ja: "回答が引用する出典とライセンス" },
    contexts: [InteractionContextType.Guild, InteractionContextType.BotDM],
  },
  execute: ({ index }) => sourcesReply(index),
});
