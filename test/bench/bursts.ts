/**
 * Bursts: N /ask at the same instant (1 000 and 5 000, from 100 users, cooldown off) against the
 * real bot — src/runtime.ts's dispatcher, startBot, the repository's knowledge — with the local
 * fake Discord in a child process (fake-discord-child.ts), so the CPU spent building, sending and
 * recording interactions is not the bot's. The machine is shared: the load average is reported.
 *
 * Figures per burst: how many were acknowledged within Discord's 3 s (the fake refuses later
 * callbacks, as Discord does), how many of those were deferred first (picked up late, answered
 * by an edit), how many got the right answer in the end, and acknowledgement / answer times from
 * when the fake created each interaction.
 *
 * Run alone: `node --import tsx test/bench/bursts.ts [--sizes 1000,5000] [--json]`; part of
 * `npm run bench` unless `--no-bursts`.
 */
import { fork, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import { join } from "node:path";
import { startBot } from "../../src/adapters/discord/bot.ts";
import { loadConfig } from "../../src/config.ts";
import { createLogger } from "../../src/logger.ts";
import { createRuntime } from "../../src/runtime.ts";
import { KnowledgeStore } from "../../src/store/knowledge-store.ts";
import type { BurstOutcome } from "./fake-discord-child.ts";
import { isMainModule, summarize } from "./runtime.ts";

export interface BurstFigures {
  readonly burst: number;
  readonly acknowledged_in_3s: number;
  readonly acknowledged_pct: number;
  readonly deferred: number;
  readonly answered_correctly: number;
  readonly ack_p50_ms: number;
  readonly ack_p99_ms: number;
  readonly ack_max_ms: number;
  readonly answer_p99_ms: number;
  readonly answer_max_ms: number;
  /** `cat /proc/loadavg`'s first three figures, when the burst was sent. */
  readonly loadavg: readonly number[];
}

export interface BurstBenchOptions {
  readonly sizes?: readonly number[];
  readonly users?: number;
  readonly log?: (line: string) => void;
}

const round = (n: number) => Math.round(n * 10) / 10;

/** Starts the fake in a child process; resolves with its address and token. */
function startFakeChild(): Promise<{
  child: ChildProcess;
  exited: Promise<unknown>;
  restBase: string;
  token: string;
}> {
  const child = fork(new URL("./fake-discord-child.ts", import.meta.url), [], {
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const exited = new Promise((resolve) => child.once("exit", resolve));
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`the fake Discord exited (${code}) before it was ready`)));
    child.once("message", (m) => {
      const ready = m as { type: string; restBase: string; token: string };
      if (ready.type === "ready") resolve({ child, exited, restBase: ready.restBase, token: ready.token });
    });
  });
}

function request<T>(child: ChildProcess, message: object, answer: string): Promise<T> {
  return new Promise((resolve) => {
    const on = (m: unknown) => {
      if ((m as { type?: string }).type !== answer) return;
      child.off("message", on);
      resolve(m as T);
    };
    child.on("message", on);
    child.send(message);
  });
}

/** Runs each burst against one bot; returns a row per burst size. */
export async function runBurstBench(options: BurstBenchOptions = {}): Promise<BurstFigures[]> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const sizes = options.sizes ?? [1000, 5000];
  const users = options.users ?? 100;
  const { child, exited, restBase, token } = await startFakeChild();
  const dataDir = await mkdtemp(join(os.tmpdir(), "kizuna-bursts-"));
  const config = loadConfig({
    DISCORD_TOKEN: token,
    DISCORD_API_BASE: restBase,
    DATA_DIR: dataDir,
    RECORD_QUESTIONS: "off",
    COOLDOWN_ANSWERS: "0",
    LOG_FORMAT: "json",
    LOG_LEVEL: "warn",
  });
  const lines: string[] = [];
  const logger = createLogger({
    level: config.logLevel,
    format: "json",
    secrets: [config.token],
    destination: { write: (line: string) => void lines.push(line) },
  });
  const store = await KnowledgeStore.open(config.knowledgeDir, { displayRoot: "knowledge" });
  const { dispatcher } = createRuntime({ config, log: logger, store });
  const bot = startBot({ config, dispatcher, log: logger });
  const rows: BurstFigures[] = [];
  try {
    await bot.ready;
    // Warm-up: JIT, the REST connection pool; not measured.
    await request(child, { type: "burst", n: 50, users }, "burst-result");
    for (const n of sizes) {
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      const loadavg = os.loadavg().map((x) => round(x * 100) / 100);
      log(`bursts: ${n} /ask from ${users} users at once (load average ${loadavg.join(" ")})…`);
      const { outcomes } = await request<{ outcomes: BurstOutcome[] }>(
        child,
        { type: "burst", n, users },
        "burst-result",
      );
      const acked = outcomes.filter((o) => o.ackMs !== undefined);
      const ack = summarize(acked.map((o) => o.ackMs!));
      const answer = summarize(outcomes.flatMap((o) => (o.answerMs === undefined ? [] : [o.answerMs])));
      const row: BurstFigures = {
        burst: n,
        acknowledged_in_3s: acked.length,
        acknowledged_pct: round((acked.length / n) * 100),
        deferred: outcomes.filter((o) => o.type === 5).length,
        answered_correctly: outcomes.filter((o) => o.correct).length,
        ack_p50_ms: round(ack.p50),
        ack_p99_ms: round(ack.p99),
        ack_max_ms: round(ack.max),
        answer_p99_ms: round(answer.p99),
        answer_max_ms: round(answer.max),
        loadavg,
      };
      log(
        `  acknowledged within 3 s: ${row.acknowledged_in_3s} (${row.acknowledged_pct} %), deferred first ${row.deferred}, right answer ${row.answered_correctly}; ack p50 ${row.ack_p50_ms} / p99 ${row.ack_p99_ms} / max ${row.ack_max_ms} ms; answer max ${row.answer_max_ms} ms`,
      );
      rows.push(row);
    }
    return rows;
  } finally {
    await bot.shutdown();
    store.close();
    if (child.connected) child.send({ type: "stop" });
    await exited;
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const at = args.indexOf("--sizes");
  const sizes = at >= 0 ? (args[at + 1] ?? "").split(",").map(Number) : undefined;
  const rows = await runBurstBench(sizes ? { sizes } : {});
  if (args.includes("--json")) console.log(JSON.stringify(rows, null, 2));
  else for (const row of rows) console.log(JSON.stringify(row));
  // Answers still waiting for their edit when the bench stopped are abandoned, not awaited.
  process.exit(process.exitCode ?? 0);
}

if (isMainModule(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
