/** What the engine returns: plain data, knowing nothing of Discord or the console. */
import type { Period } from "../knowledge/dates.ts";
import type { Fact, Relation, Source } from "../knowledge/types.ts";
import type { Intent } from "./intents.ts";
import type { Locale } from "./question.ts";

export type { Intent } from "./intents.ts";
export type { Locale } from "./question.ts";

export interface Citation {
  /** 1-based number shown as [n] next to the fact. */
  readonly n: number;
  readonly source: Source;
  readonly section: string;
}

export type AnswerKind =
  /** One fact answers the question. */
  | "fact"
  /** Several facts, in date order: a period ("What happened in the 1970s?") or a plural question. */
  | "list"
  /** How many facts match ("How many Afghan leaders visited Japan?"), and which. */
  | "count"
  /** The question asked several things; `parts` answers each. */
  | "parts"
  /** The best facts of two or more relations answer equally well: each is shown, labelled. */
  | "ambiguous"
  /** Nothing in the knowledge answers it well enough; `suggestions` holds the nearest facts. */
  | "unknown"
  /** The question names a pair of countries we hold no relation for. */
  | "uncovered"
  /** Nothing to answer: empty, or no words at all. */
  | "empty";

/** A fact that matches the question except for what it names: "I hold …, not …". */
export interface NearMiss {
  readonly fact: Fact;
  /** What the question names that the fact does not hold, as the question wrote it. */
  readonly missing: string;
}

export interface Answer {
  readonly question: string;
  readonly answered: boolean;
  readonly kind: AnswerKind;
  readonly intent: Intent;
  /** The language the answer is given in (the question's, or the user's). */
  readonly locale: Locale;
  /** The facts that answer, best first (a list: in date order). */
  readonly facts: readonly Fact[];
  /** For a list or count: how many more facts matched than are shown. */
  readonly more: number;
  /** For a count: how many facts match in all. */
  readonly count?: number | undefined;
  /** For a question of several parts: the answer to each. */
  readonly parts?: readonly Answer[] | undefined;
  /** For a miss: up to three nearest facts to offer instead. */
  readonly suggestions: readonly Fact[];
  /** For a miss: a fact that holds the event but not the person, place or direction asked. */
  readonly near?: NearMiss | undefined;
  /** Citations of `facts`, numbered in order of first use. */
  readonly citations: readonly Citation[];
  /** The period the question asked about, if any. */
  readonly period?: Period | undefined;
  /** The relation the answer comes from, when there is exactly one. */
  readonly relation?: Relation | undefined;
  /** Each fact's relation, when the facts come from more than one (they are labelled). */
  readonly relationOf?: ReadonlyMap<string, Relation> | undefined;
  /** For "uncovered": the countries named, e.g. ["Brazil", "Japan"]. */
  readonly countries?: readonly string[] | undefined;
  /** How sure the engine is, 0..1 (the share of the question's meaning the best fact covers). */
  readonly confidence: number;
  /** Knowledge version the answer was computed on. */
  readonly version: string;
}
