/**
 * The HTTP row of `npm run bench`: signed `/ask` interactions against real HTTP worker
 * processes (`KIZUNA_ROLE=http node src/main.ts`, as an operator starts them) with a real load
 * generator (autocannon), at 10 000 facts written as knowledge files.
 *
 *  - at a sustained 500/s per worker, against 1 and 2 workers: requests/s, p50/p99/max;
 *  - the highest rate one worker sustains with p99 under 100 ms (rates stepped up);
 *  - reload convergence with 3 workers and Redis: a signed /reload to one worker → its reply
 *    edited in with "3 of 3 processes" (the publisher's own reload, the publication, the
 *    other two loading it, their reports).
 *
 * Every request is a new interaction (id, token) with a fresh timestamp, signed with the
 * fake Discord's key; the worker answers inline (callback type 4), so an /ask needs no REST
 * call. Workers log one line per interaction at info, to /dev/null (serialized, not stored).
 * The machine has 2 cores, shared by the load generator and the workers: the load average
 * is recorded beside the figures.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createWriteStream, readFileSync } from "node:fs";
import { appendFile, mkdtemp, rm } from "node:fs/promises";
import os, { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import autocannon from "autocannon";
import { deployCommands } from "../../src/adapters/discord/deploy.ts";
import { loadConfig } from "../../src/config.ts";
import type { Knowledge } from "../../src/knowledge/types.ts";
import { startFakeDiscord, snowflake, type FakeDiscord } from "../support/fake-discord.ts";
import { cleanPrefix, freePort, TEST_REDIS_URL } from "../support/redis.ts";
import { generateKnowledge, generateQuestions, KNOWLEDGE_DIR, loadRealKnowledge } from "./generate.ts";
import { extraFactYaml, writeKnowledgeFiles } from "./knowledge-files.ts";
import { isMainModule } from "./runtime.ts";
import { childEnv } from "../support/child-env.ts";

export interface HttpRun {
  readonly workers: number;
  /** Offered rate per worker (0: as fast as it goes; -1: one request in flight at a time). */
  readonly rate_per_worker: number;
  readonly seconds: number;
  readonly requests_per_s: number;
  readonly p50_ms: number;
  readonly p99_ms: number;
  readonly max_ms: number;
  /** Non-200 answers, errors and timeouts. */
  readonly failed: number;
  readonly load_avg: string;
  /** CPU time the workers spent per request answered (user + system, from /proc): what sizing follows. */
  readonly worker_cpu_ms_per_request?: number;
}

export interface HttpResult {
  readonly facts: number;
  readonly sustained: HttpRun[];
  /** Steps of the rate search on one worker. */
  readonly steps: HttpRun[];
  /** Highest rate one worker sustained with p99 < 100 ms and nothing failed. */
  readonly max_rate_p99_under_100ms: number;
  /** /reload on one of 3 workers (Redis) → the reply "3 of 3 processes", ms; undefined without Redis. */
  readonly reload_converged_ms?: number | undefined;
  readonly reload_reply?: string | undefined;
  /**
   * One chat mention handed to a worker through a Redis stream, as @discordjs/brokers does it
   * (XADD → XREADGROUP → XACK), ms: what answering chat in workers would add to every answer.
   */
  readonly stream_hop?: { readonly p50_ms: number; readonly p99_ms: number; readonly n: number } | undefined;
  readonly notes: string;
}

const loadAvg = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");

const LOGS = process.env["KIZUNA_BENCH_LOGS"];

/** "500/s", "max", or "1 in flight". */
export function rateLabel(rate: number): string {
  return rate < 0 ? "1 in flight" : rate === 0 ? "max" : `${rate}/s`;
}

/** CPU time (user + system) a process has used, ms, from /proc (Linux); 0 elsewhere. */
function cpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name, which ends with ")": utime and stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return 0;
  }
}

interface Worker {
  readonly url: string;
  readonly child: ChildProcess;
  stderr: string;
}

async function startWorker(
  fake: FakeDiscord,
  dir: string,
  env: Record<string, string> = {},
): Promise<Worker> {
  const port = await freePort();
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    env: childEnv({
      NODE_ENV: "production",
      KIZUNA_ROLE: "http",
      HTTP_HOST: "127.0.0.1",
      HTTP_PORT: String(port),
      DISCORD_PUBLIC_KEY: fake.publicKeyHex,
      DISCORD_TOKEN: fake.token,
      DISCORD_API_BASE: fake.restBase,
      KNOWLEDGE_DIR: dir,
      COOLDOWN_ANSWERS: "0",
      LOG_LEVEL: "info",
      ...env,
    }),
    stdio: ["ignore", LOGS ? "pipe" : "ignore", "pipe"],
  });
  // KIZUNA_BENCH_LOGS=folder keeps each worker's log there (for looking into a slow figure).
  if (LOGS) child.stdout!.pipe(createWriteStream(join(LOGS, `worker-${port}.log`)));
  const worker: Worker = { url: `http://127.0.0.1:${port}`, child, stderr: "" };
  child.stderr!.on("data", (d: Buffer) => (worker.stderr += d.toString()));
  const deadline = Date.now() + 180_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`worker exited: ${worker.stderr}`);
    const ok = await fetch(`${worker.url}/health`)
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) return worker;
    if (Date.now() > deadline) throw new Error("worker did not start within 180 s");
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function stopWorker(w: Worker): Promise<void> {
  if (w.child.exitCode !== null) return;
  const exited = new Promise((r) => w.child.once("exit", r));
  w.child.kill("SIGTERM");
  const timer = setTimeout(() => w.child.kill("SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
}

/** A signed /ask interaction body and headers, new each time (Discord never sends one twice). */
function signedAsk(fake: FakeDiscord, question: string) {
  const id = snowflake();
  const body = JSON.stringify({
    id,
    application_id: fake.applicationId,
    type: 2,
    token: randomBytes(32).toString("base64url"),
    version: 1,
    guild_id: fake.guildId,
    channel_id: fake.channels[0]!.id,
    locale: "en-US",
    member: { user: { id: fake.testerId, username: "tester" }, roles: [], permissions: "32" },
    data: {
      id: snowflake(),
      name: "ask",
      type: 1,
      options: [{ name: "question", type: 3, value: question }],
    },
    entitlements: [],
    authorizing_integration_owners: {},
  });
  const timestamp = String(Math.floor(Date.now() / 1000));
  return {
    body,
    headers: {
      "content-type": "application/json",
      "x-signature-timestamp": timestamp,
      "x-signature-ed25519": fake.signature(timestamp, body),
    },
  };
}

/**
 * autocannon against one worker at `rate` requests/s (0: unbounded) for `seconds`. The
 * requests are signed before the run (the generator shares the cores with the workers), and
 * after that, one by one.
 */
function cannon(
  fake: FakeDiscord,
  url: string,
  questions: readonly string[],
  rate: number,
  seconds: number,
): Promise<autocannon.Result> {
  const pool = Array.from({ length: Math.min(40_000, Math.ceil((rate || 2_000) * seconds * 1.05)) }, (_, i) =>
    signedAsk(fake, questions[i % questions.length]!),
  );
  let n = 0;
  return autocannon({
    url: `${url}/interactions`,
    method: "POST",
    connections: rate < 0 ? 1 : rate === 0 ? 32 : Math.max(8, Math.min(64, Math.ceil(rate / 25))),
    duration: seconds,
    timeout: 3,
    ...(rate > 0 ? { overallRate: rate } : {}),
    requests: [
      {
        method: "POST",
        setupRequest: (request) => {
          const { body, headers } = pool[n] ?? signedAsk(fake, questions[n % questions.length]!);
          n++;
          return { ...request, method: "POST", body, headers };
        },
      },
    ],
  });
}

function summarize(
  results: readonly autocannon.Result[],
  workers: number,
  rate: number,
  seconds: number,
): HttpRun {
  const sum = (f: (r: autocannon.Result) => number) => results.reduce((a, r) => a + f(r), 0);
  return {
    workers,
    rate_per_worker: rate,
    seconds,
    requests_per_s: Math.round(sum((r) => r.requests.total) / seconds),
    p50_ms: Math.max(...results.map((r) => r.latency.p50)),
    p99_ms: Math.max(...results.map((r) => r.latency.p99)),
    max_ms: Math.max(...results.map((r) => r.latency.max)),
    failed: sum((r) => r.non2xx + r.errors + r.timeouts),
    load_avg: loadAvg(),
  };
}

export interface HttpBenchContext {
  readonly knowledge: Knowledge;
  readonly real: Knowledge;
  readonly realDir: string;
  readonly questions: readonly string[];
  readonly quick: boolean;
  readonly log: (line: string) => void;
}

export async function measureHttp(ctx: HttpBenchContext): Promise<HttpResult> {
  const { log } = ctx;
  const seconds = ctx.quick ? 5 : 15;
  const fake = await startFakeDiscord();
  const dirs: string[] = [];
  const workers: Worker[] = [];
  const prefix = `kizuna-bench-${randomBytes(3).toString("hex")}:`;
  try {
    await deployCommands(
      loadConfig({
        DISCORD_TOKEN: fake.token,
        DISCORD_API_BASE: fake.restBase,
        DISCORD_GUILD_ID: fake.guildId,
      }),
    );
    const write = async () => {
      const dir = await mkdtemp(join(tmpdir(), "kizuna-bench-http-"));
      dirs.push(dir);
      const written = await writeKnowledgeFiles(
        ctx.knowledge,
        dir,
        ctx.realDir,
        new Set(ctx.real.relations.map((r) => r.id)),
      );
      return { dir, written };
    };
    const sustained: HttpRun[] = [];
    const steps: HttpRun[] = [];
    let best = 0;
    // KIZUNA_BENCH_HTTP_ONLY=reload measures the reload alone.
    if (process.env["KIZUNA_BENCH_HTTP_ONLY"] !== "reload") {
      const { dir } = await write();
      log(`  http: starting 2 workers over ${ctx.knowledge.facts.length} facts…`);
      workers.push(await startWorker(fake, dir), await startWorker(fake, dir));
      // Warm-up (JIT, keep-alive), not counted.
      await Promise.all(workers.map((w) => cannon(fake, w.url, ctx.questions, 200, 3)));

      /** Each of `count` workers at `rate`/s (0: as fast as it goes), with the workers' CPU time. */
      const run = async (count: number, rate: number, secs: number): Promise<HttpRun> => {
        const used = workers.slice(0, count);
        const cpuBefore = used.map((w) => cpuMs(w.child.pid!));
        const results = await Promise.all(used.map((w) => cannon(fake, w.url, ctx.questions, rate, secs)));
        const cpu = used.reduce((a, w, i) => a + cpuMs(w.child.pid!) - cpuBefore[i]!, 0);
        const served = results.reduce((a, r) => a + r.requests.total, 0);
        return {
          ...summarize(results, count, rate, secs),
          worker_cpu_ms_per_request: Number((cpu / (served || 1)).toFixed(3)),
        };
      };
      sustained.push(
        // One request in flight, as the gateway bot's /ask end to end is measured.
        await run(1, -1, seconds),
        await run(1, 500, seconds),
        await run(2, 500, seconds),
        await run(1, 0, seconds),
        await run(2, 0, seconds),
      );
      for (const r of sustained)
        log(
          `  http: ${r.workers} worker(s) at ${rateLabel(r.rate_per_worker)} each: ${r.requests_per_s}/s, p50 ${r.p50_ms} ms, p99 ${r.p99_ms} ms, max ${r.max_ms} ms, failed ${r.failed}, worker CPU ${r.worker_cpu_ms_per_request} ms/request (load ${r.load_avg})`,
        );

      for (const rate of [250, 500, 750, 1000, 1250, 1500, 2000, 2500, 3000]) {
        const step = await run(1, rate, ctx.quick ? 4 : 8);
        steps.push(step);
        log(
          `  http: 1 worker at ${rate}/s: ${step.requests_per_s}/s, p99 ${step.p99_ms} ms, failed ${step.failed}`,
        );
        // Sustained: it kept up (within 5 %), p99 under 100 ms, nothing failed.
        if (step.p99_ms < 100 && step.failed === 0 && step.requests_per_s >= rate * 0.95) best = rate;
        else break;
      }
      await Promise.all(workers.splice(0).map(stopWorker));
    }

    // Reload convergence: 3 workers sharing Redis, each with its own copy of the files.
    let reloadMs: number | undefined;
    let reloadReply: string | undefined;
    const redisUp = await fetchRedis();
    if (redisUp) {
      const copies = [await write(), await write(), await write()];
      log("  http: 3 workers with Redis for the reload…");
      for (const c of copies)
        workers.push(await startWorker(fake, c.dir, { REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix }));
      await new Promise((r) => setTimeout(r, 2_000));
      const sample = copies[0]!.written.sample;
      await appendFile(sample.path, extraFactYaml(sample.relation, sample.sourceId, 1, "2001-02-03"));
      const started = performance.now();
      // Through the fake, which then knows the interaction and takes its edits.
      const payload = fake.slashCommand({
        name: "reload",
        permissions: "32",
        endpoint: `${workers[0]!.url}/interactions`,
      });
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline) {
        const edit = fake.requests.find(
          (r) =>
            r.method === "PATCH" &&
            r.path.includes(payload.token) &&
            /of 3\*\* processes/.test(JSON.stringify(r.body)),
        );
        if (edit) {
          reloadMs = performance.now() - started;
          const text = JSON.stringify(edit.body);
          // This worker's own reload ("…facts, in 812 ms") and the deployment's ("3 of 3 processes").
          reloadReply = [
            /facts, in \d+ ms/.exec(text)?.[0],
            /Version \*\*[0-9a-f]+\*\*, \*\*\d of \d\*\* processes/.exec(text)?.[0],
          ]
            .filter(Boolean)
            .join("; ");
          break;
        }
        await new Promise((r) => setTimeout(r, 10));
      }
      log(
        `  http: /reload with 3 workers: ${reloadReply ?? "no reply"} in ${reloadMs?.toFixed(0) ?? "–"} ms (load ${loadAvg()})`,
      );
    }
    const streamHop = redisUp ? await measureStreamHop(prefix, ctx.quick ? 500 : 2000) : undefined;
    if (streamHop)
      log(
        `  http: Redis stream hop (XADD → XREADGROUP → XACK) p50 ${streamHop.p50_ms} ms, p99 ${streamHop.p99_ms} ms`,
      );
    return {
      facts: ctx.knowledge.facts.length,
      stream_hop: streamHop,
      sustained,
      steps,
      max_rate_p99_under_100ms: best,
      reload_converged_ms: reloadMs === undefined ? undefined : Math.round(reloadMs),
      reload_reply: reloadReply,
      notes: `autocannon in the bench process; workers are separate node processes; ${os.cpus().length} cores shared`,
    };
  } finally {
    await Promise.all(workers.map(stopWorker));
    await fake.stop();
    await cleanPrefix(prefix);
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  }
}

/** A message's trip through a Redis stream to a consumer group and its acknowledgement, sequentially. */
async function measureStreamHop(prefix: string, n: number) {
  const { Redis } = await import("ioredis");
  const producer = new Redis(TEST_REDIS_URL);
  const consumer = new Redis(TEST_REDIS_URL);
  const stream = `${prefix}chat-stream`;
  try {
    await producer.xgroup("CREATE", stream, "workers", "$", "MKSTREAM");
    const times: number[] = [];
    for (let i = 0; i < n; i++) {
      const started = performance.now();
      const sent = producer.xadd(
        stream,
        "*",
        "d",
        JSON.stringify({ id: snowflake(), content: "When were relations established?" }),
      );
      const read = (await consumer.xreadgroup(
        "GROUP",
        "workers",
        "w1",
        "COUNT",
        1,
        "BLOCK",
        1000,
        "STREAMS",
        stream,
        ">",
      )) as Array<[string, Array<[string, string[]]>]> | null;
      const id = read?.[0]?.[1][0]?.[0];
      if (id) await consumer.xack(stream, "workers", id);
      await sent;
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    const q = (p: number) =>
      Number(times[Math.min(times.length - 1, Math.ceil(p * times.length) - 1)]!.toFixed(3));
    return { p50_ms: q(0.5), p99_ms: q(0.99), n };
  } finally {
    producer.disconnect();
    consumer.disconnect();
  }
}

async function fetchRedis(): Promise<boolean> {
  const { Redis } = await import("ioredis");
  const redis = new Redis(TEST_REDIS_URL, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  redis.on("error", () => undefined);
  try {
    await redis.connect();
    return (await redis.ping()) === "PONG";
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

/** `node --import tsx test/bench/http.ts [--quick]`: the HTTP row alone, at 10 000 facts. */
if (isMainModule(import.meta.url)) {
  const quick = process.argv.includes("--quick");
  const real = await loadRealKnowledge();
  const bench = generateKnowledge(10_000, { real });
  const questions = generateQuestions(bench, 500).map((q) => q.text);
  const result = await measureHttp({
    knowledge: bench.knowledge,
    real,
    realDir: KNOWLEDGE_DIR,
    questions,
    quick,
    log: (line) => process.stderr.write(`${line}\n`),
  });
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}
