/**
 * What every handler returns and every adapter sends: a message shaped as Discord's API
 * wants it, which the console renders as text. A leaf module: reply builders, the command
 * runtime and the adapters all import it, and it imports none of them.
 */
import type {
  APIActionRowComponent,
  APIComponentInMessageActionRow,
  APIEmbed,
  APIModalInteractionResponseCallbackData,
} from "discord.js";

/** A file sent with a message (a rendered picture); an embed shows it as `attachment://<name>`. */
export interface Attachment {
  readonly name: string;
  readonly data: Buffer;
  /** Alt text. */
  readonly description?: string;
}

/** A message, shaped as Discord's API wants it; the console renders the same object as text. */
export interface Reply {
  readonly content?: string;
  readonly embeds?: readonly APIEmbed[];
  readonly components?: readonly APIActionRowComponent<APIComponentInMessageActionRow>[];
  /** Only the invoking user sees it (slash commands only). */
  readonly ephemeral?: boolean;
  /** Sent with the message; the console saves them to files. */
  readonly files?: readonly Attachment[];
}

/** A form shown to the user (Discord: a modal), shaped as Discord's API wants it. */
export type Modal = APIModalInteractionResponseCallbackData;

/** Builds a component custom id "kz:<command>:<action>:args…"; Discord allows 100 characters. */
export function customId(command: string, action: string, ...args: (string | number)[]): string {
  const id = ["kz", command, action, ...args.map(String)].join(":");
  if (id.length > 100) throw new Error(`custom id longer than 100 characters: ${id}`);
  return id;
}
