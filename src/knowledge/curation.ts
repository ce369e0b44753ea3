/**
 * Checks of curation that the schema cannot make: every `quote` must stand, word for word, in
 * the source copy under `knowledge/sources/` (differences of whitespace, quote marks and
 * dashes aside; "[...]" marks words left out); a statement naming a year other than its own
 * date (and other than its quote's) may overstate the source; a fact without a quote cannot
 * be checked. `npm run check-knowledge` reports them: a quote not found is an error there,
 * the rest are warnings. The bot loads the files all the same: curation is the curator's.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { yearOf } from "./dates.ts";
import type { Problem } from "./problems.ts";
import type { Fact, Knowledge } from "./types.ts";

export interface CurationNote extends Problem {
  readonly severity: "error" | "warning";
}

/** Text as compared: one kind of quote mark and dash, whitespace collapsed. */
function normalize(text: string): string {
  return text
    .normalize("NFC")
    .replace(/[‘’‚‛′`´]/g, "'")
    .replace(/[“”„‟″]/g, '"')
    .replace(/[‐‑‒–—―−]/g, "-")
    .replace(/\s+/g, " ")
    .trim();
}

/** True when every part of the quote ("[...]" separates parts) stands in the text, in order. */
export function quoteFound(quote: string, text: string): boolean {
  const haystack = normalize(text);
  let from = 0;
  for (const part of quote.split(/\[\s*(?:\.\.\.|…)\s*\]/)) {
    const needle = normalize(part);
    if (!needle) continue;
    const at = haystack.indexOf(needle, from);
    if (at < 0) return false;
    from = at + needle.length;
  }
  return true;
}

const YEAR = /\b(\d{4})\b(?:\s*BCE?)?/g;

/** Years a statement names that are not its own date's, nor in its quote. */
export function strayYears(fact: Fact): number[] {
  const own = fact.date ? [yearOf(fact.date.min), yearOf(Math.min(fact.date.max, 8.64e15 - 1))] : undefined;
  const quoted = new Set([...(fact.quote ?? "").matchAll(YEAR)].map((m) => m[1]));
  const out: number[] = [];
  for (const m of fact.statement.matchAll(YEAR)) {
    const bce = /BCE?$/.test(m[0]);
    const year = bce ? 1 - Number(m[1]) : Number(m[1]);
    if (quoted.has(m[1])) continue;
    if (own && year >= own[0]! && year <= own[1]!) continue;
    out.push(year);
  }
  return out;
}

/** Every curation note of the knowledge in `dir`, file by file, in fact order. */
export async function curationNotes(knowledge: Knowledge, dir: string): Promise<CurationNote[]> {
  const notes: CurationNote[] = [];
  const copies = new Map<string, Promise<string | undefined>>();
  const copyOf = (sourceId: string) => {
    let text = copies.get(sourceId);
    if (!text) {
      const copy = knowledge.sources.find((s) => s.id === sourceId)?.copy;
      text = copy ? readFile(join(dir, copy), "utf8").catch(() => undefined) : Promise.resolve(undefined);
      copies.set(sourceId, text);
    }
    return text;
  };
  const note = (fact: Fact, severity: CurationNote["severity"], message: string) =>
    notes.push({ file: fact.file, line: fact.line, factId: fact.id, severity, message });
  for (const fact of knowledge.facts) {
    if (!fact.quote) note(fact, "warning", "has no quote: nothing shows what it rests on");
    else {
      const text = await copyOf(fact.sourceId);
      const source = knowledge.sources.find((s) => s.id === fact.sourceId);
      if (text === undefined)
        note(fact, "warning", `its source "${fact.sourceId}" has no readable local copy to check the quote against`);
      else if (!quoteFound(fact.quote, text))
        note(fact, "error", `the quote is not in ${source?.copy ?? "the source copy"} word for word`);
    }
    for (const year of strayYears(fact))
      note(fact, "warning", `the statement names ${year > 0 ? year : `${1 - year} BCE`}, which is not its date`);
  }
  return notes;
}
