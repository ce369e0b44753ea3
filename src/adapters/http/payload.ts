/** Reply (platform-neutral) → Discord API message JSON, as the HTTP worker sends it: pings always off. */
import type { APIInteractionResponseCallbackData } from "discord-api-types/v10";
import type { Reply } from "../../replies/reply.ts";
import { LIMITS, truncate } from "../../replies/safe.ts";

/** Discord's flag for a message only the invoking user sees. */
export const EPHEMERAL = 1 << 6;

/** The message body without flags: for edits and updates. */
export function apiMessageBody(reply: Reply): APIInteractionResponseCallbackData {
  return {
    ...(reply.content ? { content: truncate(reply.content, LIMITS.content) } : {}),
    embeds: reply.embeds ? [...reply.embeds] : [],
    components: reply.components ? [...reply.components] : [],
    // No @everyone, roles or users, whatever the text holds.
    allowed_mentions: { parse: [] },
  };
}

/** A new message (a reply or a follow-up), private when the reply says so. */
export function apiMessage(reply: Reply): APIInteractionResponseCallbackData {
  return { ...apiMessageBody(reply), ...(reply.ephemeral ? { flags: EPHEMERAL } : {}) };
}
