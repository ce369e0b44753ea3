/**
 * The restart row: how long the real process (`node --import tsx src/main.ts`, the local
 * console: no token, nothing connects) takes from its start to answering one question, over
 * the bench's generated knowledge written as files, at 1 000 / 10 000 / 100 000 facts:
 *  - cold, cache off: every file parsed and checked, every fact analyzed (the start before
 *    the knowledge cache, and a start with KNOWLEDGE_CACHE_DIR=off);
 *  - cold, writing the cache: the same plus writing it (a first start, or one after an edit);
 *  - warm: the same files again, taken from the cache (a rolling restart). Median of `warm` runs.
 * The ratio warm / cold (cache off) is the goal's (≤ 0.2 at 10 000 and 100 000 facts). Every
 * answer must be the same text in all three. The machine's load is read before and after,
 * since the figures depend on it.
 *
 * `node --import tsx test/bench/restart.ts [--sizes 1000,10000] [--warm N]` runs it alone;
 * `npm run bench` includes it (`--no-restart` skips it).
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, readdir, rm, stat } from "node:fs/promises";
import os from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { childEnv } from "../support/child-env.ts";
import { benchCountries, generateKnowledge, KNOWLEDGE_DIR, loadRealKnowledge } from "./generate.ts";
import { writeKnowledgeFiles } from "./knowledge-files.ts";
import { isMainModule } from "./runtime.ts";

const MAIN = fileURLToPath(new URL("../../src/main.ts", import.meta.url));
const QUESTION = "When were diplomatic relations established?";

export interface RestartRow {
  readonly facts: number;
  readonly files: number;
  readonly mb: number;
  /** Start to the first answer, ms. */
  readonly cold_ms: number;
  readonly cold_writing_ms: number;
  readonly warm_ms: number;
  /** Every warm run, in order. */
  readonly warm_runs_ms: readonly number[];
  /** warm / cold (cache off). */
  readonly ratio: number;
  /**
   * The same process over the repository's one real file, cache off: what every start costs
   * whatever the knowledge (Node, tsx, the modules), measured just before this size's starts.
   */
  readonly floor_ms: number;
  /** (warm − floor) / (cold − floor): the share of the knowledge's own start-up the cache leaves. */
  readonly knowledge_ratio: number;
  readonly cache_mb: number;
  /** The three kinds of start gave the same answer. */
  readonly same_answer: boolean;
  /** /proc/loadavg's 1-minute figure before and after this size. */
  readonly load: readonly [number, number];
}

function loadAverage(): number {
  try {
    return Number(readFileSync("/proc/loadavg", "utf8").split(" ")[0]);
  } catch {
    return os.loadavg()[0] ?? NaN;
  }
}

/** Starts the console over `dir`, asks one question, returns the time to its answer and the answer. */
function startAndAsk(dir: string, cacheDir: string): Promise<{ ms: number; answer: string }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ["--import", "tsx", MAIN], {
      env: childEnv({
        KNOWLEDGE_DIR: dir,
        KNOWLEDGE_CACHE_DIR: cacheDir,
        DATA_DIR: join(dir, "..", "data"),
        RECORD_QUESTIONS: "off",
        LOG_LEVEL: "warn",
      }),
      stdio: ["pipe", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    let ms: number | undefined;
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      out += chunk;
      // The answer ends with its knowledge version; the banner comes before it.
      if (ms === undefined && /knowledge [0-9a-f]{12}\)/.test(out)) {
        ms = performance.now() - started;
        child.stdin.end();
      }
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (err += chunk));
    child.stdin.write(`${QUESTION}\n`);
    const timer = setTimeout(() => child.kill(), 10 * 60_000);
    child.on("error", reject);
    child.on("exit", (code) => {
      clearTimeout(timer);
      if (ms === undefined || code !== 0)
        reject(
          new Error(`restart bench: the process ended (${code}) without answering: ${err.slice(-2000)}`),
        );
      else resolve({ ms, answer: out.split("End with Ctrl-D.").pop()!.trim() });
    });
  });
}

async function folderMb(dir: string): Promise<number> {
  let bytes = 0;
  for (const name of await readdir(dir).catch(() => [])) bytes += (await stat(join(dir, name))).size;
  return Math.round(bytes / 1e5) / 10;
}

/** Cold (cache off), cold writing the cache, then `warm` warm starts, per size. */
export async function runRestartBenchmark(
  options: { sizes?: readonly number[]; warm?: number; seed?: string; log?: (line: string) => void } = {},
): Promise<RestartRow[]> {
  const sizes = options.sizes ?? [1000, 10_000, 100_000];
  const warmRuns = options.warm ?? 3;
  const seed = options.seed ?? "kizuna-bench";
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const real = await loadRealKnowledge();
  const countries = benchCountries(120, seed);
  const rows: RestartRow[] = [];
  for (const size of sizes) {
    const root = await mkdtemp(join(os.tmpdir(), "kizuna-bench-restart-"));
    try {
      const dir = join(root, "knowledge");
      const cacheDir = join(root, "cache");
      const { knowledge } = generateKnowledge(size, { real, countries, seed });
      const written = await writeKnowledgeFiles(
        knowledge,
        dir,
        KNOWLEDGE_DIR,
        new Set(real.relations.map((r) => r.id)),
      );
      const before = loadAverage();
      log(
        `  restart ${size}: ${written.files} files; the floor, then a cold start, cache off… (load ${before})`,
      );
      const floor = await startAndAsk(KNOWLEDGE_DIR, "off");
      const cold = await startAndAsk(dir, "off");
      log(`  restart ${size}: cold ${cold.ms.toFixed(0)} ms; cold start writing the cache…`);
      const writing = await startAndAsk(dir, cacheDir);
      const warm: Array<{ ms: number; answer: string }> = [];
      for (let i = 0; i < warmRuns; i++) warm.push(await startAndAsk(dir, cacheDir));
      const after = loadAverage();
      const warmMs = [...warm.map((w) => w.ms)].sort((a, b) => a - b)[Math.floor(warm.length / 2)]!;
      const row: RestartRow = {
        facts: knowledge.facts.length,
        files: written.files,
        mb: Math.round(written.bytes / 1e5) / 10,
        cold_ms: Math.round(cold.ms),
        cold_writing_ms: Math.round(writing.ms),
        warm_ms: Math.round(warmMs),
        warm_runs_ms: warm.map((w) => Math.round(w.ms)),
        ratio: Math.round((warmMs / cold.ms) * 1000) / 1000,
        floor_ms: Math.round(floor.ms),
        knowledge_ratio: Math.round(((warmMs - floor.ms) / (cold.ms - floor.ms)) * 1000) / 1000,
        cache_mb: await folderMb(cacheDir),
        same_answer: [writing, ...warm].every((r) => r.answer === cold.answer),
        load: [before, after],
      };
      log(
        `  restart ${size}: cold ${row.cold_ms} ms, writing the cache ${row.cold_writing_ms} ms, warm ${row.warm_runs_ms.join(" / ")} ms → ratio ${row.ratio}; floor ${row.floor_ms} ms, ratio above it ${row.knowledge_ratio}${row.same_answer ? "" : " — CHECK FAILED: the answers differ"} (load ${before} → ${after})`,
      );
      rows.push(row);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  }
  return rows;
}

/** The rows as the bench prints them. */
export function restartReport(rows: readonly RestartRow[]): string {
  const out = [
    "Restart (the real process, start → first answer in the console; warm = unchanged files, from the knowledge cache):",
  ];
  for (const r of rows)
    out.push(
      `  ${r.facts.toLocaleString("en").padStart(7)} facts (${r.mb} MB of YAML): cold ${r.cold_ms} ms, cold writing the cache ${r.cold_writing_ms} ms, warm ${r.warm_ms} ms (${r.warm_runs_ms.join(" / ")}); warm / cold ${r.ratio}; floor ${r.floor_ms} ms, (warm − floor) / (cold − floor) ${r.knowledge_ratio}; cache ${r.cache_mb} MB; load ${r.load[0]} → ${r.load[1]}${r.same_answer ? "" : "; ANSWERS DIFFER"}`,
    );
  return out.join("\n");
}

if (isMainModule(import.meta.url)) {
  const { values } = parseArgs({
    options: { sizes: { type: "string" }, warm: { type: "string" }, json: { type: "boolean" } },
  });
  const sizes = values.sizes?.split(",").map((s) => Number(s.replace(/k$/, "000")));
  const rows = await runRestartBenchmark({
    ...(sizes && { sizes }),
    ...(values.warm && { warm: Number(values.warm) }),
  });
  console.log(values.json ? JSON.stringify(rows, null, 2) : restartReport(rows));
}
