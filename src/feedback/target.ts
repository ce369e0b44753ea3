/**
 * Where the feedback database is, worked out from the configuration without opening it: the
 * answering thread needs this much only (the database drivers load in the writer's thread).
 */
import { join } from "node:path";

export type DatabaseTarget =
  { readonly kind: "sqlite"; readonly file: string } | { readonly kind: "postgres"; readonly url: string };

/** The SQLite file's name inside DATA_DIR. */
export const SQLITE_FILE = "kizuna.sqlite";

/** Where the configuration says the database is. */
export function databaseTarget(config: {
  readonly dataDir: string;
  readonly databaseUrl: string | undefined;
}): DatabaseTarget {
  return config.databaseUrl
    ? { kind: "postgres", url: config.databaseUrl }
    : { kind: "sqlite", file: join(config.dataDir, SQLITE_FILE) };
}

/** The target as it may be logged: a PostgreSQL URL without its user and password. */
export function describeTarget(target: DatabaseTarget): string {
  if (target.kind === "sqlite") return target.file;
  try {
    const url = new URL(target.url);
    return `${url.protocol}//${url.host}${url.pathname}`;
  } catch {
    return "postgres://(unparsable URL)";
  }
}
