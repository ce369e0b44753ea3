/**
 * The whole bot, wired as src/main.ts wires it (config → logger → KnowledgeStore → Dispatcher →
 * startBot), logged in to a local fake Discord, over a temporary copy of the repository's
 * knowledge folder that a test may edit. Only the edges are test-made: the network (the fake),
 * the identify throttle (skipped, see discord-client.ts) and the log destination (captured).
 */

import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ClientOptions } from "discord.js";
import { chat, commands as registry } from "../../src/commands/index.ts";
import { startBot, type Bot } from "../../src/adapters/discord/bot.ts";
import { deployCommands } from "../../src/adapters/discord/deploy.ts";
import { DEFAULT_KNOWLEDGE_DIR, loadConfig, type Config } from "../../src/config.ts";
import type { Command, CommandData } from "../../src/interactions/command.ts";
import { Cooldown } from "../../src/interactions/cooldown.ts";
import { FeedbackRecorder, type RecorderOptions } from "../../src/feedback/recorder.ts";
import { AUTOCOMPLETE_LIMIT, Dispatcher } from "../../src/interactions/dispatcher.ts";
import { TokenBucket } from "../../src/interactions/token-bucket.ts";
import { createLogger, type Logger } from "../../src/logger.ts";
import { KnowledgeStore } from "../../src/store/knowledge-store.ts";
import { fakeClientOptions } from "./discord-client.ts";
import { startFakeDiscord, type FakeDiscord, type FakeDiscordOptions } from "./fake-discord.ts";

/** Log lines as written (JSON, one per line), parsed on demand. */
export class LogCapture {
  readonly lines: string[] = [];

  /** A pino destination: pino calls `write` with one serialized line. */
  write(line: string): void {
    this.lines.push(line);
  }

  records(): Array<Record<string, unknown>> {
    return this.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  }

  /** Records whose `msg` equals `msg` (and whose fields match `fields`, shallowly). */
  find(msg: string, fields: Record<string, unknown> = {}): Array<Record<string, unknown>> {
    return this.records().filter(
      (r) => r["msg"] === msg && Object.entries(fields).every(([k, v]) => r[k] === v),
    );
  }
}

export interface HarnessOptions {
  readonly fake?: FakeDiscordOptions;
  /** Environment on top of the defaults; a function sees the fake (for its role and channel ids). */
  readonly env?: Record<string, string> | ((fake: FakeDiscord) => Record<string, string>);
  /** Commands besides the real registry (a throwing or slow one). */
  readonly extraCommands?: readonly Command<CommandData>[];
  readonly deferAfterMs?: number;
  /** One interaction callback attempt's time limit (the bot's default is Discord's 3 s window). */
  readonly callbackTimeoutMs?: number;
  readonly drainMs?: number;
  /** How long shutdown keeps reading the gateway first (the bot's default is 250 ms; tests need less). */
  readonly settleMs?: number;
  /** Client options on top of the fake's (e.g. `rest: { timeout }`); the bot keeps its own API base. */
  readonly clientOptions?: Partial<ClientOptions>;
  /** Register the commands with the fake first, so options carry their registered types (default true). */
  readonly deploy?: boolean;
  /** Feedback writer settings (a short retry window); the database comes from DATA_DIR / DATABASE_URL. */
  readonly feedback?: Partial<Pick<RecorderOptions, "writer" | "requestTimeoutMs" | "restartMs">>;
}

export interface BotHarness {
  readonly fake: FakeDiscord;
  readonly bot: Bot;
  readonly config: Config;
  readonly store: KnowledgeStore;
  readonly dispatcher: Dispatcher;
  readonly log: Logger;
  readonly logs: LogCapture;
  /** The temporary knowledge folder the bot reads (a copy of the repository's). */
  readonly knowledgeDir: string;
  /** Votes and the question log, in a SQLite file in a temporary DATA_DIR unless the env says otherwise. */
  readonly feedback: FeedbackRecorder;
  /** Shuts the bot down (if not yet), stops the fake, deletes the temp folder. Idempotent. */
  stop(): Promise<void>;
}

/** Starts fake + bot and resolves once the bot is ready (guild cached). */
export async function startBotHarness(options: HarnessOptions = {}): Promise<BotHarness> {
  const fake = await startFakeDiscord(options.fake);
  const knowledgeDir = await mkdtemp(join(tmpdir(), "kizuna-knowledge-"));
  const dataDir = await mkdtemp(join(tmpdir(), "kizuna-data-"));
  let bot: Bot | undefined;
  let store: KnowledgeStore | undefined;
  let feedback: FeedbackRecorder | undefined;
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    store?.close();
    await bot?.shutdown().catch(() => undefined);
    await feedback?.close();
    await fake.stop();
    await rm(knowledgeDir, { recursive: true, force: true });
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    await cp(DEFAULT_KNOWLEDGE_DIR, knowledgeDir, { recursive: true });
    const extraEnv = typeof options.env === "function" ? options.env(fake) : (options.env ?? {});
    const config = loadConfig({
      DISCORD_TOKEN: fake.token,
      DISCORD_API_BASE: fake.restBase,
      DISCORD_GUILD_ID: fake.guildId,
      KNOWLEDGE_DIR: knowledgeDir,
      DATA_DIR: dataDir,
      // Recording starts a writer thread (seconds of CPU on a busy machine, beside tests with
      // deadlines): the tests about feedback turn it on.
      RECORD_QUESTIONS: "off",
      // Most tests ask many questions as one user; the cooldown test turns it on.
      COOLDOWN_ANSWERS: "0",
      LOG_FORMAT: "json",
      LOG_LEVEL: "debug",
      ...extraEnv,
    });
    const logs = new LogCapture();
    const log = createLogger({
      level: config.logLevel,
      format: config.logFormat,
      secrets: [config.token],
      destination: logs,
    });
    store = await KnowledgeStore.open(config.knowledgeDir, { displayRoot: "knowledge" });
    feedback = FeedbackRecorder.fromConfig(config, log, options.feedback);
    const commands = [...registry, ...(options.extraCommands ?? [])];
    const dispatcher = new Dispatcher(
      commands,
      {
        store,
        log,
        commands: commands.map((c) => ({ name: c.data.name, description: c.data.description })),
        feedback,
      },
      {
        cooldown: new Cooldown(config.cooldownAnswers, config.cooldownWindowMs),
        chat,
        // As src/runtime.ts sets it up.
        autocompleteLimit: new TokenBucket(AUTOCOMPLETE_LIMIT.burst, AUTOCOMPLETE_LIMIT.perSecond),
      },
    );
    if (options.deploy !== false) await deployCommands(config);
    // Only the identify throttle is overridden; intents, partials and REST come from the bot itself.
    const { ws } = fakeClientOptions(fake);
    bot = startBot({
      config,
      dispatcher,
      log,
      clientOptions: { ...options.clientOptions, ws: { ...options.clientOptions?.ws, ...ws } },
      ...(options.deferAfterMs !== undefined ? { deferAfterMs: options.deferAfterMs } : {}),
      ...(options.callbackTimeoutMs !== undefined ? { callbackTimeoutMs: options.callbackTimeoutMs } : {}),
      drainMs: options.drainMs ?? 2_000,
      settleMs: options.settleMs ?? 25,
    });
    await withTimeout(bot.ready, 5_000, "the bot to be ready");
    return { fake, bot, config, store, dispatcher, log, logs, knowledgeDir, feedback, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`bot-harness: timed out after ${ms} ms waiting for ${what}`)),
      ms,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
