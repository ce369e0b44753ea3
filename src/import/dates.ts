/**
 * Dates as an article writes them, found in a sentence and turned into EDTF at the precision
 * written: "February 16, 2025" and "16 Feb 1907" and "1907-02-16" are days, "In September
 * 2022" a month, "the spring of 1955" a season, "1931" a year, "early 1914" the year 1914
 * worded vaguely, "the 1970s" a decade, "2000 BCE" the year -1999, "1939–1945" an interval,
 * "during World War II" the war's years, and "the following year" the year after the date
 * before it. Never more precise than the text: "early 1914" is 1914, not 1914-02.
 */
import { DateError, parseDate } from "../knowledge/dates.ts";

export interface DateMention {
  /** Where it is in the text (UTF-16 offsets), and the words. */
  readonly start: number;
  readonly end: number;
  readonly text: string;
  /** EDTF, checked by the knowledge loader's own parser. */
  readonly edtf: string;
  /** The source's wording when it says more than the EDTF label ("early 1914", "as of 2012"). */
  readonly when?: string | undefined;
  /** A mention that qualifies another date of its clause ("since 2002"), not an event of its own. */
  readonly subordinate: boolean;
}

const MONTHS: Record<string, number> = {
  jan: 1,
  feb: 2,
  mar: 3,
  apr: 4,
  may: 5,
  jun: 6,
  jul: 7,
  aug: 8,
  sep: 9,
  sept: 9,
  oct: 10,
  nov: 11,
  dec: 12,
};
const MONTH =
  "(January|February|March|April|May|June|July|August|September|October|November|December|Jan\\.?|Feb\\.?|Mar\\.?|Apr\\.?|Jun\\.?|Jul\\.?|Aug\\.?|Sept?\\.?|Oct\\.?|Nov\\.?|Dec\\.?)";
const YEAR = "(1\\d{3}|20\\d{2})";
const SEASONS: Record<string, number> = { spring: 21, summer: 22, autumn: 23, fall: 23, winter: 24 };
/** Named periods an article may date an event by ("during World War II"). */
const NAMED: ReadonlyArray<[RegExp, string]> = [
  [/World War II|the Second World War|WWII/, "1939/1945"],
  [/World War I|the First World War|WWI/, "1914/1918"],
  [/the Cold War/, "1947/1991"],
];
/** Words after a number that make it a quantity, not a year ("1500 km", "2000 people"). */
const UNITS =
  "(?:km|kilomet|miles?|metres?|meters?|m\\b|kg|tons?|tonnes?|people|persons|men|soldiers|students|workers|dollars|yen|euros?|pounds)";
const NUMBERS: Record<string, number> = { a: 1, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, ten: 10 };

const pad = (n: number, width = 2) => String(n).padStart(width, "0");
const year4 = (y: number) => (y < 0 ? `-${pad(-y, 4)}` : pad(y, 4));
const monthOf = (word: string) => MONTHS[word.toLowerCase().slice(0, 3)]!;

interface Pattern {
  readonly re: RegExp;
  /** EDTF from the match; `previous` is the year of the last date before it (for relative dates). */
  readonly edtf: (m: RegExpExecArray, previous: number | undefined) => string | undefined;
  /** Keep the words as `when` (they say more than the date's label). */
  readonly keepWording?: boolean;
}

// Tried in this order; a match inside an earlier pattern's match is skipped.
const PATTERNS: readonly Pattern[] = [
  { re: new RegExp(`\\b${YEAR}\\s*[–—-]\\s*${YEAR}\\b`, "g"), edtf: (m) => `${m[1]}/${m[2]}` },
  {
    re: new RegExp(
      `\\b(?:from\\s+${YEAR}\\s+(?:to|until|till)|between\\s+${YEAR}\\s+and)\\s+${YEAR}\\b`,
      "gi",
    ),
    edtf: (m) => `${m[1] ?? m[2]}/${m[3]}`,
  },
  { re: /\b(\d{4})-(\d{2})-(\d{2})\b/g, edtf: (m) => `${m[1]}-${m[2]}-${m[3]}` },
  {
    re: new RegExp(`\\b(\\d{1,2})(?:st|nd|rd|th)?\\s+${MONTH},?\\s+${YEAR}\\b`, "gi"),
    edtf: (m) => `${m[3]}-${pad(monthOf(m[2]!))}-${pad(Number(m[1]))}`,
  },
  {
    re: new RegExp(`\\b${MONTH}\\s+(\\d{1,2})(?:st|nd|rd|th)?,?\\s+${YEAR}\\b`, "gi"),
    edtf: (m) => `${m[3]}-${pad(monthOf(m[1]!))}-${pad(Number(m[2]))}`,
  },
  { re: /\b(\d{4})-(\d{2})\b(?!-\d)/g, edtf: (m) => `${m[1]}-${m[2]}` },
  {
    re: new RegExp(`\\b(?:the\\s+)?(spring|summer|autumn|fall|winter)\\s+(?:of\\s+)?${YEAR}\\b`, "gi"),
    edtf: (m) => `${m[2]}-${SEASONS[m[1]!.toLowerCase()]}`,
  },
  {
    re: new RegExp(`\\b${MONTH}\\s+(?:of\\s+)?${YEAR}\\b`, "gi"),
    edtf: (m) => `${m[2]}-${pad(monthOf(m[1]!))}`,
  },
  {
    re: new RegExp(`\\b(?:the\\s+)?(early|late|mid|middle of)[\\s-]+(?:the\\s+)?(1\\d{2}|20\\d)0s\\b`, "gi"),
    edtf: (m) => `${m[2]}X`,
    keepWording: true,
  },
  {
    re: new RegExp(`\\b(?:(?:in\\s+)?(?:early|late|mid|the middle of)[\\s-]+|as of\\s+)${YEAR}\\b`, "gi"),
    edtf: (m) => m[1],
    keepWording: true,
  },
  { re: /\b(?:the\s+)?(1\d{2}|20\d)0s\b/gi, edtf: (m) => `${m[1]}X` },
  {
    re: /\b(\d{1,2})(?:st|nd|rd|th)\s+century\b(?!\s*(?:BCE?|B\.C\.))/gi,
    edtf: (m) => `${pad(Number(m[1]) - 1)}XX`,
  },
  {
    re: /\b(?:from\s+)?(?:about\s+|around\s+|c\.\s*)?(\d{1,4})\s*(?:BCE|BC|B\.C\.)(?:\s+onwards)?/g,
    edtf: (m) => year4(1 - Number(m[1])),
    keepWording: true,
  },
  {
    re: /\b(?:(?:AD|A\.D\.)\s*(\d{1,4})|(\d{1,4})\s*(?:CE|AD)\b)/g,
    edtf: (m) => year4(Number(m[1] ?? m[2])),
  },
  {
    re: /\bduring\s+(World War II|the Second World War|WWII|World War I|the First World War|WWI|the Cold War)\b/g,
    edtf: (m) => NAMED.find(([re]) => re.test(m[1]!))?.[1],
    keepWording: true,
  },
  {
    re: /\b(?:the\s+(following|next|same)\s+year|(that)\s+year|(a|one|two|three|four|five|six|ten)\s+years?\s+(later|after(?:wards)?|earlier|before))\b/gi,
    edtf: (m, previous) => {
      if (previous === undefined) return undefined;
      const word = (m[1] ?? m[2] ?? "").toLowerCase();
      if (word === "same" || word === "that") return year4(previous);
      if (word === "following" || word === "next") return year4(previous + 1);
      const n = NUMBERS[(m[3] ?? "").toLowerCase()] ?? 0;
      return year4(/earlier|before/i.test(m[4] ?? "") ? previous - n : previous + n);
    },
  },
  {
    re: new RegExp(
      `(?<![\\d$£€#.,])\\b${YEAR}\\b(?![\\d%]|,\\d|\\.\\d|\\s*(?:BCE?|B\\.C\\.|CE|AD)\\b|\\s+${UNITS})`,
      "g",
    ),
    edtf: (m) => m[1],
  },
];

/** Words before a date that make it qualify another one ("has given aid since 2002"). */
const SUBORDINATE = /\b(?:since|until|till|by|before|after|from)\s+$/i;

/**
 * The dates in `text`, in order. `previous` is the year of the last date before this text
 * (for "the following year"); a date that does not parse is left out rather than guessed.
 */
export function findDates(text: string, previous?: number): DateMention[] {
  const found: Array<{ pattern: Pattern; match: RegExpExecArray; start: number; end: number }> = [];
  for (const pattern of PATTERNS) {
    pattern.re.lastIndex = 0;
    for (let match = pattern.re.exec(text); match; match = pattern.re.exec(text)) {
      const start = match.index;
      const end = start + match[0].length;
      if (!found.some((f) => start < f.end && end > f.start)) found.push({ pattern, match, start, end });
    }
  }
  found.sort((a, b) => a.start - b.start);
  const out: DateMention[] = [];
  let last = previous;
  for (const { pattern, match, start, end } of found) {
    const edtf = pattern.edtf(match, last);
    if (edtf === undefined) continue;
    let parsed;
    try {
      parsed = parseDate(edtf);
    } catch (error) {
      if (error instanceof DateError) continue; // "February 30, 1907": not a date
      throw error;
    }
    last = new Date(parsed.min).getUTCFullYear();
    // Wording worth keeping says more than the label ("early 1914", "as of 2012"); a capital
    // that only starts the sentence ("As of 2012") is not part of it.
    const wording = pattern.keepWording
      ? match[0].replace(/^in\s+/i, "").replace(/^[A-Z](?=[a-z])/, (c) => c.toLowerCase())
      : undefined;
    out.push({
      start,
      end,
      text: match[0],
      edtf: parsed.edtf,
      when: wording && wording.toLowerCase() !== parsed.label.toLowerCase() ? wording : undefined,
      subordinate: SUBORDINATE.test(text.slice(Math.max(0, start - 12), start)),
    });
  }
  // A qualifying date is an event of its own only when its clause has no other date.
  return out.some((d) => !d.subordinate) ? out : out.map((d) => ({ ...d, subordinate: false }));
}
