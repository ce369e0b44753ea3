/** /help — what the bot does and how to ask. */
import { InteractionContextType } from "discord.js";
import { defineCommand } from "../src/interactions/command.ts";
import { replyLocale } from "../src/replies/i18n.ts";
import { helpReply } from "../src/replies/messages.ts";

export default defineCommand({
  data: {
    name: "help",
    description: "What I do and how to ask",
    name_localizations: { ja: "ヘルプ" },
    description_localizations: { ja: "使い方" },
    contexts: [InteractionContextType.Guild, InteractionContextType.BotDM],
  },
  execute: ({ index, services, actor }) =>
    helpReply(services.commands, index, replyLocale(undefined, actor.locale)),
});
