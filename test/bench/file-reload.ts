/**
 * The reload an admin triggers, from files: the generated knowledge is written as knowledge
 * files (one YAML file per relation, see knowledge-files.ts) into a temp folder, and a child
 * process — holding nothing but the store, so its RSS is the store's — does what the bot does:
 *
 *  1. `KnowledgeStore.open(dir)`: load + validate every file, build the index (file_load_ms);
 *  2. RSS and heap after a full GC (store_rss_mb; modules_rss_mb is the same process before
 *     the open: Node, tsx and the modules);
 *  3. RELOADS times: one file gains a fact, then `store.reload()` is timed while the event
 *     loop is watched: monitorEventLoopDelay (1 ms resolution) → max, and a 1 ms setInterval
 *     heartbeat → the longest gap and every gap over the block threshold (file_reload_*: the
 *     median time, the worst block of all); then the RSS again (a bot reloads for weeks);
 *  4. with `profile`, and only if a reload blocked longer than the threshold: one more
 *     reload (another fact) under the CPU profiler, summarized over the blocking stretches.
 *
 * The child checks that the files give back the generated facts (a content hash) and that
 * the reload reports exactly the one fact added. The temp folder is removed afterwards.
 */
import { fork } from "node:child_process";
import { realpathSync, writeFileSync } from "node:fs";
import { appendFile, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import { join } from "node:path";
import { constants, monitorEventLoopDelay, performance, PerformanceObserver } from "node:perf_hooks";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Knowledge } from "../../src/knowledge/types.ts";
import { KnowledgeStore, type ReloadResult } from "../../src/store/knowledge-store.ts";
import { extraFactYaml, factsDigest, writeKnowledgeFiles } from "./knowledge-files.ts";
import {
  hotFunctions,
  monotonicMicros,
  profileStart,
  profileStop,
  topFunctions,
  type HotFunction,
} from "./profile.ts";
import { findGc } from "./runtime.ts";

const MB = 1024 * 1024;
const round = (n: number, digits = 1) => (Number.isFinite(n) ? Number(n.toFixed(digits)) : n);

export interface FileReloadOptions {
  /** Real knowledge merged into `knowledge`: its relations are copied from `realDir`, not generated. */
  readonly real: Knowledge;
  readonly realDir: string;
  /** Profile a second reload when the first blocked longer than `blockThresholdMs`. */
  readonly profile: boolean;
  readonly blockThresholdMs?: number;
  /** For the profile's file name. */
  readonly label: string;
}

export interface BlockingStretch {
  readonly ms: number;
  /** The project's functions by inclusive time during this stretch (file:line), then the top self times. */
  readonly top: readonly string[];
}

export interface FileReloadProfile {
  readonly file: string;
  /** The profiled reload (slower than the measured one: sampling costs time). */
  readonly reload_ms: number;
  readonly threshold_ms: number;
  readonly blocks: number;
  readonly blocked_ms: number;
  /** GC during the profiled reload: the longest pause and the sum of all pauses. */
  readonly gc_max_ms: number;
  readonly gc_total_ms: number;
  /** The longest stretches, each with what ran in it. */
  readonly longest: readonly BlockingStretch[];
  /** Over all blocking stretches together. */
  readonly by_self: readonly HotFunction[];
  readonly by_total: readonly HotFunction[];
}

export interface FileReloadResult {
  readonly files: number;
  readonly mb: number;
  readonly write_ms: number;
  /** KnowledgeStore.open: load + validate all files and build the index. */
  readonly load_ms: number;
  /** store.reload() after one file gained a fact, as the caller waits for it (median of RELOADS). */
  readonly reload_ms: number;
  readonly reloads: number;
  /** The ms the store itself reports (median). */
  readonly reload_store_ms: number;
  /** The worst over all reloads, as are the blocks and GC pauses below. */
  readonly reload_max_block_ms: number;
  readonly reload_heartbeat_max_gap_ms: number;
  /** CPU time the process used in that gap, ms (far less than the gap: it waited for a core). */
  readonly reload_heartbeat_max_gap_busy_ms: number;
  readonly threshold_ms: number;
  /** Heartbeat gaps over the threshold during the reload, and their sum. */
  readonly reload_blocks: number;
  readonly reload_blocked_ms: number;
  /** GC pauses during the reloads: the longest (any kind), the longest mark-compact, their count, the sum per reload (median). */
  readonly reload_gc_max_ms: number;
  readonly reload_gc_major_max_ms: number;
  readonly reload_gc_major: number;
  readonly reload_gc_total_ms: number;
  /** Peak RSS of the child over open + reload (getrusage maxrss). */
  readonly peak_rss_mb: number;
  readonly modules_rss_mb: number;
  readonly store_rss_mb: number;
  readonly store_heap_mb: number;
  /** The same after the reloads. */
  readonly reloaded_rss_mb: number;
  readonly reloaded_heap_mb: number;
  readonly facts: number;
  /** The files gave back exactly the generated facts. */
  readonly same_facts: boolean;
  /** The reload reported exactly the added fact (and nothing changed or removed). */
  readonly reload_diff_ok: boolean;
  readonly profile?: FileReloadProfile | undefined;
}

/** Reloads measured per run (each adds one fact); the figures are their median and worst. */
const RELOADS = 3;

interface ChildArgs {
  readonly dir: string;
  readonly changePath: string;
  /** RELOADS + 1 facts, one per reload (the last for the profiled one). */
  readonly additions: readonly string[];
  readonly addedIds: readonly string[];
  readonly digest: string;
  readonly profile: boolean;
  readonly thresholdMs: number;
  readonly profilePath: string;
}

type ChildResult = Omit<FileReloadResult, "files" | "mb" | "write_ms">;

/** Writes the knowledge as files, measures open + reload in a child process, removes the files. */
export async function measureFileReload(
  knowledge: Knowledge,
  options: FileReloadOptions,
): Promise<FileReloadResult> {
  const dir = await mkdtemp(join(os.tmpdir(), "kizuna-bench-knowledge-"));
  try {
    const written = await writeKnowledgeFiles(
      knowledge,
      dir,
      options.realDir,
      new Set(options.real.relations.map((r) => r.id)),
    );
    const { relation, sourceId, path } = written.sample;
    const args: ChildArgs = {
      dir,
      changePath: path,
      additions: Array.from({ length: RELOADS + 1 }, (_, i) =>
        extraFactYaml(relation, sourceId, i + 1, i % 2 ? "2026-11-28" : "2026-11"),
      ),
      addedIds: Array.from({ length: RELOADS + 1 }, (_, i) => `${relation.id}-bench-reload-${i + 1}`),
      digest: factsDigest(knowledge.facts),
      profile: options.profile,
      thresholdMs: options.blockThresholdMs ?? 25,
      profilePath: join(os.tmpdir(), `kizuna-file-reload-${options.label}.cpuprofile`),
    };
    const result = await runChild(args);
    return { files: written.files, mb: round(written.bytes / MB), write_ms: round(written.ms), ...result };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function runChild(args: ChildArgs): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), ["--child", JSON.stringify(args)], {
      // The same loader (tsx) as this process, plus gc; the child's output goes to stderr.
      execArgv: [...process.execArgv.filter((a) => !a.startsWith("--cpu-prof")), "--expose-gc"],
      stdio: ["ignore", 2, 2, "ipc"],
    });
    let result: ChildResult | { error: string } | undefined;
    const timer = setTimeout(() => child.kill(), 15 * 60_000);
    child.on("message", (m) => (result = m as ChildResult | { error: string }));
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      if (result && !("error" in result)) resolve(result);
      else
        reject(
          new Error(
            `file reload child failed (${signal ?? `exit ${code}`})${result ? `: ${result.error}` : ""}`,
          ),
        );
    });
  });
}

// ---------------------------------------------------------------------------------------
// The child

function collect(gc: (() => void) | undefined): NodeJS.MemoryUsage {
  gc?.();
  gc?.();
  return process.memoryUsage();
}

interface Watched<T> {
  value: T;
  ms: number;
  maxBlock: number;
  maxGap: number;
  /**
   * CPU time the process used during the longest gap, ms (our code, GC, the read worker):
   * well under the gap, the thread was waiting for a core (a shared machine), not working.
   */
  maxGapBusy: number;
  /** Heartbeat gaps over the threshold: [from, to] in µs on the profiler's clock. */
  stretches: Array<[number, number]>;
  /** Garbage-collection pauses during the work: the longest, the longest major (mark-compact) one, the sum. */
  gcMaxMs: number;
  gcMajorMaxMs: number;
  gcMajor: number;
  gcTotalMs: number;
}

/** Runs `work` with the event-loop monitors on (as run.ts's timeReload does). */
async function watched<T>(work: () => Promise<T>, thresholdMs: number): Promise<Watched<T>> {
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  let last = performance.now();
  let lastMicros = monotonicMicros();
  let maxGap = 0;
  let maxGapBusy = 0;
  let cpu = process.cpuUsage();
  const stretches: Array<[number, number]> = [];
  let measuring = false;
  const gcs: Array<{ ms: number; major: boolean }> = [];
  const observer = new PerformanceObserver((list) => {
    if (!measuring) return;
    for (const e of list.getEntries()) {
      const kind = (e as unknown as { detail?: { kind?: number } }).detail?.kind;
      gcs.push({ ms: e.duration, major: kind === constants.NODE_PERFORMANCE_GC_MAJOR });
    }
  });
  observer.observe({ entryTypes: ["gc"] });
  const heartbeat = setInterval(() => {
    const now = performance.now();
    const micros = monotonicMicros();
    const used = process.cpuUsage(cpu);
    cpu = process.cpuUsage();
    const busy = (used.user + used.system) / 1000;
    if (now - last > maxGap) [maxGap, maxGapBusy] = [now - last, busy];
    if (now - last > thresholdMs) stretches.push([lastMicros, micros]);
    last = now;
    lastMicros = micros;
  }, 1);
  await new Promise((resolve) => setTimeout(resolve, 20));
  histogram.enable();
  last = performance.now();
  lastMicros = monotonicMicros();
  maxGap = 0;
  maxGapBusy = 0;
  cpu = process.cpuUsage();
  stretches.length = 0;
  measuring = true;
  const started = performance.now();
  const value = await work();
  const ms = performance.now() - started;
  // The last synchronous stretch ends as the work resolves: give the monitors a tick to see it.
  await new Promise((resolve) => setTimeout(resolve, 10));
  measuring = false;
  observer.disconnect();
  clearInterval(heartbeat);
  histogram.disable();
  const major = gcs.filter((g) => g.major);
  return {
    value,
    ms,
    maxBlock: histogram.max / 1e6,
    maxGap,
    maxGapBusy,
    stretches,
    gcMaxMs: Math.max(0, ...gcs.map((g) => g.ms)),
    gcMajorMaxMs: Math.max(0, ...major.map((g) => g.ms)),
    gcMajor: major.length,
    gcTotalMs: gcs.reduce((sum, g) => sum + g.ms, 0),
  };
}

/** What ran in one stretch: the project's functions by inclusive time, then the top self times. */
function stretchSummary(functions: readonly HotFunction[]): string[] {
  const share = (n: number) => `${(n * 100).toFixed(0)}%`;
  const { bySelf, byTotal } = topFunctions(functions, 4);
  return [
    ...byTotal.map((f) => `${f.fn} (${share(f.total_share)})`),
    ...bySelf.slice(0, 2).map((f) => `self: ${f.fn} (${share(f.self_share)})`),
  ];
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function diffOk(r: ReloadResult, id: string): boolean {
  return (
    r.ok && r.added.length === 1 && r.added[0] === id && r.changed.length === 0 && r.removed.length === 0
  );
}

async function child(args: ChildArgs): Promise<ChildResult> {
  const gc = findGc();
  const before = collect(gc);
  let t = performance.now();
  const store = await KnowledgeStore.open(args.dir, { displayRoot: "knowledge" });
  const loadMs = performance.now() - t;
  const facts = store.index.knowledge.facts.length;
  const sameFacts = factsDigest(store.index.knowledge.facts) === args.digest;
  const open = collect(gc);

  const runs: Array<Watched<ReloadResult>> = [];
  for (let i = 0; i < RELOADS; i++) {
    await appendFile(args.changePath, args.additions[i]!);
    const run = await watched(() => store.reload(), args.thresholdMs);
    if (!run.value.ok)
      throw new Error(
        `reload refused: ${run.value.problems.map((p) => `${p.file}: ${p.message}`).join("; ")}`,
      );
    runs.push(run);
  }
  const reloaded = collect(gc);
  const worst = (pick: (run: Watched<ReloadResult>) => number) => Math.max(...runs.map(pick));
  const stretches = runs.flatMap((run) => run.stretches);

  let profile: FileReloadProfile | undefined;
  const blocked = Math.max(
    worst((run) => run.maxBlock),
    worst((run) => run.maxGap),
  );
  if (args.profile && blocked > args.thresholdMs) {
    collect(gc);
    await appendFile(args.changePath, args.additions[RELOADS]!);
    // Started before the monitors: starting the profiler on a large heap blocks by itself.
    const session = profileStart();
    const profiled = await watched(() => store.reload(), args.thresholdMs);
    const cpu = await profileStop(session);
    writeFileSync(args.profilePath, JSON.stringify(cpu));
    const inside = (stretches: ReadonlyArray<[number, number]>) => (micros: number) =>
      stretches.some(([from, to]) => micros >= from && micros <= to);
    const longest = [...profiled.stretches]
      .sort((a, b) => b[1] - b[0] - (a[1] - a[0]))
      .slice(0, 5)
      .map((s): BlockingStretch => ({
        ms: round((s[1] - s[0]) / 1000),
        top: stretchSummary(hotFunctions(cpu, process.cwd(), inside([s]))),
      }));
    const all = topFunctions(hotFunctions(cpu, process.cwd(), inside(profiled.stretches)), 15);
    profile = {
      file: args.profilePath,
      reload_ms: round(profiled.ms),
      threshold_ms: args.thresholdMs,
      blocks: profiled.stretches.length,
      blocked_ms: round(profiled.stretches.reduce((s, [a, b]) => s + (b - a) / 1000, 0)),
      gc_max_ms: round(profiled.gcMaxMs),
      gc_total_ms: round(profiled.gcTotalMs),
      longest,
      by_self: all.bySelf,
      by_total: all.byTotal,
    };
  }
  store.close();
  const peakRss = process.resourceUsage().maxRSS * 1024;
  return {
    load_ms: round(loadMs),
    reload_ms: round(median(runs.map((run) => run.ms))),
    reloads: runs.length,
    reload_store_ms: round(median(runs.map((run) => run.value.ms))),
    reload_max_block_ms: round(worst((run) => run.maxBlock)),
    reload_heartbeat_max_gap_ms: round(worst((run) => run.maxGap)),
    reload_heartbeat_max_gap_busy_ms: round(runs.reduce((a, b) => (b.maxGap > a.maxGap ? b : a)).maxGapBusy),
    threshold_ms: args.thresholdMs,
    reload_blocks: stretches.length,
    reload_blocked_ms: round(stretches.reduce((s, [a, b]) => s + (b - a) / 1000, 0)),
    reload_gc_max_ms: round(worst((run) => run.gcMaxMs)),
    reload_gc_major_max_ms: round(worst((run) => run.gcMajorMaxMs)),
    reload_gc_major: runs.reduce((n, run) => n + run.gcMajor, 0),
    reload_gc_total_ms: round(median(runs.map((run) => run.gcTotalMs))),
    peak_rss_mb: round(peakRss / MB),
    modules_rss_mb: round(before.rss / MB),
    store_rss_mb: round(open.rss / MB),
    store_heap_mb: round(open.heapUsed / MB),
    reloaded_rss_mb: round(reloaded.rss / MB),
    reloaded_heap_mb: round(reloaded.heapUsed / MB),
    facts,
    same_facts: sameFacts,
    reload_diff_ok: runs.every((run, i) => diffOk(run.value, args.addedIds[i]!)),
    profile,
  };
}

const isChild = (() => {
  try {
    return (
      process.argv[2] === "--child" &&
      typeof process.send === "function" &&
      process.argv[1] !== undefined &&
      import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href
    );
  } catch {
    return false;
  }
})();
if (isChild) {
  const send = (message: unknown) =>
    new Promise<void>((resolve) => process.send!(message, undefined, {}, () => resolve()));
  child(JSON.parse(process.argv[3]!) as ChildArgs)
    .then(
      (result) => send(result),
      (error: unknown) =>
        send({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
    )
    .finally(() => process.exit(0));
}
