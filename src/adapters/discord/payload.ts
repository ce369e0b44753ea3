/** Reply (platform-neutral) → discord.js payloads, with pings always off. */
import { MessageFlags, type InteractionReplyOptions, type MessageReplyOptions } from "discord.js";
import type { Reply } from "../../replies/reply.ts";
import { LIMITS, truncate } from "../../replies/safe.ts";

/** No @everyone, roles or users, whatever the text holds; replies do not ping the asker either. */
export const NO_PINGS = { parse: [], repliedUser: false } as const;

/**
 * The message body without flags: for edits, updates and chat replies. Files are sent only
 * when the reply has some: an edit without them keeps the message's attachments.
 */
export function messageBody(reply: Reply) {
  return {
    content: reply.content ? truncate(reply.content, LIMITS.content) : undefined,
    embeds: reply.embeds ? [...reply.embeds] : [],
    components: reply.components ? [...reply.components] : [],
    allowedMentions: { parse: [], repliedUser: false },
    ...(reply.files?.length
      ? {
          files: reply.files.map((f) => ({
            attachment: f.data,
            name: f.name,
            ...(f.description ? { description: truncate(f.description, LIMITS.attachmentDescription) } : {}),
          })),
        }
      : {}),
  };
}

export function interactionPayload(
  reply: Reply,
): InteractionReplyOptions & { flags?: MessageFlags.Ephemeral } {
  return {
    ...messageBody(reply),
    ...(reply.ephemeral ? { flags: MessageFlags.Ephemeral } : {}),
  } as InteractionReplyOptions & {
    flags?: MessageFlags.Ephemeral;
  };
}

export function messagePayload(reply: Reply): MessageReplyOptions {
  return messageBody(reply) as MessageReplyOptions;
}
