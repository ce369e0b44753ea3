/**
 * Making text safe to show in Discord: no pings, no markup the user did not mean, and
 * never over Discord's limits. Pings are also blocked by `allowedMentions` in the
 * adapter; this is the second lock, and keeps mentions from rendering as blue links.
 */
import { escapeMarkdown } from "discord.js";
import { sanitize } from "../text/normalize.ts";

/** Discord's documented limits that our replies touch. */
export const LIMITS = {
  content: 2000,
  embedTitle: 256,
  embedDescription: 4096,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  embedTotal: 6000,
  fields: 25,
  choices: 25,
  choiceName: 100,
  choiceValue: 100,
  selectOptions: 25,
  selectLabel: 100,
  selectDescription: 100,
  buttonLabel: 80,
  attachmentDescription: 1024,
} as const;

/** Cuts to `max` characters (code points kept whole), ending with "…" when cut. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, max - 1);
  // Do not leave half of a surrogate pair at the end.
  if (/[\ud800-\udbff]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut}…`;
}

/** Breaks every mention form so it shows as text and can never ping. */
export function neutralizeMentions(text: string): string {
  return text
    .replace(/@(everyone|here)/gi, "@\u200b$1")
    .replace(/<(@[!&]?|#)(\d{15,25})>/g, "<$1\u200b$2>")
    .replace(/<\/([\w-]+(?: [\w-]+)*):(\d+)>/g, "</\u200b$1:$2>");
}

/** User-provided text echoed back: cleaned, escaped, unpingable, bounded. */
export function userText(text: string, max: number): string {
  // discord.js's escapeMarkdown takes ~1 s on 10 000 characters, and all but the first
  // `max` are cut anyway: only a head that can still show is processed.
  const head = text.length > max * 4 ? text.slice(0, max * 4).replace(/[\ud800-\udbff]$/, "") : text;
  return truncate(neutralizeMentions(escapeMarkdown(sanitize(head))), max);
}

/** Text from our own knowledge files: unpingable and bounded (its markdown is ours). */
export function knowledgeText(text: string, max: number): string {
  return truncate(neutralizeMentions(text), max);
}

/**
 * Autocomplete choices as Discord shows them: names unpingable and bounded (they render as
 * text, where a mention would still show as one). Values are left as they are: they are what
 * Discord sends back when the user picks one.
 */
export function safeChoices<C extends { readonly name: string }>(choices: readonly C[]): C[] {
  return choices
    .slice(0, LIMITS.choices)
    .map((c) => ({ ...c, name: knowledgeText(String(c.name), LIMITS.choiceName) }));
}
