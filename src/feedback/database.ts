/**
 * Opening the feedback database: a SQLite file in DATA_DIR by default, PostgreSQL when
 * DATABASE_URL is set; the same Kysely tables and queries on both, migrated on open.
 *
 * A SQLite file that is not a readable database (corrupt, truncated, something else) is
 * moved aside and a fresh one created, so a damaged file never stops the bot; the caller
 * is told so it can say it loudly.
 */
import { existsSync, mkdirSync, renameSync } from "node:fs";
import { dirname } from "node:path";
import type { DatabaseTarget } from "./target.ts";
import Sqlite from "better-sqlite3";
import { Kysely, PostgresDialect, SqliteDialect } from "kysely";
import pg from "pg";
import { migrate } from "./migrations.ts";
import type { FeedbackDb, FeedbackTables } from "./schema.ts";

export { databaseTarget, describeTarget, SQLITE_FILE, type DatabaseTarget } from "./target.ts";

export interface OpenOptions {
  /** SQLite: a damaged file was moved aside to `movedTo` and a fresh one created. */
  readonly onCorrupt?: (info: { file: string; movedTo: string; reason: string }) => void;
  /** PostgreSQL: give up connecting, and any one query, after this long (default 5 s / 10 s). */
  readonly connectTimeoutMs?: number;
  readonly queryTimeoutMs?: number;
  /** SQLite: how long a write waits for another connection's lock (default 1 s). */
  readonly busyTimeoutMs?: number;
}

export interface OpenDatabase {
  readonly db: FeedbackDb;
  readonly target: DatabaseTarget;
  /** Closes the connections; never throws, never waits more than a few seconds. */
  close(): Promise<void>;
}

/** Opens (creating if needed) and migrates the database. Throws when it cannot be reached. */
export async function openDatabase(target: DatabaseTarget, options: OpenOptions = {}): Promise<OpenDatabase> {
  const db =
    target.kind === "sqlite"
      ? new Kysely<FeedbackTables>({
          dialect: new SqliteDialect({ database: openSqlite(target.file, options) }),
        })
      : new Kysely<FeedbackTables>({
          dialect: new PostgresDialect({ pool: postgresPool(target.url, options) }),
        });
  const close = () => closeQuietly(db);
  try {
    await migrate(db as Kysely<unknown>);
  } catch (error) {
    await close();
    throw error;
  }
  return { db, target, close };
}

const CORRUPT = /^SQLITE_(?:NOTADB|CORRUPT)/;

/** Opens the SQLite file; a damaged one is moved aside and replaced by a fresh one. */
function openSqlite(file: string, options: OpenOptions): Sqlite.Database {
  mkdirSync(dirname(file), { recursive: true });
  try {
    return checkedSqlite(file, options);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const damaged = error instanceof DamagedDatabase || (typeof code === "string" && CORRUPT.test(code));
    if (!damaged) throw error;
    const movedTo = `${file}.corrupt-${new Date().toISOString().replace(/[:.]/g, "-")}`;
    renameSync(file, movedTo);
    // The journal files belong to the damaged file; beside a fresh one they would be replayed into it.
    for (const suffix of ["-wal", "-shm", "-journal"])
      if (existsSync(file + suffix)) renameSync(file + suffix, movedTo + suffix);
    options.onCorrupt?.({ file, movedTo, reason: (error as Error).message });
    return checkedSqlite(file, options);
  }
}

class DamagedDatabase extends Error {}

function checkedSqlite(file: string, options: OpenOptions): Sqlite.Database {
  const sqlite = new Sqlite(file, { timeout: options.busyTimeoutMs ?? 1_000 });
  try {
    // Opening reads nothing: the first statements are where a damaged file shows.
    sqlite.pragma("journal_mode = WAL");
    // WAL with NORMAL: a commit does not wait for the disk; a power cut may lose the last
    // records, never corrupt the file. Feedback is not worth an fsync per batch.
    sqlite.pragma("synchronous = NORMAL");
    const check = sqlite.pragma("quick_check", { simple: true });
    if (check !== "ok") throw new DamagedDatabase(`quick_check: ${String(check)}`);
    return sqlite;
  } catch (error) {
    sqlite.close();
    throw error;
  }
}

/** 20 is PostgreSQL's bigint: our milliseconds and counts, which fit a JS number. */
const BIGINT_OID = 20;

function postgresPool(url: string, options: OpenOptions): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: 4,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
    query_timeout: options.queryTimeoutMs ?? 10_000,
    idleTimeoutMillis: 10_000,
    allowExitOnIdle: true,
    keepAlive: true,
    application_name: "kizuna-feedback",
    types: {
      getTypeParser: ((oid: number, format?: "text" | "binary") =>
        oid === BIGINT_OID ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format)) as never,
    },
  });
  // A connection whose server went away emits "error"; unheard, that would end the thread.
  // Idle ones report through the pool, which drops them; one that is checked out (between two
  // statements of a transaction) has no listener of the pool's, so it gets its own. Its next
  // statement fails, and that failure is what the writer acts on.
  pool.on("error", () => undefined);
  pool.on("connect", (client) => client.on("error", () => undefined));
  return pool;
}

async function closeQuietly(db: Kysely<FeedbackTables>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    db.destroy().catch(() => undefined),
    // A pool whose server hangs would wait for its connections forever.
    new Promise<void>((resolve) => (timer = setTimeout(resolve, 3_000).unref())),
  ]);
  clearTimeout(timer);
}
