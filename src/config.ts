/**
 * Configuration: read once from the environment (after dotenv), validated with one
 * schema, typed. A bad value stops start-up with `KEY: what is wrong`, never echoing a
 * secret's value.
 */
import { fileURLToPath } from "node:url";
import { join, resolve } from "node:path";
import { z } from "zod";

/** The repository's own knowledge folder, so the bot works from any working directory. */
export const DEFAULT_KNOWLEDGE_DIR = fileURLToPath(new URL("../knowledge", import.meta.url));
/** Where the embedded database lives by default: the repository's data/ (git-ignored). */
export const DEFAULT_DATA_DIR = fileURLToPath(new URL("../data", import.meta.url));

/** Which questions are written to the question log (see README, "What Kizuna stores"). */
export type RecordQuestions = "unanswered" | "all" | "off";

const snowflake = z.string().regex(/^\d{17,20}$/, "must be a Discord id (17–20 digits)");
const idList = z
  .string()
  .default("")
  .transform((s) =>
    s
      .split(",")
      .map((x) => x.trim())
      .filter(Boolean),
  )
  .pipe(z.array(snowflake));
const bool = z
  .enum(["true", "false", "1", "0", "yes", "no", ""], { error: "must be true or false" })
  .default("false")
  .transform((v) => v === "true" || v === "1" || v === "yes");
const positiveInt = (dflt: number, max: number) =>
  z.coerce
    .number({ error: "must be a number" })
    .int("must be a whole number")
    .min(0, "must be 0 or more")
    .max(max, `must be at most ${max}`)
    .default(dflt);

const schema = z.object({
  DISCORD_TOKEN: z
    .string()
    .trim()
    // Shape only: three base64url parts. The value itself is never put into a message.
    .regex(/^[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{10,}$/, {
      error:
        "does not look like a bot token (three parts separated by dots; copy it from the Bot page of the developer portal)",
    })
    .optional(),
  DISCORD_GUILD_ID: snowflake.optional(),
  DISCORD_API_BASE: z
    .url({ protocol: /^https?$/, error: "must be an http(s) URL such as https://discord.com/api" })
    // @discordjs/rest puts the base into every error's `url`: a password in it would be in every
    // log line about a failed request. A query or fragment would be cut off by the paths appended.
    .refine((u) => !/[?#]/.test(u) && !/^[a-z]+:\/\/[^/]*@/i.test(u), {
      error:
        "must not hold a user name, password, query or fragment (give a proxy's credentials to the proxy, not to the URL)",
    })
    .default("https://discord.com/api")
    .transform((u) => u.replace(/\/+$/, "")),
  KNOWLEDGE_DIR: z
    .string()
    .default("")
    .transform((d) => (d.trim() ? resolve(d.trim()) : DEFAULT_KNOWLEDGE_DIR)),
  KNOWLEDGE_WATCH: bool,
  ADMIN_ROLE_IDS: idList,
  ADMIN_USER_IDS: idList,
  CHAT_CHANNEL_IDS: idList,
  COOLDOWN_ANSWERS: positiveInt(5, 1000),
  // 0 would silently turn the cooldown off; COOLDOWN_ANSWERS=0 is the one way to do that.
  COOLDOWN_WINDOW_SECONDS: z.coerce
    .number({ error: "must be a number" })
    .int("must be a whole number")
    .min(1, "must be 1 or more (COOLDOWN_ANSWERS=0 turns the cooldown off)")
    .max(86_400, "must be at most 86400")
    .default(30),
  DATA_DIR: z
    .string()
    .default("")
    .transform((d) => (d.trim() ? resolve(d.trim()) : DEFAULT_DATA_DIR)),
  // Resolved against DATA_DIR below; "off" turns the cache off.
  KNOWLEDGE_CACHE_DIR: z.string().trim().optional(),
  DATABASE_URL: z
    .string()
    .trim()
    .refine((u) => URL.canParse(u) && /^postgres(?:ql)?:$/.test(new URL(u).protocol), {
      error: "must be a postgres:// URL (leave it empty for the SQLite file in DATA_DIR)",
    })
    .optional(),
  RECORD_QUESTIONS: z
    .enum(["unanswered", "all", "off"], { error: "must be unanswered, all or off" })
    .default("unanswered"),
  QUESTION_LOG_DAYS: z.coerce
    .number({ error: "must be a number" })
    .int("must be a whole number")
    .min(1, "must be 1 or more")
    .max(3650, "must be at most 3650")
    .default(90),
  FEEDBACK_SECRET: z.string().trim().min(16, "must be at least 16 characters").optional(),
  LOG_LEVEL: z
    .enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"], {
      error: "must be one of trace, debug, info, warn, error, fatal, silent",
    })
    .optional(),
  LOG_FORMAT: z.enum(["json", "pretty"], { error: "must be json or pretty" }).optional(),
  NODE_ENV: z.string().optional(),
  KIZUNA_ROLE: z.enum(["bot", "http", "gateway"], { error: "must be bot, http or gateway" }).default("bot"),
  HTTP_HOST: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9.:[\]-]+$/, "must be a host name or an IP address, such as 0.0.0.0")
    .default("0.0.0.0"),
  HTTP_PORT: positiveInt(8080, 65_535),
  HEALTH_HOST: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9.:[\]-]+$/, "must be a host name or an IP address, such as 127.0.0.1")
    .default("127.0.0.1"),
  HEALTH_PORT: z.coerce
    .number({ error: "must be a number" })
    .int("must be a whole number")
    .min(0, "must be 0 or more")
    .max(65_535, "must be at most 65535")
    .optional(),
  DISCORD_PUBLIC_KEY: z
    .string()
    .trim()
    .regex(/^[0-9a-fA-F]{64}$/, {
      error: "must be the application's public key: 64 hex characters (General Information page)",
    })
    .transform((k) => k.toLowerCase())
    .optional(),
  REDIS_URL: z
    .url({
      protocol: /^rediss?$/,
      error: "must be a redis:// or rediss:// URL such as redis://127.0.0.1:6379/0",
    })
    .optional(),
  REDIS_PREFIX: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9:_.-]{1,64}$/, "must be 1–64 letters, digits or : _ . -")
    .default("kizuna:"),
  SHARD_IDS: z
    .string()
    .trim()
    .regex(/^\d+(?:-\d+)?(?:\s*,\s*\d+(?:-\d+)?)*$/, "must be shard ids and ranges, such as 0,1 or 0-3")
    .transform(parseShardIds)
    .optional(),
  SHARD_COUNT: z
    .string()
    .trim()
    .regex(/^(?:auto|[1-9]\d{0,5})$/, "must be a whole number of shards (1 or more) or auto")
    .transform((v): number | "auto" => (v === "auto" ? "auto" : Number(v)))
    .optional(),
});

/** "0,2,4-6" → [0, 2, 4, 5, 6]. */
function parseShardIds(text: string): number[] {
  const ids = new Set<number>();
  for (const part of text.split(",")) {
    const [from = 0, to = from] = part.trim().split("-").map(Number);
    for (let id = from; id <= to && ids.size <= 10_000; id++) ids.add(id);
  }
  return [...ids].sort((a, b) => a - b);
}

export type Role = "bot" | "http" | "gateway";

/** Every key the configuration reads (each is in .env.example, NODE_ENV aside). */
export const CONFIG_KEYS: readonly string[] = Object.keys(schema.shape);

export interface Config {
  readonly token: string | undefined;
  readonly guildId: string | undefined;
  readonly apiBase: string;
  readonly knowledgeDir: string;
  readonly knowledgeWatch: boolean;
  readonly adminRoleIds: readonly string[];
  readonly adminUserIds: readonly string[];
  readonly chatChannelIds: readonly string[];
  /** Answers a user may get per window; 0 turns the cooldown off. */
  readonly cooldownAnswers: number;
  readonly cooldownWindowMs: number;
  readonly logLevel: string | undefined;
  readonly logFormat: "json" | "pretty";
  /** What this process does: everything (bot), HTTP interactions (http), or chat over the gateway (gateway). */
  readonly role: Role;
  readonly httpHost: string;
  /** 0 takes any free port (tests). */
  readonly httpPort: number;
  /** Where /healthz, /readyz and /metrics are served. */
  readonly healthHost: string;
  /** undefined: no health server; 0: any free port (tests; the log says which). */
  readonly healthPort: number | undefined;
  /** The application's Ed25519 public key, lower-case hex. */
  readonly publicKey: string | undefined;
  readonly redisUrl: string | undefined;
  /** Put before every Redis key and channel, so several bots (or tests) can share one Redis. */
  readonly redisPrefix: string;
  /** Shards this process runs; undefined: all of them. */
  readonly shardIds: readonly number[] | undefined;
  /** Shards of the whole bot; "auto": Discord's recommendation; undefined: 1, or discord.js's default. */
  readonly shardCount: number | "auto" | undefined;
  /** Folder of the SQLite database (unused when databaseUrl is set). */
  readonly dataDir: string;
  /** Folder of the parsed-knowledge cache (src/knowledge/cache.ts); undefined: no cache. */
  readonly knowledgeCacheDir: string | undefined;
  /** A PostgreSQL URL; undefined: the SQLite file in dataDir. */
  readonly databaseUrl: string | undefined;
  readonly recordQuestions: RecordQuestions;
  /** Everything recorded is deleted after this many days. */
  readonly questionLogDays: number;
  /** Key of the hash that stands for user ids; undefined: generated into the database. */
  readonly feedbackSecret: string | undefined;
}

/** Invalid configuration; the message lists every bad key. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** Validates the environment; throws ConfigError naming each bad key. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // An empty value (KEY= in .env) means "not set", as in .env.example.
  const present = Object.fromEntries(
    Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ""),
  );
  const result = schema.safeParse(present);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${String(i.path[0] ?? "?")}: ${i.message}`);
    throw new ConfigError([...new Set(problems)]);
  }
  const e = result.data;
  const problems: string[] = [];
  if (e.KIZUNA_ROLE === "http" && !e.DISCORD_PUBLIC_KEY)
    problems.push(
      "DISCORD_PUBLIC_KEY: is required when KIZUNA_ROLE=http (every request is verified with it)",
    );
  if (e.KIZUNA_ROLE === "gateway" && !e.DISCORD_TOKEN)
    problems.push("DISCORD_TOKEN: is required when KIZUNA_ROLE=gateway");
  const count = e.SHARD_COUNT;
  if (e.SHARD_IDS && count === undefined)
    problems.push("SHARD_COUNT: is required with SHARD_IDS (the shards of the whole bot, or auto)");
  if (typeof count === "number" && e.SHARD_IDS?.some((id) => id >= count))
    problems.push(`SHARD_IDS: every id must be below SHARD_COUNT (${count})`);
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    token: e.DISCORD_TOKEN,
    guildId: e.DISCORD_GUILD_ID,
    apiBase: e.DISCORD_API_BASE,
    knowledgeDir: e.KNOWLEDGE_DIR,
    knowledgeWatch: e.KNOWLEDGE_WATCH,
    adminRoleIds: e.ADMIN_ROLE_IDS,
    adminUserIds: e.ADMIN_USER_IDS,
    chatChannelIds: e.CHAT_CHANNEL_IDS,
    cooldownAnswers: e.COOLDOWN_ANSWERS,
    cooldownWindowMs: e.COOLDOWN_WINDOW_SECONDS * 1000,
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT ?? (e.NODE_ENV === "production" || !process.stdout.isTTY ? "json" : "pretty"),
    role: e.KIZUNA_ROLE,
    httpHost: e.HTTP_HOST,
    httpPort: e.HTTP_PORT,
    healthHost: e.HEALTH_HOST,
    healthPort: e.HEALTH_PORT,
    publicKey: e.DISCORD_PUBLIC_KEY,
    redisUrl: e.REDIS_URL,
    redisPrefix: e.REDIS_PREFIX,
    shardIds: e.SHARD_IDS,
    shardCount: e.SHARD_COUNT,
    dataDir: e.DATA_DIR,
    knowledgeCacheDir:
      e.KNOWLEDGE_CACHE_DIR === undefined
        ? join(e.DATA_DIR, "cache")
        : e.KNOWLEDGE_CACHE_DIR.toLowerCase() === "off"
          ? undefined
          : resolve(e.KNOWLEDGE_CACHE_DIR),
    databaseUrl: e.DATABASE_URL,
    recordQuestions: e.RECORD_QUESTIONS,
    questionLogDays: e.QUESTION_LOG_DAYS,
    feedbackSecret: e.FEEDBACK_SECRET,
  };
}
