/**
 * The answering engine: question in, Answer out. It knows nothing of Discord.
 *
 * Pipeline: parse the question (intent, period, event anchors, countries, content
 * words) → scope (the relation named, or the pair of countries: a map lookup) → narrow
 * by period (binary search) → expand each content word against the index's vocabulary
 * (exact, synonym, prefix, typo) → score the narrowed facts → answer only when the best
 * fact covers enough of the question's weighted meaning; otherwise say so and offer the
 * nearest facts.
 */
import type { IndexedFact, KnowledgeIndex } from "../index/knowledge-index.ts";
import { dateInPeriod, type Period } from "../knowledge/dates.ts";
import type { Fact, Relation, Source } from "../knowledge/types.ts";
import { gazetteer } from "../text/countries.ts";
import { isStopWord, words } from "../text/normalize.ts";
import { indexTerms } from "../index/knowledge-index.ts";
import { intersect } from "./periods.ts";
import { parseQuestion } from "./question.ts";
import { postingCandidates, rank, type Scored } from "./rank.ts";
import { countryScope, namedScope, type Scope } from "./scope.ts";
import { contentTerms, expansionsOf, type QueryTerm } from "./terms.ts";
import type { Answer, AnswerKind, Citation } from "./types.ts";

export interface EngineOptions {
  /** Minimum share of the question's weighted terms the best fact must cover. */
  readonly threshold?: number;
  /** Facts shown in a period list before "and N more". */
  readonly listLimit?: number;
  /** Pools up to this size are scanned; larger ones are searched through the inverted index. */
  readonly scanLimit?: number;
}

const DEFAULTS = { threshold: 0.5, listLimit: 5, scanLimit: 2000 } as const;
type Options = { readonly threshold: number; readonly listLimit: number; readonly scanLimit: number };

/** Answers one question from the index. Never throws on any input string. */
export function answerQuestion(index: KnowledgeIndex, raw: string, options: EngineOptions = {}): Answer {
  const opts: Options = { ...DEFAULTS, ...options };
  const q = parseQuestion(typeof raw === "string" ? raw : "", { personWords: index.personWords });
  const base: Base = { question: raw, intent: q.intent, version: index.version };
  if (!/[\p{L}\p{N}]/u.test(q.text)) return miss(base, "empty", [], undefined);

  // 1. Scope: a relation named by its title or an alias (日本とアフガニスタンの関係), or
  //    by the countries named.
  const codes = [...new Set(q.countries.map((c) => c.country.code))];
  const named = index.findRelationNamed(q.text);
  const scope = named ? namedScope(index, named.relation) : countryScope(index, codes);
  const relation = scope.relations.length === 1 ? scope.relations[0] : undefined;
  const uncovered = (suggestions: readonly Fact[], period: Period | undefined, confidence = 0): Answer => ({
    ...miss(base, "uncovered", suggestions, period),
    countries: codes.map((c) => gazetteer().byId(c)?.name ?? c),
    confidence,
  });

  // 2. Period, including "after <event>" anchors resolved against the scope.
  let period = q.period;
  const anchorWords = new Set<string>();
  for (const anchor of q.anchors) {
    const event = resolveAnchor(index, scope, anchor.phrase, opts);
    if (!event?.date) continue;
    const bound: Period =
      anchor.direction === "after"
        ? { min: event.date.min, max: 8.64e15, label: `after ${anchor.phrase}` }
        : { min: -8.64e15, max: event.date.max, label: `before ${anchor.phrase}` };
    period = period ? intersect(period, bound) : bound;
    for (const w of words(anchor.phrase)) anchorWords.add(w);
  }

  // 3. Content terms; the words that named the relation are its name, not the question.
  const aliasWords = named?.words ?? new Set<string>();
  const terms = contentTerms(index, q, anchorWords, aliasWords);
  const confidenceTerms = terms.filter((t) => !t.rankOnly);

  // 4. Narrow: the scope's facts within the period that involve every country named.
  //    Without a scope, the period comes from the date index; when even that is too many
  //    to list, candidates come from the inverted index (pool stays undefined).
  const accept = (f: IndexedFact) =>
    (!period || (f.fact.date !== null && dateInPeriod(f.fact.date, period))) &&
    scope.required.every((c) => f.countries.has(c));
  const inScope = (f: IndexedFact) => scope.member(f) && accept(f);
  let pool: readonly IndexedFact[] | undefined;
  if (scope.facts) pool = scope.facts.filter(accept);
  else if (period) pool = index.factsInPeriod(period, opts.scanLimit)?.filter(accept);

  if (pool?.length === 0) {
    if (scope.uncovered) {
      const nearest = searchIn(index, scope.fallback, () => true, terms, q, period, opts);
      return uncovered(
        nearest.slice(0, 3).map((s) => s.f.fact),
        period,
      );
    }
    const nearest = period ? index.nearestInTime(period, 3, (f) => scope.member(f)).map((f) => f.fact) : [];
    return { ...miss(base, "unknown", nearest, period), relation };
  }

  // 5. Nothing to match but a period or a relation: list what happened.
  if (confidenceTerms.length === 0) {
    if (period || codes.length > 0 || scope.named) {
      const all = pool ?? (period ? (index.factsInPeriod(period) ?? []).filter(inScope) : []);
      return list(index, base, all, period, relation, opts.listLimit);
    }
    return miss(base, "unknown", [], period);
  }

  // 6. Rank and decide.
  const ranked = searchIn(index, pool, inScope, terms, q, period, opts);
  const best = ranked[0];
  if (!best || best.coverage < opts.threshold) {
    const suggestions = ranked
      .filter((s) => s.coverage > 0)
      .slice(0, 3)
      .map((s) => s.f.fact);
    const nearest =
      suggestions.length > 0 || !period
        ? suggestions
        : index.nearestInTime(period, 3, inScope).map((f) => f.fact);
    const confidence = best?.coverage ?? 0;
    if (scope.uncovered) return uncovered(nearest, period, confidence);
    return { ...miss(base, "unknown", nearest, period), relation, confidence };
  }
  if (q.intent === "list" && period) {
    // "What visits happened in the 1970s?": every fact of the period that matches.
    const matching = ranked.filter((s) => s.coverage >= opts.threshold).map((s) => s.f);
    if (matching.length > 1) return list(index, base, matching, period, relation, opts.listLimit);
  }
  const chosen = preferByOrder(q.text, ranked, best, opts.threshold);
  return found(index, base, "fact", [chosen.f.fact], 0, period, chosen.f.relation, chosen.coverage);
}

/** Ranks a pool small enough to scan, or else the candidates the inverted index finds. */
function searchIn(
  index: KnowledgeIndex,
  pool: readonly IndexedFact[] | undefined,
  member: (f: IndexedFact) => boolean,
  terms: readonly QueryTerm[],
  q: ReturnType<typeof parseQuestion>,
  period: Period | undefined,
  opts: Options,
): Scored[] {
  const candidates =
    pool && pool.length <= opts.scanLimit
      ? pool
      : postingCandidates(index, terms, member, opts.scanLimit / 4);
  return rank(index, candidates, terms, q, period);
}

/** The fact an event phrase ("the Fall of Kabul") names: the best match; among equals, the earliest. */
function resolveAnchor(index: KnowledgeIndex, scope: Scope, phrase: string, opts: Options): Fact | undefined {
  const anchor = parseQuestion(phrase, { personWords: index.personWords });
  const terms = contentTerms(index, anchor, new Set());
  if (terms.length === 0) return undefined;
  const ranked = searchIn(
    index,
    scope.facts ?? undefined,
    scope.member,
    terms,
    anchor,
    undefined,
    opts,
  ).filter((s) => s.coverage >= Math.max(opts.threshold, 0.75) && s.f.fact.date);
  const best = ranked[0];
  if (!best) return undefined;
  const close = ranked.filter((s) => s.score >= best.score - 0.05);
  close.sort((a, b) => a.f.fact.date!.min - b.f.fact.date!.min);
  return close[0]?.f.fact;
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
  const citations = citationsFor(index.sourceById, facts);
  return {
    ...base,
    answered: true,
    kind,
    facts,
    more,
    suggestions: [],
    citations,
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
  if (pool.length === 0) return miss(base, "unknown", [], period);
  const ordered = [...pool].sort((a, b) => a.ordinal - b.ordinal).map((f) => f.fact);
  const shown = ordered.slice(0, limit);
  const kind = shown.length === 1 ? "fact" : "list";
  return found(index, base, kind, shown, ordered.length - shown.length, period, relation, 1);
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

/**
 * Facts matching partly typed text, for autocomplete: the last word counts as a prefix of
 * any word the facts use ("establ" → established), the others as whole words (typos
 * allowed). Scored through the inverted index, so it stays fast at any size.
 */
export function suggestFacts(index: KnowledgeIndex, partial: string, limit = 25): Fact[] {
  const ws = words(partial.slice(0, 200)).filter((w) => !isStopWord(w));
  if (ws.length === 0) return index.facts.slice(0, limit).map((f) => f.fact);
  const scores = new Map<number, number>();
  const add = (term: string, weight: number) => {
    for (const ordinal of index.postingsOf(term)) scores.set(ordinal, (scores.get(ordinal) ?? 0) + weight);
  };
  const n = Math.max(index.facts.length, 1);
  const idf = (term: string) => Math.log(1 + n / (index.documentFrequency(term) + 0.5));
  ws.forEach((word, i) => {
    const last = i === ws.length - 1;
    const terms = new Map<string, number>();
    if (last) {
      let k = 0;
      for (const [, stemOf] of index.surface.atPrefix(word)) {
        terms.set(stemOf, Math.max(terms.get(stemOf) ?? 0, 1));
        if (++k >= 20) break;
      }
    }
    const [term] = indexTerms(word);
    if (term)
      for (const [t, quality] of expansionsOf(index, term, word))
        terms.set(t, Math.max(terms.get(t) ?? 0, quality));
    for (const [t, quality] of terms) add(t, quality * idf(t));
  });
  return [...scores]
    .sort((a, b) => b[1] - a[1] || a[0] - b[0])
    .slice(0, limit)
    .map(([ordinal]) => index.facts[ordinal]!.fact);
}
