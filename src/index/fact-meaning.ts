/**
 * What a fact says beyond its words, worked out once when it is indexed: who acts and
 * toward whom (direction), which offices it names and who holds them, and its proper names.
 * The engine checks a question against these: the person, office, place and direction a
 * question names must be the fact's own.
 */
import { directionOf, withinRelation, type Direction } from "../language/direction.ts";
import { findRoles, isTitleWord, roleOwners, type Role } from "../language/roles.ts";
import type { Fact, Relation } from "../knowledge/types.ts";
import { gazetteer } from "../text/countries.ts";
import { fold, isStopWord, stem, words } from "../text/normalize.ts";
import { isEventNoun, isOrdinaryWord } from "../language/lexicon.ts";
import { englishFor } from "../language/japanese.ts";

export interface HeldRole {
  readonly role: Role;
  /** The person the fact names in that office ("President Hamid Karzai"), if any. */
  readonly holder: string | undefined;
  /** The country whose office it is, where the text says so ("the *Japanese* ambassador"). */
  readonly country?: string | undefined;
}

export interface FactMeaning {
  readonly direction: Direction;
  readonly roles: readonly HeldRole[];
  /** Proper names the fact uses (folded words): its people, places, and capitalized words. */
  readonly names: readonly string[];
  /**
   * Events the fact names as some country's ("the *Soviet* invasion", "*Japan's* win"): the
   * noun's index term and that country. Such an event is that country's, whoever else acts
   * in the fact: "When did Japan invade Afghanistan?" is not answered by "after the Soviet
   * invasion of Afghanistan, Japan closed its embassy".
   */
  readonly eventActors: ReadonlyArray<readonly [string, string]>;
}

const NO_ACTORS: ReadonlyArray<readonly [string, string]> = [];

/** Nouns of events that the statement gives to a country by its demonym or possessive. */
function eventActors(statement: string): ReadonlyArray<readonly [string, string]> {
  const tokens = [...fold(statement).matchAll(/[\p{L}\p{N}]+(?:-[\p{L}\p{N}]+)*(['’]s)?/gu)];
  const ws = tokens.map((m) => (m[1] ? m[0].slice(0, -m[1].length) : m[0]));
  let out: Array<readonly [string, string]> | undefined;
  const roleAt = new Set(findRoles(ws).map((r) => r.start));
  for (const m of gazetteer().placed(ws)) {
    const at = m.start + m.length;
    const noun = ws[at];
    const possessive = Boolean(tokens[at - 1]?.[1]);
    // "the Soviet invasion": a name used as an adjective after an article, like a demonym.
    const attributive = m.demonym || possessive || /^(?:the|a|an)$/.test(ws[m.start - 1] ?? "");
    if (noun === undefined || m.capital || !attributive || roleAt.has(at)) continue;
    if (isStopWord(noun) || isTitleWord(noun) || !isEventNoun(noun)) continue;
    (out ??= []).push([stem(noun), m.code]);
  }
  return out ?? NO_ACTORS;
}

/**
 * Where each person's name stands in the statement's words: [start, end, person, where the
 * name proper starts] — a title written as part of the name ("Queen Elizabeth II") comes first.
 */
function personSpans(
  ws: readonly string[],
  people: readonly string[],
): Array<[number, number, string, number]> {
  const out: Array<[number, number, string, number]> = [];
  for (const person of people) {
    const full = words(person);
    if (full.length === 0) continue;
    for (let i = 0; i < ws.length; i++) {
      // A name may be cited in part ("Akihito" for "Crown Prince Akihito"): match from any of its words.
      const from = full.indexOf(ws[i]!);
      if (from < 0 || (from > 0 && ws[i - 1] === full[from - 1])) continue;
      let n = 1;
      while (from + n < full.length && ws[i + n] === full[from + n]) n++;
      let title = 0;
      while (title < n && isTitleWord(ws[i + title]!)) title++;
      if (title === n) continue;
      out.push([i, i + n, person, i + title]);
    }
  }
  return out;
}

/** Offices named in the statement, each with the person holding it where the text says so. */
function heldRoles(statement: string, people: readonly string[]): HeldRole[] {
  const ws = words(statement);
  const spans = personSpans(ws, people);
  const commaAfter = new Set<number>();
  // Word positions followed by a comma ("Hisao Tani, a Japanese military officer").
  let at = 0;
  for (const m of statement.matchAll(/[\p{L}\p{N}]+(?:'[\p{L}]+)*|,/gu)) {
    if (m[0] === ",") commaAfter.add(at - 1);
    else at++;
  }
  const out: HeldRole[] = [];
  const found = findRoles(ws);
  const owners = roleOwners(ws, found);
  for (const [i, r] of found.entries()) {
    const country = owners[i];
    const end = r.start + r.length;
    // A title inside a name ("Zahir Shah") is the name; one leading it ("Queen Elizabeth II") is held.
    const inside = spans.find(([s, e, , name]) => r.start >= s && r.start < e);
    if (inside && r.start >= inside[3]) continue;
    if (inside) {
      out.push({ role: r.role, holder: inside[2], ...(country ? { country } : {}) });
      continue;
    }
    // "President Hamid Karzai", "ambassador in Tokyo is Shaida Mohammad Abdali": a name soon after.
    const after = spans.find(([s]) => s >= end && s <= end + 3);
    // "Hisao Tani, a Japanese military officer": a name just before, then a comma.
    const before = spans.find(([, e]) => commaAfter.has(e - 1) && r.start - e >= 0 && r.start - e <= 3);
    out.push({ role: r.role, holder: (after ?? before)?.[2], ...(country ? { country } : {}) });
  }
  return out;
}

/**
 * Proper names: the words of its people and places, and words capitalized inside a sentence
 * that the dictionary does not hold as ordinary words ("Maiwand", "Nazari"; not "Conference").
 * Titles and countries are not names here: they are checked as offices and directions.
 */
function properNames(fact: Fact): string[] {
  const out = new Set<string>();
  const keep = (w: string) => !isStopWord(w) && !isTitleWord(w) && !gazetteer().resolve(w, { codes: false });
  for (const n of [...fact.people, ...fact.places]) for (const w of words(n)) if (keep(w)) out.add(w);
  for (const sentence of fact.statement.split(/(?<=[.!?;:])\s+/)) {
    let first = true;
    for (const m of sentence.matchAll(/\p{Lu}[\p{L}\p{N}]*|[\p{Ll}\p{Lo}\p{N}]+/gu)) {
      const t = m[0];
      const opening = first;
      first = false;
      if (opening || !/^\p{Lu}/u.test(t)) continue;
      const w = fold(t);
      if (keep(w) && !isOrdinaryWord(w)) out.add(w);
    }
  }
  // In Japanese, foreign names are written in katakana ("カルザイ"): such words of a
  // translated statement that are not glossary words or countries are names too.
  for (const text of Object.values(fact.statements ?? {}))
    for (const w of words(text))
      if (
        /^\p{Script=Katakana}[\p{Script=Katakana}ー]+$/u.test(w) &&
        !englishFor(w) &&
        !gazetteer().resolve(w, { codes: false })
      )
        out.add(w);
  return [...out];
}

/** Works out a fact's meaning (pure; the index keeps it for as long as the fact is unchanged). */
export function factMeaning(fact: Fact, relation: Relation): FactMeaning {
  const direction = withinRelation(
    directionOf(fact.statement),
    relation.parties.map((p) => p.code),
  );
  return {
    direction,
    roles: heldRoles(fact.statement, fact.people),
    names: properNames(fact),
    eventActors: eventActors(fact.statement),
  };
}
