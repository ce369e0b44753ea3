/**
 * The feedback database's tables, as Kysely sees them. The same tables on SQLite and
 * PostgreSQL: only types both hold alike (text, integer, bigint as milliseconds since 1970;
 * booleans as 0/1), so one query layer serves both.
 */
import type { Kysely } from "kysely";

export interface SettingsTable {
  readonly key: string;
  readonly value: string;
}

/** One answer the bot gave: what a vote refers to, and (when `logged`) the question log. */
export interface AnswersTable {
  /** The short id the answer's buttons carry. */
  readonly id: string;
  readonly asked_at: number;
  readonly guild_id: string | null;
  /** Keyed hash of the asker's user id, to count distinct askers; null when not logged. */
  readonly asker: string | null;
  readonly question: string;
  readonly answered: number;
  /** The engine's kind of answer: fact, list, unknown, uncovered. */
  readonly outcome: string;
  /** Knowledge version the answer was computed on. */
  readonly version: string;
  /** Country codes understood, comma-separated ("AF,JP"); empty when none or not analysed. */
  readonly countries: string;
  /** The period understood, as shown to users ("1970s"); null when none. */
  readonly period: string | null;
  /** Questions with the same key are one question in other words (see question-key.ts). */
  readonly group_key: string | null;
  /** 1: part of the question log (kept QUESTION_LOG_DAYS); 0: kept only for votes. */
  readonly logged: number;
}

/** The facts an answer showed, in order: what its votes are about. */
export interface AnswerFactsTable {
  readonly answer_id: string;
  readonly position: number;
  readonly fact_id: string;
}

/** One vote per user per answer; a later vote replaces the earlier one. */
export interface VotesTable {
  readonly answer_id: string;
  /** Keyed hash of the voter's user id. */
  readonly voter: string;
  /** 1 for 👍, -1 for 👎. */
  readonly value: number;
  /** "What is wrong?" (👎 only), at most 500 characters. */
  readonly comment: string | null;
  readonly voted_at: number;
  readonly guild_id: string | null;
}

export interface FeedbackTables {
  readonly settings: SettingsTable;
  readonly answers: AnswersTable;
  readonly answer_facts: AnswerFactsTable;
  readonly votes: VotesTable;
}

export type FeedbackDb = Kysely<FeedbackTables>;
