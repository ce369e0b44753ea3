/** Who counts as an admin, the same for both Discord transports (gateway and HTTP). */
import type { Config } from "../../config.ts";

export interface Member {
  readonly userId: string;
  readonly guildId: string | null;
  readonly roles: readonly string[];
  /** The member holds Manage Server in this channel (Discord computed it). */
  readonly manageGuild: boolean;
}

/** Manage Server, a role in ADMIN_ROLE_IDS or a user in ADMIN_USER_IDS — only inside a server. */
export function isAdmin(config: Pick<Config, "adminRoleIds" | "adminUserIds">, member: Member): boolean {
  return (
    Boolean(member.guildId) &&
    (member.manageGuild ||
      member.roles.some((r) => config.adminRoleIds.includes(r)) ||
      config.adminUserIds.includes(member.userId))
  );
}
