/**
 * Deterministic synthetic knowledge and questions for the benchmark (`npm run bench`).
 *
 * Everything here is a pure function of (size, seed): a seeded PRNG (mulberry32), never
 * Math.random, and no I/O except loading the real Afghanistan–Japan file. The knowledge
 * has the exact shape the loader produces (Knowledge, Relation, Fact, Source; dates made
 * with parseDate; facts in loader order: by date, undated last, then by id), so the
 * engine sees what it would see if the same facts came from YAML.
 *
 * Shape of the synthetic world: ~120 real countries from the gazetteer (Afghanistan and
 * Japan among them, so the real questions meet interference), relations on a seeded
 * shuffle of all their pairs (Afghanistan–Japan excluded: that one is the real file),
 * 5–60 facts per relation, ~40-word statements from templates with generated people and
 * places, dates over 2 500 years at mixed precisions.
 */
import { createHash } from "node:crypto";
import { fileURLToPath } from "node:url";
import worldCountriesModule, { type Countries } from "world-countries";
import { loadKnowledge } from "../../src/knowledge/load.ts";
import { compareDates, parseDate, type HistoricalDate } from "../../src/knowledge/dates.ts";
import type { Fact, Knowledge, Relation, Source } from "../../src/knowledge/types.ts";
import { gazetteer, type Country } from "../../src/text/countries.ts";
import { isStopWord } from "../../src/text/normalize.ts";

// ---------------------------------------------------------------------------------------
// PRNG

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Integer in [0, n). */
  int(n: number): number;
  /** Integer in [lo, hi]. */
  range(lo: number, hi: number): number;
  pick<T>(items: readonly T[]): T;
  chance(p: number): boolean;
  shuffle<T>(items: T[]): T[];
  /** Index drawn with the given weights. */
  weighted(weights: readonly number[]): number;
}

/** 32-bit seed from any string (FNV-1a). */
export function seedOf(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** mulberry32: small, fast, good enough for test data. */
export function createRng(seed: number | string): Rng {
  let a = typeof seed === "string" ? seedOf(seed) : seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const rng: Rng = {
    next,
    int: (n) => Math.floor(next() * n),
    range: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: <T>(items: readonly T[]): T => {
      if (items.length === 0) throw new Error("pick from an empty list");
      return items[Math.floor(next() * items.length)]!;
    },
    chance: (p) => next() < p,
    shuffle: <T>(items: T[]): T[] => {
      for (let i = items.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        [items[i], items[j]] = [items[j]!, items[i]!];
      }
      return items;
    },
    weighted: (weights) => {
      const total = weights.reduce((s, w) => s + w, 0);
      let r = next() * total;
      for (let i = 0; i < weights.length; i++) {
        r -= weights[i]!;
        if (r < 0) return i;
      }
      return weights.length - 1;
    },
  };
  return rng;
}

// ---------------------------------------------------------------------------------------
// Countries, people, places

export interface BenchCountry {
  readonly country: Country;
  readonly name: string;
  /** "Kenyan", resolvable by the gazetteer to the same country. */
  readonly demonym: string;
  readonly capital: string;
  readonly people: readonly string[];
  readonly cities: readonly string[];
}

const worldCountries = worldCountriesModule as unknown as Countries;
const MONTH_WORDS = new Set(
  "jan january feb february mar march apr april may jun june jul july aug august sep sept september oct october nov november dec december".split(
    " ",
  ),
);

/** UN members whose name, demonym and capital the gazetteer reads back unambiguously. */
function eligibleCountries(): Array<{ code: string; name: string; demonym: string; capital: string }> {
  const g = gazetteer();
  const out: Array<{ code: string; name: string; demonym: string; capital: string }> = [];
  for (const c of worldCountries) {
    if (!c.unMember) continue;
    const demonym = c.demonyms?.eng?.m;
    const capital = c.capital?.[0];
    if (!demonym || !capital || demonym.includes(",")) continue;
    const found = g.find(c.name.common);
    if (g.resolve(c.name.common)?.code !== c.cca2 || found.length !== 1) continue;
    if (g.resolve(demonym)?.code !== c.cca2) continue;
    if (g.find(capital).length > 0) continue; // "Kuwait City" would name Kuwait again
    out.push({ code: c.cca2, name: g.byId(c.cca2)?.name ?? c.name.common, demonym, capital });
  }
  return out.sort((a, b) => a.code.localeCompare(b.code));
}

const SYLLABLES =
  "ka ri to mel an sor vi len da mar bo tul en sa go hal ni qua re zen lo pa dor is ul ta vek om bri sta fel gor min u ra hen lu cor ba rin tes al nor pe dru oz kel fa ar ju sel ver ob".split(
    " ",
  );

/** Generated proper names: pronounceable, unique, never a country, month or stop word. */
class NameMaker {
  private readonly used = new Set<string>();
  constructor(private readonly rng: Rng) {}

  make(minSyllables: number, maxSyllables: number): string {
    for (let attempt = 0; attempt < 1000; attempt++) {
      const n = this.rng.range(minSyllables, maxSyllables);
      let w = "";
      for (let i = 0; i < n; i++) w += this.rng.pick(SYLLABLES);
      if (w.length < 4 || w.length > 11 || this.used.has(w)) continue;
      if (isStopWord(w) || MONTH_WORDS.has(w) || gazetteer().resolve(w)) continue;
      this.used.add(w);
      return w[0]!.toUpperCase() + w.slice(1);
    }
    throw new Error("name space exhausted");
  }
}

/** The ~120 countries of the synthetic world (Afghanistan and Japan always among them). */
export function benchCountries(count = 120, seed = "kizuna-bench"): BenchCountry[] {
  const rng = createRng(`${seed}:countries`);
  const all = eligibleCountries();
  const forced = all.filter((c) => c.code === "AF" || c.code === "JP");
  const rest = rng.shuffle(all.filter((c) => c.code !== "AF" && c.code !== "JP"));
  const chosen = [...forced, ...rest].slice(0, count).sort((a, b) => a.code.localeCompare(b.code));
  const names = new NameMaker(createRng(`${seed}:names`));
  // A shared pool of given names; surnames are unique to a person.
  const given = Array.from({ length: 400 }, () => names.make(2, 3));
  return chosen.map((c) => ({
    country: gazetteer().byId(c.code)!,
    name: c.name,
    demonym: c.demonym,
    capital: c.capital,
    people: Array.from({ length: 60 }, () => `${rng.pick(given)} ${names.make(2, 4)}`),
    cities: Array.from({ length: 40 }, () => names.make(2, 3)),
  }));
}

// ---------------------------------------------------------------------------------------
// Dates

/** A pool of parsed dates: parseDate costs ~0.1 ms, so each distinct string is parsed once. */
class DatePool {
  private readonly cache = new Map<string, HistoricalDate>();
  private readonly pool: Array<{ date: HistoricalDate; when?: string }> = [];

  constructor(rng: Rng, size: number) {
    for (let i = 0; i < size; i++) this.pool.push(this.draw(rng));
  }

  pick(rng: Rng): { date: HistoricalDate; when?: string } {
    return rng.pick(this.pool);
  }

  /** Ancient dates for the "ancient contact" template. */
  bce(rng: Rng): HistoricalDate {
    return this.parse(`-${String(rng.range(100, 1999)).padStart(4, "0")}`);
  }

  private parse(edtf: string): HistoricalDate {
    let d = this.cache.get(edtf);
    if (!d) {
      d = parseDate(edtf);
      this.cache.set(edtf, d);
    }
    return d;
  }

  private draw(rng: Rng): { date: HistoricalDate; when?: string } {
    // Era: medieval, early modern, 19th/early 20th century, post-war.
    const era = rng.weighted([6, 15, 31, 48]);
    const year =
      era === 0
        ? rng.range(1000, 1499)
        : era === 1
          ? rng.range(1500, 1799)
          : era === 2
            ? rng.range(1800, 1945)
            : rng.range(1946, 2025);
    const y = String(year).padStart(4, "0");
    const p = rng.weighted([35, 20, 33, 8, 2, 2]);
    const month = rng.range(1, 12);
    const mm = String(month).padStart(2, "0");
    switch (p) {
      case 0: {
        const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
        return { date: this.parse(`${y}-${mm}-${String(rng.range(1, days)).padStart(2, "0")}`) };
      }
      case 1:
        return { date: this.parse(`${y}-${mm}`) };
      case 2: {
        const date = this.parse(y);
        const r = rng.next();
        if (r < 0.04) return { date, when: `early ${year}` };
        if (r < 0.07) return { date, when: `as of ${year}` };
        return { date };
      }
      case 3:
        return rng.chance(0.5)
          ? { date: this.parse(`${y.slice(0, 3)}X`) }
          : { date: this.parse(y.slice(0, 3)) };
      case 4:
        return { date: this.parse(`${y}~`) };
      default:
        return { date: this.parse(`${y}/${String(year + rng.range(1, 8)).padStart(4, "0")}`) };
    }
  }
}

// ---------------------------------------------------------------------------------------
// Fact templates

const ROLES = [
  "President",
  "Prime Minister",
  "Foreign Minister",
  "King",
  "Crown Prince",
  "Trade Minister",
  "General",
  "Governor",
  "Envoy",
];
const TOPICS = [
  "fishing rights",
  "water sharing",
  "railway construction",
  "student exchanges",
  "refugee return",
  "border security",
  "tariff reductions",
  "mining concessions",
  "port access",
  "visa rules",
  "energy supplies",
  "public health",
  "telecommunications",
  "debt relief",
  "wheat imports",
  "air routes",
  "minority rights",
  "archaeological research",
  "climate adaptation",
  "nuclear safety",
];
const COMMODITIES = [
  "cotton",
  "tea",
  "steel",
  "copper",
  "rice",
  "timber",
  "wool",
  "coffee",
  "oil",
  "natural gas",
  "textiles",
  "fertilizer",
  "machinery",
  "silk",
  "salt",
  "gold",
  "fish",
  "wine",
  "sugar",
  "cars",
];
const CRISES = [
  "a disputed election",
  "the arrest of a journalist",
  "a border incident",
  "a military coup",
  "an espionage scandal",
  "attacks on its consulate",
  "a hostage crisis",
];
const DISASTERS = ["earthquake", "flood", "cyclone", "drought", "volcanic eruption", "tsunami", "famine"];
const ARTS = ["film", "music", "dance", "calligraphy", "theatre", "poetry", "puppetry", "painting"];
const SECTORS = [
  "agriculture",
  "energy",
  "education",
  "health",
  "transport",
  "defence",
  "tourism",
  "science",
];
const FIELDS = ["engineering", "medicine", "agronomy", "law", "economics", "architecture"];
const THING_KINDS = ["Treaty of", "Accord", "Protocol", "Convention"];

export type EventType =
  | "relations"
  | "visit"
  | "treaty"
  | "embassy-open"
  | "embassy-close"
  | "aid"
  | "trade"
  | "war"
  | "conference"
  | "summit"
  | "sanctions"
  | "culture"
  | "scholarship"
  | "ancient";

const EVENT_WEIGHTS: Array<[EventType, number]> = [
  ["visit", 18],
  ["treaty", 10],
  ["embassy-open", 5],
  ["embassy-close", 4],
  ["aid", 9],
  ["trade", 10],
  ["war", 5],
  ["conference", 8],
  ["summit", 9],
  ["sanctions", 6],
  ["culture", 8],
  ["scholarship", 6],
];

/** What a synthetic fact is about, kept beside it so questions can be made from it. */
export interface FactMeta {
  readonly fact: Fact;
  readonly type: EventType;
  readonly a: BenchCountry;
  readonly b: BenchCountry;
  /** People of A and B named in the fact. */
  readonly pa: string;
  readonly pb: string;
  readonly roleA: string;
  readonly place: string;
  /** The named thing ("Treaty of Kamel", "Vekdor Summit"), when there is one. */
  readonly thing?: string;
  readonly n: number;
  readonly commodity: string;
  readonly topic: string;
  readonly extra: string;
}

interface Draft {
  statement: string;
  people: string[];
  places: string[];
  tags: string[];
  keywords: string[];
  section: string;
  thing?: string;
  extra: string;
}

function draft(
  type: EventType,
  rng: Rng,
  m: Omit<FactMeta, "fact" | "type" | "thing" | "extra">,
  third: BenchCountry,
): Draft {
  const { a, b, pa, pb, roleA, place, n, commodity, topic } = m;
  const topic2 = rng.pick(TOPICS.filter((t) => t !== topic));
  const sector = rng.pick(SECTORS);
  switch (type) {
    case "relations":
      return {
        statement: `${a.name} formally recognized ${b.name} and the two countries established diplomatic relations; ${pa} exchanged notes with ${pb} in ${place}, and the first envoys presented their credentials after talks on ${topic} and ${topic2}.`,
        people: [pa, pb],
        places: [place],
        tags: ["diplomacy", "relations"],
        keywords: ["established", "recognition", "diplomatic relations", "ties", "began", "formal"],
        section: "Lead",
        extra: "",
      };
    case "visit":
      return {
        statement: `${roleA} ${pa} of ${a.name} paid an official visit to ${b.name}, where ${pb} received the delegation in ${place}; the talks covered ${topic} and ${topic2}, and both sides promised closer cooperation in ${sector} in the years that followed.`,
        people: [pa, pb],
        places: [place],
        tags: ["visit", rng.chance(0.5) ? "state-visit" : "official-visit"],
        keywords: ["visit", "official visit", "trip", "delegation", roleA.toLowerCase()],
        section: "Diplomacy",
        thing: `${pa}'s visit`,
        extra: sector,
      };
    case "treaty": {
      const kind = rng.pick(THING_KINDS);
      const thing = kind === "Treaty of" ? `Treaty of ${place}` : `${place} ${kind}`;
      return {
        statement: `${a.name} and ${b.name} signed the ${thing}, negotiated by ${pa} and ${pb} over ${n} rounds of talks; the treaty settled questions of ${topic}, set common rules for ${topic2}, and both parliaments ratified it within two years.`,
        people: [pa, pb],
        places: [place],
        tags: ["treaty", "diplomacy"],
        keywords: ["treaty", "agreement", "pact", "signed", kind.replace(" of", "").toLowerCase()],
        section: "Diplomacy",
        thing,
        extra: kind,
      };
    }
    case "embassy-open":
      return {
        statement: `${a.name} opened its embassy in ${b.capital}, with ${pa} as its first ambassador; the mission was meant to handle ${topic} and consular work for the ${n} ${a.demonym} citizens then living in ${b.name}, and it later moved to a larger building.`,
        people: [pa],
        places: [b.capital],
        tags: ["embassy", "diplomacy"],
        keywords: ["embassy", "opened", "mission", "ambassador", "established", "legation"],
        section: "Diplomacy",
        extra: "",
      };
    case "embassy-close": {
      const crisis = rng.pick(CRISES);
      return {
        statement: `${a.name} closed its embassy in ${b.capital} and withdrew ambassador ${pa} and the remaining staff after ${crisis}; for ${n} years consular matters were handled through the embassy of ${third.name}, until relations improved and the mission reopened.`,
        people: [pa],
        places: [b.capital],
        tags: ["embassy", "crisis"],
        keywords: ["embassy", "closed", "closure", "withdrew", "shut", "evacuated"],
        section: "Diplomacy",
        extra: crisis,
      };
    }
    case "aid": {
      const disaster = rng.pick(DISASTERS);
      return {
        statement: `${a.name} pledged ${n} million dollars in aid to ${b.name} after the ${disaster} in ${place}; ${pa} announced the package, which paid for ${topic} and ${topic2}, and ${pb} thanked ${a.demonym} donors in a speech to parliament.`,
        people: [pa, pb],
        places: [place],
        tags: ["aid", "donation"],
        keywords: ["aid", "assistance", "donation", "pledged", "relief", "money", disaster],
        section: "Aid",
        thing: `${place} ${disaster}`,
        extra: disaster,
      };
    }
    case "trade": {
      const c2 = rng.pick(COMMODITIES.filter((c) => c !== commodity));
      return {
        statement: `${a.name} and ${b.name} concluded the ${place} Trade Agreement, which lowered tariffs on ${commodity} and ${c2}; ${pa}, the trade minister, said it would double bilateral trade within ${n} years, while critics in ${b.name} warned about ${topic}.`,
        people: [pa],
        places: [place],
        tags: ["trade", "economy", "agreement"],
        keywords: ["trade", "tariffs", "commerce", "exports", "imports", "trade deal"],
        section: "Economy",
        thing: `${place} Trade Agreement`,
        extra: c2,
      };
    }
    case "war": {
      const thing = rng.chance(0.5) ? `${place} War` : `Battle of ${place}`;
      return {
        statement: `${a.name} and ${b.name} fought the ${thing} over control of the ${commodity} trade; ${pa} commanded the ${a.demonym} forces against ${pb}, and after ${n} months of fighting a ceasefire left the border unchanged and thousands displaced.`,
        people: [pa, pb],
        places: [place],
        tags: ["war", "military"],
        keywords: ["war", "conflict", "battle", "fighting", "ceasefire", "army"],
        section: "Military",
        thing,
        extra: "",
      };
    }
    case "conference": {
      const thing = `${place} Conference on ${capitalizeWords(topic)}`;
      return {
        statement: `${a.name} hosted the ${thing}, attended by delegations from ${b.name} and ${n} other countries; ${pb} spoke for ${b.name}, and the final declaration called for progress on ${topic2} and regular meetings of experts.`,
        people: [pb],
        places: [place],
        tags: ["conference", "multilateral"],
        keywords: ["conference", "hosted", "delegations", "declaration", "meeting"],
        section: "Diplomacy",
        thing,
        extra: "",
      };
    }
    case "summit":
      return {
        statement: `${pa} and ${pb} met at a summit in ${place}, the first meeting of the two leaders; they discussed ${topic}, agreed on a joint statement on ${topic2}, and announced a working group on ${sector} that would report within a year.`,
        people: [pa, pb],
        places: [place],
        tags: ["summit", "diplomacy"],
        keywords: ["summit", "meeting", "met", "talks", "leaders", "joint statement"],
        section: "Diplomacy",
        thing: `${place} summit`,
        extra: sector,
      };
    case "sanctions": {
      const crisis = rng.pick(CRISES);
      return {
        statement: `${a.name} imposed sanctions on ${b.name}, banning imports of ${commodity} and freezing the assets of ${n} officials after ${crisis}; ${pa} said the measures would stay until ${b.name} changed course, and ${pb} called them an attack on sovereignty.`,
        people: [pa, pb],
        places: [],
        tags: ["sanctions", "economy"],
        keywords: ["sanctions", "ban", "embargo", "assets frozen", "penalties"],
        section: "Economy",
        extra: crisis,
      };
    }
    case "culture": {
      const art = rng.pick(ARTS);
      return {
        statement: `A ${art} festival in ${place} opened a cultural exchange programme between ${a.name} and ${b.name}; ${pa} led the ${a.demonym} troupe, ${n} artists and students travelled between the two countries, and the programme later added courses on ${topic}.`,
        people: [pa],
        places: [place],
        tags: ["culture", "exchange"],
        keywords: ["culture", "festival", "exchange", "artists", "students", art],
        section: "Culture",
        thing: `${place} ${art} festival`,
        extra: art,
      };
    }
    case "scholarship": {
      const field = rng.pick(FIELDS);
      return {
        statement: `${a.name} offered ${n} scholarships to students from ${b.name} to study ${field} at universities in ${place}; the programme was announced by ${pa}, and its graduates included ${pb}, who later led the ministry of ${sector}.`,
        people: [pa, pb],
        places: [place],
        tags: ["education", "scholarships"],
        keywords: ["scholarships", "students", "university", "study", "education", field],
        section: "Culture",
        extra: field,
      };
    }
    case "ancient":
      return {
        statement: `Traders from the lands of present-day ${a.name} and ${b.name} exchanged ${commodity} along caravan routes through ${place}, as finds of coins and pottery show; scholars such as ${pa} date the earliest contact between the two regions to this period.`,
        people: [pa],
        places: [place],
        tags: ["ancient-history", "trade"],
        keywords: ["ancient", "earliest", "caravan", "coins", "pottery", "contact", "prehistoric"],
        section: "History",
        extra: "",
      };
  }
}

function capitalizeWords(s: string): string {
  return s.replace(/\b\p{L}/gu, (c) => c.toUpperCase());
}

function slug(s: string): string {
  return s
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
}

// ---------------------------------------------------------------------------------------
// Knowledge

export interface BenchKnowledge {
  readonly size: number;
  readonly knowledge: Knowledge;
  readonly countries: readonly BenchCountry[];
  /** Synthetic facts with what they are about (the real facts are not in here). */
  readonly meta: readonly FactMeta[];
  /** Relation id → its two bench countries. */
  readonly relationParties: ReadonlyMap<string, readonly [BenchCountry, BenchCountry]>;
  /** Pair key "AA-BB" (sorted codes) of every relation held. */
  readonly pairs: ReadonlySet<string>;
  readonly real: Knowledge | undefined;
}

const collator = new Intl.Collator();

/** Loader order: by date (start, then span), undated last, then by id. */
export function sortFacts(facts: Fact[]): Fact[] {
  return facts.sort(
    (x, y) =>
      (x.date && y.date ? compareDates(x.date, y.date) : x.date ? -1 : y.date ? 1 : 0) ||
      collator.compare(x.id, y.id),
  );
}

/** The repository's knowledge folder (the real Afghanistan–Japan file). */
export const KNOWLEDGE_DIR = fileURLToPath(new URL("../../knowledge", import.meta.url));

/** The real knowledge folder, loaded as the bot loads it. */
export async function loadRealKnowledge(dir = KNOWLEDGE_DIR): Promise<Knowledge> {
  const result = await loadKnowledge(dir);
  if (!result.ok)
    throw new Error(`the real knowledge does not load: ${result.problems.map((p) => p.message).join("; ")}`);
  return result.knowledge;
}

export interface GenerateOptions {
  readonly seed?: string;
  /** Real knowledge merged into the synthetic one (its pairs are never generated). */
  readonly real?: Knowledge;
  readonly countries?: readonly BenchCountry[];
}

/** `size` synthetic facts (plus the real ones when given), deterministic for a seed. */
export function generateKnowledge(size: number, options: GenerateOptions = {}): BenchKnowledge {
  const seed = options.seed ?? "kizuna-bench";
  const rng = createRng(`${seed}:knowledge:${size}`);
  const countries = options.countries ?? benchCountries(120, seed);
  const realPairs = new Set(
    (options.real?.relations ?? []).map((r) => [r.parties[0].code, r.parties[1].code].sort().join("-")),
  );

  // All pairs, shuffled; the first ones get relations.
  const allPairs: Array<[BenchCountry, BenchCountry]> = [];
  for (let i = 0; i < countries.length; i++)
    for (let j = i + 1; j < countries.length; j++) {
      const a = countries[i]!;
      const b = countries[j]!;
      if (!realPairs.has([a.country.code, b.country.code].sort().join("-"))) allPairs.push([a, b]);
    }
  createRng(`${seed}:pairs`).shuffle(allPairs);

  // Facts per relation: 5–60, skewed towards small relations (mean ≈ 27).
  const counts: number[] = [];
  let left = size;
  while (left > 0) {
    let n = 5 + Math.floor(55 * Math.pow(rng.next(), 1.5));
    if (left - n < 5) n = left;
    if (counts.length >= allPairs.length) {
      // More facts than pairs can hold at 60: spread the rest over the relations we have.
      counts[counts.length % allPairs.length]! += left;
      break;
    }
    counts.push(n);
    left -= n;
  }

  const dates = new DatePool(createRng(`${seed}:dates`), Math.min(8000, Math.max(200, size)));
  const relations: Relation[] = [];
  const sources: Source[] = [
    {
      id: "un-treaty-series",
      title: "United Nations Treaty Series",
      publisher: "United Nations",
      url: "https://treaties.un.org/",
      license: "public",
      retrieved: "2026-11-01",
    },
    {
      id: "bench-archives",
      title: "Diplomatic archives (synthetic)",
      publisher: "Kizuna bench",
      url: "https://example.org/archives",
      license: "CC0",
      retrieved: "2026-11-01",
    },
  ];
  const facts: Fact[] = [];
  const meta: FactMeta[] = [];
  const relationParties = new Map<string, readonly [BenchCountry, BenchCountry]>();
  const pairs = new Set<string>(realPairs);

  for (const [ri, count] of counts.entries()) {
    const [a0, b0] = allPairs[ri]!;
    const [a, b] = rng.chance(0.5) ? [a0, b0] : [b0, a0];
    const id = `${slug(a.name)}-${slug(b.name)}`;
    const file = `knowledge/synthetic/${id}.yaml`;
    const title = `${a.name}–${b.name} relations`;
    relations.push({
      id,
      title,
      parties: [a.country, b.country],
      aliases: [`${b.name}–${a.name} relations`, `${a.demonym}–${b.demonym} relations`],
      summary: `Synthetic relation for benchmarks: ${count} facts.`,
      file,
    });
    relationParties.set(id, [a, b]);
    pairs.add([a.country.code, b.country.code].sort().join("-"));
    const sourceId = `wikipedia-${id}-relations`;
    sources.push({
      id: sourceId,
      title,
      publisher: "Wikipedia",
      url: `https://en.wikipedia.org/wiki/${encodeURIComponent(title.replace(/ /g, "_"))}`,
      license: "CC BY-SA 4.0",
      retrieved: "2026-11-28",
    });

    let line = 30;
    for (let k = 0; k < count; k++) {
      // Either side may act: swap who is "A" in the template half of the time.
      const [x, y] = rng.chance(0.5) ? [a, b] : [b, a];
      const type: EventType =
        k === 0
          ? "relations"
          : rng.chance(0.015)
            ? "ancient"
            : EVENT_WEIGHTS[rng.weighted(EVENT_WEIGHTS.map(([, w]) => w))]![0];
      const slots = {
        a: x,
        b: y,
        pa: rng.pick(x.people),
        pb: rng.pick(y.people),
        roleA: rng.pick(ROLES),
        place: rng.pick(rng.chance(0.5) ? x.cities : y.cities),
        n: rng.range(2, 400),
        commodity: rng.pick(COMMODITIES),
        topic: rng.pick(TOPICS),
      };
      let third = rng.pick(countries);
      if (third === x || third === y) third = countries[(countries.indexOf(third) + 1) % countries.length]!;
      const d = draft(type, rng, slots, third);
      let date: HistoricalDate | null;
      let when: string | undefined;
      if (type === "ancient") date = dates.bce(rng);
      else if (type !== "relations" && rng.chance(0.04)) date = null;
      else ({ date, when } = dates.pick(rng));
      const fact: Fact = {
        id: `${id}-${String(k + 1).padStart(3, "0")}-${type}`,
        relationId: id,
        date,
        when,
        statement: d.statement,
        people: d.people,
        places: d.places,
        tags: d.tags,
        keywords: d.keywords,
        sourceId:
          type === "treaty" && rng.chance(0.3)
            ? "un-treaty-series"
            : rng.chance(0.1)
              ? "bench-archives"
              : sourceId,
        section: d.section,
        quote: rng.chance(0.3) ? d.statement.split(";")[0] : undefined,
        file,
        line,
      };
      line += 12;
      facts.push(fact);
      meta.push({ fact, type, ...slots, thing: d.thing, extra: d.extra });
    }
  }

  const real = options.real;
  const allFacts = sortFacts([...facts, ...(real?.facts ?? [])]);
  const files = [...(real?.files ?? []), ...relations.map((r) => `${r.id}.yaml`)];
  const version = createHash("sha256")
    .update(`${seed}:${size}:${real?.version ?? "none"}`)
    .digest("hex")
    .slice(0, 12);
  return {
    size,
    knowledge: {
      version,
      relations: [...(real?.relations ?? []), ...relations],
      facts: allFacts,
      drafts: [],
      sources: [...(real?.sources ?? []), ...sources],
      files,
    },
    countries,
    meta,
    relationParties,
    pairs,
    real,
  };
}

// ---------------------------------------------------------------------------------------
// Questions

export type QuestionKind =
  | "real"
  | "when"
  | "who"
  | "why"
  | "how-many"
  | "year-list"
  | "decade-list"
  | "range"
  | "before-after"
  | "anchor"
  | "bce"
  | "keywords"
  | "typo"
  | "one-country"
  | "unknown-pair"
  | "off-topic";

export type Expectation =
  /** One fact answers it: the engine should answer with it (top fact). */
  | { readonly type: "fact"; readonly factId: string }
  /** A listing: every fact shown must be one of these. */
  | { readonly type: "list"; readonly factIds: readonly string[] }
  /** Nothing held answers it: the engine should refuse. */
  | { readonly type: "refuse" }
  /** A real Afghanistan–Japan question: compared with the answer on the real facts alone. */
  | { readonly type: "real"; readonly answerable: boolean };

export interface BenchQuestion {
  readonly text: string;
  readonly kind: QuestionKind;
  readonly expect: Expectation;
}

/**
 * The real questions about Afghanistan–Japan (the shared dev set plus variants). Their
 * answers on the real facts alone are the reference every size is compared with.
 */
export const REAL_QUESTIONS: ReadonlyArray<{ q: string; answerable: boolean }> = [
  // /work/shared/eval/dev.jsonl
  { q: "When were diplomatic relations between Afghanistan and Japan established?", answerable: true },
  { q: "When did Ayub Khan visit Japan?", answerable: true },
  { q: "Who hosted Ayub Khan during his visit to Japan?", answerable: true },
  { q: "When was the Treaty of Friendship signed?", answerable: true },
  { q: "When did Japan close its embassy in Kabul after the Soviet invasion?", answerable: true },
  { q: "When did Japan host the Tokyo Conference on rebuilding Afghanistan?", answerable: true },
  { q: "When did Hamid Karzai make a state visit to Japan?", answerable: true },
  { q: "When did Japan reopen the Kabul embassy after the Taliban takeover?", answerable: true },
  { q: "Who is the Afghan ambassador in Tokyo?", answerable: true },
  { q: "What happened in 1969?", answerable: true },
  { q: "When did Hisao Tani visit Afghanistan?", answerable: true },
  { q: "How many artifacts were returned to the National Museum of Afghanistan?", answerable: true },
  { q: "When did King Habibullah Khan donate money to earthquake victims in Japan?", answerable: true },
  { q: "When did Mohammed Daoud Khan visit Japan?", answerable: true },
  { q: "Where did Japan rank among Afghanistan's donors in 2012?", answerable: true },
  { q: "When did Crown Prince Akihito visit Afghanistan?", answerable: true },
  { q: "Why were official relations delayed in 1919?", answerable: true },
  { q: "What did the Japanese ambassador offer the Taliban in May 2022?", answerable: true },
  { q: "What happened to the Japanese embassy after the Fall of Kabul in 2021?", answerable: true },
  { q: "when did ayub kahn visit japn", answerable: true },
  { q: "karzai mineral resources", answerable: true },
  { q: "What religion reached Japan through Afghanistan?", answerable: true },
  { q: "Were Axis diplomats allowed to stay in Afghanistan during World War II?", answerable: true },
  { q: "When did Japan and Brazil establish diplomatic relations?", answerable: false },
  { q: "What is the population of Kabul?", answerable: false },
  { q: "Who won the 2010 FIFA World Cup?", answerable: false },
  { q: "qwertyuiop zxcvbnm", answerable: false },
  { q: "When did Afghanistan and France sign a treaty of friendship?", answerable: false },
  // Variants written for the bench.
  { q: "What happened between Afghanistan and Japan in 1969?", answerable: true },
  { q: "When did Afghanistan and Japan sign the Treaty of Friendship?", answerable: true },
  { q: "When did Zahir Shah visit Japan?", answerable: true },
  { q: "Which Japanese officer visited Afghanistan in 1922?", answerable: true },
  { q: "Why did Japan close its embassy in Kabul in 1979?", answerable: true },
  { q: "What happened between Afghanistan and Japan in the 1970s?", answerable: true },
  { q: "Afghanistan Japan relations before 1920", answerable: true },
  { q: "When did Japn and Afganistan establish relations?", answerable: true },
  { q: "tokyo conference afghanistan aid", answerable: true },
  { q: "When did Taliban members visit Japan?", answerable: true },
  { q: "Who did the Japanese ambassador meet in May 2022?", answerable: true },
  { q: "What did Mahmud Tarzi think of Japan?", answerable: true },
  { q: "How much did Japan give Afghanistan after 2002?", answerable: true },
  { q: "When did Afghanistan and Japan first have contact?", answerable: true },
  { q: "What happened between Afghanistan and Japan after the Fall of Kabul?", answerable: true },
  { q: "Ayub Khan Togo Heihachiro", answerable: true },
  { q: "When did Japan reopen its embassy in Kabul?", answerable: true },
  { q: "Did Japan recognize the Taliban?", answerable: false },
];

const OFF_TOPIC = [
  "What is the population of {capital}?",
  "Who won the {year} FIFA World Cup?",
  "How do I reset my password?",
  "qwertyuiop zxcvbnm",
  "What's the weather like in {capital} today?",
  "Recommend a good recipe for banana bread",
  "What is the square root of 1764?",
  "Tell me a joke about cats",
  "Which programming language is fastest?",
  "asdf jkl; lorem ipsum dolor",
  "How tall is Mount Everest?",
  "What time does the supermarket close?",
  "!!!???",
  "Who painted the Mona Lisa?",
];

function yearOfDate(d: HistoricalDate): number {
  return new Date(d.min).getUTCFullYear();
}

/** One typo in a word: swap, drop, double or change a letter (never the first). */
export function typo(word: string, rng: Rng): string {
  if (word.length < 5) return word;
  const i = rng.range(1, word.length - 2);
  switch (rng.int(4)) {
    case 0:
      return word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2);
    case 1:
      return word.slice(0, i) + word.slice(i + 1);
    case 2:
      return word.slice(0, i) + word[i] + word.slice(i);
    default: {
      const vowels = "aeiou";
      const c = word[i]!;
      const r = vowels.includes(c) ? vowels[(vowels.indexOf(c) + 1) % 5]! : c === "n" ? "m" : "n";
      return word.slice(0, i) + r + word.slice(i + 1);
    }
  }
}

/** Puts typos into one or two content words (not country names, not numbers). */
function withTypos(text: string, rng: Rng, countryWords: ReadonlySet<string>): string {
  const tokens = text.split(" ");
  const candidates = tokens
    .map((t, i) => ({ t, i, w: t.replace(/[?,.']/g, "") }))
    .filter(
      ({ w }) =>
        /^\p{L}{5,}$/u.test(w) && !countryWords.has(w.toLowerCase()) && !/^(when|which|where|what)$/i.test(w),
    );
  if (candidates.length === 0) return text;
  const count = candidates.length > 3 && rng.chance(0.4) ? 2 : 1;
  for (const { t, i } of rng.shuffle([...candidates]).slice(0, count)) {
    const m = /^(\p{L}+)(.*)$/u.exec(t);
    if (m) tokens[i] = typo(m[1]!, rng) + m[2]!;
  }
  return tokens.join(" ");
}

function surname(person: string): string {
  return person.split(" ").at(-1)!;
}

const KIND_WEIGHTS: Array<[QuestionKind, number]> = [
  ["when", 22],
  ["who", 10],
  ["why", 4],
  ["how-many", 5],
  ["year-list", 7],
  ["decade-list", 5],
  ["range", 5],
  ["before-after", 4],
  ["anchor", 3],
  ["bce", 1],
  ["keywords", 10],
  ["typo", 10],
  ["one-country", 6],
  ["unknown-pair", 5],
  ["off-topic", 3],
];

/**
 * About `count` questions for a generated knowledge: the real ones once each, the rest
 * drawn over every kind the engine handles, most built from a seeded sample of the facts.
 */
export function generateQuestions(
  bench: BenchKnowledge,
  count: number,
  seed = "kizuna-bench",
): BenchQuestion[] {
  const rng = createRng(`${seed}:questions:${bench.size}:${count}`);
  const out: BenchQuestion[] = REAL_QUESTIONS.map(({ q, answerable }) => ({
    text: q,
    kind: "real" as const,
    expect: { type: "real" as const, answerable },
  }));
  // Typos go into content words: a misspelt country name is another test (the gazetteer has no fuzziness).
  const countryWords = new Set(
    bench.countries.flatMap((c) => `${c.name} ${c.demonym}`.toLowerCase().split(/[\s–-]+/)),
  );
  const byRelation = new Map<string, FactMeta[]>();
  for (const m of bench.meta) {
    const list = byRelation.get(m.fact.relationId) ?? [];
    list.push(m);
    byRelation.set(m.fact.relationId, list);
  }
  // Lists by type, built once (filtering 100 000 facts per question would dominate).
  const ofTypes = (...types: EventType[]) => bench.meta.filter((m) => types.includes(m.type));
  const pool = {
    who: ofTypes("visit", "treaty", "summit", "war"),
    why: ofTypes("embassy-close", "sanctions"),
    howMany: ofTypes("scholarship", "aid", "conference"),
    keywords: bench.meta.filter((x) => x.thing || x.type === "sanctions" || x.type === "scholarship"),
    oneCountry: ofTypes("visit", "conference", "embassy-open"),
  };
  const dated = bench.meta.filter(
    (m) => m.fact.date && m.type !== "ancient" && yearOfDate(m.fact.date) >= 1000,
  );
  const ancient = ofTypes("ancient");
  const datedRange = dated.filter((x) => x.type === "treaty" || x.type === "visit" || x.type === "trade");
  const datedAnchor = dated.filter((x) => x.type === "treaty" || x.type === "war");
  const overlapping = (relationId: string, min: number, max: number) =>
    (byRelation.get(relationId) ?? [])
      .filter((m) => m.fact.date && m.fact.date.min <= max && m.fact.date.max >= min)
      .map((m) => m.fact.id);
  // Questions only name years 1000–2099, where Date.UTC takes the year as given.
  const yearSpan = (y: number) => [Date.UTC(y, 0, 1), Date.UTC(y + 1, 0, 1) - 1] as const;

  const one = (kind: QuestionKind): BenchQuestion | undefined => {
    if (bench.meta.length === 0 && kind !== "off-topic" && kind !== "unknown-pair") return undefined;
    switch (kind) {
      case "when":
      case "typo": {
        const m = rng.pick(bench.meta);
        const q = whenQuestion(m, rng);
        if (!q) return undefined;
        return kind === "typo"
          ? { text: withTypos(q, rng, countryWords), kind, expect: { type: "fact", factId: m.fact.id } }
          : { text: q, kind, expect: { type: "fact", factId: m.fact.id } };
      }
      case "who": {
        const m = rng.pick(pool.who);
        const year = m.fact.date ? ` in ${yearOfDate(m.fact.date)}` : "";
        const text =
          m.type === "visit"
            ? `Who received ${m.pa} in ${m.place}?`
            : m.type === "treaty"
              ? `Who negotiated the ${m.thing} between ${m.a.name} and ${m.b.name}?`
              : m.type === "summit"
                ? `Who did ${m.pa} meet at the summit in ${m.place}${year}?`
                : `Who commanded the ${m.a.demonym} forces in the ${m.thing}?`;
        return { text, kind, expect: { type: "fact", factId: m.fact.id } };
      }
      case "why": {
        const m = rng.pick(pool.why);
        const text =
          m.type === "sanctions"
            ? `Why did ${m.a.name} impose sanctions on ${m.b.name} and ban ${m.commodity} imports?`
            : `Why did ${m.a.name} close its embassy in ${m.b.capital}?`;
        return { text, kind, expect: { type: "fact", factId: m.fact.id } };
      }
      case "how-many": {
        const m = rng.pick(pool.howMany);
        const text =
          m.type === "scholarship"
            ? `How many scholarships did ${m.a.name} offer to students from ${m.b.name} to study ${m.extra}?`
            : m.type === "aid"
              ? `How much aid did ${m.a.name} pledge to ${m.b.name} after the ${m.extra} in ${m.place}?`
              : `How many countries attended the ${m.thing}?`;
        return { text, kind, expect: { type: "fact", factId: m.fact.id } };
      }
      case "year-list": {
        const m = rng.pick(dated);
        const y = yearOfDate(m.fact.date!);
        const [min, max] = yearSpan(y);
        const text = rng.chance(0.5)
          ? `What happened between ${m.a.name} and ${m.b.name} in ${y}?`
          : `${m.b.name} ${m.a.name} events ${y}`;
        return { text, kind, expect: { type: "list", factIds: overlapping(m.fact.relationId, min, max) } };
      }
      case "decade-list": {
        const m = rng.pick(dated);
        const d = Math.floor(yearOfDate(m.fact.date!) / 10) * 10;
        const text = `What happened between ${m.a.name} and ${m.b.name} in the ${d}s?`;
        return {
          text,
          kind,
          expect: {
            type: "list",
            factIds: overlapping(m.fact.relationId, Date.UTC(d, 0, 1), Date.UTC(d + 10, 0, 1) - 1),
          },
        };
      }
      case "range": {
        const m = rng.pick(datedRange);
        const y = yearOfDate(m.fact.date!);
        const y1 = Math.max(1000, y - rng.range(0, 30));
        const y2 = Math.min(2099, y + rng.range(0, 30));
        const noun = m.type === "treaty" ? "treaties" : m.type === "visit" ? "visits" : "trade agreements";
        const text = rng.chance(0.5)
          ? `Which ${noun} did ${m.a.name} and ${m.b.name} have between ${y1} and ${y2}?`
          : `${m.a.name}–${m.b.name} ${noun} from ${y1} to ${y2}`;
        const ids = (byRelation.get(m.fact.relationId) ?? [])
          .filter(
            (x) =>
              x.type === m.type &&
              x.fact.date &&
              x.fact.date.min <= Date.UTC(y2 + 1, 0, 1) - 1 &&
              x.fact.date.max >= Date.UTC(y1, 0, 1),
          )
          .map((x) => x.fact.id);
        return { text, kind, expect: { type: "list", factIds: ids } };
      }
      case "before-after": {
        const m = rng.pick(dated);
        const y = yearOfDate(m.fact.date!);
        const after = rng.chance(0.5);
        const bound = after ? y - rng.range(1, 20) : y + rng.range(1, 20);
        if (bound < 1000 || bound > 2099) return undefined;
        const text = `What happened between ${m.a.name} and ${m.b.name} ${after ? "after" : "before"} ${bound}?`;
        const [min, max] = after
          ? [Date.UTC(bound + 1, 0, 1), 8.64e15]
          : [-8.64e15, Date.UTC(bound, 0, 1) - 1];
        return { text, kind, expect: { type: "list", factIds: overlapping(m.fact.relationId, min, max) } };
      }
      case "anchor": {
        const m = rng.pick(datedAnchor);
        const text = `What happened between ${m.a.name} and ${m.b.name} after the ${m.thing}?`;
        return {
          text,
          kind,
          expect: { type: "list", factIds: overlapping(m.fact.relationId, m.fact.date!.min, 8.64e15) },
        };
      }
      case "bce": {
        if (ancient.length === 0) return undefined;
        const m = rng.pick(ancient);
        const y = 1 - yearOfDate(m.fact.date!);
        const text = rng.chance(0.5)
          ? `What contact was there between ${m.a.name} and ${m.b.name} in ${y} BCE?`
          : `When did traders from ${m.a.name} and ${m.b.name} first exchange ${m.commodity}?`;
        return { text, kind, expect: { type: "fact", factId: m.fact.id } };
      }
      case "keywords": {
        const m = rng.pick(pool.keywords);
        const text = m.thing
          ? rng.chance(0.5)
            ? m.thing.toLowerCase().replace(/'s/g, "")
            : `${surname(m.pa)} ${m.thing.toLowerCase().replace(/'s/g, "")}`
          : `${surname(m.pa)} ${m.type === "sanctions" ? `sanctions ${m.commodity}` : `scholarships ${m.extra}`}`;
        return { text, kind, expect: { type: "fact", factId: m.fact.id } };
      }
      case "one-country": {
        const m = rng.pick(pool.oneCountry);
        const text =
          m.type === "visit"
            ? `When did ${m.pa} visit ${m.b.name}?`
            : m.type === "conference"
              ? `When did ${m.a.name} host the ${m.thing}?`
              : `When did ${m.a.demonym} diplomats open an embassy in ${m.b.capital}?`;
        return { text, kind, expect: { type: "fact", factId: m.fact.id } };
      }
      case "unknown-pair": {
        let a = rng.pick(bench.countries);
        let b = rng.pick(bench.countries);
        for (
          let i = 0;
          i < 50 && (a === b || bench.pairs.has([a.country.code, b.country.code].sort().join("-")));
          i++
        ) {
          a = rng.pick(bench.countries);
          b = rng.pick(bench.countries);
        }
        if (a === b || bench.pairs.has([a.country.code, b.country.code].sort().join("-"))) return undefined;
        const text = rng.pick([
          `When did ${a.name} and ${b.name} establish diplomatic relations?`,
          `When did ${a.name} and ${b.name} sign a treaty of friendship?`,
          `Did ${a.name} ever send aid to ${b.name}?`,
          `What happened between ${a.name} and ${b.name} in the 1990s?`,
        ]);
        return { text, kind, expect: { type: "refuse" } };
      }
      case "off-topic": {
        const c = rng.pick(bench.countries);
        const text = rng
          .pick(OFF_TOPIC)
          .replace("{capital}", c.capital)
          .replace("{year}", String(rng.pick([1998, 2002, 2006, 2010, 2014, 2018, 2022])));
        return { text, kind, expect: { type: "refuse" } };
      }
      default:
        return undefined;
    }
  };

  const weights = KIND_WEIGHTS.map(([, w]) => w);
  let guard = 0;
  while (out.length < count && guard++ < count * 20) {
    let q: BenchQuestion | undefined;
    try {
      q = one(KIND_WEIGHTS[rng.weighted(weights)]![0]);
    } catch {
      q = undefined; // a kind with no facts to draw from at this size (pick from an empty list)
    }
    if (q && q.text.trim()) out.push(q);
  }
  // Real questions are spread through the run, not bunched at the start.
  return createRng(`${seed}:order:${bench.size}`).shuffle(out);
}

function whenQuestion(m: FactMeta, rng: Rng): string | undefined {
  const { a, b } = m;
  switch (m.type) {
    case "relations":
      return `When did ${a.name} and ${b.name} establish diplomatic relations?`;
    case "visit":
      return rng.chance(0.5)
        ? `When did ${m.roleA} ${m.pa} of ${a.name} visit ${b.name}?`
        : `When did ${m.pa} visit ${b.name} and discuss ${m.topic}?`;
    case "treaty":
      return `When did ${a.name} and ${b.name} sign the ${m.thing}?`;
    case "embassy-open":
      return `When did ${a.name} open its embassy in ${b.capital}?`;
    case "embassy-close":
      return `When did ${a.name} close its embassy in ${b.capital} after ${m.extra}?`;
    case "aid":
      return `When did ${a.name} send aid to ${b.name} after the ${m.extra} in ${m.place}?`;
    case "trade":
      return `When did ${a.name} and ${b.name} conclude the ${m.thing}?`;
    case "war":
      return `When was the ${m.thing} between ${a.name} and ${b.name}?`;
    case "conference":
      return `When was the ${m.thing} held?`;
    case "summit":
      return `When did ${m.pa} and ${m.pb} meet in ${m.place}?`;
    case "sanctions":
      return `When did ${a.name} impose sanctions on ${b.name} over ${m.commodity}?`;
    case "culture":
      return `When was the ${m.extra} festival in ${m.place} between ${a.name} and ${b.name}?`;
    case "scholarship":
      return `When did ${a.name} offer scholarships in ${m.extra} to students from ${b.name}?`;
    case "ancient":
      return `When did traders from ${a.name} and ${b.name} exchange ${m.commodity}?`;
  }
}
