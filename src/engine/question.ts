/**
 * Understanding a question before searching: what is asked (intent), when (periods and
 * event anchors), which countries, and the remaining content words.
 */
import { fold, MAX_QUESTION_CHARS, sanitize, words } from "../text/normalize.ts";
import { destinationsIn, gazetteer, type CountryMention } from "../text/countries.ts";
import { parsePeriods, type Anchor } from "./periods.ts";
import type { Period } from "../knowledge/dates.ts";
import type { Intent } from "./types.ts";

export interface ParsedQuestion {
  /** The question as the engine reads it: sanitized and cut to MAX_QUESTION_CHARS. */
  readonly text: string;
  readonly intent: Intent;
  readonly period?: Period | undefined;
  readonly anchors: readonly Anchor[];
  readonly countries: readonly CountryMention[];
  /** Folded text left after removing dates and country names: where content terms come from. */
  readonly residual: string;
  /** Country codes named as a destination ("visited Japan", "aid to Afghanistan"). */
  readonly destinations: readonly string[];
  /** The question asks about the present ("current", "now", "today"). */
  readonly asksForNow: boolean;
  /** A question for the person holding a role ("who was the ambassador"), not an organization. */
  readonly asksForPerson: boolean;
}

const ROLE =
  "(?:ambassadors?|envoys?|presidents?|kings?|queens?|princes?|princess|emperors?|ministers?|leaders?|officers?|generals?|admirals?|diplomats?|rulers?|monarchs?|representatives?)";
// "Who was the ambassador", "the name of the Japanese ambassador": the role is what is asked,
// not merely mentioned ("who pressured Afghanistan to expel the diplomats").
const ASKS_FOR_PERSON = new RegExp(
  String.raw`\bwho (?:is|was|are|were|has been|had been|became|served as)\b(?: \S+){0,3}? ${ROLE}\b|\bname (?:of|for) (?:the |its |their )?(?:\S+ ){0,2}?${ROLE}\b`,
);

const INTENTS: Array<[Intent, RegExp]> = [
  ["how-many", /\bhow (?:many|much)\b|\bnumber of\b|\bhow large\b|いくつ|何人|何個|どのくらい/],
  [
    "when",
    /いつ|何年|\bwhen\b|\b(?:what|which) (?:year|date|month|day|decade|century)\b|\bhow long ago\b|\bsince when\b/,
  ],
  ["why", /なぜ|どうして|\bwhy\b|\bwhat (?:caused|was the reason)\b|\breason\b/],
  ["who", /\bwho(?:m|se)?\b|誰|だれ/],
  ["where", /\bwhere\b|どこ/],
  [
    "list",
    /\bwhat (?:else )?(?:happened|happens|occurred|took place|went on)\b|\bwhat (?:events|visits)\b|\b(?:list|timeline|events|history|chronology)\b/,
  ],
];

// Words that only make sense as part of a question's frame, never as its content.
const FRAME = /\b(?:tell me|can you|could you|do you know|i want to know|i'd like to know|please|kindly)\b/g;

export interface ParseOptions {
  /** Words of people's names in the knowledge → the other words of those names. */
  readonly personWords?: ReadonlyMap<string, ReadonlySet<string>>;
}

/**
 * "Tōgō" is the admiral, not the country Togo: a country name is taken for a person when
 * another word of that person's name is in the question, or when it is written with
 * accents the country's name does not have.
 */
function namesPerson(
  phrase: string,
  text: string,
  questionWords: ReadonlySet<string>,
  personWords: ParseOptions["personWords"],
): boolean {
  const others = personWords?.get(phrase);
  if (!others) return false;
  if ([...others].some((w) => questionWords.has(w))) return true;
  const written = text.toLowerCase().normalize("NFC");
  return !new RegExp(`(?<!\\p{L})${phrase}(?!\\p{L})`, "u").test(written);
}

/** Parses a raw question (any string) into its parts. Never throws. */
export function parseQuestion(raw: string, options: ParseOptions = {}): ParsedQuestion {
  // Mentions and custom emoji are addressing and decoration, never content.
  const text = sanitize(raw)
    .replace(/<(?:@[!&]?|#)\d+>|<a?:\w+:\d+>|@(?:everyone|here)\b/g, " ")
    .slice(0, MAX_QUESTION_CHARS)
    .trim();
  const folded = fold(text);
  const intent = INTENTS.find(([, re]) => re.test(folded))?.[0] ?? "what";
  const { period, anchors, residual: afterDates } = parsePeriods(folded.replace(FRAME, " "));
  const questionWords = new Set(words(afterDates));
  const countries = gazetteer()
    .find(afterDates)
    .filter((c) => !namesPerson(c.phrase, text, questionWords, options.personWords));
  // "US" is a pronoun once folded; in capitals it is the United States.
  if (/\b(?:U\.S\.(?:A\.)?|USA|US)(?![\w.])/.test(text) && !countries.some((c) => c.country.code === "US")) {
    const us = gazetteer().byId("US");
    if (us) countries.push({ country: us, phrase: "us" });
  }
  let residual = afterDates;
  for (const c of countries) {
    const escaped = c.phrase.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    // Words in spaced scripts are removed whole ("japan" must not eat "japanese");
    // names in unspaced scripts (日本) have no word boundaries to respect.
    residual = /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]+$/u.test(c.phrase)
      ? residual.split(c.phrase).join(" ")
      : residual.replace(new RegExp(`(?<![\\p{L}])${escaped}(?![\\p{L}])`, "gu"), " ");
  }
  return {
    text,
    intent,
    period,
    anchors,
    countries,
    residual,
    destinations: destinationsIn(folded, countries),
    asksForPerson: ASKS_FOR_PERSON.test(folded),
    asksForNow: /\b(?:current(?:ly)?|now|today|nowadays|at present|presently|present-day)\b/.test(folded),
  };
}
