/**
 * Helpers for the feedback tests: records as the bot queues them, the rows a database holds,
 * and another program holding a SQLite file's write lock.
 */
import Sqlite from "better-sqlite3";
import { openDatabase, type DatabaseTarget } from "../../src/feedback/database.ts";
import type { AnswerRecord, VoteRecord } from "../../src/feedback/records.ts";

let n = 0;

/** An unanswered, logged question (override any field); each gets an id of its own. */
export function answerRecord(fields: Partial<AnswerRecord> = {}): AnswerRecord {
  n++;
  return {
    kind: "answer",
    id: `answer${String(n).padStart(5, "0")}`,
    at: Date.now() - 86_400_000,
    guildId: "111111111111111111",
    userId: "333333333333333333",
    question: "Who won the 2010 World Cup?",
    answered: false,
    outcome: "unknown",
    factIds: [],
    version: "v1",
    countries: [],
    period: "2010",
    groupKey: "cup win world||2010",
    logged: true,
    ...fields,
  };
}

/** A 👎 without comment on `answerId` (override any field). */
export function voteRecord(answerId: string, fields: Partial<VoteRecord> = {}): VoteRecord {
  return {
    kind: "vote",
    answerId,
    at: Date.now() - 86_400_000,
    guildId: "111111111111111111",
    userId: "333333333333333333",
    value: -1,
    comment: null,
    ...fields,
  };
}

/** Everything the database holds, read with a connection of the test's own. */
export async function feedbackRows(target: DatabaseTarget) {
  const open = await openDatabase(target);
  try {
    return {
      answers: await open.db.selectFrom("answers").selectAll().orderBy("asked_at").orderBy("id").execute(),
      facts: await open.db
        .selectFrom("answer_facts")
        .selectAll()
        .orderBy("answer_id")
        .orderBy("position")
        .execute(),
      votes: await open.db.selectFrom("votes").selectAll().orderBy("voted_at").execute(),
    };
  } finally {
    await open.close();
  }
}

/** Another program takes the file's write lock (BEGIN EXCLUSIVE); call the result to let go. Idempotent. */
export function holdSqliteLock(file: string): () => void {
  const other = new Sqlite(file);
  other.exec("BEGIN EXCLUSIVE");
  let held = true;
  return () => {
    if (!held) return;
    held = false;
    other.exec("ROLLBACK");
    other.close();
  };
}
