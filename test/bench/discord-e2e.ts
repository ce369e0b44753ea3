/**
 * `/ask` end to end through the local fake Discord (test/support/fake-discord.ts): the real
 * bot — startBot + Dispatcher + the real command registry, wired as src/main.ts wires it —
 * logged in over real loopback sockets, answering from a store that wraps the bench's index.
 *
 * One latency = the fake dispatching INTERACTION_CREATE over the gateway → the bot's
 * interaction callback POST received and recorded by the fake. It includes both ends of the
 * fake (JSON over WebSocket and HTTP), discord.js, the dispatcher with its log line (pino
 * at info, into memory: serialization counted, no I/O), the engine and the reply.
 *
 *  - sequential: one interaction at a time (the next is sent once the previous callback is in);
 *  - concurrent: a closed loop keeping `concurrency` interactions in flight.
 *
 * Cooldown off; a warm-up (JIT, HTTP keep-alive) before each measured run is not counted.
 */
import { performance } from "node:perf_hooks";
import { chat, commands } from "../../src/commands/index.ts";
import { startBot } from "../../src/adapters/discord/bot.ts";
import { deployCommands } from "../../src/adapters/discord/deploy.ts";
import { loadConfig } from "../../src/config.ts";
import type { KnowledgeIndex } from "../../src/index/knowledge-index.ts";
import type { Feedback } from "../../src/feedback/types.ts";
import { Cooldown } from "../../src/interactions/cooldown.ts";
import { Dispatcher } from "../../src/interactions/dispatcher.ts";
import { createLogger } from "../../src/logger.ts";
import type { KnowledgeStore } from "../../src/store/knowledge-store.ts";
import { fakeClientOptions } from "../support/discord-client.ts";
import { startFakeDiscord, type FakeDiscord } from "../support/fake-discord.ts";
import type { BenchQuestion } from "./generate.ts";

export interface DiscordEndToEndContext {
  /** The index of this size (10 000 facts + the real ones). */
  readonly index: KnowledgeIndex;
  /** A store wrapping it, as the bot holds it. */
  readonly store: KnowledgeStore;
  /** The same questions the engine loop used. */
  readonly questions: readonly BenchQuestion[];
  readonly quick: boolean;
  /** Recording of answers and votes, as the bot wires it (none: nothing recorded). */
  readonly feedback?: Feedback | undefined;
}

export interface DiscordEndToEndResult {
  /** Sequential: dispatch of INTERACTION_CREATE for /ask → the callback POST received by the fake. */
  readonly ask_p50_ms: number;
  readonly ask_p99_ms: number;
  readonly ask_max_ms: number;
  readonly ask_mean_ms: number;
  /** Interactions timed in the sequential run. */
  readonly questions: number;
  /** Callbacks of type 4 (a reply) / 5 (deferred: slower than deferAfterMs) / none (timed out or failed). */
  readonly replied: number;
  readonly deferred: number;
  readonly failed: number;
  /** The same with `concurrency` interactions in flight. */
  readonly concurrency: number;
  readonly concurrent_p50_ms: number;
  readonly concurrent_p99_ms: number;
  readonly concurrent_max_ms: number;
  readonly concurrent_per_s: number;
  readonly concurrent_failed: number;
  readonly notes?: string;
}

const CALLBACK_TIMEOUT_MS = 10_000;

interface Outcome {
  readonly ms: number | undefined;
  readonly type: number | undefined;
}

function quantile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

const round = (n: number, digits = 3) => (Number.isFinite(n) ? Number(n.toFixed(digits)) : n);

/** Sends one /ask and resolves when the fake has the callback; never rejects. */
function ask(fake: FakeDiscord, question: string): Promise<Outcome> {
  const started = performance.now();
  const handle = fake.slashCommand({ name: "ask", options: { question } });
  return handle.waitCallback(CALLBACK_TIMEOUT_MS).then(
    (callback) => ({ ms: performance.now() - started, type: callback.type }),
    () => ({ ms: undefined, type: undefined }),
  );
}

async function sequential(fake: FakeDiscord, questions: readonly string[]): Promise<Outcome[]> {
  const out: Outcome[] = [];
  for (const [i, q] of questions.entries()) {
    out.push(await ask(fake, q));
    // The fake keeps every request and message; drop them so it does not grow with the run.
    if (i % 100 === 99) fake.forgetHistory();
  }
  return out;
}

async function concurrent(
  fake: FakeDiscord,
  questions: readonly string[],
  concurrency: number,
): Promise<{ outcomes: Outcome[]; ms: number }> {
  const out: Outcome[] = [];
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < questions.length) {
      const q = questions[next++]!;
      out.push(await ask(fake, q));
      if (out.length % 100 === 0) fake.forgetHistory();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { outcomes: out, ms: performance.now() - started };
}

function latencies(outcomes: readonly Outcome[]): number[] {
  return outcomes
    .map((o) => o.ms)
    .filter((m): m is number => m !== undefined)
    .sort((a, b) => a - b);
}

export async function measureDiscordEndToEnd(
  ctx: DiscordEndToEndContext,
  count = 500,
  concurrency = 8,
): Promise<DiscordEndToEndResult> {
  const texts = ctx.questions.map((q) => q.text);
  if (texts.length === 0) throw new Error("measureDiscordEndToEnd: no questions");
  const pick = (n: number, offset: number) =>
    Array.from({ length: n }, (_, i) => texts[(offset + i) % texts.length]!);

  const fake = await startFakeDiscord();
  let lines = 0;
  const config = loadConfig({
    DISCORD_TOKEN: fake.token,
    DISCORD_API_BASE: fake.restBase,
    DISCORD_GUILD_ID: fake.guildId,
    COOLDOWN_ANSWERS: "0",
    LOG_FORMAT: "json",
    LOG_LEVEL: "info",
  });
  // Production logs one line per interaction at info: keep the serialization, drop the I/O.
  const log = createLogger({
    level: config.logLevel,
    format: config.logFormat,
    secrets: [config.token],
    destination: { write: () => void lines++ },
  });
  const dispatcher = new Dispatcher(
    commands,
    {
      store: ctx.store,
      log,
      commands: commands.map((c) => ({ name: c.data.name, description: c.data.description })),
      feedback: ctx.feedback,
    },
    { cooldown: new Cooldown(config.cooldownAnswers, config.cooldownWindowMs), chat },
  );
  let bot: ReturnType<typeof startBot> | undefined;
  try {
    // Registered first, so the fake types the options as Discord would.
    await deployCommands(config);
    bot = startBot({
      config,
      dispatcher,
      log,
      clientOptions: { ws: fakeClientOptions(fake).ws },
      drainMs: 2_000,
      settleMs: 25,
    });
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      bot.ready,
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error("the bot was not ready within 10 s")), 10_000);
      }),
    ]).finally(() => clearTimeout(timer));

    const warm = Math.min(100, count);
    await sequential(fake, pick(warm, count));
    fake.forgetHistory();
    const seq = await sequential(fake, pick(count, 0));
    fake.forgetHistory();
    await concurrent(fake, pick(warm, count), concurrency);
    fake.forgetHistory();
    const conc = await concurrent(fake, pick(count, 0), concurrency);
    fake.forgetHistory();

    const s = latencies(seq);
    const c = latencies(conc.outcomes);
    const logged = lines;
    return {
      ask_p50_ms: round(quantile(s, 0.5)),
      ask_p99_ms: round(quantile(s, 0.99)),
      ask_max_ms: round(s.at(-1) ?? Number.NaN),
      ask_mean_ms: round(s.reduce((a, b) => a + b, 0) / (s.length || 1)),
      questions: seq.length,
      replied: seq.filter((o) => o.type === 4).length,
      deferred: seq.filter((o) => o.type === 5).length,
      failed: seq.filter((o) => o.ms === undefined).length,
      concurrency,
      concurrent_p50_ms: round(quantile(c, 0.5)),
      concurrent_p99_ms: round(quantile(c, 0.99)),
      concurrent_max_ms: round(c.at(-1) ?? Number.NaN),
      concurrent_per_s: round(conc.outcomes.length / (conc.ms / 1000), 1),
      concurrent_failed: conc.outcomes.filter((o) => o.ms === undefined).length,
      notes: `${ctx.questions.length} distinct questions, cycled; ${logged} log lines at info (in memory)`,
    };
  } finally {
    await bot?.shutdown().catch(() => undefined);
    await fake.stop();
  }
}
