/**
 * Understanding a question before searching: what is asked (intent), when (periods and
 * event anchors), which countries, who acts toward whom, which offices it names, whether
 * it wants one fact, several or a count, and the remaining words. A question of several
 * parts ("When did X happen, and when did Y?") is split first.
 */
import { fold, isStopWord, MAX_QUESTION_CHARS, sanitize, words } from "../text/normalize.ts";
import { gazetteer, type CountryMention, type PlacedMention } from "../text/countries.ts";
import { directionOf, type Direction } from "../language/direction.ts";
import { englishWordsIn, isJapanese } from "../language/japanese.ts";
import { findRoles, roleOwners, type Role } from "../language/roles.ts";
import { parsePeriods, type Anchor } from "./periods.ts";
import type { Period } from "../knowledge/dates.ts";
import { intentOf, type Intent } from "./intents.ts";

export type Locale = "en" | "ja";

export interface ParsedQuestion {
  /** The question as the engine reads it: sanitized and cut to MAX_QUESTION_CHARS. */
  readonly text: string;
  readonly locale: Locale;
  readonly intent: Intent;
  readonly period?: Period | undefined;
  readonly anchors: readonly Anchor[];
  readonly countries: readonly CountryMention[];
  /** Folded text left after removing dates and country names: where content terms come from. */
  readonly residual: string;
  /** Who acts and toward whom, as far as the question says. */
  readonly direction: Direction;
  /** Offices the question names ("the Japanese prime minister", "leaders"): the answer's must match. */
  readonly roles: readonly Role[];
  /** Whose each of `roles` is, where the question says ("Japan's foreign minister"). */
  readonly roleCountries: ReadonlyMap<Role, string>;
  /** Kinds of office it mentions without asking for them ("drop by … the Afghan royals"): preferred. */
  readonly softRoles: readonly Role[];
  /** The question asks about the present ("current", "now", "today"). */
  readonly asksForNow: boolean;
  /** A question for the person holding an office ("who was the ambassador"), not an organization. */
  readonly asksForPerson: boolean;
  /** The earliest or the latest of what matches ("first", "most recent"). */
  readonly order: "first" | "last" | undefined;
  /** The question wants several facts ("which leaders", "what visits"). */
  readonly plural: boolean;
  /** "How many times / visits / leaders": a count of facts, not a number one fact holds. */
  readonly countsFacts: boolean;
  /**
   * The country that is the subject of the question's verb ("did *Japan* invade …", "has the
   * *Japanese* government given …"), when one stands right after the auxiliary.
   */
  readonly subject?: string | undefined;
  /** Words written with a capital inside the question (folded): names, even unknown ones. */
  readonly capitalized: ReadonlySet<string>;
  /** For a Japanese question: English words of its glossary entries, in order. */
  readonly glossed: readonly string[];
}

const ROLE_WORDS =
  "(?:ambassadors?|envoys?|presidents?|kings?|queens?|princes?|princess(?:es)?|emperors?|ministers?|leaders?|officers?|generals?|admirals?|diplomats?|rulers?|monarchs?|representatives?|premiers?|heads? of (?:state|government)|chancellors?)";
// "Who was the ambassador", "the name of the Japanese ambassador": the office is what is asked,
// not merely mentioned ("who pressured Afghanistan to expel the diplomats").
const ASKS_FOR_PERSON = new RegExp(
  String.raw`\bwho (?:is|was|are|were|has been|had been|became|served as)\b(?: \S+){0,3}? ${ROLE_WORDS}\b|\bname (?:of|for) (?:the |its |their )?(?:\S+ ){0,2}?${ROLE_WORDS}\b|\bwho (?:\S+ ){0,2}?${ROLE_WORDS}\b (?:was|is|were)\b`,
);

// Words that only make sense as part of a question's frame, never as its content.
const FRAME = /\b(?:tell me|can you|could you|do you know|i want to know|i'd like to know|please|kindly)\b/g;

const FIRST =
  /\b(?:first|earliest|initially|originally|for the first time|oldest)\b|最初|初めて|一番古い|最も古い/;
const LAST = /\b(?:last|latest|most recent(?:ly)?|recently|lately|newest)\b|最後|最新|最近|一番新しい|直近/;

// Plural nouns after "which"/"what", or "who were the …": the question wants every match.
const PLURAL_ASK =
  /\b(?:which|what|name (?:all )?(?:the )?)(?: \w+)?? (\w+s)\b(?! of (?:the )?\w+s\b)|\bwho (?:are|were|have been)\b|\blist\b|\ball (?:the )?\w+s\b|どの\S*たち|全て|すべて/;
// Plural-looking words that are not plurals.
const NOT_PLURAL = /(?:ss|us|is|ics|ways|news|series)$/;

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

/** Removes mentions, emoji and invisible characters, and bounds the length. */
export function cleanQuestion(raw: string): string {
  // Mentions and custom emoji are addressing and decoration, never content.
  return sanitize(typeof raw === "string" ? raw : "")
    .replace(/<(?:@[!&]?|#)\d+>|<a?:\w+:\d+>|@(?:everyone|here)\b/g, " ")
    .slice(0, MAX_QUESTION_CHARS)
    .trim();
}

const WH = "(?:when|who|whom|whose|where|what|why|how|which|and when|and who)";

/**
 * The parts of a question that asks several things: "When did X visit Japan, and when did
 * Y?" → two questions; one question stays whole. At most three parts.
 */
export function splitQuestion(text: string): string[] {
  const parts = text
    .split(
      new RegExp(
        String.raw`\?\s+(?=\S)|[;？。]\s*(?=\S)|,?\s+(?=and\s+(?:when|who|where|what|why|how|which)\b)|,\s+(?=(?:when|who|where|why|how|which)\b)`,
        "i",
      ),
    )
    .map((p) => p.replace(/^\s*and\s+/i, "").trim())
    .filter((p) => /[\p{L}\p{N}]/u.test(p));
  if (parts.length < 2) return [text];
  // A fragment without a question word is not a question of its own ("…, please?").
  if (!parts.slice(1).every((p) => new RegExp(`^${WH}\\b`, "i").test(p) || isJapanese(p))) return [text];
  return parts.slice(0, 3);
}

const MONTH_NAMES =
  "january february march april may june july august september october november december".split(" ");

/** Japanese dates in the words the period parser reads: "1907年2月16日" → "16 february 1907", "1970年代" → "1970s". */
export function japaneseDates(text: string): string {
  return text
    .replace(/紀元前(\d+)年/g, " $1 bce ")
    .replace(
      /(\d{3,4})年(\d{1,2})月(\d{1,2})日/g,
      (_, y, m, d) => ` ${d} ${MONTH_NAMES[Number(m) - 1] ?? ""} ${y} `,
    )
    .replace(/(\d{3,4})年(\d{1,2})月/g, (_, y, m) => ` ${MONTH_NAMES[Number(m) - 1] ?? ""} ${y} `)
    .replace(/(\d{2,3}0)年代/g, " $1s ")
    .replace(/(\d{3,4})年/g, " $1 ");
}

/**
 * A long message that chats around its question ("hey guys, I was reading … anyone know
 * when Ayub Khan visited Japan"): only its sentences that ask something are the question.
 */
function focus(text: string): string {
  const sentences = text.split(/(?<=[.!?？。])\s+/).filter((s) => /[\p{L}\p{N}]/u.test(s));
  if (sentences.length < 2 || text.split(/\s+/).length < 20) return text;
  const asking = sentences.filter((s) =>
    /\b(?:when|who|whom|whose|where|what|why|how|which)\b|いつ|誰|どこ|なぜ|何/i.test(s),
  );
  // The question usually comes last, after the context that leads to it.
  return asking.at(-1) ?? text;
}

/** Parses one question (any string) into its parts of meaning. Never throws. */
/**
 * "Japanese people", "Afghan citizens": the nouns after a nationality that say only "someone
 * of that country" — the country is the content, the noun is wording.
 */
const PEOPLE_NOUNS = "(?:people|peoples|persons?|citizens?|nationals?|individuals?|natives?)";

export function parseQuestion(raw: string, options: ParseOptions = {}): ParsedQuestion {
  const text = focus(cleanQuestion(raw));
  const folded = fold(text);
  const locale: Locale = isJapanese(text) ? "ja" : "en";
  const intent = intentOf(folded).intent;
  const {
    period,
    anchors,
    residual: afterDates,
  } = parsePeriods((locale === "ja" ? japaneseDates(folded) : folded).replace(FRAME, " "));
  const ws = words(afterDates);
  const questionWords = new Set(ws);
  const found = gazetteer().find(afterDates);
  const countries = found.filter((c) => !namesPerson(c.phrase, text, questionWords, options.personWords));
  // "Togo Heihachiro": a country's name that is part of a person's is no actor or target.
  const inNames = new Set(found.filter((c) => !countries.includes(c)).map((c) => c.country.code));
  // "US" is a pronoun once folded; in capitals it is the United States.
  if (/\b(?:U\.S\.(?:A\.)?|USA|US)(?![\w.])/.test(text) && !countries.some((c) => c.country.code === "US")) {
    const us = gazetteer().byId("US");
    if (us) countries.push({ country: us, phrase: "us" });
  }
  // A capital standing for its government ("Tokyo and Kabul kicked off ties") names its
  // country; after a preposition ("the embassy in Kabul") it is a place, and stays a word.
  const placed = gazetteer().placed(ws);
  for (const m of placed) {
    if (!m.capital) continue;
    // Only coordinated with another country or capital ("Tokyo and Kabul"): alone, "London"
    // is the city ("the embassy in London", "treaty japan embassy london").
    const coordinated = placed.some(
      (o) =>
        o !== m &&
        ((o.start + o.length === m.start - 1 && /^(?:and|or)$/.test(ws[m.start - 1] ?? "")) ||
          (m.start + m.length === o.start - 1 && /^(?:and|or)$/.test(ws[o.start - 1] ?? ""))),
    );
    if (!coordinated) continue;
    const country = gazetteer().byId(m.code);
    if (country && !countries.some((c) => c.country.code === m.code))
      countries.push({ country, phrase: ws.slice(m.start, m.start + m.length).join(" ") });
  }
  let residual = afterDates;
  for (const c of countries) {
    const escaped = c.phrase.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    // Words in spaced scripts are removed whole ("japan" must not eat "japanese");
    // names in unspaced scripts (日本) have no word boundaries to respect.
    residual = /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]+$/u.test(c.phrase)
      ? // 日本人 ("a Japanese"): the country; 人 says only "someone of it".
        residual.split(`${c.phrase}人`).join(" ").split(c.phrase).join(" ")
      : residual.replace(
          new RegExp(`(?<![\\p{L}])${escaped}(?:\\s+${PEOPLE_NOUNS})?(?![\\p{L}])`, "gu"),
          " ",
        );
  }
  const glossed = locale === "ja" ? englishWordsIn(residual) : [];
  const roleWords = locale === "ja" ? glossed.flatMap((g) => g.split(" ")) : words(residual);
  const pluralMatch = PLURAL_ASK.exec(locale === "en" ? folded : text);
  const plural =
    Boolean(pluralMatch) &&
    !(pluralMatch?.[1] && (NOT_PLURAL.test(pluralMatch[1]) || isStopWord(pluralMatch[1])));
  const asksForPerson = ASKS_FOR_PERSON.test(folded) || (locale === "ja" && /誰|だれ/.test(text));
  // A title that is part of a name the knowledge holds ("Zahir Shah") is the name. A kind of
  // office ("leaders") is what is asked only when the question asks for people of that kind
  // ("Which leaders…", "How many heads of state…"); in "met Taliban leaders" it only describes.
  const partOfName = (i: number) =>
    [roleWords[i - 1], roleWords[i + 1]].some(
      (w) => w !== undefined && options.personWords?.get(w)?.has(roleWords[i]!),
    );
  const mentioned = findRoles(roleWords).filter((r) => !(r.length === 1 && partOfName(r.start)));
  const asked = (r: (typeof mentioned)[number]) =>
    !r.role.kinds || plural || intent === "how-many" || asksForPerson;
  const roles = mentioned.filter(asked).map((r) => r.role);
  // Whose office and who acts are read in the whole question (the residual has lost its
  // countries): its words and their country mentions, once for both.
  const whole = locale === "en" ? words(folded) : [];
  const wholePlaced = locale === "en" ? gazetteer().placed(whole) : [];
  const roleCountries = new Map<Role, string>();
  if (roles.length > 0) {
    const found = findRoles(whole);
    roleOwners(whole, found, wholePlaced).forEach((code, i) => {
      if (code !== undefined && roles.includes(found[i]!.role)) roleCountries.set(found[i]!.role, code);
    });
  }
  const softRoles = mentioned.filter((r) => !asked(r)).map((r) => r.role);
  return {
    text,
    locale,
    intent,
    period,
    anchors,
    countries,
    residual,
    direction: withoutCountries(directionOf(text), inNames),
    roles,
    roleCountries,
    softRoles,
    countsFacts:
      intent === "how-many" &&
      // Kinds of office people are counted in ("how many leaders"); soldiers come in numbers.
      (roles.some((r) => r.kinds !== undefined && !r.kinds.has("military")) ||
        /\bhow (?:many|often)\b(?: \S+){0,3}? (?:times|visits|occasions|treaties|agreements|meetings|conferences|embassies|trips|delegations|events|heads|leaders|people|persons|officials|royals|kings|presidents|ministers|ambassadors)\b|\bhow often\b|何回|何度|何人/.test(
          folded,
        )),
    asksForPerson: asksForPerson && roles.length > 0,
    asksForNow:
      /\b(?:current(?:ly)?|now|today|nowadays|at present|presently|present-day)\b|現在|今の|現職/.test(
        folded,
      ),
    order: FIRST.test(folded) ? "first" : LAST.test(folded) ? "last" : undefined,
    plural,
    capitalized: capitalizedWords(text),
    glossed,
    subject: subjectOf(whole, wholePlaced),
  };
}

function withoutCountries(d: Direction, codes: ReadonlySet<string>): Direction {
  if (codes.size === 0) return d;
  const keep = (set: ReadonlySet<string>) => new Set([...set].filter((c) => !codes.has(c)));
  return { ...d, agents: keep(d.agents), targets: keep(d.targets) };
}

const SUBJECT_AUX = new Set(["did", "does", "do", "has", "have", "had", "will", "would", "could", "can"]);

/** The country right after a question's auxiliary ("When did the Soviets invade …" → XSU). */
function subjectOf(ws: readonly string[], placed: readonly PlacedMention[]): string | undefined {
  for (const m of placed) {
    let k = m.start - 1;
    if (ws[k] === "the") k--;
    if (SUBJECT_AUX.has(ws[k] ?? "")) return m.code;
  }
  return undefined;
}

/**
 * Words capitalized inside a sentence ("Queen Elizabeth" → queen, elizabeth), folded. Text
 * in Title Case or capitals says nothing about names: then none.
 */
function capitalizedWords(text: string): Set<string> {
  const out = new Set<string>();
  const all = text.match(/\p{L}+/gu) ?? [];
  const upper = all.filter((w) => /^\p{Lu}/u.test(w)).length;
  if (all.length >= 4 && upper > all.length / 2) return out;
  for (const sentence of text.split(/(?<=[.!?])\s+/)) {
    const tokens = sentence.match(/[\p{L}\p{N}]+/gu) ?? [];
    tokens.forEach((t, i) => {
      if (i > 0 && /^\p{Lu}/u.test(t)) out.add(fold(t));
    });
  }
  return out;
}
