/**
 * Gateway payloads discord.js would throw on, dropped before it handles them. discord.js trusts
 * Discord's payloads: an INTERACTION_CREATE with `d: null`, a member's `permissions` that is not
 * a number in a string, a component interaction without its `message`, a MESSAGE_CREATE without
 * an author each throw inside its packet handler, where no code of ours can catch it, and the
 * process dies (see src/ops/process-faults.ts for what happens to what gets through).
 *
 * Only events the bot acts on are checked, and only for what discord.js and the bot read
 * unchecked. Dropping one is harmless: it could not have been answered (no user, no message to
 * update) or it carries a claim about permissions that cannot be read, which the bot must not
 * guess at. Each drop is logged at warn with the event's name and what was wrong, never the payload.
 */
import { Events, type Client } from "discord.js";
import type { Logger } from "../../logger.ts";

/** What a dropped packet's event name becomes: discord.js has no handler for it. */
const DROPPED = "KIZUNA_DROPPED_MALFORMED";

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const hasId = (v: unknown): boolean => isObject(v) && typeof v["id"] === "string";
/** Discord sends permission bitfields as decimal strings. */
const bitfield = (v: unknown): boolean => v === undefined || (typeof v === "string" && /^\d{1,40}$/.test(v));
const InteractionType = { Ping: 1, Component: 3 } as const;

/** Why discord.js (or the bot) could not handle this dispatch; undefined when it looks sound. */
export function malformedDispatch(t: string, d: unknown): string | undefined {
  switch (t) {
    case "INTERACTION_CREATE": {
      if (!isObject(d)) return "no interaction data";
      if (typeof d["id"] !== "string" || typeof d["token"] !== "string") return "no id or token";
      if (typeof d["type"] !== "number" || d["type"] === InteractionType.Ping) return "bad type";
      if (!isObject(d["data"])) return "no data";
      const member = d["member"];
      if (member !== undefined && member !== null && !isObject(member)) return "member is not an object";
      if (!hasId(d["user"]) && !(isObject(member) && hasId(member["user"]))) return "no user";
      if (isObject(member) && !bitfield(member["permissions"])) return "member.permissions is not a bitfield";
      if (!bitfield(d["app_permissions"])) return "app_permissions is not a bitfield";
      if (!Array.isArray(d["entitlements"])) return "no entitlements";
      if (!isObject(d["authorizing_integration_owners"])) return "no authorizing_integration_owners";
      if (d["type"] === InteractionType.Component && !hasId(d["message"])) return "component without message";
      return undefined;
    }
    case "MESSAGE_CREATE": {
      if (!isObject(d)) return "no message data";
      if (typeof d["id"] !== "string" || typeof d["channel_id"] !== "string") return "no id or channel";
      if (!hasId(d["author"])) return "no author";
      return undefined;
    }
    default:
      return undefined;
  }
}

/**
 * Drops malformed dispatches of the events the bot acts on. discord.js emits `raw` with the
 * packet before it handles it; this listener runs first and renames a bad packet's event, so
 * no handler of discord.js's matches it.
 */
export function guardPackets(client: Client, log: Logger): void {
  client.prependListener(Events.Raw, (packet: unknown) => {
    try {
      if (!isObject(packet) || typeof packet["t"] !== "string") return;
      const problem = malformedDispatch(packet["t"], packet["d"]);
      if (problem === undefined) return;
      log.warn({ event: packet["t"], problem }, "malformed gateway event dropped");
      packet["t"] = DROPPED;
    } catch {
      // A packet that cannot even be inspected goes on to discord.js, and to the fault policy.
    }
  });
}
