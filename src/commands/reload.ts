/** /reload — admins reload the knowledge files without restarting, on every process serving them. */
import { InteractionContextType, PermissionFlagsBits } from "discord.js";
import { defineCommand } from "../interactions/command.ts";
import { reloadProgressReply, reloadReply } from "../replies/messages.ts";
import { localKnowledge } from "../store/reload.ts";

export default defineCommand({
  data: {
    name: "reload",
    description: "Reload the knowledge files (admins)",
    name_localizations: { ja: "再読み込み" },
    description_localizations: { ja: "知識ファイルを再読み込みする（管理者）" },
    // Hidden from members without Manage Server; the dispatcher checks again on our side.
    default_member_permissions: String(PermissionFlagsBits.ManageGuild),
    contexts: [InteractionContextType.Guild],
  },
  guildOnly: true,
  adminOnly: true,
  privacy: { always: true },
  async execute({ services, progress }) {
    const knowledge = services.knowledge ?? localKnowledge(services.store);
    const outcome = await knowledge.reload((p) => progress(reloadProgressReply(p)));
    return reloadReply(outcome.result, outcome.cluster);
  },
});
