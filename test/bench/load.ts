/**
 * The bot under load, end to end: the real bot (as main.ts wires it, over a temp copy of
 * knowledge/) against the local fake Discord, in one process.
 *
 *  (a) burst: `burst` /ask interactions from `users` users dispatched at once;
 *  (b) sustained: `ratePerSecond` /ask for `sustainSeconds`, with a /reload half way that
 *      changes the knowledge (a second relation file), as an admin would.
 *
 * Latency is dispatch (the fake sends INTERACTION_CREATE) → the interaction callback received
 * by the fake; "answered" means an accepted callback (inside Discord's 3 s, which the fake
 * enforces) carrying the expected fact. The event-loop delay and the heap are the whole
 * process: bot and fake together (the fake's history is dropped before each heap sample, so
 * the heap trend is the bot's). Cooldown is off, logs at "warn" into memory.
 *
 * Run alone: `npx tsx test/bench/load.ts [--quick] [--json]` (quick: 10 s sustained). Heap
 * figures are taken after a full GC (enabled at run time when Node runs without --expose-gc).
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import { startBotHarness, type BotHarness } from "../support/bot-harness.ts";
import type { FakeDiscord } from "../support/fake-discord.ts";
import {
  embedsOf,
  GERMANY_JAPAN_FILE,
  germanyJapanYaml,
  percentile,
  QUESTIONS,
  userId,
} from "../reliability/support.ts";
import { findGc, isMainModule } from "./runtime.ts";

export interface LoadBenchmarkOptions {
  /** Interactions dispatched at once in the burst. */
  readonly burst: number;
  /** Distinct users the interactions come from (round-robin). */
  readonly users: number;
  readonly sustainSeconds: number;
  readonly ratePerSecond: number;
  /** Progress lines (default: stderr). */
  readonly progress?: (line: string) => void;
}

const MB = 1024 * 1024;
/** How long to wait for a callback before counting the interaction as unanswered. */
const CALLBACK_TIMEOUT_MS = 10_000;
const HEAP_SAMPLE_EVERY_MS = 5_000;

interface Outcome {
  /** Dispatch → callback at the fake; undefined when none was accepted. */
  ms: number | undefined;
  correct: boolean;
  deferred: boolean;
}

/** Sends /ask number `i` and resolves with its outcome; never rejects. */
function ask(fake: FakeDiscord, i: number, users: number): Promise<Outcome> {
  const q = QUESTIONS[i % QUESTIONS.length]!;
  const started = performance.now();
  const handle = fake.slashCommand({
    name: "ask",
    userId: userId(i % users),
    options: { question: q.question },
  });
  return handle.waitCallback(CALLBACK_TIMEOUT_MS).then(
    async (callback) => {
      const ms = performance.now() - started;
      if (callback.type === 5) {
        // Deferred: the answer comes as an edit of @original.
        const message = await handle.final(CALLBACK_TIMEOUT_MS).catch(() => undefined);
        const correct = Boolean(message?.embeds.some((e) => JSON.stringify(e).includes(q.factId)));
        return { ms, correct, deferred: true };
      }
      const correct = callback.type === 4 && (embedsOf(callback)[0]?.footer?.text ?? "").includes(q.factId);
      return { ms, correct, deferred: false };
    },
    () => ({ ms: undefined, correct: false, deferred: false }),
  );
}

/** Outcomes folded as they come: a number per answer, so the tally itself does not grow the heap. */
class Tally {
  readonly ms: number[] = [];
  answered = 0;
  deferred = 0;
  add(o: Outcome): void {
    if (o.ms !== undefined) this.ms.push(o.ms);
    if (o.correct) this.answered++;
    if (o.deferred) this.deferred++;
  }
  summary(prefix: string, sent: number): Record<string, number> {
    const ms = [...this.ms].sort((a, b) => a - b);
    return {
      [`${prefix}_sent`]: sent,
      [`${prefix}_answered`]: this.answered,
      [`${prefix}_deferred`]: this.deferred,
      [`${prefix}_p50_ms`]: round(percentile(ms, 50)),
      [`${prefix}_p99_ms`]: round(percentile(ms, 99)),
      [`${prefix}_max_ms`]: round(ms.at(-1) ?? Number.NaN),
    };
  }
}

function round(n: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

const gc = findGc();

function memory(): { heap: number; rss: number } {
  gc?.();
  gc?.();
  const m = process.memoryUsage();
  return { heap: m.heapUsed / MB, rss: m.rss / MB };
}

/** Least-squares slope of (minutes, MB) samples. */
function slope(samples: ReadonlyArray<{ min: number; mb: number }>): number {
  const n = samples.length;
  if (n < 2) return Number.NaN;
  const mx = samples.reduce((s, p) => s + p.min, 0) / n;
  const my = samples.reduce((s, p) => s + p.mb, 0) / n;
  const num = samples.reduce((s, p) => s + (p.min - mx) * (p.mb - my), 0);
  const den = samples.reduce((s, p) => s + (p.min - mx) ** 2, 0);
  return den === 0 ? Number.NaN : num / den;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Runs the burst and the sustained phase; returns figures keyed with their units. */
export async function runLoadBenchmark(options: LoadBenchmarkOptions): Promise<Record<string, number>> {
  const progress = options.progress ?? ((line: string) => process.stderr.write(`${line}\n`));
  const h: BotHarness = await startBotHarness({
    env: { COOLDOWN_ANSWERS: "0", LOG_LEVEL: "warn" },
    drainMs: 5_000,
  });
  const loop = monitorEventLoopDelay({ resolution: 10 });
  try {
    const { fake } = h;
    // Warm-up: JIT, connection pool, caches; not measured.
    await Promise.all(Array.from({ length: 20 }, (_, i) => ask(fake, i, options.users)));
    fake.forgetHistory();
    const before = memory();
    const figures: Record<string, number> = {};
    loop.enable();

    // (a) burst
    progress(`burst: ${options.burst} /ask from ${options.users} users at once…`);
    const burstStarted = performance.now();
    const burst = new Tally();
    await Promise.all(
      Array.from({ length: options.burst }, (_, i) => ask(fake, i, options.users).then((o) => burst.add(o))),
    );
    Object.assign(figures, burst.summary("burst", options.burst), {
      burst_duration_ms: round(performance.now() - burstStarted),
      burst_event_loop_max_block_ms: round(loop.max / 1e6),
    });
    progress(
      `  answered ${figures["burst_answered"]}, p50 ${figures["burst_p50_ms"]} ms, p99 ${figures["burst_p99_ms"]} ms`,
    );
    loop.reset();
    fake.forgetHistory();

    // (b) sustained, with a reload half way
    progress(`sustained: ${options.ratePerSecond}/s for ${options.sustainSeconds} s, a reload half way…`);
    const sustained = new Tally();
    // Only the interactions in flight are held; answered ones are folded into the tally.
    const inFlight = new Set<Promise<void>>();
    const heap: Array<{ min: number; mb: number }> = [];
    const started = performance.now();
    const total = Math.round(options.sustainSeconds * options.ratePerSecond);
    let sent = 0;
    // The first sample after one interval: right after the burst the heap still holds its garbage.
    let nextSample = HEAP_SAMPLE_EVERY_MS;
    let reload: Promise<{ ok: boolean; ms: number }> | undefined;
    while (sent < total) {
      const elapsed = performance.now() - started;
      const due = Math.min(total, Math.floor((elapsed / 1000) * options.ratePerSecond));
      for (; sent < due; sent++) {
        const done: Promise<void> = ask(fake, options.burst + sent, options.users).then((o) => {
          sustained.add(o);
          inFlight.delete(done);
        });
        inFlight.add(done);
      }
      if (!reload && elapsed >= (options.sustainSeconds * 1000) / 2) {
        await writeFile(join(h.knowledgeDir, GERMANY_JAPAN_FILE), germanyJapanYaml());
        const t = performance.now();
        reload = fake
          .slashCommand({ name: "reload", permissions: "32" })
          .waitCallback(CALLBACK_TIMEOUT_MS)
          .then(
            (cb) => ({ ok: embedsOf(cb)[0]?.title === "Knowledge reloaded", ms: performance.now() - t }),
            () => ({ ok: false, ms: performance.now() - t }),
          );
      }
      if (elapsed >= nextSample) {
        nextSample += HEAP_SAMPLE_EVERY_MS;
        // Only answered interactions are forgotten; the ones in flight stay.
        fake.forgetHistory();
        heap.push({ min: elapsed / 60_000, mb: memory().heap });
        progress(`  ${(elapsed / 1000).toFixed(0)} s: sent ${sent}, heap ${heap.at(-1)!.mb.toFixed(1)} MB`);
      }
      await sleep(5);
    }
    const sendS = (performance.now() - started) / 1000;
    await Promise.all(inFlight);
    const reloaded = await (reload ?? Promise.resolve({ ok: false, ms: Number.NaN }));
    Object.assign(figures, sustained.summary("sustained", total), {
      sustained_rate_per_s: round(total / sendS),
      sustained_event_loop_max_block_ms: round(loop.max / 1e6),
      reload_ok: reloaded.ok ? 1 : 0,
      reload_ms: round(reloaded.ms),
    });
    loop.disable();
    fake.forgetHistory();
    const after = memory();
    heap.push({ min: (performance.now() - started) / 60_000, mb: after.heap });
    Object.assign(figures, {
      event_loop_max_block_ms: Math.max(
        figures["burst_event_loop_max_block_ms"]!,
        figures["sustained_event_loop_max_block_ms"]!,
      ),
      heap_before_mb: round(before.heap),
      heap_after_mb: round(after.heap),
      rss_before_mb: round(before.rss),
      rss_after_mb: round(after.rss),
      heap_slope_mb_per_min: round(slope(heap), 2),
      heap_samples: heap.length,
      gc_available: gc ? 1 : 0,
    });
    return figures;
  } finally {
    loop.disable();
    await h.stop();
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const quick = args.includes("--quick");
  const figures = await runLoadBenchmark({
    burst: 1000,
    users: 100,
    sustainSeconds: quick ? 10 : 60,
    ratePerSecond: 50,
  });
  if (args.includes("--json")) console.log(JSON.stringify(figures, null, 2));
  else {
    const width = Math.max(...Object.keys(figures).map((k) => k.length));
    for (const [key, value] of Object.entries(figures)) console.log(`${key.padEnd(width)}  ${value}`);
  }
}

if (isMainModule(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
