/**
 * Scoring facts against a question. `coverage` — the share of the question's weighted
 * meaning a fact covers — decides whether to answer; `score` adds tie-breakers to order
 * the candidates.
 */
import type { IndexedFact, KnowledgeIndex } from "../index/knowledge-index.ts";
import { dateInPeriod, type Period } from "../knowledge/dates.ts";
import { stem } from "../text/normalize.ts";
import type { ParsedQuestion } from "./question.ts";
import type { QueryTerm } from "./terms.ts";

export interface Scored {
  readonly f: IndexedFact;
  /** Share of the weighted question the fact covers (confidence). */
  readonly coverage: number;
  /** Coverage plus tie-breaking bonuses (ranking). */
  readonly score: number;
}

/** A period the question gives counts as one more term, as telling as a fairly rare word. */
const DATE_WEIGHT = 3;

// Verbs that name the event a question is about. When the best fact has none of them (nor a
// synonym), it tells of another event: "When did Ayub Khan die?" is not answered by his
// victory at Maiwand, however well the name matches.
const EVENT_VERBS = new Set(
  (
    "die died death born birth start started begin began end ended finish become became marry married elect elected " +
    "resign resigned retire retired invade attack attacked kill killed assassinate arrest join joined leave left " +
    "abolish ban banned collapse crown crowned inaugurate withdraw withdrew build built invent discover win won lose lost " +
    "sell sold buy bought trade traded"
  )
    .split(" ")
    .map(stem),
);
const MISSING_EVENT = 0.7;
/** How recent a dated fact must be to answer a question about "now": five years before the newest fact. */
const RECENT_MS = 5 * 365.25 * 86_400_000;

/** Scores every fact of `candidates` that matches anything; best first. */
export function rank(
  index: KnowledgeIndex,
  candidates: readonly IndexedFact[],
  terms: readonly QueryTerm[],
  q: ParsedQuestion,
  period: Period | undefined,
): Scored[] {
  const confidenceWeight = terms.reduce((s, t) => s + (t.rankOnly ? 0 : t.weight), 0);
  const dateWeight = period ? DATE_WEIGHT : 0;
  // One lookup table for the whole question: index term → (query term, quality). Each fact
  // is then read once, whatever the number of expansions.
  const lookup = new Map<number, Array<[number, number]>>();
  terms.forEach((t, i) => {
    for (const [e, quality] of t.expansions) {
      const id = index.termId(e);
      if (id === undefined) continue;
      const list = lookup.get(id);
      if (list) list.push([i, quality]);
      else lookup.set(id, [[i, quality]]);
    }
  });
  const best = new Float64Array(terms.length);
  const fieldWeight = new Float64Array(terms.length);
  const out: Scored[] = [];
  const { start, ids, weights } = index.factTerms;
  for (const f of candidates) {
    best.fill(0);
    fieldWeight.fill(0);
    for (let k = start[f.ordinal]!, end = start[f.ordinal + 1]!; k < end; k++) {
      const hits = lookup.get(ids[k]!);
      if (!hits) continue;
      const w = weights[k]! / 10;
      for (const [i, quality] of hits) {
        // A word found only in the relation's title or the section name (weight < 1)
        // says little about this fact: it covers the question only in part.
        const m = quality * Math.min(1, w);
        if (m > best[i]!) best[i] = m;
        if (w > fieldWeight[i]!) fieldWeight[i] = w;
      }
    }
    let covered = 0;
    let ranked = 0;
    let missingEvent = false;
    terms.forEach((t, i) => {
      const m = best[i]!;
      if (m === 0) {
        if (!t.rankOnly && EVENT_VERBS.has(t.term)) missingEvent = true;
        return;
      }
      if (!t.rankOnly) covered += t.weight * m;
      ranked += t.weight * m * (1 + 0.15 * Math.min(fieldWeight[i]! - 1, 2));
    });
    const inPeriod = period && f.fact.date && dateInPeriod(f.fact.date, period) ? dateWeight : 0;
    if (ranked === 0 && inPeriod === 0) continue;
    const fit = intentFit(index, q, f) * (missingEvent ? MISSING_EVENT : 1);
    const coverage = (fit * (covered + inPeriod)) / (confidenceWeight + dateWeight || 1);
    const score = coverage + 0.1 * (ranked / (confidenceWeight || 1)) + intentBonus(q, f);
    out.push({ f, coverage, score });
  }
  return out.sort((a, b) => b.score - a.score || a.f.ordinal - b.f.ordinal);
}

/** Some facts cannot answer some questions at all: "how many" needs a number, "when" a date. */
function intentFit(index: KnowledgeIndex, q: ParsedQuestion, f: IndexedFact): number {
  if (q.intent === "how-many" && !f.hasNumber) return 0.4;
  if (q.intent === "when" && !f.fact.date) return 0.5;
  // "Who was the ambassador?" wants a person's name; a fact naming nobody cannot say.
  if (q.asksForPerson && f.fact.people.length === 0) return 0.4;
  // "Who is the current …": an event decades old does not say who it is now.
  if (q.asksForNow && f.fact.date && f.fact.date.max < index.latestDate - RECENT_MS) return 0.5;
  return 1;
}

function intentBonus(q: ParsedQuestion, f: IndexedFact): number {
  const { fact } = f;
  // "…visited Afghanistan", "aid to Afghanistan": a destination named in the question
  // prefers facts that have the same destination, which tells the two directions apart.
  const direction = q.destinations.some((d) => f.destinations.has(d)) ? 0.05 : 0;
  switch (q.intent) {
    case "when":
      return direction + (fact.date ? 0.05 : -0.1);
    case "who":
      return direction + (fact.people.length > 0 ? 0.05 : 0);
    case "where":
      return direction + (fact.places.length > 0 ? 0.05 : 0);
    case "how-many":
      return direction + (f.hasNumber ? 0.1 : 0);
    default:
      return direction;
  }
}

/**
 * Candidates for a pool too large to scan: the facts holding the question's rarer terms,
 * found through the inverted index, most weight first, at most `limit`. The cost follows
 * the matches, not the size of the knowledge.
 */
export function postingCandidates(
  index: KnowledgeIndex,
  terms: readonly QueryTerm[],
  accept: (f: IndexedFact) => boolean,
  limit: number,
): IndexedFact[] {
  // Words in more than 5 % of the facts ("visit", "relations") would pull in most of the
  // index; they still count when the candidates are ranked, just not to find them.
  const common = Math.max(200, index.facts.length * 0.05);
  const expansions = terms
    .flatMap((t) => [...t.expansions].map(([term, quality]) => ({ term, weight: t.weight * quality })))
    .map((x) => ({ ...x, df: index.documentFrequency(x.term) }))
    .filter((x) => x.df > 0)
    .sort((a, b) => a.df - b.df);
  const used = expansions.some((x) => x.df <= common)
    ? expansions.filter((x) => x.df <= common)
    : expansions.slice(0, 1);
  const hits = new Map<number, number>();
  for (const { term, weight } of used) {
    for (const ordinal of index.postingsOf(term)) hits.set(ordinal, (hits.get(ordinal) ?? 0) + weight);
  }
  const out: Array<[IndexedFact, number]> = [];
  for (const [ordinal, weight] of hits) {
    const f = index.facts[ordinal]!;
    if (accept(f)) out.push([f, weight]);
  }
  return out
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([f]) => f);
}
