/**
 * The answering engine: question in, Answer out. It knows nothing of Discord.
 *
 * Pipeline: split a question of several parts; for each, parse (intent, period, event
 * anchors, countries, direction, offices, content words) → scope (the relation named, or
 * the pair of countries: a map lookup) → narrow by period (binary search) → expand each
 * content word against the index's vocabulary → score the narrowed facts → answer only
 * with a fact that holds everything the question requires and covers enough of its
 * weighted meaning: one fact, a count, every match, or — when two relations answer
 * equally well — the best of each, labelled. Otherwise say so, with what it does hold.
 */
import type { IndexedFact, KnowledgeIndex } from "../index/knowledge-index.ts";
import { dateInPeriod, type Period } from "../knowledge/dates.ts";
import type { Fact, Relation, Source } from "../knowledge/types.ts";
import { conflicts, withinRelation } from "../language/direction.ts";
import { gazetteer } from "../text/countries.ts";
import { isStopWord, words } from "../text/normalize.ts";
import { indexTerms } from "../index/knowledge-index.ts";
import { specOf } from "./intents.ts";
import { intersect } from "./periods.ts";
import { cleanQuestion, parseQuestion, splitQuestion, type Locale, type ParsedQuestion } from "./question.ts";
import { postingCandidates, rank, type Block, type Scored } from "./rank.ts";
import { countryScope, namedScope, type Scope } from "./scope.ts";
import { contentTerms, expansionsOf, type QueryTerm } from "./terms.ts";
import type { Answer, AnswerKind, Citation, NearMiss } from "./types.ts";

export interface EngineOptions {
  /** Minimum share of the question's weighted terms the best fact must cover. */
  readonly threshold?: number;
  /** Facts shown in a list before "and N more". */
  readonly listLimit?: number;
  /** Pools up to this size are scanned; larger ones are searched through the inverted index. */
  readonly scanLimit?: number;
  /** Answer in this language whatever the question's ("ja" for a Discord user whose locale is Japanese). */
  readonly locale?: Locale | undefined;
}

const DEFAULTS = { threshold: 0.5, listLimit: 5, scanLimit: 2000 } as const;
type Options = {
  readonly threshold: number;
  readonly listLimit: number;
  readonly scanLimit: number;
  readonly locale?: Locale | undefined;
};
/** Facts of one relation scoring within this of the best answer as well as it does. */
const TIE = 0.01;
/** A fact joins a list or count when it covers at least this share of what the best covers. */
const LIST_SHARE = 0.85;
/**
 * A fact that cannot answer (another direction, person or office) but covers this much more
 * of the question than the best one that can — including content the latter lacks — is what
 * the question was about: the lesser fact is another event, and the answer is a refusal.
 */
const OUTCLASSED = 0.2;
/** Relations whose best facts score within this of each other answer "equally well". */
const AMBIGUITY_MARGIN = 0.08;

/** Answers one question from the index. Never throws on any input string. */
export function answerQuestion(index: KnowledgeIndex, raw: string, options: EngineOptions = {}): Answer {
  const opts: Options = { ...DEFAULTS, ...options };
  const text = cleanQuestion(typeof raw === "string" ? raw : "");
  const parts = splitQuestion(text);
  if (parts.length < 2)
    return answerPart(index, parseQuestion(text, { personWords: index.personWords }), raw, opts);
  // "When did X visit Japan, and when did Y?": a part without a verb of its own borrows the
  // first part's words, and a part naming no country keeps the first part's countries.
  const first = parseQuestion(parts[0]!, { personWords: index.personWords });
  const firstAnswer = answerPart(index, first, parts[0]!, opts);
  const answers = parts.map((part, i) => {
    if (i === 0) return firstAnswer;
    const own = parseQuestion(part, { personWords: index.personWords });
    // "…and when did it reopen it?": the relation the first part was answered from.
    const borrowed =
      own.countries.length === 0
        ? (firstAnswer.relation?.title ?? first.countries.map((c) => c.phrase).join(" and "))
        : "";
    const needsVerb = !contentTerms(index, own, new Set()).some(
      (t) => t.kind === "event" || t.kind === "topic",
    );
    const extra = needsVerb ? eventWords(index, first) : "";
    // After ";": the borrowed relation names the scope, not who acts toward whom.
    const completed = [[part.replace(/[?？]\s*$/, ""), extra].filter(Boolean).join(" "), borrowed]
      .filter(Boolean)
      .join("; ");
    return answerPart(index, parseQuestion(completed, { personWords: index.personWords }), part, opts);
  });
  const answered = answers.filter((a) => a.answered);
  const facts = answers.flatMap((a) => a.facts);
  return {
    question: raw,
    answered: answered.length > 0,
    kind: "parts",
    intent: first.intent,
    locale: opts.locale ?? first.locale,
    facts,
    more: 0,
    parts: answers,
    suggestions: [],
    citations: citationsFor(index.sourceById, facts),
    confidence: Math.min(...answers.map((a) => a.confidence)),
    version: index.version,
  };
}

/** The words of a question's event and topic, for a later part that leaves them out. */
function eventWords(index: KnowledgeIndex, q: ParsedQuestion): string {
  return contentTerms(index, q, new Set())
    .filter((t) => t.kind === "event" || t.kind === "topic" || t.kind === "role")
    .map((t) => t.word)
    .join(" ");
}

function answerPart(index: KnowledgeIndex, q: ParsedQuestion, raw: string, opts: Options): Answer {
  const base: Base = {
    question: raw,
    intent: q.intent,
    version: index.version,
    locale: opts.locale ?? q.locale,
  };
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

  // 5. Nothing to match but a period, a relation or an order: list what happened, or give
  //    the earliest or latest fact ("What is the most recent news?").
  if (confidenceTerms.length === 0 && q.roles.length === 0) {
    if (period || codes.length > 0 || scope.named || q.order) {
      // "What did Japan do in 1941?": only what Japan did, not what was done to it.
      const agrees = (f: IndexedFact) =>
        !conflicts(
          withinRelation(
            q.direction,
            f.relation.parties.map((p) => p.code),
          ),
          f.meaning.direction,
        );
      const all = (
        pool ?? (period ? (index.factsInPeriod(period) ?? []).filter(inScope) : index.facts.filter(inScope))
      ).filter(agrees);
      if (q.order && !period) return byOrder(index, base, all, q.order, relation);
      // "How many facts do you hold about Japan and Afghanistan?", "How many events in the 1970s?"
      if (q.intent === "how-many" && all.length > 0)
        return counted(index, base, all, period, relation, opts.listLimit, 1);
      return list(index, base, all, period, relation, opts.listLimit);
    }
    return miss(base, "unknown", [], period);
  }

  // Nothing may answer: "I don't know", with the nearest facts and what a near miss lacks.
  const refuse = (nearest: readonly Fact[], confidence: number, near: NearMiss | undefined): Answer =>
    scope.uncovered
      ? uncovered(nearest, period, confidence)
      : { ...miss(base, "unknown", nearest, period), relation, confidence, near };

  // 6. Rank and decide.
  const ranked = searchIn(index, pool, inScope, terms, q, period, opts);
  const passing = ranked.filter((s) => !s.blocked && s.coverage >= opts.threshold);
  const best = passing[0];
  if (!best) {
    const suggestions = ranked
      .filter((s) => s.coverage > 0)
      .slice(0, 3)
      .map((s) => s.f.fact);
    const nearest =
      suggestions.length > 0 || !period
        ? suggestions
        : index.nearestInTime(period, 3, inScope).map((f) => f.fact);
    return refuse(nearest, ranked[0]?.coverage ?? 0, nearMiss(q, ranked, opts));
  }

  // "When did Japan give money for an earthquake in Afghanistan?": the 1914 donation to Japan
  // holds the earthquake and the giving but goes the other way; the 2012 'second-largest
  // donor' holds only the giving. The question is about the former, so it is not answered.
  const outclassing = ranked.find(
    (s) => s.blocked && s.coverage >= best.coverage + OUTCLASSED && (s.held & ~best.held) !== 0,
  );
  if (outclassing?.blocked) {
    const nearest = [outclassing, ...ranked.filter((s) => s !== outclassing && s.coverage > 0)]
      .slice(0, 3)
      .map((s) => s.f.fact);
    return refuse(nearest, best.coverage, {
      fact: outclassing.f.fact,
      missing: describeBlock(q, outclassing.blocked),
    });
  }

  // Two relations answer about equally well and the question does not say which: show both.
  const byRelation = new Map<Relation, Scored>();
  for (const s of passing) if (!byRelation.has(s.f.relation)) byRelation.set(s.f.relation, s);
  const rivals = [...byRelation.values()].filter((s) => s.score >= best.score - AMBIGUITY_MARGIN);
  const shape = specOf(q.intent).shape(q);
  if (rivals.length > 1 && !scope.named && codes.length < 2 && shape === "fact") {
    const facts = rivals.slice(0, 3).map((s) => s.f);
    return {
      ...found(
        index,
        base,
        "ambiguous",
        facts.map((f) => f.fact),
        0,
        period,
        undefined,
        best.coverage,
      ),
      relationOf: new Map(facts.map((f) => [f.fact.id, f.relation])),
    };
  }

  // A list or count holds the facts that answer nearly as well as the best: one matched only
  // through a loose relative of the word ("meet" for "visits") is another kind of event.
  const answering = passing.filter((s) =>
    shape === "fact" ? s.score >= best.score - 0.35 : s.coverage >= best.coverage * LIST_SHARE,
  );
  if (shape === "count") {
    // "How many artifacts …": one fact that holds the number answers; otherwise count the facts.
    if (answering.length === 1 && best.f.hasNumber)
      return found(index, base, "fact", [best.f.fact], 0, period, best.f.relation, best.coverage);
    return counted(
      index,
      base,
      answering.map((s) => s.f),
      period,
      relation,
      opts.listLimit,
      best.coverage,
    );
  }
  if ((shape === "list" || (q.intent === "list" && period)) && answering.length > 1)
    return list(
      index,
      base,
      answering.map((s) => s.f),
      period,
      relation,
      opts.listLimit,
      best.coverage,
    );
  const chosen = preferByOrder(q, passing, best);
  // Two facts answer exactly as well ("When did Japan close its embassy in Kabul?": 1979 and
  // 2021): both are the answer, in date order; picking one would hide the other.
  const equals = q.order
    ? []
    : passing.filter((s) => s !== best && s.f.relation === best.f.relation && s.score >= best.score - TIE);
  if (equals.length > 0)
    return list(
      index,
      base,
      [best, ...equals].map((s) => s.f),
      period,
      best.f.relation,
      opts.listLimit,
      best.coverage,
    );
  return found(index, base, "fact", [chosen.f.fact], 0, period, chosen.f.relation, chosen.coverage);
}

/** Ranks a pool small enough to scan, or else the candidates the inverted index finds. */
function searchIn(
  index: KnowledgeIndex,
  pool: readonly IndexedFact[] | undefined,
  member: (f: IndexedFact) => boolean,
  terms: readonly QueryTerm[],
  q: ParsedQuestion,
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
  const terms = contentTerms(index, anchor, new Set()).map((t) => ({ ...t, required: false }));
  if (terms.length === 0) return undefined;
  const ranked = searchIn(
    index,
    scope.facts ?? undefined,
    scope.member,
    terms,
    { ...anchor, roles: [] },
    undefined,
    opts,
  ).filter((s) => s.coverage >= Math.max(opts.threshold, 0.75) && s.f.fact.date);
  const best = ranked[0];
  if (!best) return undefined;
  const close = ranked.filter((s) => s.score >= best.score - 0.05);
  close.sort((a, b) => a.f.fact.date!.min - b.f.fact.date!.min);
  return close[0]?.f.fact;
}

/** "When did Japan first close its embassy?": among facts that answer about as well, the earliest (or latest). */
function preferByOrder(q: ParsedQuestion, passing: readonly Scored[], best: Scored): Scored {
  if (!q.order) return best;
  const sign = q.order === "first" ? 1 : -1;
  const close = passing.filter((s) => s.f.fact.date && s.score >= best.score - 0.1);
  close.sort((a, b) => sign * (a.f.fact.date!.min - b.f.fact.date!.min));
  return close[0] ?? best;
}

/**
 * The fact that holds the question's event but not who or what it names — "I hold a 1969
 * visit by King Zahir Shah and Queen Humaira, not one by Queen Elizabeth" — if one comes close.
 */
function nearMiss(q: ParsedQuestion, ranked: readonly Scored[], opts: Options): NearMiss | undefined {
  const near = ranked.find((s) => s.blocked && s.coverage >= opts.threshold * 0.6);
  if (!near?.blocked) return undefined;
  return { fact: near.f.fact, missing: describeBlock(q, near.blocked) };
}

/** What the question names that a blocked fact does not hold, in the question's words. */
function describeBlock(q: ParsedQuestion, block: Block): string {
  switch (block.kind) {
    case "term": {
      // The missing word with the capitalized words around it ("Queen Elizabeth", "President Ghani").
      const tokens = q.text.match(/[\p{L}\p{N}'’-]+/gu) ?? [];
      const at = tokens.findIndex((t) =>
        t
          .toLowerCase()
          .normalize("NFKD")
          .replace(/[\u0300-\u036f]/g, "")
          .startsWith(block.term.word.split(" ")[0]!),
      );
      if (at < 0) return block.term.word;
      let from = at;
      let to = at + block.term.word.split(" ").length;
      if (/^\p{Lu}/u.test(tokens[at]!)) {
        while (from > 1 && /^\p{Lu}/u.test(tokens[from - 1]!)) from--;
        while (to < tokens.length && /^\p{Lu}/u.test(tokens[to]!)) to++;
      }
      return tokens.slice(from, to).join(" ");
    }
    case "role":
    case "holder":
      return q.roles.map((r) => r.name).join(", ");
    case "direction": {
      const name = (codes: ReadonlySet<string>) =>
        [...codes].map((c) => gazetteer().byId(c)?.name ?? c).join(", ");
      const { agents, targets } = q.direction;
      if (agents.size && targets.size) return `from ${name(agents)} to ${name(targets)}`;
      if (targets.size) return `to ${name(targets)}`;
      return `by ${name(agents)}`;
    }
  }
}

type Base = { question: string; intent: Answer["intent"]; version: string; locale: Locale };

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
  const relations = new Map(facts.map((f) => [f.id, index.relationById.get(f.relationId)!]));
  const several = new Set(relations.values()).size > 1;
  return {
    ...base,
    answered: true,
    kind,
    facts,
    more,
    suggestions: [],
    citations,
    period,
    relation: several ? undefined : (relation ?? [...relations.values()][0]),
    relationOf: several ? relations : undefined,
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
  confidence = 1,
): Answer {
  if (pool.length === 0) return miss(base, "unknown", [], period);
  const ordered = [...pool].sort((a, b) => a.ordinal - b.ordinal).map((f) => f.fact);
  const shown = ordered.slice(0, limit);
  const kind = shown.length === 1 ? "fact" : "list";
  return found(index, base, kind, shown, ordered.length - shown.length, period, relation, confidence);
}

function counted(
  index: KnowledgeIndex,
  base: Base,
  matching: readonly IndexedFact[],
  period: Period | undefined,
  relation: Relation | undefined,
  limit: number,
  confidence: number,
): Answer {
  const ordered = [...matching].sort((a, b) => a.ordinal - b.ordinal).map((f) => f.fact);
  const shown = ordered.slice(0, limit);
  return {
    ...found(index, base, "count", shown, ordered.length - shown.length, period, relation, confidence),
    count: ordered.length,
  };
}

/** The earliest or latest dated fact of a pool ("the most recent event between the two countries"). */
function byOrder(
  index: KnowledgeIndex,
  base: Base,
  pool: readonly IndexedFact[],
  order: "first" | "last",
  relation: Relation | undefined,
): Answer {
  const dated = pool.filter((f) => f.fact.date);
  if (dated.length === 0) return miss(base, "unknown", [], undefined);
  const pick =
    order === "first"
      ? dated.reduce((a, b) => (b.fact.date!.min < a.fact.date!.min ? b : a))
      : dated.reduce((a, b) => (b.fact.date!.max > a.fact.date!.max ? b : a));
  return found(index, base, "fact", [pick.fact], 0, undefined, relation ?? pick.relation, 1);
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
