/**
 * The feedback writer when the database misbehaves, against real databases: a SQLite file
 * locked by another connection, a damaged SQLite file, a PostgreSQL nobody listens for, and a
 * PostgreSQL database that refuses connections for a while. Nothing throws, records wait a
 * bounded time and are then dropped and counted, problems are logged once per period, and
 * recording resumes when the database is back. The writer runs on the test's thread here
 * (recorder.test.ts runs it in its own thread).
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type AddressInfo, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseTarget } from "../../src/feedback/database.ts";
import { FeedbackWriter, type LogLevel, type WriterOptions } from "../../src/feedback/writer.ts";
import { answerRecord, feedbackRows, holdSqliteLock } from "../support/feedback.ts";
import { createTestDatabase, type TestDatabase } from "../support/postgres.ts";

let dir: string;
const writers: FeedbackWriter[] = [];
const cleanups: Array<() => Promise<void> | void> = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "kizuna-writer-"));
});

afterEach(async () => {
  for (const w of writers.splice(0)) await w.close();
  for (const c of cleanups.splice(0).reverse()) await c();
  await rm(dir, { recursive: true, force: true });
});

const record = () => answerRecord({ at: Date.now() });

interface Logged {
  level: LogLevel;
  fields: Record<string, unknown>;
  message: string;
}

/** A writer whose timers never fire during the test: the test decides when it tries. */
function writer(target: DatabaseTarget, options: Partial<WriterOptions> = {}) {
  const logs: Logged[] = [];
  const w = new FeedbackWriter(
    {
      target,
      secret: "a secret for the writer tests",
      retention: { days: 90, voteWindowMs: 86_400_000 },
      flushMs: 60_000,
      backoffMs: { min: 60_000, max: 60_000 },
      busyTimeoutMs: 50,
      connectTimeoutMs: 2_000,
      ...options,
    },
    { log: (level, fields, message) => logs.push({ level, fields, message }), status: () => undefined },
  );
  writers.push(w);
  return { w, logs };
}

const count = async (target: DatabaseTarget) => (await feedbackRows(target)).answers.length;

describe("GIVEN a SQLite file", () => {
  let target: DatabaseTarget & { kind: "sqlite" };
  beforeEach(() => {
    target = { kind: "sqlite", file: join(dir, "kizuna.sqlite") };
  });

  /** Another connection holds the write lock until the returned function releases it. */
  function lock(): () => void {
    const release = holdSqliteLock(target.file);
    cleanups.push(release);
    return release;
  }

  it("WHEN another connection locks it THEN records wait, one warning is logged, and they are written once it is free", async () => {
    const { w, logs } = writer(target);
    w.enqueue([record()]);
    await w.flush();
    expect(w.stats()).toMatchObject({ written: 1, pending: 0, available: true });

    const release = lock();
    w.enqueue([record(), record()]);
    await w.flush();
    w.enqueue([record()]);
    await w.flush();
    expect(w.stats()).toMatchObject({ written: 1, pending: 3, dropped: 0, available: false });
    const warnings = logs.filter((l) => l.level === "warn");
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({
      message: "feedback database unavailable; records wait, then are dropped",
      fields: { target: "sqlite", pending: 2 },
    });
    expect(JSON.stringify(warnings[0]!.fields["err"] ?? "")).toMatch(/SQLITE_BUSY|locked/);

    release();
    await w.flush();
    expect(w.stats()).toMatchObject({ written: 4, pending: 0, dropped: 0, available: true });
    expect(logs.at(-1)).toMatchObject({
      level: "info",
      message: "feedback database reachable again; recording resumed",
    });
    expect(await count(target)).toBe(4);
  });

  it("WHEN records wait longer than the retry window THEN they are dropped and counted, and the next warning says how many", async () => {
    const { w, logs } = writer(target, { retryWindowMs: 200, warnEveryMs: 0 });
    const release = lock();
    w.enqueue([record(), record(), record()]);
    await w.flush();
    expect(w.stats()).toMatchObject({ written: 0, pending: 3, dropped: 0 });
    await new Promise((r) => setTimeout(r, 250));
    await w.flush(); // fails again, and now the three have waited too long
    expect(w.stats()).toMatchObject({ written: 0, pending: 0, dropped: 3, available: false });
    w.enqueue([record()]);
    await w.flush();
    expect(logs.filter((l) => l.level === "warn").map((l) => l.fields["droppedSinceLastWarning"])).toEqual([
      0, 0, 3,
    ]);

    release();
    w.enqueue([record()]);
    await w.flush();
    expect(w.stats()).toMatchObject({ written: 2, pending: 0, dropped: 3, available: true });
    expect(await count(target)).toBe(2);
  });

  it("WHEN more records come than the queue holds THEN the newest are dropped and counted", async () => {
    const { w } = writer(target, { maxQueue: 5 });
    const release = lock();
    w.enqueue(Array.from({ length: 8 }, () => record()));
    expect(w.stats()).toMatchObject({ pending: 5, dropped: 3 });
    release();
    await w.flush();
    expect(w.stats()).toMatchObject({ written: 5, pending: 0, dropped: 3 });
  });

  it("WHEN the file is damaged at start THEN it is moved aside, a fresh one is created, and the error says where", async () => {
    const garbage = "this is not a database\n".repeat(500);
    writeFileSync(target.file, garbage);
    const { w, logs } = writer(target);
    w.enqueue([record()]);
    await w.flush();
    expect(w.stats()).toMatchObject({ written: 1, dropped: 0 });
    const error = logs.find((l) => l.level === "error");
    expect(error).toMatchObject({
      message: "feedback database file is damaged: moved it aside and started a fresh one",
      fields: { file: target.file, reason: "file is not a database" },
    });
    const movedTo = String(error!.fields["movedTo"]);
    expect(movedTo).toMatch(/kizuna\.sqlite\.corrupt-\d{4}-\d\d-\d\dT/);
    expect(readFileSync(movedTo, "utf8")).toBe(garbage);
    expect(readdirSync(dir).filter((f) => f.includes("corrupt"))).toEqual([movedTo.split("/").at(-1)]);
    expect(await count(target)).toBe(1);
  });

  it("WHEN its folder does not exist yet THEN it is created with the database", async () => {
    const nested: DatabaseTarget = { kind: "sqlite", file: join(dir, "a", "b", "kizuna.sqlite") };
    const { w } = writer(nested);
    w.enqueue([record()]);
    await w.flush();
    expect(existsSync(join(dir, "a", "b", "kizuna.sqlite"))).toBe(true);
    expect(w.stats()).toMatchObject({ written: 1 });
  });
});

describe("GIVEN PostgreSQL", () => {
  let database: TestDatabase;
  beforeEach(async () => {
    database = await createTestDatabase();
    cleanups.push(async () => {
      await database.restore().catch(() => undefined);
      await database.drop();
    });
  });

  it("WHEN its database refuses connections for a while THEN records wait, nothing throws, and they are written when it is back", async () => {
    const target: DatabaseTarget = { kind: "postgres", url: database.url };
    const { w, logs } = writer(target);
    w.enqueue([record()]);
    await w.flush();
    expect(w.stats()).toMatchObject({ written: 1, available: true });

    await database.cut();
    w.enqueue([record(), record()]);
    await w.flush();
    await w.flush();
    expect(w.stats()).toMatchObject({ written: 1, pending: 2, available: false });
    await expect(w.report({ days: 30 })).rejects.toThrow();
    expect(logs.filter((l) => l.level === "warn")).toHaveLength(1);

    await database.restore();
    await w.flush();
    expect(w.stats()).toMatchObject({ written: 3, pending: 0, dropped: 0, available: true });
    expect((await w.report({ days: 30 })).unanswered[0]).toMatchObject({ count: 3 });
  });

  it("WHEN a connection is cut between two statements of a transaction THEN that transaction fails, and nothing is thrown anywhere else", async () => {
    const open = await openDatabase({ kind: "postgres", url: database.url });
    try {
      await expect(
        open.db.transaction().execute(async (trx) => {
          await trx.selectFrom("answers").selectAll().execute();
          await database.cut();
          // The server's notice of termination arrives while no statement runs: pg emits it as an
          // "error" event on the checked-out connection, which must not end the thread.
          await new Promise((resolve) => setTimeout(resolve, 200));
          await trx.selectFrom("answers").selectAll().execute();
        }),
      ).rejects.toThrow();
    } finally {
      await open.close();
    }
  });

  it("WHEN the server takes connections but never answers THEN each attempt gives up at its time limit and nothing hangs", async () => {
    // A black hole at the network edge: TCP accepted, not a byte answered.
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    cleanups.push(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    });
    const port = (silent.address() as AddressInfo).port;
    const { w } = writer(
      { kind: "postgres", url: `postgres://postgres@127.0.0.1:${port}/nothing` },
      { connectTimeoutMs: 300, retryWindowMs: 0 },
    );
    w.enqueue([record()]);
    await w.flush(); // would hang here (and the test time out) without the connection time limit
    expect(w.stats()).toMatchObject({ written: 0, dropped: 1, available: false });
    await expect(w.report({ days: 30 })).rejects.toThrow(/timeout/i);
  });

  it("WHEN nothing listens at its address THEN records wait and are dropped after the retry window, without throwing", async () => {
    const { w } = writer(
      { kind: "postgres", url: "postgres://postgres@127.0.0.1:1/nothing" },
      { retryWindowMs: 0 },
    );
    w.enqueue([record(), record()]);
    await w.flush();
    expect(w.stats()).toMatchObject({ written: 0, pending: 0, dropped: 2, available: false });
    await expect(w.report({ days: 30 })).rejects.toThrow(/ECONNREFUSED/);
  });
});
