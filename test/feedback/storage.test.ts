/**
 * The feedback storage against real databases: a SQLite file in a temporary folder, and the
 * machine's PostgreSQL in a database of the test's own (dropped afterwards). The same tests
 * run on both: one query layer, the same results.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseTarget, type OpenDatabase } from "../../src/feedback/database.ts";
import {
  purge,
  resolveSecret,
  userHash,
  writeRecords,
  type AnswerRecord,
  type VoteRecord,
} from "../../src/feedback/records.ts";
import { gapsReport } from "../../src/feedback/report.ts";
import { answerRecord, voteRecord } from "../support/feedback.ts";
import { createTestDatabase } from "../support/postgres.ts";

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 30, 12);
const GUILD = "111111111111111111";
const OTHER_GUILD = "222222222222222222";
const ALICE = "333333333333333333";
const BOB = "444444444444444444";
const SECRET = "a test secret of enough length";

interface Backend {
  readonly name: string;
  setUp(): Promise<{ target: DatabaseTarget; tearDown(): Promise<void> }>;
}

const backends: Backend[] = [
  {
    name: "a SQLite file",
    async setUp() {
      const dir = await mkdtemp(join(tmpdir(), "kizuna-storage-"));
      return {
        target: { kind: "sqlite", file: join(dir, "kizuna.sqlite") },
        tearDown: () => rm(dir, { recursive: true, force: true }),
      };
    },
  },
  {
    name: "PostgreSQL",
    async setUp() {
      const database = await createTestDatabase();
      return { target: { kind: "postgres", url: database.url }, tearDown: () => database.drop() };
    },
  },
];

const answer = (fields: Partial<AnswerRecord> = {}) =>
  answerRecord({ at: NOW - DAY, guildId: GUILD, userId: ALICE, ...fields });
const vote = (answerId: string, fields: Partial<VoteRecord> = {}) =>
  voteRecord(answerId, { at: NOW - DAY, guildId: GUILD, userId: ALICE, ...fields });

describe.each(backends)("GIVEN $name", (backend) => {
  let open: OpenDatabase;
  let tearDown: () => Promise<void>;

  beforeEach(async () => {
    const set = await backend.setUp();
    tearDown = set.tearDown;
    open = await openDatabase(set.target);
  });

  afterEach(async () => {
    await open?.close();
    await tearDown?.();
  });

  it("WHEN opened twice THEN the tables are created once and migrations are not run again", async () => {
    await open.close();
    open = await openDatabase(open.target);
    const migrations = await sql<{ name: string }>`SELECT name FROM kysely_migration`.execute(open.db);
    expect(migrations.rows.map((r) => r.name)).toEqual(["0001-feedback"]);
    expect(await open.db.selectFrom("answers").selectAll().execute()).toEqual([]);
  });

  it("WHEN no secret is configured THEN one is generated once, stored, and used by every later start", async () => {
    const first = await resolveSecret(open.db, undefined);
    expect(first.length).toBeGreaterThanOrEqual(40);
    expect(await resolveSecret(open.db, undefined)).toBe(first);
    expect(await resolveSecret(open.db, "configured secret value")).toBe("configured secret value");
    expect(userHash(first, ALICE)).toMatch(/^[0-9a-f]{32}$/);
    expect(userHash(first, ALICE)).not.toBe(userHash("another secret value", ALICE));
    expect(userHash(first, ALICE)).not.toBe(userHash(first, BOB));
  });

  it("WHEN answers and votes are written THEN a later vote replaces the earlier, a batch written twice lands once, and no user id is stored in clear", async () => {
    const given = answer({ answered: true, outcome: "fact", factIds: ["fact-a"], logged: false });
    const batch = [given, vote(given.id, { value: 1 }), vote(given.id, { userId: BOB, value: 1 })];
    await writeRecords(open.db, batch, SECRET);
    await writeRecords(open.db, batch, SECRET); // a retry after a lost commit
    await writeRecords(open.db, [vote(given.id, { value: -1, comment: "wrong year", at: NOW })], SECRET);

    const votes = await open.db.selectFrom("votes").selectAll().orderBy("voter").execute();
    expect(votes).toHaveLength(2);
    const alice = votes.find((v) => v.voter === userHash(SECRET, ALICE));
    expect(alice).toMatchObject({ value: -1, comment: "wrong year", voted_at: NOW, guild_id: GUILD });
    expect(votes.find((v) => v.voter === userHash(SECRET, BOB))).toMatchObject({ value: 1, comment: null });
    const answers = await open.db.selectFrom("answers").selectAll().execute();
    expect(answers).toEqual([
      expect.objectContaining({
        id: given.id,
        answered: 1,
        logged: 0,
        asker: null,
        outcome: "fact",
        version: "v1",
      }),
    ]);
    expect(await open.db.selectFrom("answer_facts").selectAll().execute()).toEqual([
      { answer_id: given.id, position: 0, fact_id: "fact-a" },
    ]);

    await writeRecords(open.db, [answer({ userId: BOB })], SECRET);
    const everything = JSON.stringify([
      await open.db.selectFrom("answers").selectAll().execute(),
      await open.db.selectFrom("votes").selectAll().execute(),
      await open.db.selectFrom("settings").selectAll().execute(),
    ]);
    expect(everything).not.toContain(ALICE);
    expect(everything).not.toContain(BOB);
    expect(everything).toContain(userHash(SECRET, BOB)); // the logged question's asker, hashed
  });

  it("WHEN one record of a batch cannot be written THEN nothing of the batch is", async () => {
    const good = answer();
    const bad = { ...answer(), question: null } as unknown as AnswerRecord;
    await expect(writeRecords(open.db, [good, vote(good.id), bad], SECRET)).rejects.toThrow();
    expect(await open.db.selectFrom("answers").selectAll().execute()).toEqual([]);
    expect(await open.db.selectFrom("votes").selectAll().execute()).toEqual([]);
  });

  it("WHEN 5 000 records come in one batch THEN they are all written", async () => {
    const many = Array.from({ length: 2_500 }, () => answer({ factIds: ["fact-a", "fact-b"] }));
    await writeRecords(open.db, [...many, ...many.map((a) => vote(a.id))], SECRET);
    const count = await open.db
      .selectFrom("votes")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(2_500);
    const facts = await open.db
      .selectFrom("answer_facts")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    expect(Number(facts.n)).toBe(5_000);
  });

  it("WHEN the report is asked THEN paraphrases count together, most asked first, within the days and the server asked for", async () => {
    const cup = "cup win world||2010";
    await writeRecords(
      open.db,
      [
        answer({ question: "who won the world cup in 2010", groupKey: cup, at: NOW - 3 * DAY }),
        answer({ question: "who won the world cup in 2010", groupKey: cup, at: NOW - 2 * DAY, userId: BOB }),
        answer({ question: "Who won the 2010 World Cup?", groupKey: cup, at: NOW - DAY }),
        answer({
          question: "Brazil Japan relations?",
          groupKey: "|BR,JP|",
          countries: ["BR", "JP"],
          period: null,
        }),
        // Outside the window, another server, answered, not logged: none of these count.
        answer({ question: "who won the world cup in 2010", groupKey: cup, at: NOW - 40 * DAY }),
        answer({ question: "who won the world cup in 2010", groupKey: cup, guildId: OTHER_GUILD }),
        answer({
          question: "When were relations established?",
          groupKey: "x",
          answered: true,
          outcome: "fact",
        }),
        answer({ question: "what about trade", groupKey: "trade", logged: false }),
      ],
      SECRET,
    );
    const report = await gapsReport(open.db, { days: 30, guildId: GUILD, now: NOW });
    expect(report.unanswered).toEqual([
      {
        question: "who won the world cup in 2010",
        count: 3,
        lastAsked: new Date(NOW - DAY).toISOString(),
        askers: 2,
        wordings: 2,
        countries: [],
        period: "2010",
      },
      {
        question: "Brazil Japan relations?",
        count: 1,
        lastAsked: new Date(NOW - DAY).toISOString(),
        askers: 1,
        wordings: 1,
        countries: ["BR", "JP"],
        period: null,
      },
    ]);
    const everywhere = await gapsReport(open.db, { days: 60, now: NOW });
    expect(everywhere.unanswered[0]).toMatchObject({ count: 5 });
    expect((await gapsReport(open.db, { days: 30, guildId: null, now: NOW })).unanswered).toEqual([]);
  });

  it("WHEN facts get votes THEN the most 👎 come first with their comments, newest first", async () => {
    const one = answer({ answered: true, outcome: "fact", factIds: ["fact-a"], logged: false });
    const list = answer({ answered: true, outcome: "list", factIds: ["fact-a", "fact-b"], logged: false });
    const liked = answer({ answered: true, outcome: "fact", factIds: ["fact-c"], logged: false });
    await writeRecords(
      open.db,
      [
        one,
        list,
        liked,
        vote(one.id, { comment: "the year is 1930", at: NOW - 2 * DAY }),
        vote(one.id, { userId: BOB, value: 1 }),
        vote(list.id, { comment: "missing the 1970s", at: NOW - DAY }),
        vote(list.id, { userId: BOB, comment: "ancient", at: NOW - 50 * DAY }),
        vote(liked.id, { value: 1 }),
      ],
      SECRET,
    );
    const report = await gapsReport(open.db, { days: 30, guildId: GUILD, now: NOW });
    expect(report.disliked).toEqual([
      { factId: "fact-a", down: 2, up: 1, comments: ["missing the 1970s", "the year is 1930"] },
      { factId: "fact-b", down: 1, up: 0, comments: ["missing the 1970s"] },
    ]);
  });

  it("WHEN the purge runs THEN everything past the retention goes, and answers kept for votes go after the vote window unless voted on", async () => {
    const old = answer({ at: NOW - 91 * DAY });
    const recent = answer({ at: NOW - DAY });
    const unvoted = answer({
      answered: true,
      outcome: "fact",
      factIds: ["f"],
      logged: false,
      at: NOW - 2 * DAY,
    });
    const voted = answer({
      answered: true,
      outcome: "fact",
      factIds: ["f"],
      logged: false,
      at: NOW - 2 * DAY,
    });
    const fresh = answer({
      answered: true,
      outcome: "fact",
      factIds: ["f"],
      logged: false,
      at: NOW - 3_600_000,
    });
    await writeRecords(
      open.db,
      [
        old,
        recent,
        unvoted,
        voted,
        fresh,
        vote(voted.id, { at: NOW - DAY }),
        vote(old.id, { at: NOW - 91 * DAY }),
        vote("neveranswer", { at: NOW - 2 * DAY }),
      ],
      SECRET,
    );
    const removed = await purge(open.db, { days: 90, voteWindowMs: DAY }, NOW);
    expect(removed).toEqual({ answers: 2, votes: 2 });
    const ids = (await open.db.selectFrom("answers").select("id").execute()).map((r) => r.id).sort();
    expect(ids).toEqual([recent.id, voted.id, fresh.id].sort());
    const facts = await open.db.selectFrom("answer_facts").select("answer_id").execute();
    expect(facts.map((f) => f.answer_id).sort()).toEqual([voted.id, fresh.id].sort());
    const votes = await open.db.selectFrom("votes").select("answer_id").execute();
    expect(votes.map((v) => v.answer_id)).toEqual([voted.id]);
  });
});
