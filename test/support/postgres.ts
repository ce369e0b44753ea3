/**
 * The machine's real PostgreSQL for tests (127.0.0.1:5432 unless TEST_POSTGRES_URL says
 * otherwise; `.ci/run` starts it). Each test gets a database of its own, dropped afterwards,
 * so tests and other people's work on the same server never meet. It can also be made
 * unreachable for a while without touching the server: connections to the test's own
 * database are refused and the open ones cut.
 */
import { randomBytes } from "node:crypto";
import { Kysely, PostgresDialect, sql } from "kysely";
import pg from "pg";

/** A database every PostgreSQL has, to create and drop the tests' own from. */
export const ADMIN_URL = process.env["TEST_POSTGRES_URL"] ?? "postgres://postgres@127.0.0.1:5432/postgres";

export interface TestDatabase {
  readonly name: string;
  /** DATABASE_URL for the code under test. */
  readonly url: string;
  /** Refuses new connections to this database and ends the open ones (the server keeps running). */
  cut(): Promise<void>;
  /** Accepts connections again. */
  restore(): Promise<void>;
  /** Drops the database (whatever is still connected). Idempotent. */
  drop(): Promise<void>;
}

function admin(): Kysely<unknown> {
  return new Kysely<unknown>({
    dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: ADMIN_URL, max: 1 }) }),
  });
}

/** Creates an empty database of the test's own; fails clearly when PostgreSQL is not there. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `kizuna_test_${process.pid}_${randomBytes(4).toString("hex")}`;
  const db = admin();
  try {
    await sql`CREATE DATABASE ${sql.id(name)}`.execute(db);
  } catch (error) {
    await db.destroy();
    throw new Error(
      `test/support/postgres: cannot create a test database at ${ADMIN_URL.replace(/\/\/[^@]*@/, "//")} ` +
        `(is PostgreSQL running? .ci/run starts it): ${(error as Error).message}`,
      { cause: error },
    );
  }
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  let dropped = false;
  return {
    name,
    url: url.toString(),
    async cut() {
      await sql`ALTER DATABASE ${sql.id(name)} ALLOW_CONNECTIONS false`.execute(db);
      await sql`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ${name}`.execute(db);
    },
    async restore() {
      await sql`ALTER DATABASE ${sql.id(name)} ALLOW_CONNECTIONS true`.execute(db);
    },
    async drop() {
      if (dropped) return;
      dropped = true;
      try {
        await sql`DROP DATABASE IF EXISTS ${sql.id(name)} WITH (FORCE)`.execute(db);
      } finally {
        await db.destroy();
      }
    },
  };
}
