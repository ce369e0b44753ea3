/** What the engine returns: plain data, knowing nothing of Discord or the console. */
import type { Period } from "../knowledge/dates.ts";
import type { Fact, Relation, Source } from "../knowledge/types.ts";

export type Intent = "when" | "who" | "where" | "why" | "how-many" | "list" | "what";

export interface Citation {
  /** 1-based number shown as [n] next to the fact. */
  readonly n: number;
  readonly source: Source;
  readonly section: string;
}

export type AnswerKind =
  /** One fact answers the question. */
  | "fact"
  /** Several facts of a period, in date order ("What happened in the 1970s?"). */
  | "list"
  /** Nothing in the knowledge answers it well enough; `suggestions` holds the nearest facts. */
  | "unknown"
  /** The question names a pair of countries we hold no relation for. */
  | "uncovered"
  /** Nothing to answer: empty, or no words at all. */
  | "empty";

export interface Answer {
  readonly question: string;
  readonly answered: boolean;
  readonly kind: AnswerKind;
  readonly intent: Intent;
  /** The facts that answer, best first (a list: in date order). */
  readonly facts: readonly Fact[];
  /** For a list: how many more facts matched than are shown. */
  readonly more: number;
  /** For a miss: up to three nearest facts to offer instead. */
  readonly suggestions: readonly Fact[];
  /** Citations of `facts`, numbered in order of first use. */
  readonly citations: readonly Citation[];
  /** The period the question asked about, if any. */
  readonly period?: Period | undefined;
  /** The relation the answer comes from, when there is exactly one. */
  readonly relation?: Relation | undefined;
  /** For "uncovered": the countries named, e.g. ["Brazil", "Japan"]. */
  readonly countries?: readonly string[] | undefined;
  /** How sure the engine is, 0..1 (the share of the question's meaning the best fact covers). */
  readonly confidence: number;
  /** Knowledge version the answer was computed on. */
  readonly version: string;
}
