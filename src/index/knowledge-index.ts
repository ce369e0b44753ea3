/**
 * The searchable form of the knowledge. Built once per knowledge version and never
 * mutated: a reload builds a new index beside the live one and swaps the reference.
 *
 * Retrieval narrows before it ranks: relations are found by a map lookup on the pair of
 * countries, periods by binary search over facts sorted by date, terms through an
 * inverted index (term → facts). The vocabulary — every index term, and every word as
 * written — lives in MiniSearch's radix tree (SearchableMap), which answers the prefix and
 * typo look-ups. A full MiniSearch index was measured (README, Benchmark) at 151 MB and
 * half the build time for 100 000 facts, for nothing the engine does not do already.
 *
 * Building is a generator that yields after every step, so the bot's reload can run it
 * in time slices (buildAsync) and never hold the event loop for more than a few ms. A
 * reload passes the live index: facts the loader reused unchanged (the same objects) take
 * their analysis from it instead of being tokenized again, so editing one relation out of
 * thousands costs little more than copying arrays.
 */
import SearchableMap from "minisearch/SearchableMap";
import type { Period } from "../knowledge/dates.ts";
import type { Fact, Knowledge, Relation, Source } from "../knowledge/types.ts";
import { pacer } from "../pace.ts";
import { gazetteer } from "../text/countries.ts";
import { factMeaning, type FactMeaning } from "./fact-meaning.ts";
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
  /** Position in `facts` (date order); its index terms are at this position in `factTerms`. */
  readonly ordinal: number;
  /** Countries this fact involves: its relation's parties and any named in its text (shared sets). */
  readonly countries: ReadonlySet<string>;
  /** The statement contains a number other than its date (for "how many" questions). */
  readonly hasNumber: boolean;
  /** Who acts toward whom, the offices it names and who holds them, its proper names. */
  readonly meaning: FactMeaning;
}

/** Turns a field's text into index terms (stop words dropped, stemmed). */
export function indexTerms(text: string): string[] {
  return termsOf(words(text));
}

function termsOf(ws: readonly string[]): string[] {
  const out: string[] = [];
  for (const w of ws) if (!isStopWord(w) && !isKanaFunctionWord(w)) out.push(stem(w));
  return out;
}

/**
 * Every fact's index terms, packed: fact `o` has the term ids `ids[start[o]]` …
 * `ids[start[o + 1] - 1]` and, at the same positions, the sum of the weights of the fields
 * each occurs in. Three arrays for the whole index: two typed arrays per fact cost ~70 MB
 * of object headers and allocations at 100 000 facts.
 */
export interface FactTerms {
  readonly start: Int32Array;
  readonly ids: Int32Array;
  /** In tenths (a weight of 1.2 is 12). */
  readonly weights: Uint8Array;
}

/** Key of a relation by its two countries, order-independent. */
export function pairKey(a: string, b: string): string {
  return a < b ? `${a}-${b}` : `${b}-${a}`;
}

/** A fact's analysis as a later build takes it over (`ordinal`: where its terms are in `factTerms`). */
export type PriorFact = Pick<IndexedFact, "fact" | "ordinal" | "countries" | "hasNumber" | "meaning">;

/**
 * What a build can take over from an earlier analysis of the same fact objects: the live
 * index on a reload, or the knowledge cache's copy of one on a restart (src/knowledge/cache.ts).
 */
export interface PriorIndex {
  readonly byId: ReadonlyMap<string, PriorFact>;
  readonly factTerms: FactTerms;
  readonly terms: readonly string[];
  /** Words as written and their index term. */
  readonly surface: Iterable<readonly [string, string]>;
}

export interface BuildOptions {
  /** Longest stretch of work between two yields to the event loop, in ms (buildAsync). */
  readonly sliceMs?: number;
  /**
   * The index being replaced: facts that are the very same objects in both (the loader
   * keeps the facts of unchanged files) reuse its analysis.
   */
  readonly previous?: PriorIndex | undefined;
  /** Told how many facts are indexed so far, at the build's pauses (buildAsync), for progress reports. */
  readonly onProgress?: (factsIndexed: number, facts: number) => void;
}

const EMPTY = new Int32Array(0);
const NO_COUNTRIES: ReadonlySet<string> = new Set();
/** Dates spanning more than this are few (intervals, open ranges) and checked one by one. */
const SHORT_SPAN_MS = 200 * 365.25 * 86_400_000;
/** Expansions remembered per index (the index never changes, so they never go stale). */
const CACHE_LIMIT = 5000;

/** What the builder produces; the index is a read-only view over it. */
interface Parts {
  facts: IndexedFact[];
  byId: Map<string, IndexedFact>;
  relationById: Map<string, Relation>;
  relationByPair: Map<string, Relation>;
  relationsByCountry: Map<string, Relation[]>;
  aliases: Map<string, Array<readonly [string[], Relation]>>;
  dated: IndexedFact[];
  shortDated: IndexedFact[];
  longDated: IndexedFact[];
  latestDate: number;
  termIds: Map<string, number>;
  terms: string[];
  factTerms: FactTerms;
  postingStart: Int32Array;
  postings: Int32Array;
  byRelation: Map<string, IndexedFact[]>;
  byCountry: Map<string, IndexedFact[]>;
  vocabulary: SearchableMap<number>;
  surface: SearchableMap<string>;
  personWords: Map<string, Set<string>>;
  names: Map<string, number>;
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
  /** Every index term → number of facts containing it (also the fuzzy/prefix lexicon). */
  readonly vocabulary: SearchableMap<number>;
  /** Every folded word as written in the facts → its index term, for typo matching. */
  readonly surface: SearchableMap<string>;
  /** Words of people's names → the other words of those names ("togo" → "heihachiro"). */
  readonly personWords: ReadonlyMap<string, ReadonlySet<string>>;
  /** Proper names the facts use (folded words: people, places, other names) → how many facts use each. */
  readonly names: ReadonlyMap<string, number>;
  /** Memo of query-term expansions, owned by the engine. */
  readonly expansionCache = new Map<string, ReadonlyMap<string, number>>();
  /** Each fact's index terms and their field weights, by ordinal. */
  readonly factTerms: FactTerms;

  private readonly shortDated: readonly IndexedFact[];
  private readonly longDated: readonly IndexedFact[];
  /**
   * The inverted index, packed like factTerms: the ordinals of the facts containing term
   * id `t` are `postings[postingStart[t]]` … `postings[postingStart[t + 1] - 1]`, ascending.
   */
  private readonly postingStart: Int32Array;
  private readonly postings: Int32Array;
  private readonly termIds: ReadonlyMap<string, number>;
  /** Term id → term (the next build translates reused facts' term ids with it). */
  readonly terms: readonly string[];
  private readonly factsByCountry: ReadonlyMap<string, readonly IndexedFact[]>;
  /** Relation titles and aliases as word sequences, by their first word. */
  private readonly aliasesByFirstWord: ReadonlyMap<string, ReadonlyArray<readonly [string[], Relation]>>;

  private constructor(
    readonly knowledge: Knowledge,
    parts: Parts,
  ) {
    // Everything is computed by buildSteps, in slices; the constructor only takes it over.
    this.facts = parts.facts;
    this.factTerms = parts.factTerms;
    this.postingStart = parts.postingStart;
    this.postings = parts.postings;
    this.termIds = parts.termIds;
    this.terms = parts.terms;
    this.vocabulary = parts.vocabulary;
    this.surface = parts.surface;
    this.personWords = parts.personWords;
    this.names = parts.names;
    this.byRelation = parts.byRelation;
    this.factsByCountry = parts.byCountry;
    this.byId = parts.byId;
    this.relationById = parts.relationById;
    this.sourceById = new Map(knowledge.sources.map((s) => [s.id, s]));
    this.relationByPair = parts.relationByPair;
    this.relationsByCountry = parts.relationsByCountry;
    this.aliasesByFirstWord = parts.aliases;
    this.dated = parts.dated;
    this.shortDated = parts.shortDated;
    this.longDated = parts.longDated;
    this.latestDate = parts.latestDate;
  }

  /** Builds the index in one go (tests, the CLI, small knowledge). */
  static build(knowledge: Knowledge, previous?: PriorIndex): KnowledgeIndex {
    const steps = buildSteps(knowledge, previous);
    let step = steps.next();
    while (!step.done) step = steps.next();
    return new KnowledgeIndex(knowledge, step.value);
  }

  /** Builds the index in time slices, yielding to the event loop between them (reloads). */
  static async buildAsync(knowledge: Knowledge, options: BuildOptions = {}): Promise<KnowledgeIndex> {
    const pace = pacer(options.sliceMs);
    const steps = buildSteps(knowledge, options.previous);
    const total = knowledge.facts.length;
    let indexed = 0;
    let step = steps.next();
    while (!step.done) {
      if (typeof step.value === "number") indexed = step.value;
      const pause = pace();
      if (pause) {
        options.onProgress?.(indexed, total);
        await pause;
      }
      step = steps.next();
    }
    return new KnowledgeIndex(knowledge, step.value);
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

  /** Facts of the relations that involve a country, in date order. */
  factsOfCountry(code: string): readonly IndexedFact[] {
    return this.factsByCountry.get(code) ?? [];
  }

  /**
   * Dated facts overlapping a period, in date order; undefined when there are more than
   * `limit` (the caller then searches through the inverted index instead of a list).
   */
  factsInPeriod(period: Period, limit = Infinity): IndexedFact[] | undefined {
    // A short date (a day … two centuries) overlapping the period starts at most
    // SHORT_SPAN before it: two binary searches bound the candidates. The few long spans
    // (intervals, "from 2000 BCE onwards") are checked one by one.
    const from = lowerBound(this.shortDated, period.min - SHORT_SPAN_MS);
    const to = upperBound(this.shortDated, period.max);
    if (to - from > limit) return undefined;
    const out: IndexedFact[] = [];
    for (let i = from; i < to; i++) {
      const f = this.shortDated[i]!;
      if (f.fact.date!.max >= period.min) out.push(f);
    }
    let long = false;
    for (const f of this.longDated) {
      if (f.fact.date!.min <= period.max && f.fact.date!.max >= period.min) {
        out.push(f);
        long = true;
      }
    }
    return long ? out.sort((a, b) => a.ordinal - b.ordinal) : out;
  }

  /** Up to `n` dated facts closest in time to a period, in date order. */
  nearestInTime(period: Period, n: number, accept: (f: IndexedFact) => boolean): IndexedFact[] {
    const mid = period.min / 2 + period.max / 2;
    const list = this.dated;
    let lo = lowerBound(list, mid) - 1;
    let hi = lo + 1;
    const out: IndexedFact[] = [];
    const distance = (f: IndexedFact) =>
      Math.min(Math.abs(f.fact.date!.min - mid), Math.abs(f.fact.date!.max - mid));
    // Walk outwards from the middle of the period; bounded so a strict filter cannot scan everything.
    for (let steps = 0; out.length < n && (lo >= 0 || hi < list.length) && steps < 5000; steps++) {
      const left = lo >= 0 ? list[lo] : undefined;
      const right = hi < list.length ? list[hi] : undefined;
      const takeLeft = left && (!right || distance(left) <= distance(right));
      const f = takeLeft ? left : right!;
      if (takeLeft) lo--;
      else hi++;
      if (accept(f)) out.push(f);
    }
    return out.sort((a, b) => a.ordinal - b.ordinal);
  }

  /** Facts containing an index term, by ordinal (ascending). */
  postingsOf(term: string): Int32Array {
    const id = this.termIds.get(term);
    return id === undefined
      ? EMPTY
      : this.postings.subarray(this.postingStart[id], this.postingStart[id + 1]);
  }

  /** The id of an index term (as in IndexedFact.termIds), if any fact has it. */
  termId(term: string): number | undefined {
    return this.termIds.get(term);
  }

  /** Number of facts that contain a term. */
  documentFrequency(term: string): number {
    return this.vocabulary.get(term) ?? 0;
  }

  /** Remembers an expansion (bounded: the oldest half is dropped when full). */
  cacheExpansion(key: string, value: ReadonlyMap<string, number>): void {
    if (this.expansionCache.size >= CACHE_LIMIT) {
      let drop = CACHE_LIMIT / 2;
      for (const k of this.expansionCache.keys()) {
        this.expansionCache.delete(k);
        if (--drop <= 0) break;
      }
    }
    this.expansionCache.set(key, value);
  }
}

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

/**
 * The terms of the facts analyzed by this build (not those reused), in plain arrays (the
 * JS heap): the typed arrays of the index are allocated once, at their exact size, when
 * the build knows it (see `packArrays`). Growing typed arrays while building left the C
 * allocator with holes of every size, which a long-running bot kept as ~100 MB of RSS
 * after a few reloads.
 */
class TermsBuilder {
  private static readonly CHUNK = 1 << 16;
  /** term id × 256 + weight in tenths, per term of every fact. */
  private readonly chunks: number[][] = [];
  /** End of each fact's range. */
  readonly ends: number[] = [];
  length = 0;

  push(id: number, weight: number): void {
    const at = this.length % TermsBuilder.CHUNK;
    if (at === 0) this.chunks.push([]);
    // Field weights are tenths (1, 1.5, 1.2, 0.3 …) and a term's sum stays under 25.5.
    this.chunks[this.chunks.length - 1]!.push(id * 256 + Math.min(255, Math.round(weight * 10)));
    this.length++;
  }

  /** Closes the current fact's range; returns the fact's number in this builder. */
  end(): number {
    return this.ends.push(this.length) - 1;
  }

  /** Packed entry `k` (term id × 256 + weight). */
  at(k: number): number {
    return this.chunks[Math.floor(k / TermsBuilder.CHUNK)]![k % TermsBuilder.CHUNK]!;
  }
}

/** The index's typed arrays, views of a single buffer allocated once per build. */
function packArrays(facts: number, terms: number, entries: number) {
  const buffer = new ArrayBuffer(4 * (facts + 1) + 4 * (terms + 1) + 8 * entries + entries);
  let offset = 0;
  const ints = (n: number) => {
    const view = new Int32Array(buffer, offset, n);
    offset += 4 * n;
    return view;
  };
  const start = ints(facts + 1);
  const postingStart = ints(terms + 1);
  const ids = ints(entries);
  const postings = ints(entries);
  const weights = new Uint8Array(buffer, offset, entries);
  return { factTerms: { start, ids, weights }, postingStart, postings };
}

/** What the build learns of one fact beyond its terms. */
interface Analysis {
  countries: ReadonlySet<string>;
  hasNumber: boolean;
  meaning: FactMeaning;
}

/**
 * Every step of building the index; yields between facts so the caller decides when to
 * pause. The work per new fact: tokenize each field once, collect terms with their field
 * weights, the countries named, the people's names, and the words as written. A fact the
 * previous index holds as the same object copies its terms (ids translated) and analysis.
 */
function* buildSteps(knowledge: Knowledge, previous?: PriorIndex): Generator<number | void, Parts, void> {
  const relations = new Map<string, Relation>();
  const relationByPair = new Map<string, Relation>();
  const relationsByCountry = new Map<string, Relation[]>();
  const aliases = new Map<string, Array<readonly [string[], Relation]>>();
  for (const [i, r] of knowledge.relations.entries()) {
    relations.set(r.id, r);
    const [a, b] = r.parties;
    relationByPair.set(pairKey(a.code, b.code), r);
    for (const c of [a.code, b.code]) {
      const list = relationsByCountry.get(c);
      if (list) list.push(r);
      else relationsByCountry.set(c, [r]);
    }
    for (const name of [r.title, ...r.aliases]) {
      const ws = words(name);
      if (ws.length < 2) continue;
      const list = aliases.get(ws[0]!);
      if (list) list.push([ws, r]);
      else aliases.set(ws[0]!, [[ws, r]]);
    }
    if (i % 100 === 99) yield;
  }
  const byId = new Map<string, IndexedFact>();
  const dated: IndexedFact[] = [];
  const shortDated: IndexedFact[] = [];
  const longDated: IndexedFact[] = [];
  const now = Date.now();
  let latestDate = -8.64e15;
  const facts: IndexedFact[] = [];
  const byRelation = new Map<string, IndexedFact[]>();
  const byCountry = new Map<string, IndexedFact[]>();
  const termIds = new Map<string, number>();
  const terms: string[] = [];
  const termId = (t: string): number => {
    let id = termIds.get(t);
    if (id === undefined) {
      termIds.set(t, (id = terms.length));
      terms.push(t);
    }
    return id;
  };
  const packed = new TermsBuilder();
  // Where each fact's terms come from: the previous index's ordinal (reused), or -1 - its
  // number in `packed` (analyzed now). Reused terms are copied once, into the final arrays.
  const origin = new Int32Array(knowledge.facts.length);
  let entries = 0;
  // Previous term id → this build's id (-1: not seen yet).
  const translated: number[] = new Array<number>(previous?.terms.length ?? 0).fill(-1);
  // Facts mostly involve just their two parties and name no destination: equal sets are shared.
  const countrySets = new Map<string, ReadonlySet<string>>();
  const shared = (codes: Set<string>): ReadonlySet<string> => {
    if (codes.size === 0) return NO_COUNTRIES;
    const key = [...codes].sort().join(",");
    const known = countrySets.get(key);
    if (known) return known;
    countrySets.set(key, codes);
    return codes;
  };
  // Plain maps while building; the radix trees are filled once at the end (a radix-tree
  // look-up per word of every fact was a tenth of the build).
  const surfaceWords = new Map<string, string>();
  const personWords = new Map<string, Set<string>>();
  const names = new Map<string, number>();
  const relationTerms = new Map<string, string[]>();

  for (const [ordinal, fact] of knowledge.facts.entries()) {
    // The loader guarantees every fact's relation exists.
    const relation = relations.get(fact.relationId)!;
    const prior = previous?.byId.get(fact.id);
    let analysis: Analysis;
    if (prior !== undefined && prior.fact === fact && previous !== undefined) {
      // Its terms get their ids in this build now (so the arrays can be sized); copied below.
      const { start, ids } = previous.factTerms;
      for (let k = start[prior.ordinal]!, end = start[prior.ordinal + 1]!; k < end; k++) {
        const old = ids[k]!;
        if (translated[old]! < 0) translated[old] = termId(previous.terms[old]!);
      }
      entries += start[prior.ordinal + 1]! - start[prior.ordinal]!;
      origin[ordinal] = prior.ordinal;
      analysis = prior;
    } else {
      let rel = relationTerms.get(relation.id);
      if (!rel) {
        rel = indexTerms(relation.title);
        relationTerms.set(relation.id, rel);
      }
      const before = packed.length;
      analysis = analyze(fact, relation, rel, packed, termId, shared, surfaceWords);
      entries += packed.length - before;
      origin[ordinal] = -1 - packed.end();
    }
    const indexed: IndexedFact = {
      fact,
      relation,
      ordinal,
      countries: analysis.countries,
      hasNumber: analysis.hasNumber,
      meaning: analysis.meaning,
    };
    for (const name of analysis.meaning.names) names.set(name, (names.get(name) ?? 0) + 1);
    facts.push(indexed);
    byId.set(fact.id, indexed);
    // Facts arrive in date order (the loader sorts them), undated last.
    if (fact.date) {
      dated.push(indexed);
      (fact.date.max - fact.date.min <= SHORT_SPAN_MS ? shortDated : longDated).push(indexed);
      latestDate = Math.max(latestDate, Math.min(fact.date.max, now));
    }
    const inRelation = byRelation.get(relation.id);
    if (inRelation) inRelation.push(indexed);
    else byRelation.set(relation.id, [indexed]);
    for (const c of relation.parties) {
      const list = byCountry.get(c.code);
      if (list) list.push(indexed);
      else byCountry.set(c.code, [indexed]);
    }
    for (const person of fact.people) {
      const ws = words(person);
      for (const w of ws) {
        const others = personWords.get(w) ?? new Set<string>();
        for (const o of ws) if (o !== w) others.add(o);
        personWords.set(w, others);
      }
    }
    // The number of facts analyzed so far: buildAsync reports it as progress.
    yield ordinal + 1;
  }
  const { factTerms, postingStart, postings } = packArrays(facts.length, terms.length, entries);
  const { start, ids, weights } = factTerms;
  let k = 0;
  for (let o = 0; o < facts.length; o++) {
    start[o] = k;
    const from = origin[o]!;
    if (from >= 0) {
      const before = previous!.factTerms;
      for (let j = before.start[from]!, end = before.start[from + 1]!; j < end; j++, k++) {
        ids[k] = translated[before.ids[j]!]!;
        weights[k] = before.weights[j]!;
      }
    } else {
      const n = -1 - from;
      for (let j = n === 0 ? 0 : packed.ends[n - 1]!, end = packed.ends[n]!; j < end; j++, k++) {
        const entry = packed.at(j);
        ids[k] = Math.floor(entry / 256);
        weights[k] = entry % 256;
      }
    }
    for (let j = start[o]!; j < k; j++) postingStart[ids[j]!]!++;
    if ((o & 0x3ff) === 0x3ff) yield;
  }
  start[facts.length] = k;
  // The inverted index is the transpose of factTerms. postingStart holds counts, then each
  // term's end; filling from the last fact backwards leaves it at each term's start and
  // every term's ordinals ascending.
  for (let t = 0, sum = 0; t < terms.length; t++) postingStart[t] = sum += postingStart[t]!;
  postingStart[terms.length] = entries;
  for (let o = facts.length - 1; o >= 0; o--) {
    for (let k = start[o]!, end = start[o + 1]!; k < end; k++) postings[--postingStart[ids[k]!]!] = o;
    if ((o & 0x3ff) === 0) yield;
  }

  // Words as written: those of the facts analyzed now, and the previous index's words whose
  // term is still indexed (the reused facts' words are among them). A word whose facts are
  // gone but whose term lives on stays; it still leads to that term, which is all it is for.
  const surface = new SearchableMap<string>();
  let m = 0;
  if (previous !== undefined)
    for (const [w, st] of previous.surface) {
      if (termIds.has(st) && !surfaceWords.has(w)) surface.set(w, st);
      if (++m % 64 === 0) yield;
    }
  for (const [w, st] of surfaceWords) {
    surface.set(w, st);
    if (++m % 64 === 0) yield;
  }
  const vocabulary = new SearchableMap<number>();
  for (let t = 0; t < terms.length; t++) {
    vocabulary.set(terms[t]!, postingStart[t + 1]! - postingStart[t]!);
    if (t % 64 === 63) yield;
  }
  return {
    facts,
    byId,
    relationById: relations,
    relationByPair,
    relationsByCountry,
    aliases,
    dated,
    shortDated,
    longDated,
    latestDate,
    termIds,
    terms,
    factTerms,
    postingStart,
    postings,
    byRelation,
    byCountry,
    vocabulary,
    surface,
    personWords,
    names,
  };
}

/** Tokenizes a new fact: pushes its terms into `packed`, its words as written into `surfaceWords`. */
function analyze(
  fact: Fact,
  relation: Relation,
  relationTerms: readonly string[],
  packed: TermsBuilder,
  termId: (t: string) => number,
  shared: (codes: Set<string>) => ReadonlySet<string>,
  surfaceWords: Map<string, string>,
): Analysis {
  const terms = new Map<string, number>();
  const add = (field: Field, ws: readonly string[]) => {
    for (const t of new Set(termsOf(ws))) terms.set(t, (terms.get(t) ?? 0) + FIELD_WEIGHTS[field]);
  };
  const statementWords = words(fact.statement);
  // Statements in other languages are searched like the English one ("皇太子" finds 1971).
  const translatedWords = Object.values(fact.statements ?? {}).flatMap((t) => words(t));
  const peopleWords = fact.people.map((p) => words(p));
  const placeWords = fact.places.map((p) => words(p));
  const keywordWords = fact.keywords.map((k) => words(k));
  add("statement", [...statementWords, ...translatedWords]);
  for (const ws of peopleWords) add("people", ws);
  for (const ws of placeWords) add("places", ws);
  for (const t of fact.tags) add("tags", words(t.replace(/-/g, " ")));
  for (const ws of keywordWords) add("keywords", ws);
  add("section", words(fact.section));
  for (const t of new Set(relationTerms)) terms.set(t, (terms.get(t) ?? 0) + FIELD_WEIGHTS.relation);
  for (const [t, w] of terms) packed.push(termId(t), w);

  // Countries: the parties, and any the text names (no typo matching: this text is curated).
  const countries = new Set<string>(relation.parties.map((c) => c.code));
  const named = gazetteer().find(
    [fact.statement, ...fact.people, ...fact.places, ...fact.keywords].join(" ; "),
    {
      typos: false,
    },
  );
  for (const m of named) countries.add(m.country.code);
  for (const ws of [statementWords, ...peopleWords, ...placeWords, ...keywordWords])
    for (const w of ws) if (!surfaceWords.has(w) && !isStopWord(w)) surfaceWords.set(w, stem(w));
  const meaning = factMeaning(fact, relation);
  return {
    countries: shared(countries),
    hasNumber: /\d/.test(fact.statement.replace(/\b\d{4}\b/g, "")),
    meaning: {
      ...meaning,
      direction: {
        ...meaning.direction,
        agents: shared(new Set(meaning.direction.agents)),
        targets: shared(new Set(meaning.direction.targets)),
      },
    },
  };
}
