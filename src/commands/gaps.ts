/** /gaps — admins: the questions most asked that I could not answer, and the facts marked 👎. */
import { ApplicationCommandOptionType, InteractionContextType, PermissionFlagsBits } from "discord.js";
import { UserError } from "../errors.ts";
import { defineCommand } from "../interactions/command.ts";
import { gapsReply } from "../replies/feedback.ts";

export default defineCommand({
  data: {
    name: "gaps",
    description: "Questions I could not answer, and answers marked 👎 (admins)",
    name_localizations: { ja: "未回答" },
    description_localizations: { ja: "答えられなかった質問と👎の付いた回答（管理者）" },
    // Hidden from members without Manage Server; the dispatcher checks again on our side.
    default_member_permissions: String(PermissionFlagsBits.ManageGuild),
    contexts: [InteractionContextType.Guild],
    options: [
      {
        type: ApplicationCommandOptionType.Integer,
        name: "days",
        description: "How many days back (default 30)",
        name_localizations: { ja: "日数" },
        description_localizations: { ja: "何日前まで（既定は30日）" },
        min_value: 1,
        max_value: 3650,
      },
    ],
  },
  guildOnly: true,
  adminOnly: true,
  privacy: { always: true },
  async execute({ options, actor, services }) {
    const feedback = services.feedback;
    if (!feedback)
      throw new UserError("Nothing is recorded on this bot, so there is no report.", "feedback-off");
    const days = options.days ?? 30;
    try {
      // A server's admins see their own server's questions and votes, never another server's.
      const report = await feedback.report(days, actor.guildId);
      return gapsReply(report, { days, health: feedback.health(), scope: "this server only" });
    } catch (error) {
      services.log.warn({ err: error }, "gaps report failed");
      throw new UserError(
        "The feedback database is not reachable right now (answers are not affected). Try again later.",
        "feedback-unavailable",
      );
    }
  },
});
