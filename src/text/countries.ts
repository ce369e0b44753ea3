/**
 * A gazetteer of countries (from the `world-countries` package, plus a few historical
 * states that relations of the past involve). It lets knowledge files name parties in
 * plain words and lets the engine see which countries a question is about: a question
 * about Brazil–Japan relations must not be answered with Afghanistan–Japan facts.
 */
import worldCountriesModule, { type Countries } from "world-countries";
import { editDistance, fold, words } from "./normalize.ts";

/** True when b is a with two adjacent letters swapped. */
function isSwap(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  const diff: number[] = [];
  for (let i = 0; i < a.length && diff.length <= 2; i++) if (a[i] !== b[i]) diff.push(i);
  const [i, j] = diff;
  return diff.length === 2 && j === i! + 1 && a[i!] === b[j!] && a[j!] === b[i!];
}

export interface Country {
  /** ISO 3166-1 alpha-2 code, or an "X…" code for a historical state. */
  readonly code: string;
  readonly name: string;
}

export interface CountryMention {
  readonly country: Country;
  /** The words of the question that named it, folded. */
  readonly phrase: string;
}

interface Entry {
  code: string;
  name: string;
  names: string[];
  /** Adjectives for its people ("Afghan", "Japanese"): a demonym modifies who acts. */
  demonyms?: string[];
  capitals?: string[];
}

/** A country named at a position in a sequence of words. */
export interface PlacedMention {
  readonly start: number;
  readonly length: number;
  readonly code: string;
  /** Named by a demonym ("Japanese"), which describes someone rather than a destination. */
  readonly demonym: boolean;
  /** Named by its capital ("Kabul"): the city, or the government it stands for. */
  readonly capital: boolean;
}

// States that no longer exist but that relations and facts refer to.
const HISTORICAL: Entry[] = [
  { code: "XSU", name: "Soviet Union", names: ["Soviet Union", "USSR", "Soviet", "Soviets", "U.S.S.R."] },
  { code: "XYU", name: "Yugoslavia", names: ["Yugoslavia", "Yugoslav", "Yugoslavian"] },
  { code: "XCS", name: "Czechoslovakia", names: ["Czechoslovakia", "Czechoslovak"] },
  { code: "XDD", name: "East Germany", names: ["East Germany", "German Democratic Republic", "GDR"] },
  { code: "XOT", name: "Ottoman Empire", names: ["Ottoman Empire", "Ottoman", "Ottomans"] },
  { code: "XPR", name: "Prussia", names: ["Prussia", "Prussian"] },
  { code: "XBI", name: "British India", names: ["British India", "British Raj"] },
];

// Former or informal names that people still use in questions.
const EXTRA_NAMES: Record<string, string[]> = {
  IR: ["Persia", "Persian", "Persians"],
  MM: ["Burma", "Burmese"],
  TH: ["Siam", "Siamese"],
  LK: ["Ceylon"],
  CD: ["Zaire"],
  GB: ["Britain", "British", "Great Britain", "UK", "U.K.", "England", "English"],
  US: ["USA", "U.S.A.", "U.S.", "America", "American", "Americans", "United States"],
  CN: ["PRC", "Chinese"],
  AE: ["UAE"],
  KR: ["South Korea", "South Korean", "South Koreans"],
  KP: ["North Korea", "North Korean", "DPRK"],
  NL: ["Holland", "Dutch"],
  AF: ["Afghan", "Afghans", "Afghani"],
};

// Demonyms the package does not list (its first demonym is the one used).
const EXTRA_DEMONYMS: Record<string, string[]> = {
  GB: ["British", "English"],
  US: ["American"],
  AF: ["Afghan", "Afghani"],
};

// Words that are country codes or names but mostly mean something else in a question.
const AMBIGUOUS = new Set([
  "us",
  "in",
  "is",
  "me",
  "it",
  "to",
  "no",
  "at",
  "be",
  "by",
  "do",
  "go",
  "so",
  "my",
]);

// The package's types describe its ESM default export as the module namespace under NodeNext.
const worldCountries = worldCountriesModule as unknown as Countries;

function buildEntries(): Entry[] {
  const entries: Entry[] = worldCountries.map((c) => {
    const names = [c.name.common, c.name.official, ...c.altSpellings.filter((s) => s.length > 3)];
    for (const d of Object.values(c.demonyms ?? {}).slice(0, 1)) names.push(d.m, d.f);
    for (const t of Object.values(c.translations)) names.push(t.common);
    for (const n of Object.values(c.name.native ?? {})) names.push(n.common);
    names.push(...(EXTRA_NAMES[c.cca2] ?? []));
    const demonyms = Object.values(c.demonyms ?? {})
      .slice(0, 1)
      .flatMap((d) => [d.m, d.f]);
    demonyms.push(...(EXTRA_DEMONYMS[c.cca2] ?? []));
    return { code: c.cca2, name: c.name.common, names, demonyms, capitals: c.capital ?? [] };
  });
  return [...entries, ...HISTORICAL];
}

/** Looks up countries by any of their names and finds them in text. */
export class Gazetteer {
  private readonly byCode = new Map<string, Country>();
  /** Folded word sequence ("united kingdom") → country, for scripts with spaces. */
  private readonly phrases = new Map<string, Country>();
  /** Names in scripts without spaces (日本), matched as substrings. */
  private readonly unspaced: Array<[string, Country]> = [];
  /** Spaced names by their first word, longest first: (word count, phrase, country). */
  private readonly byFirstWord: ReadonlyMap<string, ReadonlyArray<readonly [number, string, Country]>>;
  /** Single-word Latin names long enough for typo matching. */
  /** Single-word names of 7+ letters, by first letter (a typo keeps the first letter). */
  private readonly singleWords: Map<string, Array<[string, Country]>>;
  /** Typo look-ups already made: question words repeat. Bounded. */
  private readonly typoMemo = new Map<string, Country | null>();
  private readonly demonymPhrases = new Set<string>();
  /** Single words already resolved (null: not a country). Bounded. */
  private readonly wordMemo = new Map<string, Country | null>();
  /** Capital cities' names (folded words) → their country, by first word: (word count, phrase, country). */
  private readonly capitalsByFirstWord = new Map<string, Array<readonly [number, string, Country]>>();

  constructor(entries: Entry[] = buildEntries()) {
    for (const e of entries) {
      const country = { code: e.code, name: e.name };
      this.byCode.set(e.code, country);
      for (const d of e.demonyms ?? []) if (d) this.demonymPhrases.add(words(d).join(" "));
      for (const c of e.capitals ?? []) {
        const ws = words(c);
        if (ws.length === 0) continue;
        const list = this.capitalsByFirstWord.get(ws[0]!) ?? [];
        list.push([ws.length, ws.join(" "), country]);
        this.capitalsByFirstWord.set(ws[0]!, list);
      }
      for (const name of e.names) {
        if (!name) continue;
        const key = words(name).join(" ");
        if (!key || AMBIGUOUS.has(key)) continue;
        if (/^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]+$/u.test(key)) {
          if (key.length >= 2) this.unspaced.push([key, country]);
          continue;
        }
        // First writer wins, so a country's own names beat another's translations.
        if (!this.phrases.has(key)) this.phrases.set(key, country);
      }
    }
    this.unspaced.sort((a, b) => b[0].length - a[0].length);
    this.singleWords = new Map();
    for (const entry of this.phrases) {
      if (!/^[a-z]{7,}$/.test(entry[0])) continue;
      const list = this.singleWords.get(entry[0][0]!);
      if (list) list.push(entry);
      else this.singleWords.set(entry[0][0]!, [entry]);
    }
    const byFirst = new Map<string, Array<[number, string, Country]>>();
    for (const [phrase, country] of this.phrases) {
      const ws = phrase.split(" ");
      const list = byFirst.get(ws[0]!) ?? [];
      list.push([ws.length, phrase, country]);
      byFirst.set(ws[0]!, list);
    }
    for (const list of byFirst.values()) list.sort((a, b) => b[0] - a[0]);
    this.byFirstWord = byFirst;
  }

  /**
   * The country a name, demonym or code denotes, if any ("Japan", "Japanese", "JP", "日本").
   * Codes only when asked for: in a question, "pm" and "tv" are words, not countries.
   */
  resolve(name: string, options: { codes?: boolean } = { codes: true }): Country | undefined {
    // A single folded word without codes (how questions and facts ask, word by word): memoized.
    if (!options.codes && /^[\p{Ll}\p{N}]+$/u.test(name)) {
      const known = this.wordMemo.get(name);
      if (known !== undefined) return known ?? undefined;
      const found = this.phrases.get(name) ?? this.unspaced.find(([n]) => n === name)?.[1];
      if (this.wordMemo.size >= 50_000) this.wordMemo.clear();
      this.wordMemo.set(name, found ?? null);
      return found;
    }
    const trimmed = name.trim();
    const byCode = options.codes ? this.byCode.get(trimmed.toUpperCase()) : undefined;
    if (byCode && trimmed.length <= 3) return byCode;
    const key = words(trimmed).join(" ");
    return this.phrases.get(key) ?? this.unspaced.find(([n]) => n === key)?.[1];
  }

  /**
   * Countries named in a sequence of folded words, with their positions: by name, by
   * demonym, or by capital city (no typo matching: positions must be exact).
   */
  placed(ws: readonly string[]): PlacedMention[] {
    const out: PlacedMention[] = [];
    for (let i = 0; i < ws.length;) {
      let found: PlacedMention | undefined;
      for (const [n, phrase, country] of this.byFirstWord.get(ws[i]!) ?? []) {
        if (i + n > ws.length || (n > 1 && ws.slice(i, i + n).join(" ") !== phrase)) continue;
        found = {
          start: i,
          length: n,
          code: country.code,
          demonym: this.demonymPhrases.has(phrase),
          capital: false,
        };
        break;
      }
      if (!found)
        for (const [n, phrase, country] of this.capitalsByFirstWord.get(ws[i]!) ?? []) {
          if (i + n > ws.length || (n > 1 && ws.slice(i, i + n).join(" ") !== phrase)) continue;
          found = { start: i, length: n, code: country.code, demonym: false, capital: true };
          break;
        }
      if (found) {
        out.push(found);
        i += found.length;
      } else i++;
    }
    return out;
  }

  /** The country whose capital a folded name is ("kabul" → Afghanistan). */
  capitalOf(name: string): Country | undefined {
    const ws = words(name);
    return this.capitalsByFirstWord.get(ws[0] ?? "")?.find(([, phrase]) => phrase === ws.join(" "))?.[2];
  }

  /** Country by code. */
  byId(code: string): Country | undefined {
    return this.byCode.get(code);
  }

  /**
   * A long single word one typo from a country's name ("afganistan"). Short words are
   * left alone: "banana" is one letter from Panama.
   */
  private fuzzy(word: string): Country | undefined {
    if (word.length < 8 || !/^[a-z]+$/.test(word)) return undefined;
    const known = this.typoMemo.get(word);
    if (known !== undefined) return known ?? undefined;
    let found: Country | null = null;
    for (const [name, country] of this.singleWords.get(word[0]!) ?? []) {
      if (Math.abs(name.length - word.length) > 1) continue;
      if (editDistance(name, word, 1) <= 1 || isSwap(name, word)) {
        found = country;
        break;
      }
    }
    if (this.typoMemo.size >= 10_000) this.typoMemo.clear();
    this.typoMemo.set(word, found);
    return found ?? undefined;
  }

  /**
   * Every country named in the text, longest names first, each once. Typo matching is for
   * what people type; curated text (facts) turns it off.
   */
  find(text: string, options: { typos?: boolean } = {}): CountryMention[] {
    const typos = options.typos ?? true;
    const found = new Map<string, CountryMention>();
    const ws = words(text);
    for (let i = 0; i < ws.length;) {
      let matched = 0;
      // Only names that start with this word are tried (longest first): most words start none.
      for (const [n, phrase, country] of this.byFirstWord.get(ws[i]!) ?? []) {
        if (i + n > ws.length || (n > 1 && ws.slice(i, i + n).join(" ") !== phrase)) continue;
        if (!found.has(country.code)) found.set(country.code, { country, phrase });
        matched = n;
        break;
      }
      if (!matched && typos) {
        const country = this.fuzzy(ws[i]!);
        if (country && !found.has(country.code)) found.set(country.code, { country, phrase: ws[i]! });
      }
      i += matched || 1;
    }
    const folded = fold(text);
    if (/[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u.test(folded)) {
      let rest = folded;
      for (const [name, country] of this.unspaced) {
        if (!rest.includes(name)) continue;
        rest = rest.split(name).join(" ");
        if (!found.has(country.code)) found.set(country.code, { country, phrase: name });
      }
    }
    return [...found.values()];
  }
}

let shared: Gazetteer | undefined;
/** The process-wide gazetteer (built once: ~250 countries, a few ms). */
export function gazetteer(): Gazetteer {
  shared ??= new Gazetteer();
  return shared;
}

/** Countries named right after a word of motion or direction, by their phrase in the text. */
export function destinationsIn(folded: string, mentions: readonly CountryMention[]): string[] {
  return mentions
    .filter((m) =>
      new RegExp(
        `\\b(?:to|visit(?:ed|s|ing)?|in|into|toward|towards) (?:the )?${m.phrase.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\b`,
      ).test(folded),
    )
    .map((m) => m.country.code);
}
