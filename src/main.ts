/**
 * `npm start`: validates config and knowledge, then connects to Discord when a token is
 * set, or opens the local console when none is.
 */
import { chat, commands } from "../commands/index.ts";
import { startBot } from "./adapters/discord/bot.ts";
import { runConsole } from "./adapters/console/console.ts";
import { ConfigError, DEFAULT_KNOWLEDGE_DIR, loadConfig, type Config } from "./config.ts";
import { loadDotenv } from "./env.ts";
import { Cooldown } from "./interactions/cooldown.ts";
import { FeedbackRecorder } from "./feedback/recorder.ts";
import { Dispatcher } from "./interactions/dispatcher.ts";
import { KnowledgeError } from "./knowledge/problems.ts";
import { createLogger } from "./logger.ts";
import { KnowledgeStore } from "./store/knowledge-store.ts";
import { pino } from "pino";
import { relative } from "node:path";

async function main(): Promise<number> {
  loadDotenv();
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\nSee .env.example for every key.\n`);
    return 1;
  }
  const consoleMode = !config.token;
  const log = createLogger({
    // In the console, logs go to stderr and only warnings show, so answers stay readable.
    level: config.logLevel ?? (consoleMode ? "warn" : "info"),
    format: config.logFormat,
    secrets: [config.token, config.feedbackSecret, config.databaseUrl, passwordOf(config.databaseUrl)],
    ...(consoleMode ? { destination: pino.destination(2) } : {}),
  });

  const display =
    config.knowledgeDir === DEFAULT_KNOWLEDGE_DIR
      ? "knowledge"
      : relative(process.cwd(), config.knowledgeDir);
  let store: KnowledgeStore;
  try {
    store = await KnowledgeStore.open(config.knowledgeDir, { displayRoot: display });
  } catch (error) {
    if (!(error instanceof KnowledgeError)) throw error;
    process.stderr.write(
      `Kizuna will not start: ${error.message}\nFix the files (npm run check-knowledge) and start again.\n`,
    );
    return 1;
  }
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
  if (config.knowledgeWatch) store.watch();

  // The database is opened and migrated by the feedback writer's thread, beside start-up:
  // answers never wait for it, whether it is there or not.
  const feedback = FeedbackRecorder.fromConfig(config, log);
  const services = {
    store,
    log,
    commands: commands.map((c) => ({ name: c.data.name, description: c.data.description })),
    feedback,
  };
  if (consoleMode) {
    const dispatcher = new Dispatcher(commands, services, { chat });
    await runConsole(dispatcher, {
      input: process.stdin,
      output: process.stdout,
      prompt: process.stdin.isTTY,
    });
    store.close();
    await feedback.close();
    return 0;
  }

  const dispatcher = new Dispatcher(commands, services, {
    cooldown: new Cooldown(config.cooldownAnswers, config.cooldownWindowMs),
    chat,
  });
  const bot = startBot({ config, dispatcher, log });
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "shutting down");
    store.close();
    await bot.shutdown();
    await feedback.close();
    log.flush();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
  try {
    await bot.ready;
  } catch (error) {
    log.fatal({ err: error }, "could not connect to Discord (is DISCORD_TOKEN right?)");
    await feedback.close();
    log.flush();
    return 1;
  }
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
    await feedback.close();
    log.flush();
    return 1;
  }
  return 0;
}

/** The password inside a database URL, so the logger scrubs it wherever it shows up. */
function passwordOf(url: string | undefined): string | undefined {
  if (!url || !URL.canParse(url)) return undefined;
  const password = decodeURIComponent(new URL(url).password);
  // A very short one would be scrubbed out of ordinary words too.
  return password.length >= 6 ? password : undefined;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`Kizuna crashed while starting: ${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 1;
  },
);
