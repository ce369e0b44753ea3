/**
 * Writing feedback: answers (what votes refer to, and the question log), votes, the secret
 * that keys user-id hashes, and the retention purge. Plain Kysely, the same on SQLite and
 * PostgreSQL; every write of a batch in one transaction, so a retried batch never half-lands.
 */
import { createHmac, randomBytes } from "node:crypto";
import type { FeedbackDb } from "./schema.ts";

/** An answer given, as queued for the database. User ids are hashed only when written. */
export interface AnswerRecord {
  readonly kind: "answer";
  readonly id: string;
  readonly at: number;
  readonly guildId: string | null;
  /** The asker; stored as a keyed hash, and only when `logged`. */
  readonly userId: string;
  readonly question: string;
  readonly answered: boolean;
  readonly outcome: string;
  readonly factIds: readonly string[];
  readonly version: string;
  readonly countries: readonly string[];
  readonly period: string | null;
  readonly groupKey: string | null;
  /** Part of the question log; otherwise kept only long enough to be voted on. */
  readonly logged: boolean;
}

/** A 👍 (1) or 👎 (-1) on an answer; replaces the same user's earlier vote on it. */
export interface VoteRecord {
  readonly kind: "vote";
  readonly answerId: string;
  readonly at: number;
  readonly guildId: string | null;
  readonly userId: string;
  readonly value: 1 | -1;
  readonly comment: string | null;
}

export type FeedbackRecord = AnswerRecord | VoteRecord;

const SECRET_KEY = "feedback_secret";

/**
 * The key of user-id hashes: FEEDBACK_SECRET when set, else the one stored in the database,
 * generated on first use. Several processes sharing a database agree on it: an insert that
 * loses the race reads the winner's.
 */
export async function resolveSecret(db: FeedbackDb, configured: string | undefined): Promise<string> {
  if (configured) return configured;
  await db
    .insertInto("settings")
    .values({ key: SECRET_KEY, value: randomBytes(32).toString("base64url") })
    .onConflict((oc) => oc.column("key").doNothing())
    .execute();
  const row = await db
    .selectFrom("settings")
    .select("value")
    .where("key", "=", SECRET_KEY)
    .executeTakeFirstOrThrow();
  return row.value;
}

/** A user id as stored: HMAC-SHA-256 under the secret, 128 bits in hex. Not reversible without the key. */
export function userHash(secret: string, userId: string): string {
  return createHmac("sha256", secret).update(`user:${userId}`).digest("hex").slice(0, 32);
}

/** Rows per INSERT: well inside SQLite's 32 766 and PostgreSQL's 65 535 parameters. */
const CHUNK = 200;

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

/** Writes a batch in one transaction; idempotent, so a batch retried after a lost commit lands once. */
export async function writeRecords(
  db: FeedbackDb,
  records: readonly FeedbackRecord[],
  secret: string,
): Promise<void> {
  const answers = records.filter((r): r is AnswerRecord => r.kind === "answer");
  // One row per (answer, voter), the latest: one statement cannot upsert a row twice.
  const votes = new Map<string, VoteRecord>();
  for (const r of records)
    if (r.kind === "vote") {
      const key = `${r.answerId}\u0000${r.userId}`;
      votes.delete(key);
      votes.set(key, r);
    }
  if (answers.length === 0 && votes.size === 0) return;
  await db.transaction().execute(async (trx) => {
    for (const part of chunks(answers)) {
      await trx
        .insertInto("answers")
        .values(
          part.map((a) => ({
            id: a.id,
            asked_at: a.at,
            guild_id: a.guildId,
            asker: a.logged ? userHash(secret, a.userId) : null,
            question: a.question,
            answered: a.answered ? 1 : 0,
            outcome: a.outcome,
            version: a.version,
            countries: a.countries.join(","),
            period: a.period,
            group_key: a.groupKey,
            logged: a.logged ? 1 : 0,
          })),
        )
        .onConflict((oc) => oc.column("id").doNothing())
        .execute();
    }
    const facts = answers.flatMap((a) =>
      a.factIds.map((factId, position) => ({ answer_id: a.id, position, fact_id: factId })),
    );
    for (const part of chunks(facts))
      await trx
        .insertInto("answer_facts")
        .values(part)
        .onConflict((oc) => oc.columns(["answer_id", "position"]).doNothing())
        .execute();
    for (const part of chunks([...votes.values()]))
      await trx
        .insertInto("votes")
        .values(
          part.map((v) => ({
            answer_id: v.answerId,
            voter: userHash(secret, v.userId),
            value: v.value,
            comment: v.comment,
            voted_at: v.at,
            guild_id: v.guildId,
          })),
        )
        .onConflict((oc) =>
          oc.columns(["answer_id", "voter"]).doUpdateSet((eb) => ({
            value: eb.ref("excluded.value"),
            comment: eb.ref("excluded.comment"),
            voted_at: eb.ref("excluded.voted_at"),
          })),
        )
        .execute();
  });
}

export interface RetentionPolicy {
  /** Everything older than this many days goes. */
  readonly days: number;
  /** An answer kept only so it can be voted on goes after this long, unless it was voted on. */
  readonly voteWindowMs: number;
}

/** Deletes what retention says must go; returns how many answers and votes were deleted. */
export async function purge(
  db: FeedbackDb,
  policy: RetentionPolicy,
  now = Date.now(),
): Promise<{ answers: number; votes: number }> {
  const cutoff = now - policy.days * 86_400_000;
  const windowEnd = now - policy.voteWindowMs;
  return db.transaction().execute(async (trx) => {
    const expired = trx
      .selectFrom("answers")
      .select("id")
      .where((eb) =>
        eb.or([
          eb("asked_at", "<", cutoff),
          eb.and([
            eb("logged", "=", 0),
            eb("asked_at", "<", windowEnd),
            eb.not(
              eb.exists(
                eb
                  .selectFrom("votes")
                  .select("votes.answer_id")
                  .whereRef("votes.answer_id", "=", "answers.id"),
              ),
            ),
          ]),
        ]),
      );
    await trx.deleteFrom("answer_facts").where("answer_id", "in", expired).execute();
    const answers = await trx.deleteFrom("answers").where("asked_at", "<", cutoff).executeTakeFirst();
    const unvoted = await trx
      .deleteFrom("answers")
      .where("logged", "=", 0)
      .where("asked_at", "<", windowEnd)
      .where((eb) =>
        eb.not(
          eb.exists(
            eb.selectFrom("votes").select("votes.answer_id").whereRef("votes.answer_id", "=", "answers.id"),
          ),
        ),
      )
      .executeTakeFirst();
    // Votes age out with everything else; a vote whose answer is gone (never written, or
    // purged) says nothing about any fact.
    const votes = await trx
      .deleteFrom("votes")
      .where((eb) =>
        eb.or([
          eb("voted_at", "<", cutoff),
          eb.and([
            eb("voted_at", "<", windowEnd),
            eb.not(
              eb.exists(
                eb.selectFrom("answers").select("answers.id").whereRef("answers.id", "=", "votes.answer_id"),
              ),
            ),
          ]),
        ]),
      )
      .executeTakeFirst();
    return {
      answers: Number(answers.numDeletedRows) + Number(unvoted.numDeletedRows),
      votes: Number(votes.numDeletedRows),
    };
  });
}
