/**
 * An HTTP interactions worker, wired as src/main.ts wires KIZUNA_ROLE=http (config → logger →
 * KnowledgeStore → runtime → startHttpWorker), listening on 127.0.0.1, with the local fake
 * Discord POSTing signed interactions to it (its Interactions Endpoint URL) and taking its
 * edits and follow-ups over REST. Only the network edge is test-made.
 */
import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startHttpWorker, type HttpWorker } from "../../src/adapters/http/worker.ts";
import { deployCommands } from "../../src/adapters/discord/deploy.ts";
import { DEFAULT_KNOWLEDGE_DIR, loadConfig, type Config } from "../../src/config.ts";
import type { Command, CommandData } from "../../src/interactions/command.ts";
import type { Dispatcher } from "../../src/interactions/dispatcher.ts";
import { createLogger, type Logger } from "../../src/logger.ts";
import { createRuntime } from "../../src/runtime.ts";
import { KnowledgeStore } from "../../src/store/knowledge-store.ts";
import { LogCapture } from "./bot-harness.ts";
import { startFakeDiscord, type FakeDiscord, type FakeDiscordOptions } from "./fake-discord.ts";

export interface WorkerHarnessOptions {
  readonly fake?: FakeDiscordOptions;
  readonly env?: Record<string, string> | ((fake: FakeDiscord) => Record<string, string>);
  readonly extraCommands?: readonly Command<CommandData>[];
  readonly deferAfterMs?: number;
  readonly progressEveryMs?: number;
  /** The clock the worker checks signature timestamps against. */
  readonly now?: () => number;
}

export interface WorkerHarness {
  readonly fake: FakeDiscord;
  readonly worker: HttpWorker;
  readonly config: Config;
  readonly store: KnowledgeStore;
  readonly dispatcher: Dispatcher;
  readonly log: Logger;
  readonly logs: LogCapture;
  readonly knowledgeDir: string;
  /** `POST` target: the worker's `/interactions`. */
  readonly endpoint: string;
  stop(): Promise<void>;
}

export async function startWorkerHarness(options: WorkerHarnessOptions = {}): Promise<WorkerHarness> {
  const fake = await startFakeDiscord(options.fake);
  const knowledgeDir = await mkdtemp(join(tmpdir(), "kizuna-worker-"));
  let worker: HttpWorker | undefined;
  let store: KnowledgeStore | undefined;
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    store?.close();
    await worker?.close(2_000).catch(() => undefined);
    await fake.stop();
    await rm(knowledgeDir, { recursive: true, force: true });
  };
  try {
    await cp(DEFAULT_KNOWLEDGE_DIR, knowledgeDir, { recursive: true });
    const extraEnv = typeof options.env === "function" ? options.env(fake) : (options.env ?? {});
    const config = loadConfig({
      KIZUNA_ROLE: "http",
      HTTP_HOST: "127.0.0.1",
      HTTP_PORT: "0",
      DISCORD_PUBLIC_KEY: fake.publicKeyHex,
      DISCORD_TOKEN: fake.token,
      DISCORD_API_BASE: fake.restBase,
      DISCORD_GUILD_ID: fake.guildId,
      KNOWLEDGE_DIR: knowledgeDir,
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
    const { dispatcher } = createRuntime({ config, log, store, extraCommands: options.extraCommands ?? [] });
    // Registered first, so the fake types options as Discord would.
    await deployCommands(config);
    worker = await startHttpWorker({
      config,
      dispatcher,
      log,
      ...(options.deferAfterMs !== undefined ? { deferAfterMs: options.deferAfterMs } : {}),
      ...(options.progressEveryMs !== undefined ? { progressEveryMs: options.progressEveryMs } : {}),
      ...(options.now ? { now: options.now } : {}),
    });
    const endpoint = `${worker.url}/interactions`;
    fake.interactionsEndpoint = endpoint;
    return { fake, worker, config, store, dispatcher, log, logs, knowledgeDir, endpoint, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
