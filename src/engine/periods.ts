/**
 * Finds the time a question is about: "in 1969", "in the 1970s", "between 2002 and 2012",
 * "before 1950", "in September 2022", "during World War II", "2000 BCE", and phrases that
 * name an event instead of a date ("after the Fall of Kabul"), which the engine resolves
 * against the knowledge. Works on folded text (see normalize.fold).
 */
import { monthStart, yearEnd, yearLabel, yearStart, type Period } from "../knowledge/dates.ts";

export interface Anchor {
  /** "after" covers the anchor's own date too: the answer to "what happened after X" often is X's fact. */
  readonly direction: "after" | "before";
  /** The event's words, e.g. "fall of kabul". */
  readonly phrase: string;
}

export interface PeriodParse {
  readonly period?: Period | undefined;
  readonly anchors: readonly Anchor[];
  /** The text with every date expression blanked out, for term extraction. */
  readonly residual: string;
}

const MONTHS = [
  "january",
  "february",
  "march",
  "april",
  "may",
  "june",
  "july",
  "august",
  "september",
  "october",
  "november",
  "december",
];
const MONTH_ALT =
  "jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?";
const MONTH_NAMES = MONTHS.map((m) => m[0]!.toUpperCase() + m.slice(1));

function monthIndex(word: string): number {
  return MONTHS.findIndex((m) => m.startsWith(word.slice(0, 3)));
}

// Named periods of general history that questions use as dates.
const NAMED: Array<[RegExp, Period]> = [
  [
    /\b(?:world war (?:ii|2|two)|ww ?(?:ii|2)|second world war)\b/,
    { min: Date.UTC(1939, 8, 1), max: Date.UTC(1945, 8, 2, 23, 59, 59, 999), label: "World War II" },
  ],
  [
    /\b(?:world war (?:i|1|one)|ww ?(?:i|1)|first world war|great war)\b/,
    { min: Date.UTC(1914, 6, 28), max: Date.UTC(1918, 10, 11, 23, 59, 59, 999), label: "World War I" },
  ],
  [/\bcold war\b/, { min: yearStart(1947), max: yearEnd(1991), label: "the Cold War" }],
];

const YEAR = String.raw`(?:1\d{3}|20\d{2})`;
const DECADE = String.raw`(?:(?:1\d|20)\d0s|'?[0-9]0s)`;

// Compiled once: dateAt runs at every word of every question.
const ISO_DAY = new RegExp(String.raw`^(${YEAR})-(\d{2})-(\d{2})\b`);
const ISO_MONTH = new RegExp(String.raw`^(${YEAR})-(\d{2})(?![\d-])`);
const DAY_MONTH_YEAR = new RegExp(String.raw`^(\d{1,2})(?:st|nd|rd|th)? (${MONTH_ALT}),? (${YEAR})\b`);
const MONTH_DAY_YEAR = new RegExp(String.raw`^(${MONTH_ALT}) (\d{1,2})(?:st|nd|rd|th)?,? (${YEAR})\b`);
const MONTH_YEAR = new RegExp(String.raw`^(${MONTH_ALT}),? (${YEAR})\b`);
const DECADE_AT = new RegExp(String.raw`^(${DECADE})`);
const YEAR_AT = new RegExp(String.raw`^(${YEAR})(?![\d.,]?\d)`);

/** A date expression at the start of `text` → its span and period. */
function dateAt(text: string): { length: number; period: Period } | undefined {
  let m: RegExpExecArray | null;
  // ISO forms as people paste them: 1907-02-16, 2022-09.
  if ((m = ISO_DAY.exec(text))) {
    const [y, mo, d] = [Number(m[1]), Number(m[2]) - 1, Number(m[3])];
    const period = mo < 12 ? day(y, mo, d) : undefined;
    if (period) return { length: m[0].length, period };
  }
  if ((m = ISO_MONTH.exec(text))) {
    const [y, mo] = [Number(m[1]), Number(m[2]) - 1];
    if (mo >= 0 && mo < 12)
      return {
        length: m[0].length,
        period: { min: monthStart(y, mo), max: monthStart(y, mo + 1) - 1, label: `${MONTH_NAMES[mo]} ${y}` },
      };
  }
  if ((m = DAY_MONTH_YEAR.exec(text))) {
    const period = day(Number(m[3]), monthIndex(m[2]!), Number(m[1]));
    return period ? { length: m[0].length, period } : undefined;
  }
  if ((m = MONTH_DAY_YEAR.exec(text))) {
    const period = day(Number(m[3]), monthIndex(m[1]!), Number(m[2]));
    return period ? { length: m[0].length, period } : undefined;
  }
  if ((m = MONTH_YEAR.exec(text))) {
    const [y, mo] = [Number(m[2]), monthIndex(m[1]!)];
    return {
      length: m[0].length,
      period: { min: monthStart(y, mo), max: monthStart(y, mo + 1) - 1, label: `${MONTH_NAMES[mo]} ${y}` },
    };
  }
  if ((m = /^([1-9]\d?)(?:st|nd|rd|th) century( bce| bc| b\.c\.)?/.exec(text))) {
    const n = Number(m[1]);
    const bce = Boolean(m[2]);
    const [a, b] = bce ? [-(n * 100) + 1, -(n - 1) * 100] : [(n - 1) * 100 + 1, n * 100];
    const label = `the ${ordinal(n)} century${bce ? " BCE" : ""}`;
    return { length: m[0].length, period: { min: yearStart(a), max: yearEnd(b), label } };
  }
  if ((m = DECADE_AT.exec(text))) {
    const digits = m[1]!.replace(/\D/g, "");
    // "the 70s" means the 1970s: nobody asks about the 70s AD in this domain.
    const start = digits.length <= 2 ? 1900 + Number(digits.padStart(2, "0")) : Number(digits);
    return {
      length: m[0].length,
      period: { min: yearStart(start), max: yearEnd(start + 9), label: `the ${start}s` },
    };
  }
  if ((m = /^(\d{1,5}) ?(bce|bc|b\.c\.)(?![a-z])/.exec(text))) {
    const y = 1 - Number(m[1]);
    return { length: m[0].length, period: { min: yearStart(y), max: yearEnd(y), label: yearLabel(y) } };
  }
  if ((m = YEAR_AT.exec(text))) {
    const y = Number(m[1]);
    return { length: m[0].length, period: { min: yearStart(y), max: yearEnd(y), label: String(y) } };
  }
  return undefined;
}

function ordinal(n: number): string {
  const suffix = n % 100 >= 11 && n % 100 <= 13 ? "th" : (["th", "st", "nd", "rd"][n % 10] ?? "th");
  return `${n}${suffix}`;
}

function day(y: number, mo: number, d: number): Period | undefined {
  // "31 February" is no day: the question gets no period rather than a silently moved one.
  if (mo < 0 || d < 1) return undefined;
  const probe = new Date(monthStart(y, mo));
  probe.setUTCDate(d);
  if (probe.getUTCMonth() !== mo) return undefined;
  const min = monthStart(y, mo) + (d - 1) * 86_400_000;
  return { min, max: min + 86_400_000 - 1, label: `${d} ${MONTH_NAMES[mo]} ${y}` };
}

const RANGE = new RegExp(
  String.raw`\b(?:between|from) (?:the )?(\S+(?: \S+){0,2}?) (?:and|to|until|till|through) (?:the )?(\S+(?: \S+){0,2})`,
  "g",
);
const YEAR_RANGE = new RegExp(String.raw`\b(${YEAR}) ?[-–—] ?(${YEAR})\b`, "g");
/** Named periods with the word that may bound them ("after the Cold War"). */
const NAMED_BOUNDED = NAMED.map(
  ([re, period]) =>
    [
      new RegExp(
        String.raw`(?:\b(before|prior to|after|since|following|during|in|throughout) )?(?:the )?` + re.source,
      ),
      period,
    ] as const,
);

const BEFORE = /^(?:before|prior to|until|till|up to|earlier than|by)$/;
const AFTER = /^(?:after|since|following|later than|from)$/;

/** Parses every date expression of a (folded) question. */
export function parsePeriods(text: string): PeriodParse {
  let residual = text;
  const blank = (start: number, length: number) => {
    residual = residual.slice(0, start) + " ".repeat(length) + residual.slice(start + length);
  };
  const explicit: Period[] = [];
  const bounds: Array<{ direction: "after" | "before"; period: Period; word: string; inclusive: boolean }> =
    [];
  const anchors: Anchor[] = [];

  // 1. Ranges: "between 2002 and 2012", "from 1960 to 1980", "2002-2012".
  for (const m of text.matchAll(RANGE)) {
    const a = dateAt(m[1]!);
    const b = NOW.test(m[2]!) ? { length: NOW.exec(m[2]!)![0].length, period: PRESENT } : dateAt(m[2]!);
    if (!a || !b || a.length !== m[1]!.length) continue;
    explicit.push(span(a.period, b.period));
    blank(m.index, m[0].length - (m[2]!.length - b.length));
  }
  for (const m of residual.matchAll(YEAR_RANGE)) {
    const [a, b] = [Number(m[1]), Number(m[2])];
    explicit.push(
      span(
        { min: yearStart(a), max: yearEnd(a), label: m[1]! },
        { min: yearStart(b), max: yearEnd(b), label: m[2]! },
      ),
    );
    blank(m.index, m[0].length);
  }

  // 2. Named periods ("during World War II"), possibly bounded ("after the Cold War").
  for (const [re, period] of NAMED_BOUNDED) {
    const m = re.exec(residual);
    if (!m) continue;
    const word = m[1] ?? "";
    // A named period's bound excludes the period: "after World War II" starts when it ended.
    if (BEFORE.test(word) || word === "prior to")
      bounds.push({ direction: "before", period, word, inclusive: false });
    else if (AFTER.test(word)) bounds.push({ direction: "after", period, word, inclusive: false });
    else explicit.push(period);
    blank(m.index, m[0].length);
  }

  // 3. "before/after/since X" with a date, or with an event to look up.
  const bounded =
    /\b(before|prior to|until|till|up to|earlier than|after|since|following|later than|by|from) (?:the )?/g;
  for (const m of residual.matchAll(bounded)) {
    const direction = AFTER.test(m[1]!) ? "after" : "before";
    const rest = residual.slice(m.index + m[0].length);
    const date = dateAt(rest);
    if (date) {
      // "since 2002" and "until 2002" include 2002; "after 2002" and "before 2002" do not.
      // Bounds include the named date: "after 1979" keeps what happened in 1979 itself
      // (the source often dates an event by the year of its cause), ranked as usual.
      bounds.push({ direction, period: date.period, word: m[1]!, inclusive: true });
      blank(m.index, m[0].length + date.length);
      continue;
    }
    if (m[1] === "by" || m[1] === "up to" || m[1] === "from") continue;
    // An event: up to six words, stopping at punctuation or a clause word.
    const phrase = /^([\p{L}\p{N}' -]+?)(?=\s+(?:in|on|at|when|and|did|was|were|to|for)\b|[,.;:?!]|$)/u.exec(
      rest.slice(0, 80),
    );
    const words = phrase?.[1]?.trim();
    // "since when" is a question, not an event.
    if (
      words &&
      words.split(" ").length <= 6 &&
      !/^\d/.test(words) &&
      !/^(?:when|what|then|that|this|it)\b/.test(words) &&
      // "after an earthquake" names no event in particular: it is what is asked about.
      !/^(?:a|an|some|any|one)\b/.test(words)
    )
      anchors.push({ direction, phrase: words });
  }

  // 4. Single dates anywhere ("in 1969", "September 2022", "the 1970s", "early 1914").
  for (let i = 0; i < residual.length; i++) {
    if (i > 0 && /[\p{L}\p{N}]/u.test(residual[i - 1]!)) continue;
    const date = dateAt(residual.slice(i));
    if (!date) continue;
    explicit.push(date.period);
    blank(i, date.length);
    i += date.length;
  }

  let period: Period | undefined;
  if (explicit.length === 1) period = explicit[0];
  else if (explicit.length > 1)
    // "in the 1930s and the 2010s" is two periods, not everything between them.
    period = {
      min: Math.min(...explicit.map((p) => p.min)),
      max: Math.max(...explicit.map((p) => p.max)),
      label: explicit.map((p) => p.label).join(" and "),
      parts: explicit,
    };
  for (const b of bounds) {
    const open: Period =
      b.direction === "after"
        ? {
            min: b.inclusive ? b.period.min : b.period.max + 1,
            max: 8.64e15,
            label: `${b.word} ${b.period.label}`,
          }
        : {
            min: -8.64e15,
            max: b.inclusive ? b.period.max : b.period.min - 1,
            label: `${b.word} ${b.period.label}`,
          };
    period = period ? intersect(period, open) : open;
  }
  return { period, anchors, residual: residual.replace(/\b(?:early|mid|late|in|the|during)\s+(?=\s)/g, " ") };
}

/** The overlap of two periods (empty periods have min > max). */
export function intersect(a: Period, b: Period): Period {
  const label = `${a.label}, ${b.label}`;
  const base = { min: Math.max(a.min, b.min), max: Math.min(a.max, b.max), label };
  if (!a.parts) return base;
  const parts = a.parts.map((p) => intersect(p, b)).filter((p) => p.min <= p.max);
  return { ...base, parts };
}

/** "to now", "to the present", "until today": the end of a range that is still open. */
const NOW = /^(?:the )?(?:present(?: day)?|now|today|date)\b/;
const PRESENT: Period = { min: 8.64e15, max: 8.64e15, label: "now" };

/** From the start of one date to the end of another, whichever order they were written in. */
function span(a: Period, b: Period): Period {
  const [first, last] = a.min <= b.min ? [a, b] : [b, a];
  return { min: first.min, max: Math.max(first.max, last.max), label: `${first.label}–${last.label}` };
}
