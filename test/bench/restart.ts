/**
 * The restart row: how long the real process (`node --import tsx src/main.ts`, the local
 * console: no token, nothing connects) takes from its start to answering one question, over
 * the bench's generated knowledge written as files, at 1 000 / 10 000 / 100 000 facts:
 *  - the first start: no cache yet, so every file is parsed and checked, every fact analyzed,
 *    and the cache written (a first start, or one after an edit);
 *  - then rounds, each of three starts back to back: the floor (the same process over the
 *    repository's one real file: Node, tsx and the modules, what no cache can save), cold
 *    (KNOWLEDGE_CACHE_DIR=off: the start before the cache) and warm (the same files, from the
 *    cache: a rolling restart).
 * The ratio warm / cold is the goal's (≤ 0.2 at 10 000 and 100 000 facts), taken within each
 * round since the machine is shared; every answer must be the same text. The load average is
 * read before and after.
 *
 * `node --import tsx test/bench/restart.ts [--sizes 1000,10000] [--runs N] [--json] [--dist]` runs it
 * alone (`--dist`: start the build in dist/ as `npm start` does, built first, instead of tsx);
 * `npm run bench` includes it (`--no-restart` skips it).
 */
import { spawn, spawnSync } from "node:child_process";
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
/** What `npm start` runs: the build in dist/ (made by `npm run build`). */
const BUILT = fileURLToPath(new URL("../../dist/main.js", import.meta.url));
const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** How the process is started: from the sources through tsx, or the build as `npm start` runs it. */
export type Entry = "tsx" | "dist";
let entry: Entry = "tsx";
const QUESTION = "When were diplomatic relations established?";

export interface RestartRow {
  readonly facts: number;
  readonly files: number;
  readonly mb: number;
  /** Start to the first answer, ms: medians over the rounds. */
  readonly cold_ms: number;
  readonly warm_ms: number;
  /**
   * The same process over the repository's one real file, cache off: what every start costs
   * whatever the knowledge (Node, tsx, the modules).
   */
  readonly floor_ms: number;
  /** The first start, which found no cache and wrote it (one run). */
  readonly cold_writing_ms: number;
  /** Each round's floor, cold and warm start, in order: a round's three run back to back. */
  readonly rounds: ReadonlyArray<{ readonly floor: number; readonly cold: number; readonly warm: number }>;
  /** warm / cold within each round, and their median. */
  readonly ratios: readonly number[];
  readonly ratio: number;
  /** (warm − floor) / (cold − floor), median over the rounds: what the cache leaves of the knowledge's own start-up. */
  readonly knowledge_ratio: number;
  readonly cache_mb: number;
  /** Every start gave the same answer. */
  readonly same_answer: boolean;
  /** /proc/loadavg's 1-minute figure before and after this size. */
  readonly load: readonly [number, number];
}

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const r3 = (n: number) => Math.round(n * 1000) / 1000;

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
    const args = entry === "dist" ? ["--enable-source-maps", BUILT] : ["--import", "tsx", MAIN];
    const child = spawn(process.execPath, args, {
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

/** Per size: the first start (writing the cache), then `runs` rounds of floor, cold (cache off) and warm. */
export async function runRestartBenchmark(
  options: {
    sizes?: readonly number[];
    runs?: number;
    seed?: string;
    entry?: Entry;
    log?: (line: string) => void;
  } = {},
): Promise<RestartRow[]> {
  entry = options.entry ?? "tsx";
  if (entry === "dist") spawnSync("npm", ["run", "-s", "build"], { cwd: ROOT, stdio: "inherit" });
  const sizes = options.sizes ?? [1000, 10_000, 100_000];
  const runs = options.runs ?? 3;
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
      log(`  restart ${size}: ${written.files} files; the first start writes the cache… (load ${before})`);
      const writing = await startAndAsk(dir, cacheDir);
      const rounds: Array<{ floor: number; cold: number; warm: number }> = [];
      let same = true;
      for (let i = 0; i < runs; i++) {
        // Back to back, so that each round's ratio is measured under about the same load.
        const floor = await startAndAsk(KNOWLEDGE_DIR, "off");
        const cold = await startAndAsk(dir, "off");
        const warm = await startAndAsk(dir, cacheDir);
        same &&= cold.answer === writing.answer && warm.answer === writing.answer;
        rounds.push({ floor: Math.round(floor.ms), cold: Math.round(cold.ms), warm: Math.round(warm.ms) });
        log(
          `  restart ${size}: round ${i + 1}: floor ${rounds[i]!.floor} ms, cold ${rounds[i]!.cold} ms, warm ${rounds[i]!.warm} ms (load ${loadAverage()})`,
        );
      }
      const after = loadAverage();
      const ratios = rounds.map((r) => r3(r.warm / r.cold));
      const row: RestartRow = {
        facts: knowledge.facts.length,
        files: written.files,
        mb: Math.round(written.bytes / 1e5) / 10,
        cold_ms: median(rounds.map((r) => r.cold)),
        warm_ms: median(rounds.map((r) => r.warm)),
        floor_ms: median(rounds.map((r) => r.floor)),
        cold_writing_ms: Math.round(writing.ms),
        rounds,
        ratios,
        ratio: median(ratios),
        knowledge_ratio: r3(median(rounds.map((r) => (r.warm - r.floor) / (r.cold - r.floor)))),
        cache_mb: await folderMb(cacheDir),
        same_answer: same,
        load: [before, after],
      };
      log(
        `  restart ${size}: cold ${row.cold_ms} ms, warm ${row.warm_ms} ms, floor ${row.floor_ms} ms (medians); warm / cold ${ratios.join(" · ")}${row.same_answer ? "" : " — CHECK FAILED: the answers differ"} (load ${before} → ${after})`,
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
      `  ${r.facts.toLocaleString("en").padStart(7)} facts (${r.mb} MB of YAML, ${r.files} files): cold ${r.cold_ms} ms, warm ${r.warm_ms} ms, floor ${r.floor_ms} ms (medians of ${r.rounds.length}); warm / cold ${r.ratios.join(" · ")} (median ${r.ratio}); above the floor ${r.knowledge_ratio}; first start writing the cache ${r.cold_writing_ms} ms; cache ${r.cache_mb} MB; load ${r.load[0]} → ${r.load[1]}${r.same_answer ? "" : "; ANSWERS DIFFER"}`,
    );
  return out.join("\n");
}

if (isMainModule(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      sizes: { type: "string" },
      runs: { type: "string" },
      json: { type: "boolean" },
      dist: { type: "boolean" },
    },
  });
  const sizes = values.sizes?.split(",").map((s) => Number(s.replace(/k$/, "000")));
  const rows = await runRestartBenchmark({
    ...(sizes && { sizes }),
    ...(values.runs && { runs: Number(values.runs) }),
    ...(values.dist && { entry: "dist" as const }),
  });
  console.log(values.json ? JSON.stringify(rows, null, 2) : restartReport(rows));
}
