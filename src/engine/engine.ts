/**
 * The answering engine: question in, Answer out. It knows nothing of Discord.
 *
 * Pipeline: parse the question (intent, period, event anchors, countries, content
 * words) → choose the relations in scope (a map lookup on the pair of countries) →
 * narrow by period (binary search) → expand each content word against the index's
 * vocabulary (exact, synonym, prefix, typo) → score the narrowed pool → answer only when
 * the best fact covers enough of the question's weighted meaning; otherwise say so and
 * offer the nearest facts.
 */
import type { Period } from "../knowledge/dates.ts";
import { dateInPeriod } from "../knowledge/dates.ts";
import type { Fact, Relation, Source } from "../knowledge/types.ts";
import { indexTerms, pairKey, type IndexedFact, type KnowledgeIndex } from "../index/knowledge-index.ts";
import { gazetteer } from "../text/countries.ts";
import { editDistance, stem, words } from "../text/normalize.ts";
import { intersect } from "./periods.ts";
import { parseQuestion, type ParsedQuestion } from "./question.ts";
import { synonymsOf } from "./synonyms.ts";
import type { Answer, AnswerKind, Citation } from "./types.ts";

export interface EngineOptions {
  /** Minimum share of the question's weighted terms the best fact must cover. */
  readonly threshold?: number;
  /** Facts shown in a period list before "and N more". */
  readonly listLimit?: number;
  /** Above this pool size, candidates come from the full-text index instead of a scan. */
  readonly scanLimit?: number;
}

const DEFAULTS = { threshold: 0.5, listLimit: 5, scanLimit: 4000 } as const;

// Words that frame a question about this domain but do not tell facts apart.
const FRAME_WORDS = new Set(
  [
    "year",
    "date",
    "time",
    "day",
    "month",
    "ago",
    "long",
    "much",
    "many",
    "number",
    "about",
    "after",
    "before",
    "since",
    "until",
    "till",
    "through",
    "via",
    "during",
    "among",
    "between",
    "against",
    "within",
    "upon",
    "toward",
    "towards",
    "around",
    "onward",
    "onwards",
    "ever",
    "again",
    "later",
    "earlier",
    "exactly",
    "approximately",
    "roughly",
    "happen",
    "kind",
    "sort",
    "type",
    "information",
    "info",
    "detail",
    "details",
    "something",
    "anything",
    "thing",
    "things",
    "fact",
    "facts",
    "bot",
    "kizuna",
    "country",
    "countries",
    "nation",
    "nations",
    "both",
    "two",
    "other",
    "each",
    "one",
    "make",
    "made",
    "take",
    "took",
    "get",
    "got",
  ].map((w) => w),
);

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

interface QueryTerm {
  readonly word: string;
  readonly term: string;
  /** Vocabulary term → how well it stands for this term (1 exact, less for synonyms and typos). */
  readonly expansions: ReadonlyMap<string, number>;
  readonly weight: number;
  /** Counts when ranking but not towards confidence (words of an event anchor). */
  readonly rankOnly: boolean;
}

interface Scored {
  readonly f: IndexedFact;
  /** Share of the weighted question the fact covers (confidence). */
  readonly coverage: number;
  /** Coverage plus tie-breaking bonuses (ranking). */
  readonly score: number;
}

/** Answers one question from the index. Never throws on any input string. */
export function answerQuestion(index: KnowledgeIndex, raw: string, options: EngineOptions = {}): Answer {
  const opts = { ...DEFAULTS, ...options };
  const q = parseQuestion(typeof raw === "string" ? raw : "", { personWords: index.personWords });
  const base = { question: raw, intent: q.intent, version: index.version };
  if (!/[\p{L}\p{N}]/u.test(q.text)) return miss(base, "empty", [], undefined);

  // 1. Scope: a relation named by its title or an alias (日本とアフガニスタンの関係), or
  //    by its pair of countries.
  const mentioned = new Set(q.countries.map((c) => c.country.code));
  const named = index.findRelationNamed(q.text);
  const scope = named ? namedScope(index, named.relation) : chooseScope(index, mentioned);

  // 2. Period, including "after <event>" anchors resolved against the scope.
  let period = q.period;
  const anchorTerms: string[] = [];
  for (const anchor of q.anchors) {
    const resolved = resolveAnchor(index, scope.pool, anchor.phrase, opts);
    if (!resolved?.date) continue;
    const bound: Period =
      anchor.direction === "after"
        ? { min: resolved.date.min, max: 8.64e15, label: `after ${anchor.phrase}` }
        : { min: -8.64e15, max: resolved.date.max, label: `before ${anchor.phrase}` };
    period = period ? intersect(period, bound) : bound;
    anchorTerms.push(...words(anchor.phrase));
  }

  // 3. Content terms: what is left of the question after dates, countries and frame words.
  const anchorWords = new Set(anchorTerms);
  // Native-script names of the relation carry no content words; Latin ones ("…relations") do.
  const aliasWords = new Set([...(named?.words ?? [])].filter((w) => !/^[a-z]+$/.test(w)));
  const queryTerms = contentTerms(index, q, anchorWords, aliasWords);
  const confidenceTerms = queryTerms.filter((t) => !t.rankOnly);

  // 4. Pool: the scope narrowed by period, and facts that involve every named country.
  //    Without a scope the period comes from the date index, not a scan of every fact.
  const required = [...scope.required];
  const accept = (f: IndexedFact) =>
    (!period || (f.fact.date !== null && dateInPeriod(f.fact.date, period))) &&
    required.every((c) => f.countries.has(c));
  const everything = scope.pool === index.facts;
  const pool =
    everything && period
      ? index.factsInPeriod(period).filter(accept)
      : everything && required.length === 0
        ? index.facts
        : scope.pool.filter(accept);
  const rel = singleRelation(scope.relations);

  if (pool.length === 0) {
    if (scope.uncovered) {
      const names = [...mentioned].map((c) => gazetteer().byId(c)?.name ?? c);
      const nearest = search(index, scope.fallback, queryTerms, q, period, opts.scanLimit)
        .slice(0, 3)
        .map((s) => s.f.fact);
      return { ...miss(base, "uncovered", nearest, period), countries: names };
    }
    const nearest = period ? nearestInTime(scope.pool, period) : [];
    return { ...miss(base, "unknown", nearest, period), relation: rel };
  }

  // 5. A period with nothing else to match: list what happened then.
  const listing = confidenceTerms.length === 0 || (q.intent === "list" && period !== undefined);
  if (listing && (period || mentioned.size > 0 || scope.named) && confidenceTerms.length === 0) {
    return list(index, base, pool, period, rel, opts.listLimit);
  }
  if (confidenceTerms.length === 0) {
    return miss(
      base,
      "unknown",
      pool.slice(0, 3).map((f) => f.fact),
      period,
    );
  }

  // 6. Rank the pool and decide.
  const ranked = search(index, pool, queryTerms, q, period, opts.scanLimit, accept);
  const best = ranked[0];
  if (!best || best.coverage < opts.threshold) {
    const suggestions = ranked
      .filter((s) => s.coverage > 0)
      .slice(0, 3)
      .map((s) => s.f.fact);
    const nearest = suggestions.length > 0 ? suggestions : period ? nearestInTime(pool, period) : [];
    if (scope.uncovered) {
      const names = [...mentioned].map((c) => gazetteer().byId(c)?.name ?? c);
      return {
        ...miss(base, "uncovered", nearest, period),
        countries: names,
        confidence: best?.coverage ?? 0,
      };
    }
    return { ...miss(base, "unknown", nearest, period), relation: rel, confidence: best?.coverage ?? 0 };
  }

  if (q.intent === "list" && period) {
    // "What visits happened in the 1970s?": every fact of the period that matches.
    const matching = ranked.filter((s) => s.coverage >= opts.threshold).map((s) => s.f);
    if (matching.length > 1) return list(index, base, matching, period, rel, opts.listLimit);
  }
  const chosen = preferByOrder(q.text, ranked, best, opts.threshold);
  return found(index, base, "fact", [chosen.f.fact], 0, period, chosen.f.relation, chosen.coverage);
}

const FIRST = /\b(?:first|earliest|initially|originally|for the first time)\b/i;
const LAST = /\b(?:last|latest|most recent(?:ly)?|recently|lately)\b/i;

/** "When did Japan first close its embassy?": among facts that answer about as well, the earliest (or latest). */
function preferByOrder(text: string, ranked: readonly Scored[], best: Scored, threshold: number): Scored {
  const order = FIRST.test(text) ? 1 : LAST.test(text) ? -1 : 0;
  if (order === 0) return best;
  const close = ranked.filter(
    (s) => s.f.fact.date && s.coverage >= threshold && s.score >= best.score - 0.05,
  );
  close.sort((a, b) => order * (a.f.fact.date!.min - b.f.fact.date!.min));
  return close[0] ?? best;
}

type Base = { question: string; intent: Answer["intent"]; version: string };

function miss(
  base: Base,
  kind: AnswerKind,
  suggestions: readonly Fact[],
  period: Period | undefined,
): Answer {
  return {
    ...base,
    answered: false,
    kind,
    facts: [],
    more: 0,
    suggestions,
    citations: [],
    period,
    confidence: 0,
  };
}

function found(
  index: KnowledgeIndex,
  base: Base,
  kind: AnswerKind,
  facts: readonly Fact[],
  more: number,
  period: Period | undefined,
  relation: Relation | undefined,
  confidence: number,
): Answer {
  return {
    ...base,
    answered: true,
    kind,
    facts,
    more,
    suggestions: [],
    citations: citationsFor(index.sourceById, facts),
    period,
    relation,
    confidence,
  };
}

function list(
  index: KnowledgeIndex,
  base: Base,
  pool: readonly IndexedFact[],
  period: Period | undefined,
  relation: Relation | undefined,
  limit: number,
): Answer {
  const ordered = [...pool].sort((a, b) => a.ordinal - b.ordinal).map((f) => f.fact);
  const shown = ordered.slice(0, limit);
  return found(
    index,
    base,
    shown.length === 1 ? "fact" : "list",
    shown,
    ordered.length - shown.length,
    period,
    relation,
    1,
  );
}

/** Numbers each distinct (source, section) in order of first use. */
export function citationsFor(sources: ReadonlyMap<string, Source>, facts: readonly Fact[]): Citation[] {
  const out: Citation[] = [];
  for (const fact of facts) {
    if (out.some((c) => c.source.id === fact.sourceId && c.section === fact.section)) continue;
    const source = sources.get(fact.sourceId);
    if (source) out.push({ n: out.length + 1, source, section: fact.section });
  }
  return out;
}

/** The citation number of a fact within an answer's citations. */
export function citationNumber(citations: readonly Citation[], fact: Fact): number | undefined {
  return citations.find((c) => c.source.id === fact.sourceId && c.section === fact.section)?.n;
}

function namedScope(index: KnowledgeIndex, relation: Relation): Scope {
  return {
    relations: [relation],
    pool: index.byRelation.get(relation.id) ?? [],
    required: new Set(),
    uncovered: false,
    fallback: [],
    named: true,
  };
}

interface Scope {
  readonly relations: readonly Relation[];
  readonly pool: readonly IndexedFact[];
  /** Countries every answering fact must involve (named, but not a party of its relation). */
  readonly required: ReadonlySet<string>;
  /** The question names two or more countries and no relation we hold joins them. */
  readonly uncovered: boolean;
  /** Where to look for suggestions when the scope is empty. */
  readonly fallback: readonly IndexedFact[];
  /** The question named the relation itself. */
  readonly named?: boolean;
}

function chooseScope(index: KnowledgeIndex, mentioned: ReadonlySet<string>): Scope {
  const codes = [...mentioned];
  const factsOf = (relations: readonly Relation[]) =>
    relations.flatMap((r) => index.byRelation.get(r.id) ?? []);
  if (codes.length >= 2) {
    const pairs: Relation[] = [];
    for (let i = 0; i < codes.length; i++)
      for (let j = i + 1; j < codes.length; j++) {
        const r = index.relationByPair.get(pairKey(codes[i]!, codes[j]!));
        if (r) pairs.push(r);
      }
    if (pairs.length > 0) {
      const parties = new Set(pairs.flatMap((r) => r.parties.map((p) => p.code)));
      return {
        relations: pairs,
        pool: factsOf(pairs),
        required: new Set(codes.filter((c) => !parties.has(c))),
        uncovered: false,
        fallback: [],
      };
    }
    // No relation joins them: facts of a relation of one of them may still be about the
    // other ("the Soviet invasion"), but only if they name it.
    const near = [...new Set(codes.flatMap((c) => index.relationsOf(c)))];
    const fallback = factsOf(near);
    const pool = fallback.filter((f) => codes.every((c) => f.countries.has(c)));
    return { relations: near, pool, required: new Set(), uncovered: true, fallback };
  }
  if (codes.length === 1) {
    const relations = index.relationsOf(codes[0]!);
    if (relations.length > 0)
      return { relations, pool: factsOf(relations), required: new Set(), uncovered: false, fallback: [] };
    return { relations: [], pool: index.facts, required: new Set(codes), uncovered: false, fallback: [] };
  }
  return {
    relations: index.knowledge.relations,
    pool: index.facts,
    required: new Set(),
    uncovered: false,
    fallback: [],
  };
}

function singleRelation(relations: readonly Relation[]): Relation | undefined {
  return relations.length === 1 ? relations[0] : undefined;
}

/** Expands a stem against the vocabulary: exact, synonyms, prefixes, and typos. */
function expand(index: KnowledgeIndex, term: string, word: string): Map<string, number> {
  const out = new Map<string, number>();
  const put = (t: string, q: number) => {
    if ((out.get(t) ?? 0) < q) out.set(t, q);
  };
  if (index.vocabulary.has(term)) put(term, 1);
  for (const s of synonymsOf(term)) if (index.vocabulary.has(s)) put(s, 0.8);
  if (term.length >= 4 && /^\p{L}+$/u.test(term)) {
    let n = 0;
    for (const [t] of index.vocabulary.atPrefix(term)) {
      if (t !== term) put(t, 0.8);
      if (++n >= 30) break;
    }
    // Typos: one edit up to 7 letters, two beyond; a swap of two letters counts as one.
    const max = term.length >= 8 ? 2 : 1;
    for (const [t] of index.vocabulary.fuzzyGet(term, 2)) {
      if (out.has(t) || t.length < 3) continue;
      const d = Math.min(editDistance(term, t, 2), swapDistance(term, t));
      if (d <= max) put(t, d === 1 ? 0.75 : 0.55);
    }
  }
  // Typos also against the words as written: a misspelled word stems oddly ("relatons"
  // → "relaton"), while its surface form is one letter from "relations".
  if (word.length >= 5 && /^\p{L}+$/u.test(word)) {
    const max = word.length >= 8 ? 2 : 1;
    for (const [surface, [stemOf]] of index.surface.fuzzyGet(word, 2)) {
      if (out.has(stemOf)) continue;
      const d = Math.min(editDistance(word, surface, 2), swapDistance(word, surface));
      if (d <= max && d > 0) put(stemOf, d === 1 ? 0.75 : 0.55);
    }
  }
  return out;
}

/** 1 when b is a with two adjacent letters swapped ("kahn"/"khan"), else Infinity. */
function swapDistance(a: string, b: string): number {
  if (a.length !== b.length) return Infinity;
  const diff: number[] = [];
  for (let i = 0; i < a.length && diff.length <= 2; i++) if (a[i] !== b[i]) diff.push(i);
  const [i, j] = diff;
  return diff.length === 2 && j === i! + 1 && a[i!] === b[j!] && a[j!] === b[i!] ? 1 : Infinity;
}

function contentTerms(
  index: KnowledgeIndex,
  q: ParsedQuestion,
  anchorWords: ReadonlySet<string>,
  skip: ReadonlySet<string> = new Set(),
): QueryTerm[] {
  const n = Math.max(index.facts.length, 1);
  const seen = new Set<string>();
  const out: QueryTerm[] = [];
  for (const word of words(q.residual)) {
    if (FRAME_WORDS.has(word) || skip.has(word) || gazetteer().resolve(word, { codes: false })) continue;
    const [term] = indexTerms(word);
    if (!term || seen.has(term)) continue;
    seen.add(term);
    const expansions = expand(index, term, word);
    // Rarer terms tell facts apart better; a term the knowledge never uses weighs most,
    // so a question mostly about something we do not hold is refused.
    const df =
      expansions.size > 0 ? Math.max(...[...expansions.keys()].map((t) => index.documentFrequency(t))) : 0;
    const weight = Math.log(1 + n / (df + 0.5));
    out.push({ word, term, expansions, weight, rankOnly: anchorWords.has(word) });
  }
  return out;
}

function rank(
  index: KnowledgeIndex,
  pool: readonly IndexedFact[],
  terms: readonly QueryTerm[],
  q: ParsedQuestion,
  period: Period | undefined,
): Scored[] {
  const confidenceWeight = terms.reduce((s, t) => s + (t.rankOnly ? 0 : t.weight), 0);
  // A period the question gives counts as one more term, matched by every fact in it.
  const dateWeight = period ? Math.log(1 + Math.max(index.facts.length, 1) / 1.5) : 0;
  const out: Scored[] = [];
  for (const f of pool) {
    let covered = 0;
    let ranked = 0;
    let missingEvent = false;
    for (const t of terms) {
      let best = 0;
      let fieldWeight = 0;
      for (const [e, quality] of t.expansions) {
        const w = f.terms.get(e);
        // A word found only in the relation's title or the section name (weight < 1)
        // says little about this fact: it covers the question only in part.
        const q = w === undefined ? 0 : quality * Math.min(1, w);
        if (q > best) best = q;
        if (w !== undefined && q > 0) fieldWeight = Math.max(fieldWeight, w);
      }
      if (best === 0) {
        if (!t.rankOnly && EVENT_VERBS.has(t.term)) missingEvent = true;
        continue;
      }
      if (!t.rankOnly) covered += t.weight * best;
      ranked += t.weight * best * (1 + 0.15 * Math.min(fieldWeight - 1, 2));
    }
    const inPeriod = period && f.fact.date && dateInPeriod(f.fact.date, period) ? dateWeight : 0;
    const fit = intentFit(index, q, f) * (missingEvent ? MISSING_EVENT : 1);
    const coverage = (fit * (covered + inPeriod)) / (confidenceWeight + dateWeight || 1);
    if (ranked === 0 && inPeriod === 0) continue;
    const score = coverage + 0.1 * (ranked / (confidenceWeight || 1)) + intentBonus(q, f);
    out.push({ f, coverage, score });
  }
  return out.sort((a, b) => b.score - a.score || a.f.ordinal - b.f.ordinal);
}

/** Some facts cannot answer some questions at all: "how many" needs a number, "when" a date. */
/** How recent a dated fact must be to answer a question about "now": five years before the newest fact. */
const RECENT_MS = 5 * 365.25 * 86_400_000;

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

/** The earliest fact that matches an event phrase well ("the Fall of Kabul"). */
function resolveAnchor(
  index: KnowledgeIndex,
  pool: readonly IndexedFact[],
  phrase: string,
  opts: { threshold: number; scanLimit: number },
): Fact | undefined {
  const threshold = opts.threshold;
  const anchorQuestion = parseQuestion(phrase, { personWords: index.personWords });
  const terms = contentTerms(index, anchorQuestion, new Set());
  if (terms.length === 0) return undefined;
  const ranked = search(index, pool, terms, anchorQuestion, undefined, opts.scanLimit).filter(
    (s) => s.coverage >= Math.max(threshold, 0.75) && s.f.fact.date,
  );
  // The fact that matches the event best; among equally good ones, the earliest (the
  // event itself rather than later facts that mention it).
  const best = ranked[0];
  if (!best) return undefined;
  const close = ranked.filter((s) => s.score >= best.score - 0.05);
  close.sort((a, b) => a.f.fact.date!.min - b.f.fact.date!.min);
  return close[0]?.f.fact;
}

/** Up to three dated facts closest in time to a period (for "nothing in 1950"). */
function nearestInTime(pool: readonly IndexedFact[], period: Period): Fact[] {
  const mid = period.min / 2 + period.max / 2;
  return pool
    .filter((f) => f.fact.date)
    .map((f) => ({ f, d: Math.min(Math.abs(f.fact.date!.min - mid), Math.abs(f.fact.date!.max - mid)) }))
    .sort((a, b) => a.d - b.d)
    .slice(0, 3)
    .map((x) => x.f.fact)
    .sort((a, b) => a.date!.min - b.date!.min);
}

/** Ranking details for one question (diagnostics for tests and tuning). */
export function explain(index: KnowledgeIndex, raw: string) {
  const q = parseQuestion(raw, { personWords: index.personWords });
  const terms = contentTerms(index, q, new Set());
  const ranked = rank(index, index.facts, terms, q, q.period).slice(0, 5);
  return {
    terms: terms.map((t) => ({
      term: t.term,
      weight: +t.weight.toFixed(2),
      expansions: [...t.expansions].slice(0, 6),
    })),
    top: ranked.map((s) => ({
      id: s.f.fact.id,
      coverage: +s.coverage.toFixed(2),
      score: +s.score.toFixed(2),
    })),
  };
}

/**
 * Ranks a pool: a small one is scanned; a large one (an unscoped question over many
 * thousands of facts) is first cut down through the inverted index to the facts that
 * contain the question's rarer terms, so the cost follows the matches, not the size.
 */
function search(
  index: KnowledgeIndex,
  pool: readonly IndexedFact[],
  terms: readonly QueryTerm[],
  q: ParsedQuestion,
  period: Period | undefined,
  scanLimit: number,
  accept: (f: IndexedFact) => boolean = () => true,
): Scored[] {
  if (pool.length <= scanLimit) return rank(index, pool, terms, q, period);
  const inPool = pool === index.facts ? accept : poolMember(pool, accept);
  return rank(index, postingCandidates(index, terms, inPool, scanLimit), terms, q, period);
}

function poolMember(pool: readonly IndexedFact[], accept: (f: IndexedFact) => boolean) {
  const members = new Set(pool);
  return (f: IndexedFact) => members.has(f) && accept(f);
}

/** Facts that hold the question's rarer terms, best-covered first, at most `limit`. */
function postingCandidates(
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

/** Facts matching partly typed text, for autocomplete (prefix on the last word, small typos). */
export function suggestFacts(index: KnowledgeIndex, partial: string, limit = 25): Fact[] {
  const text = partial.slice(0, 200);
  if (!/[\p{L}\p{N}]/u.test(text)) return index.facts.slice(0, limit).map((f) => f.fact);
  const results = index.search.search(text, { prefix: true, fuzzy: 0.2, combineWith: "OR" });
  return results.slice(0, limit).map((r) => index.facts[r.id as number]!.fact);
}
