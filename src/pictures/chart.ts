/**
 * What a timeline picture shows, decided from the knowledge alone: which facts, each as a
 * marker of which shape and colour with which short label, and the title and footer. Plain
 * data, so it crosses to the render worker by structured clone; layout.ts places it and
 * draw.ts paints it.
 */
import { yearLabel, yearOf } from "../knowledge/dates.ts";
import type { Fact, Relation } from "../knowledge/types.ts";
import { dateLabel, statementIn } from "../knowledge/types.ts";

export type Theme = "dark" | "light";
export const THEMES: readonly Theme[] = ["dark", "light"];

/**
 * How a date is drawn, from its precision: a day is a point, a month or a year a short
 * span, and a decade, a century, an interval or a vaguely worded date ("early 1914") a wider,
 * fainter bar — a reader should not take a decade for a precise year.
 */
export type MarkerShape = "point" | "span" | "wide";

/** The colour groups of the legend; a fact takes the first of its tags found here. */
export const CATEGORIES = ["treaty", "embassy", "visit", "aid", "culture", "other"] as const;
export type Category = (typeof CATEGORIES)[number];

export interface ChartItem {
  readonly id: string;
  /** The date's span (ms since 1970, UTC). */
  readonly min: number;
  readonly max: number;
  readonly shape: MarkerShape;
  readonly category: Category;
  /** The date as shown ("16 February 1907", "early 1914"). */
  readonly when: string;
  /** The short text next to the marker. */
  readonly label: string;
}

export interface ChartSpec {
  readonly title: string;
  /** The period asked for, or the span of the facts ("1960 – 1980"). */
  readonly subtitle: string;
  readonly footer: string;
  readonly theme: Theme;
  /** Dated facts in date order. */
  readonly items: readonly ChartItem[];
  /** The bounds asked for (`from` / `to`): the axis shows exactly these where given. */
  readonly from?: number | undefined;
  readonly to?: number | undefined;
}

const CLAUSE_END = /[;:；：。]| [—–] |\. /g;

/** Longest label, in characters, before it is cut at a word. */
export const LABEL_CHARS = 64;

// Words that make a date vague however precise its EDTF is: "early 1914" is stored as 1914.
const VAGUE =
  /\b(?:early|late|mid|about|around|circa|c\.|onwards|during|before|after|spring|summer|autumn|fall|winter|half|quarter)\b/i;

// The same in Japanese: ごろ/頃 (about), 初め/初頭 (early), 半ば (mid), 末 (late), 中 (during), 以降 (onwards).
const VAGUE_JA = /ごろ|頃|初め|初頭|半ば|末|中|前半|後半|以降|以前/;

/** The marker shape for a fact's date. */
export function shapeOf(fact: Fact): MarkerShape {
  const date = fact.date!;
  if (
    date.approximate ||
    date.uncertain ||
    date.precision === "decade" ||
    date.precision === "century" ||
    date.precision === "interval" ||
    (fact.when !== undefined && (VAGUE.test(fact.when) || VAGUE_JA.test(fact.when)))
  )
    return "wide";
  return date.precision === "day" ? "point" : "span";
}

export function categoryOf(fact: Fact): Category {
  return CATEGORIES.find((c) => c !== "other" && fact.tags.includes(c)) ?? "other";
}

/**
 * The text a fact is labelled with, in the reader's language. One place, so that labels
 * switch to a fact's Japanese statement once facts carry one; until then every locale
 * reads the English statement.
 */
export function labelOf(fact: Fact, locale: string): string {
  return shortLabel(statementIn(fact, labelLanguage(locale)));
}

/** The language labelOf reads for a locale: pictures are cached per this, not per locale. */
export function labelLanguage(locale: string): string {
  return locale.toLowerCase().startsWith("ja") ? "ja" : "en";
}

/** A statement cut to its first clause, at most LABEL_CHARS characters, cut at a word. */
export function shortLabel(statement: string): string {
  const text = statement.replace(/\s+/g, " ").trim();
  // The first clause carries the event ("Japan closed its embassy in Kabul"); what follows a
  // colon, semicolon, dash or full stop is detail. Searched from the 12th character on, so a
  // short opening ("Note: …") is not taken for the clause.
  CLAUSE_END.lastIndex = 12;
  const end = CLAUSE_END.exec(text);
  const clause = end ? text.slice(0, end.index) : text.replace(/[.。]$/, "");
  if (clause.length <= LABEL_CHARS) return clause; // UTF-16 units ≥ characters
  const chars = [...clause.slice(0, 2 * LABEL_CHARS)];
  if (chars.length <= LABEL_CHARS) return clause;
  const cut = chars.slice(0, LABEL_CHARS - 1).join("");
  // Cut at a space when there is one late enough; Japanese has none, so cut anywhere.
  const space = cut.lastIndexOf(" ");
  return `${(space > LABEL_CHARS / 2 ? cut.slice(0, space) : cut).replace(/[,\s]+$/, "")}…`;
}

const MONTH = /\b(January|February|March|April|May|June|July|August|September|October|November|December)\b/g;

/** A date label made short for a picture: "16 Feb 1907", "Sep 2022"; "early 1914" stays. */
export function compactWhen(label: string): string {
  return label.replace(MONTH, (m) => m.slice(0, 3));
}

export interface ChartInput {
  readonly relation: Relation;
  /** The facts to show; undated ones are left out (they have no place on an axis). */
  readonly facts: readonly Fact[];
  readonly theme: Theme;
  readonly version: string;
  /** Discord locale of the reader ("en-US", "ja"). */
  readonly locale: string;
  readonly from?: number | undefined;
  readonly to?: number | undefined;
  /** How the period is shown ("1960 – 1980"); default: the facts' first and last dates. */
  readonly period?: string | undefined;
}

/** The picture's content, from a relation's facts in a period. */
export function chartSpec(input: ChartInput): ChartSpec {
  const dated = input.facts.filter((f) => f.date !== null);
  const items = dated.map((f): ChartItem => ({
    id: f.id,
    min: f.date!.min,
    max: f.date!.max,
    shape: shapeOf(f),
    category: categoryOf(f),
    when: compactWhen(dateLabel(f) ?? ""),
    label: labelOf(f, input.locale),
  }));
  const first = dated[0];
  const last = dated.at(-1);
  const span =
    first && last
      ? `${yearLabel(yearOf(first.date!.min))} – ${yearLabel(yearOf(last.date!.max < 8e15 ? last.date!.max : last.date!.min))}`
      : "no dated facts";
  const count = `${items.length} dated fact${items.length === 1 ? "" : "s"}`;
  return {
    title: input.relation.title,
    subtitle: `${input.period ?? span} · ${count}`,
    footer: `${input.relation.title} · knowledge ${input.version}`,
    theme: input.theme,
    items,
    from: input.from,
    to: input.to,
  };
}
