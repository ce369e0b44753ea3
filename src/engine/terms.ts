/**
 * The content words of a question and what each can match in the index: the word itself,
 * synonyms, longer words it begins, and words one typo away.
 */
import type { KnowledgeIndex } from "../index/knowledge-index.ts";
import { indexTerms } from "../index/knowledge-index.ts";
import { gazetteer } from "../text/countries.ts";
import { editDistance, LONG_STOP_WORDS, words } from "../text/normalize.ts";
import type { ParsedQuestion } from "./question.ts";
import { synonymsOf } from "./synonyms.ts";

// Words that frame a question about this domain but do not tell facts apart.
const FRAME_WORDS = new Set(
  (
    "year date time day month ago long much many number about after before since until till through via during " +
    "among between against within upon toward towards around onward onwards ever again later earlier exactly " +
    "approximately roughly happen kind sort type information info detail details something anything thing things " +
    "fact facts bot kizuna country countries nation nations both two other each one make made take took get got"
  ).split(" "),
);

const LONG_FRAME_WORDS = [...FRAME_WORDS].filter((w) => w.length >= 5);

export interface QueryTerm {
  /** The word as the question wrote it, folded. */
  readonly word: string;
  /** Its index term (stem). */
  readonly term: string;
  /** Vocabulary term → how well it stands for this term (1 exact, less for synonyms and typos). */
  readonly expansions: ReadonlyMap<string, number>;
  /** How much the term tells facts apart: rarer terms weigh more. */
  readonly weight: number;
  /** Counts when ranking but not towards confidence (words of an event anchor). */
  readonly rankOnly: boolean;
}

const QUALITY = { exact: 1, synonym: 0.8, prefix: 0.8, oneTypo: 0.75, twoTypos: 0.55 } as const;
const MAX_PREFIX = 15;

/** The question's content terms: what is left after dates, countries and frame words. */
export function contentTerms(
  index: KnowledgeIndex,
  q: ParsedQuestion,
  rankOnlyWords: ReadonlySet<string>,
  skip: ReadonlySet<string> = new Set(),
): QueryTerm[] {
  const n = Math.max(index.facts.length, 1);
  const seen = new Set<string>();
  const out: QueryTerm[] = [];
  for (const word of words(q.residual)) {
    if (FRAME_WORDS.has(word) || skip.has(word) || gazetteer().resolve(word, { codes: false })) continue;
    if (isMisspelledFrameWord(index, word)) continue;
    const [term] = indexTerms(word);
    if (!term || seen.has(term)) continue;
    seen.add(term);
    const expansions = expansionsOf(index, term, word);
    // Rarer terms tell facts apart better; a term the knowledge never uses weighs most,
    // so a question mostly about something we do not hold is refused.
    const weight = Math.log(1 + n / (representativeFrequency(index, term, expansions) + 0.5));
    out.push({ word, term, expansions, weight, rankOnly: rankOnlyWords.has(word) });
  }
  return out;
}

/**
 * "what happend in 1969": a word the facts never use that is one typo from a stop or frame
 * word is that word, not content the knowledge lacks (which would weigh the most).
 */
function isMisspelledFrameWord(index: KnowledgeIndex, word: string): boolean {
  if (word.length < 5 || index.surface.has(word)) return false;
  for (const frame of [...LONG_STOP_WORDS, ...LONG_FRAME_WORDS])
    if (Math.abs(frame.length - word.length) <= 1 && editDistance(frame, word, 1) <= 1) return true;
  return false;
}

/** The term's own document frequency, or that of its best stand-in when it is not indexed. */
function representativeFrequency(
  index: KnowledgeIndex,
  term: string,
  expansions: ReadonlyMap<string, number>,
) {
  const exact = index.documentFrequency(term);
  if (exact > 0) return exact;
  let best = 0;
  let df = 0;
  for (const [t, quality] of expansions) {
    const d = index.documentFrequency(t);
    if (quality > best || (quality === best && d > df)) [best, df] = [quality, d];
  }
  return df;
}

/** A term's expansions, memoized on the index (which never changes). */
export function expansionsOf(index: KnowledgeIndex, term: string, word: string): ReadonlyMap<string, number> {
  const key = `${term}\u0000${word}`;
  const cached = index.expansionCache.get(key);
  if (cached) return cached;
  const value = expand(index, term, word);
  index.cacheExpansion(key, value);
  return value;
}

/** Expands a stem against the vocabulary: exact, synonyms, prefixes, and typos. */
function expand(index: KnowledgeIndex, term: string, word: string): Map<string, number> {
  const out = new Map<string, number>();
  const put = (t: string, q: number) => {
    if ((out.get(t) ?? 0) < q) out.set(t, q);
  };
  if (index.vocabulary.has(term)) put(term, QUALITY.exact);
  for (const s of synonymsOf(term)) if (index.vocabulary.has(s)) put(s, QUALITY.synonym);
  if (term.length >= 4 && /^\p{L}+$/u.test(term)) {
    let n = 0;
    for (const [t] of index.vocabulary.atPrefix(term)) {
      if (t !== term) put(t, QUALITY.prefix);
      if (++n >= MAX_PREFIX) break;
    }
    for (const [t, d] of typos(
      term,
      (max) => index.vocabulary.fuzzyGet(term, max),
      (s) => index.vocabulary.has(s),
    ))
      if (!out.has(t) && t.length >= 3) put(t, d === 1 ? QUALITY.oneTypo : QUALITY.twoTypos);
  }
  // Typos also against the words as written: a misspelled word stems oddly ("relatons"
  // → "relaton"), while its surface form is one letter from "relations".
  if (word.length >= 5 && /^\p{L}+$/u.test(word)) {
    for (const [surface, d] of typos(
      word,
      (max) => index.surface.fuzzyGet(word, max),
      (s) => index.surface.has(s),
    )) {
      const stemOf = index.surface.get(surface);
      if (stemOf && !out.has(stemOf)) put(stemOf, d === 1 ? QUALITY.oneTypo : QUALITY.twoTypos);
    }
  }
  return out;
}

/**
 * Words one edit away (two from 8 letters on), and a swap of two neighbouring letters as
 * one edit ("kahn" → "khan"). The fuzzy search runs at the distance allowed, no further:
 * at distance 2 it costs twenty times more.
 */
function typos(
  text: string,
  fuzzy: (max: number) => Map<string, unknown>,
  has: (s: string) => boolean,
): Array<[string, number]> {
  const max = text.length >= 8 ? 2 : 1;
  const out = new Map<string, number>();
  for (const [t] of fuzzy(max)) {
    if (t === text) continue;
    const d = editDistance(text, t, max);
    if (d <= max) out.set(t, d);
  }
  for (let i = 0; i + 1 < text.length; i++) {
    const swapped = text.slice(0, i) + text[i + 1] + text[i] + text.slice(i + 2);
    if (swapped !== text && has(swapped)) out.set(swapped, 1);
  }
  return [...out];
}
