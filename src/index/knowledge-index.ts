/**
 * The searchable form of the knowledge. Built once per knowledge version and never
 * mutated: a reload builds a new index beside the live one and swaps the reference.
 *
 * Retrieval narrows before it ranks: relations are found by a map lookup on the pair of
 * countries, periods by binary search over facts sorted by date, and only the narrowed
 * pool is scored. The global MiniSearch index is used when nothing narrows a question
 * (no country, no period) and the pool would otherwise be the whole knowledge.
 */
import MiniSearch from "minisearch";
import SearchableMap from "minisearch/SearchableMap";
import type { Period } from "../knowledge/dates.ts";
import type { Fact, Knowledge, Relation, Source } from "../knowledge/types.ts";
import { destinationsIn, gazetteer } from "../text/countries.ts";
import { isKanaFunctionWord, isStopWord, stem, words } from "../text/normalize.ts";

/** How much a term found in each field counts when ranking (not for confidence). */
export const FIELD_WEIGHTS = {
  statement: 1,
  people: 1.5,
  places: 1.2,
  tags: 1.2,
  keywords: 1,
  section: 0.3,
  relation: 0.3,
} as const;
type Field = keyof typeof FIELD_WEIGHTS;

export interface IndexedFact {
  readonly fact: Fact;
  readonly relation: Relation;
  /** Position in `facts` (date order). */
  readonly ordinal: number;
  /** Index term → sum of the weights of the fields it occurs in. */
  readonly terms: ReadonlyMap<string, number>;
  /** Countries this fact involves: its relation's parties and any named in its text. */
  readonly countries: ReadonlySet<string>;
  /** The statement contains a number other than its date (for "how many" questions). */
  readonly hasNumber: boolean;
  /** Countries the statement names as a destination ("visited Japan", "donor to Afghanistan"). */
  readonly destinations: ReadonlySet<string>;
}

/** Turns a field's text into index terms (stop words dropped, stemmed). */
export function indexTerms(text: string): string[] {
  const out: string[] = [];
  for (const w of words(text)) {
    if (isStopWord(w) || isKanaFunctionWord(w)) continue;
    out.push(stem(w));
  }
  return out;
}

/** Key of a relation by its two countries, order-independent. */
export function pairKey(a: string, b: string): string {
  return a < b ? `${a}-${b}` : `${b}-${a}`;
}

export interface BuildOptions {
  /** Called between chunks of work so a reload never blocks the event loop for long. */
  readonly yieldEvery?: number;
}

export class KnowledgeIndex {
  readonly facts: readonly IndexedFact[];
  readonly byId: ReadonlyMap<string, IndexedFact>;
  readonly byRelation: ReadonlyMap<string, readonly IndexedFact[]>;
  readonly relationByPair: ReadonlyMap<string, Relation>;
  readonly relationsByCountry: ReadonlyMap<string, readonly Relation[]>;
  readonly relationById: ReadonlyMap<string, Relation>;
  readonly sourceById: ReadonlyMap<string, Source>;
  /** The latest instant any fact's date reaches (for questions about "now"). */
  readonly latestDate: number;
  /** Dated facts sorted by the start of their date, for period lookups. */
  readonly dated: readonly IndexedFact[];
  private readonly shortDated: readonly IndexedFact[];
  private readonly longDated: readonly IndexedFact[];
  /** Index term → ordinals of the facts containing it (the inverted index). */
  private readonly postings: ReadonlyMap<string, Int32Array>;
  /** Every index term → number of facts containing it (also the fuzzy/prefix lexicon). */
  readonly vocabulary: SearchableMap<number>;
  /** Full-text index over all facts, for questions nothing else narrows. */
  readonly search: MiniSearch<SearchDoc>;
  /** Every folded word as written in the facts → its index term, for typo matching. */
  readonly surface: SearchableMap<string>;
  /** Relation titles and aliases as word sequences, by their first word. */
  private readonly aliasesByFirstWord: ReadonlyMap<string, ReadonlyArray<readonly [string[], Relation]>>;
  /** Folded words of people's names, e.g. "togo" (so the admiral is not taken for the country). */
  readonly personWords: ReadonlySet<string>;

  private constructor(
    readonly knowledge: Knowledge,
    facts: IndexedFact[],
    search: MiniSearch<SearchDoc>,
  ) {
    this.facts = facts;
    this.search = search;
    this.byId = new Map(facts.map((f) => [f.fact.id, f]));
    this.relationById = new Map(knowledge.relations.map((r) => [r.id, r]));
    this.sourceById = new Map(knowledge.sources.map((s) => [s.id, s]));
    const byRelation = new Map<string, IndexedFact[]>();
    for (const f of facts) {
      const list = byRelation.get(f.relation.id) ?? [];
      list.push(f);
      byRelation.set(f.relation.id, list);
    }
    this.byRelation = byRelation;
    const byCountry = new Map<string, Relation[]>();
    const byPair = new Map<string, Relation>();
    for (const r of knowledge.relations) {
      const [a, b] = r.parties;
      byPair.set(pairKey(a.code, b.code), r);
      for (const c of [a.code, b.code]) byCountry.set(c, [...(byCountry.get(c) ?? []), r]);
    }
    this.relationByPair = byPair;
    this.relationsByCountry = byCountry;
    this.dated = facts.filter((f) => f.fact.date).sort((x, y) => x.fact.date!.min - y.fact.date!.min);
    this.latestDate = this.dated.reduce(
      (max, f) => Math.max(max, Math.min(f.fact.date!.max, Date.now())),
      -8.64e15,
    );
    this.shortDated = this.dated.filter((f) => f.fact.date!.max - f.fact.date!.min <= SHORT_SPAN_MS);
    this.longDated = this.dated.filter((f) => f.fact.date!.max - f.fact.date!.min > SHORT_SPAN_MS);
    const lists = new Map<string, number[]>();
    for (const f of facts) {
      for (const t of f.terms.keys()) {
        const list = lists.get(t);
        if (list) list.push(f.ordinal);
        else lists.set(t, [f.ordinal]);
      }
    }
    const vocabulary = new SearchableMap<number>();
    const postings = new Map<string, Int32Array>();
    for (const [t, list] of lists) {
      vocabulary.set(t, list.length);
      postings.set(t, Int32Array.from(list));
    }
    this.vocabulary = vocabulary;
    this.postings = postings;
    const aliases = new Map<string, Array<readonly [string[], Relation]>>();
    for (const r of knowledge.relations) {
      for (const name of [r.title, ...r.aliases]) {
        const ws = words(name);
        if (ws.length < 2) continue;
        aliases.set(ws[0]!, [...(aliases.get(ws[0]!) ?? []), [ws, r] as const]);
      }
    }
    this.aliasesByFirstWord = aliases;
    const surface = new SearchableMap<string>();
    for (const f of facts) {
      const { fact } = f;
      for (const text of [fact.statement, ...fact.people, ...fact.places, ...fact.keywords]) {
        for (const w of words(text)) if (!isStopWord(w) && !surface.has(w)) surface.set(w, stem(w));
      }
    }
    this.surface = surface;
    this.personWords = new Set(facts.flatMap((f) => f.fact.people.flatMap((p) => words(p))));
  }

  /** Builds the index synchronously (tests, the CLI, small knowledge). */
  static build(knowledge: Knowledge): KnowledgeIndex {
    const relations = new Map(knowledge.relations.map((r) => [r.id, r]));
    const facts = knowledge.facts.map((fact, i) => indexFact(relations, fact, i));
    const search = newSearch();
    search.addAll(facts.map(toDoc));
    return new KnowledgeIndex(knowledge, facts, search);
  }

  /** Builds the index in chunks, yielding to the event loop between them (reloads in the bot). */
  static async buildAsync(knowledge: Knowledge, options: BuildOptions = {}): Promise<KnowledgeIndex> {
    const chunk = options.yieldEvery ?? 500;
    const relations = new Map(knowledge.relations.map((r) => [r.id, r]));
    const facts: IndexedFact[] = [];
    for (let i = 0; i < knowledge.facts.length; i++) {
      facts.push(indexFact(relations, knowledge.facts[i]!, i));
      if (i % chunk === chunk - 1) await yieldToEventLoop();
    }
    const search = newSearch();
    await search.addAllAsync(facts.map(toDoc), { chunkSize: chunk });
    return new KnowledgeIndex(knowledge, facts, search);
  }

  get version(): string {
    return this.knowledge.version;
  }

  /** A relation whose title or alias appears in the text, with the words that named it. */
  findRelationNamed(text: string): { relation: Relation; words: ReadonlySet<string> } | undefined {
    const ws = words(text);
    for (let i = 0; i < ws.length; i++) {
      for (const [alias, relation] of this.aliasesByFirstWord.get(ws[i]!) ?? []) {
        if (alias.every((w, j) => ws[i + j] === w)) return { relation, words: new Set(alias) };
      }
    }
    return undefined;
  }

  /** Relations that involve a country. */
  relationsOf(code: string): readonly Relation[] {
    return this.relationsByCountry.get(code) ?? [];
  }

  /** Dated facts overlapping a period, in date order (binary search on the start). */
  factsInPeriod(period: Period): IndexedFact[] {
    // A short date (a day … two centuries) overlapping the period starts at most
    // SHORT_SPAN before it: two binary searches bound the candidates. The few long spans
    // (intervals, "from 2000 BCE onwards") are checked one by one.
    const from = lowerBound(this.shortDated, period.min - SHORT_SPAN_MS);
    const to = upperBound(this.shortDated, period.max);
    const out: IndexedFact[] = [];
    for (let i = from; i < to; i++) {
      const f = this.shortDated[i]!;
      if (f.fact.date!.max >= period.min) out.push(f);
    }
    for (const f of this.longDated)
      if (f.fact.date!.min <= period.max && f.fact.date!.max >= period.min) out.push(f);
    return out.sort((a, b) => a.ordinal - b.ordinal);
  }

  /** Facts containing an index term, by ordinal (ascending). */
  postingsOf(term: string): Int32Array {
    return this.postings.get(term) ?? EMPTY;
  }

  /** Number of facts that contain a term. */
  documentFrequency(term: string): number {
    return this.vocabulary.get(term) ?? 0;
  }
}

const EMPTY = new Int32Array(0);
/** Dates spanning more than this are few (intervals, open ranges) and checked one by one. */
const SHORT_SPAN_MS = 200 * 365.25 * 86_400_000;

/** First index whose date starts at or after `min`. */
function lowerBound(list: readonly IndexedFact[], min: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]!.fact.date!.min < min) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index whose date starts after `max`. */
function upperBound(list: readonly IndexedFact[], max: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]!.fact.date!.min <= max) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

interface SearchDoc {
  id: number;
  statement: string;
  people: string;
  places: string;
  tags: string;
  keywords: string;
  section: string;
  relation: string;
}

function toDoc(f: IndexedFact): SearchDoc {
  const { fact, relation } = f;
  return {
    id: f.ordinal,
    statement: fact.statement,
    people: fact.people.join(" ; "),
    places: fact.places.join(" ; "),
    tags: fact.tags.join(" ").replace(/-/g, " "),
    keywords: fact.keywords.join(" ; "),
    section: fact.section,
    relation: [relation.title, ...relation.aliases].join(" ; "),
  };
}

/** The one place the MiniSearch options are defined (index and queries must agree). */
function newSearch(): MiniSearch<SearchDoc> {
  return new MiniSearch<SearchDoc>({
    fields: ["statement", "people", "places", "tags", "keywords", "section", "relation"],
    storeFields: [],
    tokenize: (text) => words(text),
    processTerm: (term) => (isStopWord(term) || isKanaFunctionWord(term) ? null : stem(term)),
    searchOptions: {
      boost: { ...FIELD_WEIGHTS },
      prefix: (term) => term.length >= 4,
      fuzzy: (term) => (term.length >= 8 ? 2 : term.length >= 5 ? 1 : false),
      combineWith: "OR",
    },
  });
}

function indexFact(relations: ReadonlyMap<string, Relation>, fact: Fact, ordinal: number): IndexedFact {
  // The loader guarantees every fact's relation exists.
  const relation = relations.get(fact.relationId)!;
  const terms = new Map<string, number>();
  const add = (field: Field, text: string) => {
    for (const t of new Set(indexTerms(text))) terms.set(t, (terms.get(t) ?? 0) + FIELD_WEIGHTS[field]);
  };
  add("statement", fact.statement);
  for (const p of fact.people) add("people", p);
  for (const p of fact.places) add("places", p);
  for (const t of fact.tags) add("tags", t.replace(/-/g, " "));
  for (const k of fact.keywords) add("keywords", k);
  add("section", fact.section);
  add("relation", relation.title);
  const countries = new Set<string>(relation.parties.map((c) => c.code));
  const text = [fact.statement, ...fact.people, ...fact.places, ...fact.keywords].join(" ; ");
  for (const m of gazetteer().find(text)) countries.add(m.country.code);
  const statementWithoutDate = fact.statement.replace(/\b\d{4}\b/g, "");
  const folded = words(fact.statement).join(" ");
  const destinations = new Set(destinationsIn(folded, gazetteer().find(fact.statement)));
  return {
    fact,
    relation,
    ordinal,
    terms,
    countries,
    hasNumber: /\d/.test(statementWithoutDate),
    destinations,
  };
}
