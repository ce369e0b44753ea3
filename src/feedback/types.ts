/**
 * What commands see of feedback: record an answer (getting the id its buttons carry), record
 * a vote, read the gaps report. Implemented by FeedbackRecorder (recorder.ts); absent when a
 * host wires no recording at all (tests of other parts, tools).
 */
import type { RecordQuestions } from "../config.ts";
import type { Answer } from "../engine/types.ts";
import type { KnowledgeIndex } from "../index/knowledge-index.ts";
import type { Actor } from "../interactions/command.ts";
import type { GapsReport } from "./report.ts";

/** Answer ids, as the buttons carry them: 8 random bytes, base64url. */
export const ANSWER_ID = /^[A-Za-z0-9_-]{11}$/;

/** What a vote comment may hold: the form says so, and the recorder cuts a crafted longer one. */
export const MAX_COMMENT = 500;

export interface FeedbackHealth {
  readonly recording: RecordQuestions;
  readonly retentionDays: number;
  /** The database answered the last attempt to reach it. */
  readonly available: boolean;
  /** Records not written (database away too long, queue full) since start. */
  readonly dropped: number;
}

export interface Feedback {
  /** Whether answers offer 👍/👎 (false with RECORD_QUESTIONS=off). */
  readonly votes: boolean;
  /**
   * Records an answer as RECORD_QUESTIONS says, off the answer path (queued, written later);
   * returns the id its vote buttons carry, or undefined when votes are off. Never throws.
   */
  answered(answer: Answer, index: KnowledgeIndex, actor: Actor): string | undefined;
  /** Records a vote (replacing the user's earlier one on that answer). Never throws. */
  vote(vote: {
    readonly answerId: string;
    readonly actor: Actor;
    readonly up: boolean;
    readonly comment?: string | null;
  }): void;
  /** The gaps report of the last `days` days, for one server (null: DMs) or all (undefined). */
  report(days: number, guildId: string | null | undefined): Promise<GapsReport>;
  health(): FeedbackHealth;
}
