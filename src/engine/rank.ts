/**
 * Scoring facts against a question. `coverage` — the share of the question's weighted
 * meaning a fact covers — decides whether to answer; `score` adds tie-breakers to order
 * the candidates. A fact that lacks something the question requires (a name, the event
 * asked about, an office, the direction) is `blocked`: it may be offered as the nearest
 * fact, never given as the answer.
 */
import type { IndexedFact, KnowledgeIndex } from "../index/knowledge-index.ts";
import { conflicts, withinRelation, type Direction } from "../language/direction.ts";
import type { Relation } from "../knowledge/types.ts";
import { roleAnswers } from "../language/roles.ts";
import { dateInPeriod, type Period } from "../knowledge/dates.ts";
import { specOf } from "./intents.ts";
import type { ParsedQuestion } from "./question.ts";
import type { QueryTerm } from "./terms.ts";

/** Why a fact cannot answer although its words match. */
export type Block =
  | { readonly kind: "term"; readonly term: QueryTerm }
  | { readonly kind: "role" }
  | { readonly kind: "holder" }
  | { readonly kind: "direction" };

export interface Scored {
  readonly f: IndexedFact;
  /** Share of the weighted question the fact covers (confidence). */
  readonly coverage: number;
  /** Coverage plus tie-breaking bonuses (ranking). */
  readonly score: number;
  /** Set when the fact lacks something the question requires. */
  readonly blocked?: Block | undefined;
  /** The question's content terms the fact holds, one bit per term (the first 31). */
  readonly held: number;
}

/** A period the question gives counts as one more term, as telling as a fairly rare word. */
const DATE_WEIGHT = 3;
/** A kind of office the question mentions ("the Afghan royals") counts as a fairly rare word. */
const ROLE_WEIGHT = 2.5;
/**
 * A word found only in the relation's title or the section name (weight < 1) says little
 * about the fact: it covers the question in part. Names and events must be the fact's own.
 */
const OWN_FIELD = 1;
/**
 * What the answering fact must hold is held only through a fair stand-in: a distant relative
 * ("declare" → "country", through two dictionary steps) does not hold the event asked about.
 */
const REQUIRED_QUALITY = 0.55;
/** A capital named by a fact only through its country (the action goes there) holds it in part. */
const PLACE_BY_COUNTRY = 0.7;

/** Scores every fact of `candidates` that matches anything; best first. */
export function rank(
  index: KnowledgeIndex,
  candidates: readonly IndexedFact[],
  terms: readonly QueryTerm[],
  q: ParsedQuestion,
  period: Period | undefined,
): Scored[] {
  const roleWeight = q.softRoles.length * ROLE_WEIGHT;
  const confidenceWeight = terms.reduce((s, t) => s + (t.rankOnly ? 0 : t.weight), 0) + roleWeight;
  const dateWeight = period ? DATE_WEIGHT : 0;
  const spec = specOf(q.intent);
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
  // A question's direction completed within each relation ("visited Japan" is a visit from
  // the other party), once per relation rather than per fact.
  const directions = new Map<Relation, Direction>();
  const directionIn = (r: Relation) => {
    let d = directions.get(r);
    if (!d) {
      d = withinRelation(
        q.direction,
        r.parties.map((p) => p.code),
      );
      directions.set(r, d);
    }
    return d;
  };
  const best = new Float64Array(terms.length);
  const fieldWeight = new Float64Array(terms.length);
  // The best stand-in for each term among the fact's own fields (not the title or section).
  const ownQuality = new Float64Array(terms.length);
  const out: Scored[] = [];
  const { start, ids, weights } = index.factTerms;
  for (const f of candidates) {
    best.fill(0);
    fieldWeight.fill(0);
    ownQuality.fill(0);
    for (let k = start[f.ordinal]!, end = start[f.ordinal + 1]!; k < end; k++) {
      const hits = lookup.get(ids[k]!);
      if (!hits) continue;
      const w = weights[k]! / 10;
      for (const [i, quality] of hits) {
        const m = quality * Math.min(1, w);
        if (m > best[i]!) best[i] = m;
        if (w > fieldWeight[i]!) fieldWeight[i] = w;
        if (w >= OWN_FIELD && quality > ownQuality[i]!) ownQuality[i] = quality;
      }
    }
    let covered = 0;
    let ranked = 0;
    let blocked: Block | undefined;
    let held = 0;
    terms.forEach((t, i) => {
      if (t.place !== undefined && best[i] === 0 && f.meaning.direction.targets.has(t.place)) {
        best[i] = PLACE_BY_COUNTRY;
        fieldWeight[i] = OWN_FIELD;
        ownQuality[i] = PLACE_BY_COUNTRY;
      }
      const m = best[i]!;
      if (t.required && !t.rankOnly && ownQuality[i]! < REQUIRED_QUALITY)
        blocked ??= { kind: "term", term: t };
      if (m === 0) return;
      if (!t.rankOnly && i < 31) held |= 1 << i;
      if (!t.rankOnly) covered += t.weight * m;
      ranked += t.weight * m * (1 + 0.15 * Math.min(fieldWeight[i]! - 1, 2));
    });
    const inPeriod = period && f.fact.date && dateInPeriod(f.fact.date, period) ? dateWeight : 0;
    for (const soft of q.softRoles)
      if (f.meaning.roles.some((h) => roleAnswers(soft, h.role))) {
        covered += ROLE_WEIGHT;
        ranked += ROLE_WEIGHT;
      }
    if (ranked === 0 && inPeriod === 0) continue;
    blocked ??= agreement(q, f, directionIn(f.relation)) ?? eventActor(q, f, terms);
    const fit = spec.fit(q, f, index);
    const coverage = (fit * (covered + inPeriod)) / (confidenceWeight + dateWeight || 1);
    const direction =
      q.direction.targets.size > 0 && [...q.direction.targets].some((d) => f.meaning.direction.targets.has(d))
        ? 0.05
        : 0;
    const score = coverage + 0.1 * (ranked / (confidenceWeight || 1)) + spec.bonus(f) + direction;
    out.push({ f, coverage, score, blocked, held });
  }
  return out.sort((a, b) => b.score - a.score || a.f.ordinal - b.f.ordinal);
}

/**
 * The offices and direction a question names must be the fact's own: "the Japanese prime
 * minister visited Afghanistan" is not answered by an Afghan prime minister visiting Japan,
 * "who was the ambassador" not by a fact that names no ambassador.
 */
function agreement(q: ParsedQuestion, f: IndexedFact, asked: Direction): Block | undefined {
  const held = f.meaning.roles;
  for (const asked of q.roles) {
    const holders = held.filter((h) => roleAnswers(asked, h.role));
    if (holders.length === 0) return { kind: "role" };
    // "Japan's foreign minister": the fact's foreign minister must be Japan's. When the fact
    // does not say whose, but names another office as that country's (the *Japanese*
    // ambassador met the Taliban's foreign minister), the country's person is someone else.
    const owner = q.roleCountries.get(asked);
    if (owner !== undefined && !holders.some((h) => h.country === owner)) {
      if (holders.every((h) => h.country !== undefined)) return { kind: "role" };
      if (held.some((h) => h.country === owner)) return { kind: "role" };
    }
    if (q.asksForPerson && !holders.some((h) => h.holder)) return { kind: "holder" };
  }
  if (conflicts(asked, f.meaning.direction)) return { kind: "direction" };
  return undefined;
}

/**
 * The event asked about, where the fact names it as another country's: "When did Japan
 * invade Afghanistan?" against "after the Soviet invasion of Afghanistan, Japan closed …".
 */
function eventActor(q: ParsedQuestion, f: IndexedFact, terms: readonly QueryTerm[]): Block | undefined {
  const actors = f.meaning.eventActors;
  if (q.subject === undefined || actors.length === 0) return undefined;
  for (const t of terms) {
    if (t.kind !== "event") continue;
    for (const [noun, code] of actors)
      if (code !== q.subject && t.expansions.has(noun)) return { kind: "direction" };
  }
  return undefined;
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
