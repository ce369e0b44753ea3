import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import {
  CONFIG_KEYS,
  ConfigError,
  DEFAULT_DATA_DIR,
  DEFAULT_KNOWLEDGE_DIR,
  loadConfig,
} from "../src/config.ts";

// Shaped like a bot token (three base64url parts), but not a real one.
const TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GaBcDe.abcdefghijklmnopqrstuvwxyz0123456789";
const ROLE = "123456789012345678";

/** The running-at-scale keys' defaults: one process on its own. */
const ONE_PROCESS = {
  role: "bot",
  httpHost: "0.0.0.0",
  httpPort: 8080,
  healthHost: "127.0.0.1",
  healthPort: undefined,
  publicKey: undefined,
  redisUrl: undefined,
  redisPrefix: "kizuna:",
  shardIds: undefined,
  shardCount: undefined,
} as const;

/** The ConfigError a configuration is refused with (fails the test if it loads). */
function refusal(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("expected the configuration to be refused");
}

describe("loadConfig — defaults", () => {
  it("GIVEN an empty environment THEN every key has its default", () => {
    expect(loadConfig({ NODE_ENV: "production" })).toEqual({
      token: undefined,
      guildId: undefined,
      apiBase: "https://discord.com/api",
      knowledgeDir: DEFAULT_KNOWLEDGE_DIR,
      knowledgeWatch: false,
      adminRoleIds: [],
      adminUserIds: [],
      chatChannelIds: [],
      cooldownAnswers: 5,
      cooldownWindowMs: 30_000,
      logLevel: undefined,
      logFormat: "json",
      ...ONE_PROCESS,
      dataDir: DEFAULT_DATA_DIR,
      knowledgeCacheDir: resolve(DEFAULT_DATA_DIR, "cache"),
      databaseUrl: undefined,
      recordQuestions: "unanswered",
      questionLogDays: 90,
      feedbackSecret: undefined,
    });
  });

  it("GIVEN the default data folder THEN it is the repository's data/ (git-ignored) whatever the working directory", () => {
    expect(DEFAULT_DATA_DIR).toBe(resolve(import.meta.dirname, "..", "data"));
  });

  it("GIVEN KNOWLEDGE_CACHE_DIR THEN it defaults to DATA_DIR/cache, and off (any case) turns the cache off", () => {
    expect(loadConfig({ DATA_DIR: "./var/k" }).knowledgeCacheDir).toBe(resolve("var/k/cache"));
    expect(loadConfig({ KNOWLEDGE_CACHE_DIR: "off" }).knowledgeCacheDir).toBeUndefined();
    expect(loadConfig({ KNOWLEDGE_CACHE_DIR: "OFF" }).knowledgeCacheDir).toBeUndefined();
  });

  it("GIVEN the default knowledge folder THEN it is the repository's knowledge/ whatever the working directory", () => {
    expect(DEFAULT_KNOWLEDGE_DIR).toBe(resolve(import.meta.dirname, "..", "knowledge"));
  });

  it("GIVEN empty values (KEY= as in .env.example) THEN they count as not set", () => {
    const config = loadConfig({
      DISCORD_TOKEN: "",
      DISCORD_GUILD_ID: " ",
      LOG_LEVEL: "",
      COOLDOWN_ANSWERS: "",
    });
    expect(config).toMatchObject({
      token: undefined,
      guildId: undefined,
      logLevel: undefined,
      cooldownAnswers: 5,
    });
  });
});

describe("loadConfig — good values", () => {
  it("GIVEN every key set THEN they are parsed and typed", () => {
    const config = loadConfig({
      DISCORD_TOKEN: ` ${TOKEN} `,
      DISCORD_GUILD_ID: ROLE,
      DISCORD_API_BASE: "http://127.0.0.1:3000/api//",
      KNOWLEDGE_DIR: "./some/where",
      KNOWLEDGE_WATCH: "yes",
      ADMIN_ROLE_IDS: `${ROLE}, 234567890123456789 ,`,
      ADMIN_USER_IDS: "34567890123456789",
      CHAT_CHANNEL_IDS: "45678901234567890123",
      COOLDOWN_ANSWERS: "0",
      COOLDOWN_WINDOW_SECONDS: "60",
      LOG_LEVEL: "debug",
      LOG_FORMAT: "pretty",
      DATA_DIR: "./var/kizuna",
      KNOWLEDGE_CACHE_DIR: "./var/cache",
      DATABASE_URL: "postgresql://kizuna:pw@db.internal:5433/kizuna",
      RECORD_QUESTIONS: "all",
      QUESTION_LOG_DAYS: "30",
      FEEDBACK_SECRET: " sixteen-chars-or-more ",
    });
    expect(config).toEqual({
      token: TOKEN,
      guildId: ROLE,
      apiBase: "http://127.0.0.1:3000/api",
      knowledgeDir: resolve("some/where"),
      knowledgeWatch: true,
      adminRoleIds: [ROLE, "234567890123456789"],
      adminUserIds: ["34567890123456789"],
      chatChannelIds: ["45678901234567890123"],
      cooldownAnswers: 0,
      cooldownWindowMs: 60_000,
      logLevel: "debug",
      logFormat: "pretty",
      ...ONE_PROCESS,
      dataDir: resolve("var/kizuna"),
      knowledgeCacheDir: resolve("var/cache"),
      databaseUrl: "postgresql://kizuna:pw@db.internal:5433/kizuna",
      recordQuestions: "all",
      questionLogDays: 30,
      feedbackSecret: "sixteen-chars-or-more",
    });
  });

  it.each([
    ["true", true],
    ["1", true],
    ["false", false],
    ["no", false],
  ])("GIVEN KNOWLEDGE_WATCH=%s THEN it is %s", (value, expected) => {
    expect(loadConfig({ KNOWLEDGE_WATCH: value }).knowledgeWatch).toBe(expected);
  });
});

describe("loadConfig — each bad key is one problem naming the key", () => {
  it.each([
    [{ ADMIN_ROLE_IDS: `${ROLE},not-a-role` }, "ADMIN_ROLE_IDS: must be a Discord id (17–20 digits)"],
    [{ ADMIN_USER_IDS: "123" }, "ADMIN_USER_IDS: must be a Discord id (17–20 digits)"],
    [{ DISCORD_GUILD_ID: "guild" }, "DISCORD_GUILD_ID: must be a Discord id (17–20 digits)"],
    [
      { DISCORD_API_BASE: "discord.com/api" },
      "DISCORD_API_BASE: must be an http(s) URL such as https://discord.com/api",
    ],
    [
      { DISCORD_API_BASE: "ftp://discord.com/api" },
      "DISCORD_API_BASE: must be an http(s) URL such as https://discord.com/api",
    ],
    ...[
      "http://user:pw@127.0.0.1:8080/api",
      "https://:secret-password@proxy.internal/api",
      "http://proxy.internal/api?key=secret",
      "http://proxy.internal/api#frag",
      "http://proxy.internal/api?",
    ].map((base): [Record<string, string>, string] => [
      { DISCORD_API_BASE: base },
      "DISCORD_API_BASE: must not hold a user name, password, query or fragment (give a proxy's credentials to the proxy, not to the URL)",
    ]),
    [
      { COOLDOWN_WINDOW_SECONDS: "0" },
      "COOLDOWN_WINDOW_SECONDS: must be 1 or more (COOLDOWN_ANSWERS=0 turns the cooldown off)",
    ],
    [{ LOG_LEVEL: "loud" }, "LOG_LEVEL: must be one of trace, debug, info, warn, error, fatal, silent"],
    [{ LOG_FORMAT: "xml" }, "LOG_FORMAT: must be json or pretty"],
    [{ COOLDOWN_ANSWERS: "abc" }, "COOLDOWN_ANSWERS: must be a number"],
    [{ COOLDOWN_ANSWERS: "-1" }, "COOLDOWN_ANSWERS: must be 0 or more"],
    [{ COOLDOWN_ANSWERS: "2.5" }, "COOLDOWN_ANSWERS: must be a whole number"],
    [{ COOLDOWN_WINDOW_SECONDS: "100000" }, "COOLDOWN_WINDOW_SECONDS: must be at most 86400"],
    [{ KNOWLEDGE_WATCH: "maybe" }, "KNOWLEDGE_WATCH: must be true or false"],
    [{ RECORD_QUESTIONS: "some" }, "RECORD_QUESTIONS: must be unanswered, all or off"],
    [{ QUESTION_LOG_DAYS: "0" }, "QUESTION_LOG_DAYS: must be 1 or more"],
    [{ QUESTION_LOG_DAYS: "1.5" }, "QUESTION_LOG_DAYS: must be a whole number"],
    [{ FEEDBACK_SECRET: "short" }, "FEEDBACK_SECRET: must be at least 16 characters"],
    [
      { DATABASE_URL: "mysql://root:pw@localhost/kizuna" },
      "DATABASE_URL: must be a postgres:// URL (leave it empty for the SQLite file in DATA_DIR)",
    ],
    [
      { DATABASE_URL: "not a url" },
      "DATABASE_URL: must be a postgres:// URL (leave it empty for the SQLite file in DATA_DIR)",
    ],
    [
      { DISCORD_TOKEN: "not-a-token" },
      "DISCORD_TOKEN: does not look like a bot token (three parts separated by dots; copy it from the Bot page of the developer portal)",
    ],
  ])("GIVEN %j THEN the one problem is %j", (env, problem) => {
    const error = refusal(env);
    expect(error.problems).toEqual([problem]);
    expect(error.message).toBe(`Invalid configuration:\n  ${problem}`);
  });

  it("GIVEN two bad ids in one list THEN the key is still named once", () => {
    expect(refusal({ CHAT_CHANNEL_IDS: "a,b,c" }).problems).toEqual([
      "CHAT_CHANNEL_IDS: must be a Discord id (17–20 digits)",
    ]);
  });

  it("GIVEN several bad keys THEN every one is reported at once", () => {
    const error = refusal({ LOG_LEVEL: "loud", COOLDOWN_ANSWERS: "abc", DISCORD_API_BASE: "nope" });
    expect(error.problems.map((p) => p.split(":")[0]).sort()).toEqual([
      "COOLDOWN_ANSWERS",
      "DISCORD_API_BASE",
      "LOG_LEVEL",
    ]);
    expect(error.name).toBe("ConfigError");
  });
});

describe("loadConfig — the token is never echoed", () => {
  it.each([
    ["a malformed token", "secret-value-with-no-dots-0123456789"],
    ["a token with two parts", "MTIzNDU2Nzg5MDEyMzQ1Njc4.GaBcDe"],
    ["a token with spaces inside", "MTIzNDU2Nzg5MDEy NDU2Nzg4.GaBcDe.abcdefghijklmnop"],
  ])("GIVEN %s THEN neither the message nor the problems contain it", (_, bad) => {
    const error = refusal({ DISCORD_TOKEN: bad, LOG_LEVEL: "loud" });
    const everything = `${error.message}\n${error.problems.join("\n")}\n${error.stack ?? ""}\n${JSON.stringify(error)}`;
    expect(everything).not.toContain(bad);
    expect(everything).not.toContain(bad.slice(0, 12));
    expect(error.problems).toContain(
      "DISCORD_TOKEN: does not look like a bot token (three parts separated by dots; copy it from the Bot page of the developer portal)",
    );
  });

  it("GIVEN a database URL or a feedback secret that is refused THEN neither is echoed", () => {
    const error = refusal({
      DATABASE_URL: "mysql://root:hunter2-password@db/x",
      FEEDBACK_SECRET: "tiny-secret",
    });
    const everything = `${error.message}${error.stack ?? ""}${JSON.stringify(error)}`;
    expect(everything).not.toContain("hunter2-password");
    expect(everything).not.toContain("tiny-secret");
  });

  it("GIVEN a REST base URL with a password THEN the password is not echoed", () => {
    const error = refusal({ DISCORD_API_BASE: "http://kizuna:hunter2-password@proxy.internal/api" });
    expect(`${error.message}${error.stack ?? ""}${JSON.stringify(error)}`).not.toContain("hunter2");
  });

  it("GIVEN a good token and another bad key THEN the error does not contain the token", () => {
    const error = refusal({ DISCORD_TOKEN: TOKEN, COOLDOWN_ANSWERS: "abc" });
    expect(`${error.message}${error.stack ?? ""}${JSON.stringify(error)}`).not.toContain(TOKEN);
  });
});

describe("loadConfig — running at scale", () => {
  const KEY = "A".repeat(64);

  it("GIVEN an http worker's keys THEN they are parsed, the key lower-cased", () => {
    expect(
      loadConfig({
        KIZUNA_ROLE: "http",
        HTTP_HOST: "127.0.0.1",
        HTTP_PORT: "9000",
        DISCORD_PUBLIC_KEY: KEY,
        REDIS_URL: "redis://127.0.0.1:6379/2",
        REDIS_PREFIX: "kz-prod:",
      }),
    ).toMatchObject({
      role: "http",
      httpHost: "127.0.0.1",
      httpPort: 9000,
      publicKey: "a".repeat(64),
      redisUrl: "redis://127.0.0.1:6379/2",
      redisPrefix: "kz-prod:",
    });
  });

  it("GIVEN HEALTH_PORT and HEALTH_HOST THEN the health server's address; a bad one is refused", () => {
    expect(loadConfig({ HEALTH_PORT: "9464", HEALTH_HOST: "0.0.0.0" })).toMatchObject({
      healthPort: 9464,
      healthHost: "0.0.0.0",
    });
    expect(refusal({ HEALTH_PORT: "70000", HEALTH_HOST: "a b" }).problems).toEqual([
      "HEALTH_HOST: must be a host name or an IP address, such as 127.0.0.1",
      "HEALTH_PORT: must be at most 65535",
    ]);
  });

  it("GIVEN a gateway's shards THEN ids and ranges are listed and the count is a number or auto", () => {
    expect(
      loadConfig({ KIZUNA_ROLE: "gateway", DISCORD_TOKEN: TOKEN, SHARD_IDS: "4-6, 0", SHARD_COUNT: "8" }),
    ).toMatchObject({ role: "gateway", shardIds: [0, 4, 5, 6], shardCount: 8 });
    expect(loadConfig({ KIZUNA_ROLE: "gateway", DISCORD_TOKEN: TOKEN, SHARD_COUNT: "auto" })).toMatchObject({
      shardIds: undefined,
      shardCount: "auto",
    });
  });

  it("GIVEN bad values THEN each key says what is wrong", () => {
    const problems = refusal({
      KIZUNA_ROLE: "worker",
      HTTP_PORT: "70000",
      DISCORD_PUBLIC_KEY: "xyz",
      REDIS_URL: "http://127.0.0.1:6379",
      SHARD_IDS: "a,b",
      SHARD_COUNT: "0",
    }).problems;
    expect(problems).toEqual(
      expect.arrayContaining([
        "KIZUNA_ROLE: must be bot, http or gateway",
        "HTTP_PORT: must be at most 65535",
        expect.stringMatching(/^DISCORD_PUBLIC_KEY: must be the application's public key: 64 hex characters/),
        expect.stringMatching(/^REDIS_URL: must be a redis:\/\/ or rediss:\/\/ URL/),
        "SHARD_IDS: must be shard ids and ranges, such as 0,1 or 0-3",
        "SHARD_COUNT: must be a whole number of shards (1 or more) or auto",
      ]),
    );
  });

  it("GIVEN a role without what it needs THEN start-up is refused naming the key", () => {
    expect(refusal({ KIZUNA_ROLE: "http" }).problems).toEqual([
      "DISCORD_PUBLIC_KEY: is required when KIZUNA_ROLE=http (every request is verified with it)",
    ]);
    expect(refusal({ KIZUNA_ROLE: "gateway" }).problems).toEqual([
      "DISCORD_TOKEN: is required when KIZUNA_ROLE=gateway",
    ]);
    expect(refusal({ SHARD_IDS: "0,3", SHARD_COUNT: "2" }).problems).toEqual([
      "SHARD_IDS: every id must be below SHARD_COUNT (2)",
    ]);
  });
});

describe(".env.example", () => {
  it("GIVEN the keys the configuration reads THEN every one is in .env.example", () => {
    const example = readFileSync(new URL("../.env.example", import.meta.url), "utf8");
    const listed = new Set([...example.matchAll(/^([A-Z_]+)=/gm)].map((m) => m[1]));
    expect(CONFIG_KEYS.filter((k) => k !== "NODE_ENV" && !listed.has(k))).toEqual([]);
  });
});
