/**
 * Renders a Discord-shaped Reply as plain text for the local console, so the console
 * shows what the bot would send.
 */
import type { APIEmbed } from "discord.js";
import { ComponentType } from "discord.js";
import type { Reply } from "./reply.ts";

/** Discord markdown → readable plain text (links as "text <url>", no emphasis marks). */
export function markdownToText(md: string): string {
  return md
    .replace(/\[\\\[(\d+)\\\]\]\((\S+?)\)/g, "[$1]")
    .replace(/\[([^\]]+)\]\((\S+?)\)/g, "$1 <$2>")
    .replace(/\*\*([^*]+)\*\*/g, "$1")
    .replace(/(^|\s)\*([^*\s][^*]*)\*/g, "$1$2")
    .replace(/\u200b/g, "")
    .replace(/\\([*_~`|>\\[\]()#-])/g, "$1");
}

function embedText(e: APIEmbed): string[] {
  const lines: string[] = [];
  if (e.title) lines.push(`== ${markdownToText(e.title)} ==`);
  if (e.description) lines.push(markdownToText(e.description));
  for (const f of e.fields ?? [])
    lines.push(
      `${f.name}:`,
      ...markdownToText(f.value)
        .split("\n")
        .map((l) => `  ${l}`),
    );
  if (e.footer?.text) lines.push(`(${e.footer.text})`);
  return lines;
}

export function renderReplyText(reply: Reply): string {
  const lines: string[] = [];
  if (reply.ephemeral) lines.push("(only you can see this)");
  if (reply.content) lines.push(markdownToText(reply.content));
  for (const e of reply.embeds ?? []) lines.push(...embedText(e));
  for (const row of reply.components ?? []) {
    const parts: string[] = [];
    for (const c of row.components) {
      if (c.type === ComponentType.Button && "label" in c && !c.disabled) parts.push(`[${c.label}]`);
    }
    if (parts.length)
      lines.push(`${parts.join(" ")}  — buttons in Discord; here, add page:N or picture:true to the command`);
  }
  return lines.join("\n");
}
