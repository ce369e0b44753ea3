/** /help — what the bot does and how to ask. */
import { InteractionContextType } from "discord.js";
import { defineCommand } from "../interactions/command.ts";
import { replyLocale } from "../replies/i18n.ts";
import { helpReply } from "../replies/messages.ts";

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
