/**
 * `npm start`: validates config and knowledge, then runs in the role asked for:
 *  - `bot` (default): one process holding the gateway and answering everything; with no
 *    token, the local console instead;
 *  - `http`: an interactions worker on POST /interactions (any number, behind a load balancer);
 *  - `gateway`: chat mentions over the gateway, for the shards in SHARD_IDS.
 * With REDIS_URL the process joins the deployment (one knowledge version everywhere, shared
 * cooldowns, liveness, the identify throttle); without it, it is on its own, as before.
 */
import { relative } from "node:path";
import { REST } from "@discordjs/rest";
import { Routes, type RESTGetAPIGatewayBotResult } from "discord-api-types/v10";
import { pino } from "pino";
import { startBot } from "./adapters/discord/bot.ts";
import { runConsole } from "./adapters/console/console.ts";
import type { Cluster } from "./cluster/cluster.ts";
import { ConfigError, DEFAULT_KNOWLEDGE_DIR, loadConfig, type Config } from "./config.ts";
import { loadDotenv } from "./env.ts";
import { FeedbackRecorder } from "./feedback/recorder.ts";
import { KnowledgeError } from "./knowledge/problems.ts";
import { createLogger, type Logger } from "./logger.ts";
import { ExitCode } from "./ops/exit-codes.ts";
import type { Operations } from "./ops/operations.ts";
import { exitOnProcessFaults } from "./ops/process-faults.ts";
import { createRuntime } from "./runtime.ts";
import { KnowledgeStore } from "./store/knowledge-store.ts";
import { DiscordAPIError, DiscordjsErrorCodes, Events, type ClientOptions } from "discord.js";

async function main(): Promise<number> {
  loadDotenv();
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\nSee .env.example for every key.\n`);
    return ExitCode.Config;
  }
  // Read once, validated above. discord.js's Client would read SHARD_COUNT and SHARDS from the
  // environment again by itself (its ShardingManager convention) and choke on "auto".
  delete process.env["SHARD_COUNT"];
  delete process.env["SHARDS"];
  const consoleMode = config.role === "bot" && !config.token;
  const log = createLogger({
    // In the console, logs go to stderr and only warnings show, so answers stay readable.
    level: config.logLevel ?? (consoleMode ? "warn" : "info"),
    format: config.logFormat,
    secrets: [config.token, config.feedbackSecret, config.databaseUrl, passwordOf(config.databaseUrl)],
    ...(consoleMode ? { destination: pino.destination(2) } : {}),
  });
  exitOnProcessFaults(log);

  let ops: Operations | undefined;
  try {
    // Role-specific parts load only where they run: a console or a restart does not pay for
    // the health server, Redis or the HTTP transport.
    ops =
      consoleMode || config.healthPort === undefined
        ? undefined
        : await (await import("./ops/operations.ts")).startOperations(config, log);
  } catch (error) {
    log.fatal({ err: error }, `cannot listen on ${config.healthHost}:${config.healthPort} (HEALTH_PORT)`);
    log.flush();
    return ExitCode.Unavailable;
  }

  const display =
    config.knowledgeDir === DEFAULT_KNOWLEDGE_DIR
      ? "knowledge"
      : relative(process.cwd(), config.knowledgeDir);
  const cache = config.knowledgeCacheDir ? { dir: config.knowledgeCacheDir, log } : undefined;
  let store: KnowledgeStore;
  let cluster: Cluster | undefined;
  try {
    if (config.redisUrl && !consoleMode) {
      const { Cluster } = await import("./cluster/cluster.ts");
      cluster = await Cluster.join({
        redisUrl: config.redisUrl,
        prefix: config.redisPrefix,
        role: config.role,
        shards: config.shardIds,
        log,
        sourceDir: config.knowledgeDir,
        // The same on every process, wherever its files are: versions hash file names as shown.
        displayRoot: "knowledge",
        cache,
        cooldownAnswers: config.cooldownAnswers,
        cooldownWindowMs: config.cooldownWindowMs,
      });
      store = cluster.store;
    } else store = await KnowledgeStore.open(config.knowledgeDir, { displayRoot: display, cache });
  } catch (error) {
    if (!(error instanceof KnowledgeError)) throw error;
    process.stderr.write(
      `Kizuna will not start: ${error.message}\nFix the files (npm run check-knowledge) and start again.\n`,
    );
    await ops?.close();
    return ExitCode.InvalidKnowledge;
  }
  ops?.telemetry.watchKnowledge(store);
  store.onReload((r) =>
    r.ok
      ? log.info(
          {
            version: r.version,
            added: r.added.length,
            changed: r.changed.length,
            removed: r.removed.length,
            ms: Math.round(r.ms),
          },
          "knowledge reloaded",
        )
      : log.warn({ problems: r.problems.length, kept: r.keptVersion }, "knowledge reload refused"),
  );
  if (config.knowledgeWatch && cluster)
    log.warn(
      "KNOWLEDGE_WATCH is for a single process; with REDIS_URL, publish with /reload or npm run publish-knowledge",
    );
  else if (config.knowledgeWatch) store.watch();

  // The database is opened and migrated by the feedback writer's thread, beside start-up:
  // answers never wait for it, whether it is there or not.
  const feedback = FeedbackRecorder.fromConfig(config, log);
  const { dispatcher } = createRuntime({
    config,
    log,
    store,
    shared: cluster ? { cooldown: cluster.cooldown, knowledge: cluster.knowledge } : undefined,
    console: consoleMode,
    feedback,
    telemetry: ops?.telemetry,
  });
  if (consoleMode) {
    await runConsole(dispatcher, {
      input: process.stdin,
      output: process.stdout,
      prompt: process.stdin.isTTY,
    });
    store.close();
    await feedback.close();
    return ExitCode.Ok;
  }

  let stopping = false;
  const onSignal = (stopTransport: () => Promise<void>) => {
    const stop = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      ops?.telemetry.stopping();
      log.info({ signal }, "shutting down");
      store.close();
      await stopTransport();
      await cluster?.close().catch(() => undefined);
      await feedback.close();
      await ops?.close();
      log.flush();
      process.exit(0);
    };
    process.on("SIGINT", () => void stop("SIGINT"));
    process.on("SIGTERM", () => void stop("SIGTERM"));
  };

  if (config.role === "http") {
    let worker;
    try {
      const { startHttpWorker } = await import("./adapters/http/worker.ts");
      worker = await startHttpWorker({
        config,
        dispatcher,
        log,
        health: () => cluster?.health() ?? { version: store.version },
      });
    } catch (error) {
      log.fatal({ err: error }, `cannot listen on ${config.httpHost}:${config.httpPort}`);
      await cluster?.close().catch(() => undefined);
      log.flush();
      return ExitCode.Unavailable;
    }
    onSignal(() => worker.close());
    ops?.telemetry.serving();
    // Runs until a signal; the listening server keeps the process alive.
    return await new Promise<number>(() => undefined);
  }

  let clientOptions: Partial<ClientOptions>;
  try {
    clientOptions = await gatewayOptions(config, cluster, log);
  } catch (error) {
    log.fatal({ err: error }, "cannot plan the gateway's shards");
    await cluster?.close().catch(() => undefined);
    log.flush();
    return ExitCode.Unavailable;
  }
  const bot = startBot({ config, dispatcher, log, clientOptions });
  onSignal(() => bot.shutdown());
  if (ops) {
    const { gatewayState } = await import("./ops/operations.ts");
    ops.telemetry.watchGateway(() => gatewayState(bot.client));
  }
  // discord.js emits this only for close codes it will not recover from (4004, 4010–4014).
  let refusedWith: number | undefined;
  bot.client.once(Events.ShardDisconnect, (event) => (refusedWith = event.code));
  try {
    await bot.ready;
  } catch (error) {
    log.fatal({ err: error }, "could not connect to Discord (is DISCORD_TOKEN right?)");
    await cluster?.close().catch(() => undefined);
    await feedback.close();
    log.flush();
    return refusedWith !== undefined || tokenRefused(error) ? ExitCode.GatewayRefused : ExitCode.Unavailable;
  }
  ops?.telemetry.serving();
  // Runs until a signal (which exits 0 from stop()), or until Discord closes the gateway
  // for good (bad token, intents refused): then nothing will reconnect, so exit non-zero
  // and let a supervisor notice.
  // A pending promise does not keep Node alive once the gateway socket is gone: hold it
  // open until the bot has finished stopping.
  const keepAlive = setInterval(() => undefined, 1 << 30);
  const why = await bot.stopped;
  clearInterval(keepAlive);
  if (why.reason === "gateway-closed") {
    log.fatal({ code: why.code }, "Discord closed the gateway for good; stopping");
    store.close();
    await cluster?.close().catch(() => undefined);
    await feedback.close();
    log.flush();
    return ExitCode.GatewayRefused;
  }
  return ExitCode.Ok;
}

/** Discord said the token is wrong (401 on GET /gateway/bot): restarting cannot fix that. */
function tokenRefused(error: unknown): boolean {
  return (
    (error instanceof Error && "code" in error && error.code === DiscordjsErrorCodes.TokenInvalid) ||
    (error instanceof DiscordAPIError && error.status === 401)
  );
}

/**
 * Which shards this process runs (SHARD_IDS of SHARD_COUNT, "auto": Discord's recommended
 * count) and, in a deployment, the identify throttle shared with the other gateway processes.
 */
async function gatewayOptions(
  config: Config,
  cluster: Cluster | undefined,
  log: Logger,
): Promise<Partial<ClientOptions>> {
  const out: { shards?: number[] | "auto"; shardCount?: number; ws?: ClientOptions["ws"] } = {};
  let count = config.shardCount;
  if (count === "auto" && config.shardIds) {
    // Specific shards of a recommended total: ask Discord for the total first.
    const rest = new REST({ api: config.apiBase }).setToken(config.token ?? "");
    count = ((await rest.get(Routes.gatewayBot())) as RESTGetAPIGatewayBotResult).shards;
    const total = count;
    if (config.shardIds.some((id) => id >= total))
      throw new Error(`SHARD_IDS: Discord recommends ${total} shards; every id must be below it`);
  }
  if (count === "auto") out.shards = "auto";
  else if (count !== undefined) {
    out.shardCount = count;
    out.shards = config.shardIds ? [...config.shardIds] : Array.from({ length: count }, (_, i) => i);
  }
  if (out.shards) log.info({ shards: out.shards, count: out.shardCount ?? "auto" }, "gateway shards");
  if (cluster)
    out.ws = {
      buildIdentifyThrottler: async (manager) => {
        const info = await manager.fetchGatewayInformation();
        return cluster.identifyThrottler(info.session_start_limit.max_concurrency);
      },
    };
  return out as Partial<ClientOptions>;
}

/** The password inside a database URL, so the logger scrubs it wherever it shows up. */
function passwordOf(url: string | undefined): string | undefined {
  if (!url || !URL.canParse(url)) return undefined;
  const password = decodeURIComponent(new URL(url).password);
  // A very short one would be scrubbed out of ordinary words too.
  return password.length >= 6 ? password : undefined;
}

/**
 * Exits with the code once what was written has been handed to the OS: a failure path may
 * leave something running (the knowledge store's read worker, a half-open socket) that would
 * otherwise keep the process alive with its code unseen by the supervisor.
 */
function exitWith(code: number): void {
  process.exitCode = code;
  process.stderr.write("", () => process.stdout.write("", () => process.exit(code)));
}

main().then(exitWith, (error: unknown) => {
  process.stderr.write(`Kizuna crashed while starting: ${(error as Error).stack ?? String(error)}\n`);
  exitWith(ExitCode.Crash);
});
