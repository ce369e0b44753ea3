/**
 * Draft facts from an article: one candidate per dated event found, in the knowledge format,
 * marked `draft: true` for an admin to review. The quote is the clause as written, the date
 * the one written (resolved when relative), the section the heading above it; people and
 * places are what compromise (an NLP library) finds in the quote; the statement is the quote
 * again, marked for the admin to rewrite in our own words. Pure: the CLI (adapters/cli/import.ts)
 * reads and writes the files.
 */
import nlp from "compromise";
import { Document, isMap, isScalar, isSeq, parseDocument } from "yaml";
import { parseDate } from "../knowledge/dates.ts";
import { fold } from "../text/normalize.ts";
import { clauses, readArticle, sentences } from "./article.ts";
import { findDates } from "./dates.ts";

/** What a draft fact holds, in the order a knowledge file writes it. */
export interface DraftFact {
  readonly id: string;
  readonly date: string;
  readonly when?: string;
  readonly statement: string;
  readonly people: string[];
  readonly places: string[];
  readonly tags: string[];
  readonly source: string;
  readonly section: string;
  readonly quote: string;
  readonly draft: true;
}

/** An existing fact, as far as merging needs it. */
export interface KnownFact {
  readonly id: string;
  readonly quote?: string | undefined;
  /** EDTF, or null when undated. */
  readonly date: string | null;
}

export const REWRITE = "REWRITE:";
const MAX_STATEMENT = 400;
const MAX_QUOTE = 2000;

// Event types a curator tags most, guessed from the quote's words (the admin checks them).
const TAGS: ReadonlyArray<[string, RegExp]> = [
  ["visit", /\bvisit(?:ed|s|ing)?\b/i],
  ["treaty", /\btreat(?:y|ies)\b|\bagreements?\b/i],
  ["embassy", /\bembass(?:y|ies)\b|\bambassadors?\b|\bconsulates?\b/i],
  ["aid", /\baid\b|\bdonat(?:e|ed|ion|ions)\b|\bdonors?\b|\bassistance\b|\bgrants?\b/i],
  ["culture", /\bcultur(?:e|al)\b|\breligio(?:n|us)\b|\bartifacts?\b|\bmuseums?\b|\btraditions?\b/i],
];

// Titles compromise keeps with a name ("King Zahir"), or takes for one ("Marshal Admiral").
const TITLES =
  /^(?:(?:King|Queen|Emperor|Empress|Prince|Princess|Crown|President|Prime|Foreign|State|Minister|Marshal|Admiral|General|Ambassador|Sir|Dr|Mr|Mrs|Ms)\.?\s+)+/u;

/** Names compromise found, tidied: no titles, trailing punctuation or possessive, each once. */
function names(found: string[]): string[] {
  const out: string[] = [];
  for (const raw of found.flatMap((f) => f.split(/,\s*|\s+and\s+/))) {
    const name = raw
      .replace(/[’']s$/u, "")
      .replace(/^[\s"“(]+|[\s.,;:!?"”)]+$/gu, "")
      .replace(TITLES, "")
      .trim();
    if (name.length < 2 || name.length > 120 || !/^\p{Lu}/u.test(name) || /-$/.test(name)) continue;
    if (TITLES.test(`${name} `)) continue; // a title alone
    if (!out.some((n) => n.toLowerCase() === name.toLowerCase())) out.push(name);
  }
  return out.slice(0, 8);
}

function slug(text: string, words: number): string {
  return fold(text)
    .replace(/[^a-z0-9]+/g, " ")
    .trim()
    .split(" ")
    .filter(
      (w) =>
        w.length > 2 &&
        !/^(?:the|and|was|were|with|from|that|this|its|his|her|for|after|before|when|which)$/.test(w),
    )
    .slice(0, words)
    .join("-");
}

export interface DraftOptions {
  readonly relationId: string;
  readonly sourceId: string;
  /** Ids already used anywhere in the knowledge: new ids avoid them. */
  readonly takenIds: ReadonlySet<string>;
}

/** The candidate facts of an article, in the article's order. */
export function draftFacts(article: string, options: DraftOptions): DraftFact[] {
  const out: DraftFact[] = [];
  const ids = new Set(options.takenIds);
  let previous: number | undefined;
  for (const passage of readArticle(article)) {
    for (const sentence of sentences(passage.text)) {
      for (const clause of clauses(sentence)) {
        const dates = findDates(clause, previous);
        if (dates.length > 0) previous = new Date(parseDate(dates.at(-1)!.edtf).min).getUTCFullYear();
        for (const date of dates) {
          if (date.subordinate) continue;
          const quote = clause.slice(0, MAX_QUOTE);
          const doc = nlp(quote);
          const base = `${options.relationId}-${date.edtf
            .toLowerCase()
            .replace(/^-/, "bce-")
            .replace(/[^a-z0-9]+/g, "-")}-${slug(quote, 4)}`
            .replace(/-+$/, "")
            .slice(0, 76)
            .replace(/-+$/, "");
          let id = base;
          for (let n = 2; ids.has(id); n++) id = `${base}-${n}`;
          ids.add(id);
          out.push({
            id,
            date: date.edtf,
            ...(date.when ? { when: date.when.slice(0, 60) } : {}),
            statement: `${REWRITE} ${quote}`.slice(0, MAX_STATEMENT),
            people: names(doc.people().out("array") as string[]),
            places: names(doc.places().out("array") as string[]),
            tags: TAGS.filter(([, re]) => re.test(quote)).map(([tag]) => tag),
            source: options.sourceId,
            section: passage.section.slice(0, 120),
            quote,
            draft: true,
          });
        }
      }
    }
  }
  return out;
}

const normalizeQuote = (q: string) => q.replace(/\s+/g, " ").trim().toLowerCase();

/**
 * The candidates that are new: each existing fact with the same quote (whitespace aside) takes
 * one candidate of that quote — the one with its date if there is one — and is kept as it is.
 * One quote can hold several dated events ("…in 1907, who … in 1880…"), hence one for one.
 */
export function newCandidates(candidates: readonly DraftFact[], existing: readonly KnownFact[]): DraftFact[] {
  const byQuote = new Map<string, KnownFact[]>();
  for (const f of existing)
    if (f.quote) {
      const key = normalizeQuote(f.quote);
      byQuote.set(key, [...(byQuote.get(key) ?? []), f]);
    }
  // Same date first, so an edited date elsewhere does not steal the match.
  const sorted = [...candidates.entries()].sort(([, a], [, b]) => {
    const same = (c: DraftFact) =>
      (byQuote.get(normalizeQuote(c.quote)) ?? []).some((f) => f.date === c.date);
    return Number(same(b)) - Number(same(a));
  });
  const kept = new Set<number>();
  for (const [i, c] of sorted) {
    const pool = byQuote.get(normalizeQuote(c.quote));
    const match = pool?.findIndex((f) => f.date === c.date) ?? -1;
    const at = match >= 0 ? match : pool?.length ? 0 : -1;
    if (at >= 0) pool!.splice(at, 1);
    else kept.add(i);
  }
  return candidates.filter((_, i) => kept.has(i));
}

/** The drafts as YAML nodes; dates quoted, as the format asks ("1931" must stay text). */
function factNodes(doc: Document, facts: readonly DraftFact[]) {
  const node = doc.createNode([...facts]);
  for (const item of node.items)
    if (isMap(item)) {
      const date = item.get("date", true);
      if (isScalar(date)) date.type = "QUOTE_DOUBLE";
    }
  return node;
}

/** A new knowledge file holding the relation, its sources and the drafts. */
export function draftFile(
  header: string,
  relation: Record<string, unknown>,
  sources: readonly Record<string, unknown>[],
  facts: readonly DraftFact[],
): string {
  const doc = new Document({ relation, sources });
  doc.set("facts", factNodes(doc, facts));
  doc.commentBefore = header;
  return doc.toString({ lineWidth: 100 });
}

/**
 * `text` (a knowledge file) with the drafts added to its facts. When the facts list ends the
 * file, as in every file written by hand here, they are appended as text so nothing above them
 * changes (comments, folding, order); otherwise the file is rewritten through the YAML library.
 */
export function appendDrafts(text: string, facts: readonly DraftFact[], note: string): string {
  if (facts.length === 0) return text;
  const doc = parseDocument(text);
  const contents = doc.contents;
  if (!isMap(contents)) throw new Error("not a knowledge file: no top-level mapping");
  const last = contents.items.at(-1);
  const seq =
    last && String((last.key as { value?: unknown })?.value ?? last.key) === "facts" ? last.value : undefined;
  if (isSeq(seq) && seq.items.length > 0 && !seq.flow) {
    const first =
      text
        .slice(0, seq.range?.[0] ?? 0)
        .split("\n")
        .at(-1) ?? "";
    const indent = /^\s*/.exec(first)?.[0] ?? "  ";
    const items = new Document(factNodes(new Document(), facts))
      .toString({ lineWidth: 100 })
      .trimEnd()
      .split("\n")
      .map((line) => (line ? `${indent}${line}` : line));
    return `${text.replace(/\s*$/, "")}\n\n${indent}# ${note}\n${items.join("\n").replace(/\n(\s*)- id:/g, "\n\n$1- id:")}\n`;
  }
  const list = doc.get("facts");
  if (isSeq(list)) list.items.push(...factNodes(doc, facts).items);
  else doc.set("facts", factNodes(doc, facts));
  return doc.toString({ lineWidth: 100 });
}
