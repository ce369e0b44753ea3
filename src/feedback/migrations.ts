/**
 * The feedback database's migrations, in code (no migration folder to ship or find at run
 * time), run by Kysely's Migrator on SQLite and PostgreSQL alike. A new migration is a new
 * entry with a later name; an applied one is never edited.
 */
import { Migrator, type Kysely, type Migration, type MigrationProvider } from "kysely";

const MIGRATIONS: Record<string, Migration> = {
  "0001-feedback": {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("settings")
        .addColumn("key", "text", (c) => c.primaryKey())
        .addColumn("value", "text", (c) => c.notNull())
        .execute();
      await db.schema
        .createTable("answers")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("asked_at", "bigint", (c) => c.notNull())
        .addColumn("guild_id", "text")
        .addColumn("asker", "text")
        .addColumn("question", "text", (c) => c.notNull())
        .addColumn("answered", "integer", (c) => c.notNull())
        .addColumn("outcome", "text", (c) => c.notNull())
        .addColumn("version", "text", (c) => c.notNull())
        .addColumn("countries", "text", (c) => c.notNull())
        .addColumn("period", "text")
        .addColumn("group_key", "text")
        .addColumn("logged", "integer", (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex("answers_log")
        .on("answers")
        .columns(["answered", "logged", "asked_at"])
        .execute();
      await db.schema.createIndex("answers_asked_at").on("answers").column("asked_at").execute();
      await db.schema
        .createTable("answer_facts")
        .addColumn("answer_id", "text", (c) => c.notNull())
        .addColumn("position", "integer", (c) => c.notNull())
        .addColumn("fact_id", "text", (c) => c.notNull())
        .addPrimaryKeyConstraint("answer_facts_pk", ["answer_id", "position"])
        .execute();
      await db.schema.createIndex("answer_facts_fact").on("answer_facts").column("fact_id").execute();
      await db.schema
        .createTable("votes")
        .addColumn("answer_id", "text", (c) => c.notNull())
        .addColumn("voter", "text", (c) => c.notNull())
        .addColumn("value", "integer", (c) => c.notNull())
        .addColumn("comment", "text")
        .addColumn("voted_at", "bigint", (c) => c.notNull())
        .addColumn("guild_id", "text")
        .addPrimaryKeyConstraint("votes_pk", ["answer_id", "voter"])
        .execute();
      await db.schema.createIndex("votes_voted_at").on("votes").column("voted_at").execute();
    },
  },
};

const provider: MigrationProvider = { getMigrations: async () => MIGRATIONS };

/** Brings the database to the latest schema; throws with the failing migration's error. */
export async function migrate(db: Kysely<unknown>): Promise<void> {
  const { error, results } = await new Migrator({ db, provider }).migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === "Error")?.migrationName;
    throw new Error(`feedback database: migration ${failed ?? "(setup)"} failed: ${describe(error)}`, {
      cause: error,
    });
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
