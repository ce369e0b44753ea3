/**
 * Historical dates in EDTF (ISO 8601-2) notation, parsed by the `edtf` package.
 *
 * A fact's date keeps the precision its source gives: "1931" is a year, "2022-09" a
 * month, "1907-02-16" a day, "197" (or "197X") a decade, "1914-40" the first half of a
 * year, "-1999" the year 2000 BCE (EDTF counts 1 BCE as year 0). Every date also has a
 * numeric span [min, max] in milliseconds since 1970 (UTC) used to sort and to match
 * question periods; the span is what the precision allows, never narrower.
 */
import edtf from "edtf";

export type Precision = "day" | "month" | "season" | "year" | "decade" | "century" | "interval";

export interface HistoricalDate {
  /** The normalized EDTF string, e.g. "1907-02-16" (this is what the JSON `date` field carries). */
  readonly edtf: string;
  /** Earliest instant the date can mean (ms since epoch, UTC). */
  readonly min: number;
  /** Latest instant the date can mean. */
  readonly max: number;
  readonly precision: Precision;
  readonly approximate: boolean;
  readonly uncertain: boolean;
  /** Human label at the date's own precision: "16 February 1907", "September 2022", "the 1970s", "2000 BCE". */
  readonly label: string;
  /** The same in Japanese: "1907年2月16日", "2022年9月", "1970年代", "紀元前2000年". */
  readonly labelJa: string;
}

/** A date that could not be parsed; `reason` is shown to the person editing the file. */
export class DateError extends Error {}

const MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];

const SEASONS: Record<number, string> = {
  21: "spring",
  22: "summer",
  23: "autumn",
  24: "winter",
  25: "spring (Northern Hemisphere)",
  26: "summer (Northern Hemisphere)",
  27: "autumn (Northern Hemisphere)",
  28: "winter (Northern Hemisphere)",
  29: "spring (Southern Hemisphere)",
  30: "summer (Southern Hemisphere)",
  31: "autumn (Southern Hemisphere)",
  32: "winter (Southern Hemisphere)",
  33: "the first quarter of",
  34: "the second quarter of",
  35: "the third quarter of",
  36: "the fourth quarter of",
  37: "the first third of",
  38: "the second third of",
  39: "the last third of",
  40: "the first half of",
  41: "the second half of",
};

/** Year number (astronomical, as EDTF) → "1931" or "2000 BCE". */
export function yearLabel(year: number): string {
  return year > 0 ? String(year) : `${1 - year} BCE`;
}

/** Year number → "1931年" or "紀元前2000年". */
export function yearLabelJa(year: number): string {
  return year > 0 ? `${year}年` : `紀元前${1 - year}年`;
}

const SEASONS_JA: Record<number, string> = {
  21: "春", 22: "夏", 23: "秋", 24: "冬", 25: "春", 26: "夏", 27: "秋", 28: "冬", 29: "春", 30: "夏", 31: "秋", 32: "冬",
  33: "第1四半期", 34: "第2四半期", 35: "第3四半期", 36: "第4四半期",
  37: "前期", 38: "中期", 39: "後期", 40: "前半", 41: "後半",
};

/** Start of a (possibly negative, astronomical) year in ms since epoch, UTC. */
export function yearStart(year: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, 0, 1);
  d.setUTCHours(0, 0, 0, 0);
  return d.getTime();
}

/** Last millisecond of a year. */
export function yearEnd(year: number): number {
  return yearStart(year + 1) - 1;
}

/** Start of a month (0-based month), UTC. */
export function monthStart(year: number, month: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month, 1);
  d.setUTCHours(0, 0, 0, 0);
  return d.getTime();
}

/** The year an instant falls in (astronomical numbering). */
export function yearOf(ms: number): number {
  return new Date(ms).getUTCFullYear();
}

function decadeLabel(decadeStart: number): string {
  return `the ${decadeStart}s`;
}

// Decades and centuries before the common era have no "the …s" name that matches EDTF's
// astronomical spans (edtf's "-19" is -1900..-1801), so they are shown as the years they cover.
function bceSpanLabel(v: { min: number; max: number }): string {
  return `${yearLabel(yearOf(v.min))}–${yearLabel(yearOf(v.max))}`;
}

interface EdtfValue {
  type: string;
  edtf: string;
  min: number;
  max: number;
  values?: number[];
  precision?: number;
  approximate?: { value: number };
  uncertain?: { value: number };
  unspecified?: { value: number };
  lower?: EdtfValue | null;
  upper?: EdtfValue | null;
}

function bceSpanLabelJa(v: { min: number; max: number }): string {
  return `${yearLabelJa(yearOf(v.min))}～${yearLabelJa(yearOf(v.max))}`;
}

function labelOf(v: EdtfValue): { label: string; labelJa: string; precision: Precision } {
  const values = v.values ?? [];
  const year = values[0] ?? yearOf(v.min);
  switch (v.type) {
    case "Decade":
      return year < 0
        ? { label: bceSpanLabel(v), labelJa: bceSpanLabelJa(v), precision: "decade" }
        : { label: decadeLabel(year * 10), labelJa: `${year * 10}年代`, precision: "decade" };
    case "Century":
      return year < 0
        ? { label: bceSpanLabel(v), labelJa: bceSpanLabelJa(v), precision: "century" }
        : { label: `the ${year * 100}s`, labelJa: `${year * 100}年代`, precision: "century" };
    case "Season": {
      const name = SEASONS[values[1] ?? 0] ?? "part of";
      return {
        label: `${name} ${yearLabel(year)}`,
        labelJa: `${yearLabelJa(year)}${SEASONS_JA[values[1] ?? 0] ?? ""}`,
        precision: "season",
      };
    }
    case "Interval": {
      // Open ends ("..") and unknown ends ("") come back as bounds with no finite value.
      const lower = v.lower && Number.isFinite(v.lower.min) ? labelOf(v.lower) : null;
      const upper = v.upper && Number.isFinite(v.upper.max) ? labelOf(v.upper) : null;
      const label =
        lower && upper
          ? `${lower.label} – ${upper.label}`
          : lower
            ? `since ${lower.label}`
            : `until ${upper?.label ?? "?"}`;
      const labelJa =
        lower && upper
          ? `${lower.labelJa}～${upper.labelJa}`
          : lower
            ? `${lower.labelJa}以降`
            : `${upper?.labelJa ?? "?"}まで`;
      return { label, labelJa, precision: "interval" };
    }
    default: {
      // Unspecified digits ("197X", "19XX") widen a year to a decade or century.
      if (v.unspecified?.value) {
        const start = yearOf(v.min);
        const end = yearOf(v.max);
        if (end - start === 9)
          return start < 0
            ? { label: bceSpanLabel(v), labelJa: bceSpanLabelJa(v), precision: "decade" }
            : { label: decadeLabel(start), labelJa: `${start}年代`, precision: "decade" };
        if (end - start === 99)
          return start < 0
            ? { label: bceSpanLabel(v), labelJa: bceSpanLabelJa(v), precision: "century" }
            : { label: `the ${start}s`, labelJa: `${start}年代`, precision: "century" };
        if (values.length === 1)
          return {
            label: `${yearLabel(start)}–${yearLabel(end)}`,
            labelJa: `${yearLabelJa(start)}～${yearLabelJa(end)}`,
            precision: "year",
          };
      }
      const p = v.precision ?? 1;
      if (p >= 3 && values[1] !== undefined && values[2] !== undefined)
        return {
          label: `${values[2]} ${MONTHS[values[1]]} ${yearLabel(year)}`,
          labelJa: `${yearLabelJa(year)}${values[1] + 1}月${values[2]}日`,
          precision: "day",
        };
      if (p === 2 && values[1] !== undefined)
        return {
          label: `${MONTHS[values[1]]} ${yearLabel(year)}`,
          labelJa: `${yearLabelJa(year)}${values[1] + 1}月`,
          precision: "month",
        };
      return { label: yearLabel(year), labelJa: yearLabelJa(year), precision: "year" };
    }
  }
}

// The edtf package rolls 1931-02-29 over to 1 March, so the day is checked on the text
// the curator typed, before parsing.
function assertRealDay(text: string): void {
  for (const [, ys, ms, ds] of text.matchAll(/(-?\d{4,})-(\d{2})-(\d{2})/g)) {
    const [y, m, d] = [Number(ys), Number(ms) - 1, Number(ds)];
    if (m < 0 || m > 11 || d < 1) continue; // left to the parser's own error
    const probe = new Date(monthStart(y, m));
    probe.setUTCDate(d);
    if (probe.getUTCMonth() !== m)
      throw new DateError(`"${text}": ${MONTHS[m]} ${yearLabel(y)} has no day ${d}`);
  }
}

// Knowledge repeats dates a lot (every fact of 1931 has "1931"), and the EDTF grammar is
// costly to run: parsed dates are immutable, so each distinct string is parsed once.
const PARSED = new Map<string, HistoricalDate>();

/** Parses an EDTF string; throws DateError with a reason a curator can act on. */
export function parseDate(input: string): HistoricalDate {
  const cached = PARSED.get(input);
  if (cached) return cached;
  const parsed = Object.freeze(parseUncached(input));
  if (PARSED.size >= 100_000) PARSED.clear();
  PARSED.set(input, parsed);
  return parsed;
}

function parseUncached(input: string): HistoricalDate {
  const text = input.trim();
  if (!text) throw new DateError("the date is empty");
  if (/\bBCE?\b|\bAD\b|\bCE\b/i.test(text)) {
    const y = Number(/\d+/.exec(text)?.[0]);
    // "AD 1931" / "1931 CE" need no sign; only BC(E) years are shifted by one.
    const hint = !Number.isFinite(y)
      ? ""
      : /\bBCE?\b/i.test(text)
        ? `; write ${y} BCE as "${-(y - 1)}" (EDTF counts 1 BCE as year 0)`
        : `; write the year alone, e.g. "${y}"`;
    throw new DateError(`"${text}" is not EDTF${hint}`);
  }
  assertRealDay(text);
  let v: EdtfValue;
  try {
    v = edtf(text) as unknown as EdtfValue;
  } catch {
    throw new DateError(`"${text}" is not a valid EDTF date (e.g. 1931, 2022-09, 1907-02-16, 197X, -1999)`);
  }
  if (v.type === "List" || v.type === "Set")
    throw new DateError(`"${text}" is a set of dates; give one date or an interval`);
  if (!Number.isFinite(v.min) || !Number.isFinite(v.max)) {
    if (v.type !== "Interval") throw new DateError(`"${text}" has no definite span`);
  }
  const { label, labelJa, precision } = labelOf(v);
  return {
    edtf: v.edtf,
    min: Number.isFinite(v.min) ? v.min : -8.64e15,
    max: Number.isFinite(v.max) ? v.max : 8.64e15,
    precision,
    approximate: Boolean(v.approximate?.value),
    uncertain: Boolean(v.uncertain?.value),
    label: (v.approximate?.value ? "c. " : "") + label + (v.uncertain?.value ? " (uncertain)" : ""),
    labelJa: labelJa + (v.approximate?.value ? "頃" : "") + (v.uncertain?.value ? "（不確実）" : ""),
  };
}

/** Orders dates by start, then by span (the more precise first). */
export function compareDates(a: HistoricalDate, b: HistoricalDate): number {
  return a.min - b.min || a.max - b.max;
}

/** A closed span of time, as produced by question parsing ("in the 1970s", "before 1950"). */
export interface Period {
  readonly min: number;
  readonly max: number;
  readonly label: string;
  /** Disjoint pieces ("in the 1930s and the 2010s"); [min, max] then only bounds them. */
  readonly parts?: readonly Period[] | undefined;
}

/** True when the date lies within the period (a fuzzy date counts if it overlaps). */
export function dateInPeriod(date: HistoricalDate, period: Period): boolean {
  if (period.parts) return period.parts.some((part) => dateInPeriod(date, part));
  return date.min <= period.max && date.max >= period.min;
}
