/**
 * `npm run bench`: how the engine scales with the size of the knowledge.
 *
 * For each size (synthetic facts plus the real Afghanistan–Japan ones), in one process:
 *  - build: KnowledgeIndex.build time, heap and RSS after load (after a forced GC);
 *  - answer: latency of "question in, reply out" (answerQuestion + answerReply) over
 *    ~2 000 generated questions after a warm-up, p50/p99/max, per kind too;
 *  - baseline: the same questions against a plain MiniSearch over the same facts (the
 *    "obvious way": statement, people, places, tags, keywords; fuzzy 0.2, prefix, OR);
 *  - reload: KnowledgeIndex.buildAsync time and the longest event-loop block during it
 *    (monitorEventLoopDelay at 1 ms resolution, and a 1 ms setInterval heartbeat);
 *  - accuracy: the real questions must get the same facts at every size as on the real
 *    facts alone; generated questions are scored against the fact they were made from.
 *
 * Options: --sizes 1000,10000  --quick (fewer questions)  --questions N  --json
 *          --cpu-prof [size]  (profile the engine loop at that size, default the largest;
 *          prints the hottest functions and writes a .cpuprofile to the OS temp folder)
 */
import { realpathSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector";
import os from "node:os";
import { join } from "node:path";
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import v8 from "node:v8";
import vm from "node:vm";
import MiniSearch from "minisearch";
import { answerQuestion } from "../../src/engine/engine.ts";
import type { Answer } from "../../src/engine/types.ts";
import { KnowledgeIndex } from "../../src/index/knowledge-index.ts";
import type { Fact, Knowledge } from "../../src/knowledge/types.ts";
import { answerReply } from "../../src/replies/messages.ts";
import { KnowledgeStore } from "../../src/store/knowledge-store.ts";
import {
  benchCountries,
  generateKnowledge,
  generateQuestions,
  loadRealKnowledge,
  REAL_QUESTIONS,
  type BenchKnowledge,
  type BenchQuestion,
  type QuestionKind,
} from "./generate.ts";

// ---------------------------------------------------------------------------------------
// Options

export interface BenchOptions {
  readonly sizes: readonly number[];
  readonly questions: number;
  readonly quick: boolean;
  readonly json: boolean;
  /** Size whose engine loop is CPU-profiled, if any. */
  readonly cpuProfSize?: number | undefined;
  readonly seed: string;
  /** Time budgets per size (ms): the questions are shuffled, so a timed-out run is a fair sample. */
  readonly engineBudgetMs: number;
  readonly baselineBudgetMs: number;
}

const DEFAULT_SIZES = [1000, 10_000, 100_000];

function parseArgs(argv: readonly string[]): BenchOptions {
  let sizes = DEFAULT_SIZES;
  let quick = false;
  let json = false;
  let questions: number | undefined;
  let cpuProf: number | "largest" | undefined;
  let seed = "kizuna-bench";
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    if (arg === "--sizes")
      sizes = value()
        .split(",")
        .map((s) => Number(s.replace(/[_k]/g, (c) => (c === "k" ? "000" : ""))));
    else if (arg === "--quick") quick = true;
    else if (arg === "--json") json = true;
    else if (arg === "--questions") questions = Number(value());
    else if (arg === "--seed") seed = value();
    else if (arg === "--cpu-prof") {
      const next = argv[i + 1];
      cpuProf = next && /^\d+$/.test(next) ? Number(argv[++i]) : "largest";
    } else if (arg === "--help" || arg === "-h") {
      console.log(
        "npm run bench -- [--sizes 1000,10000,100000] [--quick] [--questions N] [--json] [--cpu-prof [size]] [--seed S]",
      );
      process.exit(0);
    } else throw new Error(`unknown option ${arg}`);
  }
  if (sizes.some((s) => !Number.isInteger(s) || s < 0))
    throw new Error("--sizes: comma-separated fact counts, e.g. 1000,10000");
  return {
    sizes,
    quick,
    json,
    questions: questions ?? (quick ? 300 : 2000),
    cpuProfSize: cpuProf === "largest" ? Math.max(...sizes) : cpuProf,
    seed,
    engineBudgetMs: quick ? 15_000 : 45_000,
    baselineBudgetMs: quick ? 8_000 : 25_000,
  };
}

// ---------------------------------------------------------------------------------------
// Measuring helpers

/** global.gc when Node runs with --expose-gc, else enabled at run time (a V8 flag + a fresh context). */
function findGc(): (() => void) | undefined {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (existing) return existing;
  try {
    v8.setFlagsFromString("--expose-gc");
    const gc = vm.runInNewContext("gc") as unknown;
    return typeof gc === "function" ? (gc as () => void) : undefined;
  } catch {
    return undefined;
  }
}
const gc = findGc();

function collect(): void {
  if (!gc) return;
  gc();
  gc();
}

const MB = 1024 * 1024;
const round = (n: number, digits = 3) => (Number.isFinite(n) ? Number(n.toFixed(digits)) : n);

export interface LatencySummary {
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly mean: number;
  readonly n: number;
}

/** Nearest-rank percentiles. */
export function summarize(samples: readonly number[]): LatencySummary {
  if (samples.length === 0) return { p50: NaN, p99: NaN, max: NaN, mean: NaN, n: 0 };
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) =>
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
  return {
    p50: at(0.5),
    p99: at(0.99),
    max: sorted[sorted.length - 1]!,
    mean: sorted.reduce((s, x) => s + x, 0) / sorted.length,
    n: sorted.length,
  };
}

// ---------------------------------------------------------------------------------------
// The plain MiniSearch baseline

interface BaselineDoc {
  id: number;
  statement: string;
  people: string;
  places: string;
  tags: string;
  keywords: string;
}

/** The "obvious way": one MiniSearch over the facts, default tokenizer, fuzzy + prefix + OR. */
export function buildBaseline(knowledge: Knowledge): MiniSearch<BaselineDoc> {
  const search = new MiniSearch<BaselineDoc>({
    fields: ["statement", "people", "places", "tags", "keywords"],
    storeFields: [],
    searchOptions: { fuzzy: 0.2, prefix: true, combineWith: "OR" },
  });
  search.addAll(
    knowledge.facts.map((f, i) => ({
      id: i,
      statement: f.statement,
      people: f.people.join(" "),
      places: f.places.join(" "),
      tags: f.tags.join(" "),
      keywords: f.keywords.join(" "),
    })),
  );
  return search;
}

// ---------------------------------------------------------------------------------------
// Scoring answers

function answerIds(a: Answer): string[] {
  return a.facts.map((f) => f.id);
}

/** Did the engine do what the question's expectation asks? (undefined: not scored here) */
function engineHit(q: BenchQuestion, a: Answer): boolean | undefined {
  const e = q.expect;
  switch (e.type) {
    case "fact":
      return a.answered && a.facts.some((f) => f.id === e.factId);
    case "list":
      return a.answered && a.facts.length > 0 && a.facts.every((f) => e.factIds.includes(f.id));
    case "refuse":
      return !a.answered;
    case "real":
      return undefined;
  }
}

function baselineHit(q: BenchQuestion, top: Fact | undefined): boolean | undefined {
  const e = q.expect;
  switch (e.type) {
    case "fact":
      return top?.id === e.factId;
    case "list":
      return top !== undefined && e.factIds.includes(top.id);
    case "refuse":
      return top === undefined;
    case "real":
      return undefined;
  }
}

// ---------------------------------------------------------------------------------------
// The /ask end-to-end hook (to be filled in)

export interface DiscordEndToEndContext {
  /** The index of this size (10 000 facts + the real ones). */
  readonly index: KnowledgeIndex;
  /** A store wrapping it, as the bot holds it. */
  readonly store: KnowledgeStore;
  /** The same questions the engine loop used. */
  readonly questions: readonly BenchQuestion[];
  readonly quick: boolean;
}

export interface DiscordEndToEndResult {
  /** Time from the fake Discord dispatching INTERACTION_CREATE for /ask to the bot's final reply. */
  readonly ask_p50_ms: number;
  readonly ask_p99_ms: number;
  readonly ask_max_ms: number;
  readonly questions: number;
  readonly notes?: string;
}

/** Size at which the /ask end-to-end measurement runs. */
export const DISCORD_E2E_SIZE = 10_000;

/**
 * PLACEHOLDER — "/ask end to end through the local fake Discord at 10 000 facts".
 *
 * To be filled in: start the fake Discord from test/support/fake-discord.ts, log the real
 * bot in against it with `ctx.store`, send `/ask question:<q>` for each of
 * `ctx.questions` as INTERACTION_CREATE, and time each one until the final reply (the
 * callback or the webhook edit of @original). Return undefined to report "not measured".
 */
export async function measureDiscordEndToEnd(
  _ctx: DiscordEndToEndContext,
): Promise<DiscordEndToEndResult | undefined> {
  return undefined;
}

// ---------------------------------------------------------------------------------------
// One size

export interface KindStats {
  readonly n: number;
  readonly answer_p50_ms: number;
  readonly answer_p99_ms: number;
  readonly answer_max_ms: number;
  readonly hit_share: number | null;
  readonly baseline_hit_share: number | null;
}

export interface SizeResult {
  readonly facts: number;
  readonly relations: number;
  readonly questions: number;
  /** Questions timed (fewer than `questions` when the time budget ran out). */
  readonly answer_questions: number;
  readonly baseline_questions: number;
  readonly generate_ms: number;
  readonly build_ms: number;
  readonly knowledge_heap_mb: number;
  readonly index_heap_mb: number;
  readonly heap_mb: number;
  readonly rss_mb: number;
  readonly answer_p50_ms: number;
  readonly answer_p99_ms: number;
  readonly answer_max_ms: number;
  readonly answer_mean_ms: number;
  readonly baseline_build_ms: number;
  readonly baseline_heap_mb: number;
  readonly baseline_p50_ms: number;
  readonly baseline_p99_ms: number;
  readonly baseline_max_ms: number;
  readonly p50_ratio: number;
  readonly p99_ratio: number;
  readonly reload_ms: number;
  readonly reload_max_block_ms: number;
  readonly reload_heartbeat_max_gap_ms: number;
  readonly reload_rss_mb: number;
  /** Share of all questions the engine answered (the rest refused). */
  readonly answered_share: number;
  /** Share of generated questions where the engine did what was expected (right fact, right list, refusal). */
  readonly hit_share: number;
  readonly baseline_hit_share: number;
  /** Share of the real Afghanistan–Japan questions answered with the same facts as on the real facts alone. */
  readonly real_same_share: number;
  readonly real_questions: number;
  readonly real_changed: readonly string[];
  readonly discord_e2e: DiscordEndToEndResult | null;
  readonly by_kind: Readonly<Record<string, KindStats>>;
}

type Reference = ReadonlyMap<string, string>;

function signature(a: Answer): string {
  return `${a.answered ? "answered" : `refused:${a.kind}`} ${answerIds(a).join(",")}`;
}

/** Answers on the real facts alone: what every size must reproduce. */
function reference(real: Knowledge): Reference {
  const index = KnowledgeIndex.build(real);
  return new Map(REAL_QUESTIONS.map(({ q }) => [q, signature(answerQuestion(index, q))]));
}

async function timeReload(
  knowledge: Knowledge,
): Promise<{ ms: number; maxBlock: number; maxGap: number; index: KnowledgeIndex }> {
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  let last = performance.now();
  let maxGap = 0;
  const heartbeat = setInterval(() => {
    const now = performance.now();
    maxGap = Math.max(maxGap, now - last);
    last = now;
  }, 1);
  // Let both monitors settle before the reload starts.
  await new Promise((resolve) => setTimeout(resolve, 20));
  histogram.enable();
  last = performance.now();
  maxGap = 0;
  const started = performance.now();
  const index = await KnowledgeIndex.buildAsync(knowledge);
  const ms = performance.now() - started;
  // The last synchronous stretch ends as buildAsync resolves: give the monitors a tick to see it.
  await new Promise((resolve) => setTimeout(resolve, 10));
  clearInterval(heartbeat);
  histogram.disable();
  return { ms, maxBlock: histogram.max / 1e6, maxGap, index };
}

function profileStart(): Session {
  const session = new Session();
  session.connect();
  session.post("Profiler.enable");
  session.post("Profiler.setSamplingInterval", { interval: 200 });
  session.post("Profiler.start");
  return session;
}

interface CpuProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: CpuProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

function profileStop(session: Session): Promise<CpuProfile> {
  return new Promise((resolve, reject) => {
    session.post("Profiler.stop", (error, result) => {
      session.disconnect();
      if (error) reject(error);
      else resolve((result as { profile: CpuProfile }).profile);
    });
  });
}

export interface HotFunction {
  readonly fn: string;
  readonly self_ms: number;
  readonly total_ms: number;
  readonly self_share: number;
  readonly total_share: number;
}

/** Self and inclusive time per function (recursion counted once per sample). */
export function hotFunctions(profile: CpuProfile, root = process.cwd()): HotFunction[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const key = (n: CpuProfileNode) => {
    const f = n.callFrame;
    const file = f.url.replace(pathToFileURL(root).href + "/", "").replace(/^.*node_modules\//, "");
    return `${f.functionName || "(anonymous)"} ${file ? `${file}:${f.lineNumber + 1}` : ""}`.trim();
  };
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  let all = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = (profile.timeDeltas[i + 1] ?? profile.timeDeltas[i] ?? 0) / 1000;
    all += dt;
    let node = byId.get(profile.samples[i]!);
    if (!node) continue;
    const k = key(node);
    self.set(k, (self.get(k) ?? 0) + dt);
    const seen = new Set<string>();
    while (node) {
      const kk = key(node);
      if (!seen.has(kk)) {
        seen.add(kk);
        total.set(kk, (total.get(kk) ?? 0) + dt);
      }
      const p = parent.get(node.id);
      node = p === undefined ? undefined : byId.get(p);
    }
  }
  return [...total.keys()]
    .filter((k) => !/^\((root|program|idle|garbage collector)\)/.test(k) || self.has(k))
    .map((k) => ({
      fn: k,
      self_ms: round(self.get(k) ?? 0, 1),
      total_ms: round(total.get(k) ?? 0, 1),
      self_share: round((self.get(k) ?? 0) / (all || 1), 3),
      total_share: round((total.get(k) ?? 0) / (all || 1), 3),
    }));
}

interface SizeRun {
  readonly result: SizeResult;
  readonly hot?: { file: string; functions: HotFunction[] } | undefined;
}

async function runSize(
  size: number,
  real: Knowledge,
  ref: Reference,
  countries: ReturnType<typeof benchCountries>,
  options: BenchOptions,
  log: (line: string) => void,
): Promise<SizeRun> {
  collect();
  const heap0 = process.memoryUsage().heapUsed;
  let t = performance.now();
  let bench: BenchKnowledge | undefined = generateKnowledge(size, { real, countries, seed: options.seed });
  const generateMs = performance.now() - t;
  const knowledge = bench.knowledge;
  const questions =
    size === 0
      ? generateQuestions(bench, 0, options.seed)
      : generateQuestions(bench, options.questions, options.seed);
  const relations = knowledge.relations.length;
  bench = undefined; // the meta is only needed for questions
  collect();
  const heapKnowledge = process.memoryUsage().heapUsed;
  log(
    `  ${size}: generated ${knowledge.facts.length} facts, ${relations} relations, ${questions.length} questions in ${generateMs.toFixed(0)} ms`,
  );

  t = performance.now();
  let index: KnowledgeIndex | undefined = KnowledgeIndex.build(knowledge);
  const buildMs = performance.now() - t;
  collect();
  const mem = process.memoryUsage();
  log(`  ${size}: build ${buildMs.toFixed(0)} ms, heap ${(mem.heapUsed / MB).toFixed(0)} MB`);

  // Engine: question in, reply out.
  const ask = (q: string) => answerReply(answerQuestion(index!, q), index!.knowledge.relations);
  const warm = questions.slice(
    0,
    Math.min(questions.length, Math.max(20, Math.floor(questions.length / 10))),
  );
  const warmed = performance.now();
  for (const q of warm) if (performance.now() - warmed < options.engineBudgetMs / 10) ask(q.text);
  const latencies: number[] = [];
  const answers: Answer[] = [];
  const engineStarted = performance.now();
  for (const q of questions) {
    const started = performance.now();
    const answer = answerQuestion(index, q.text);
    answerReply(answer, index.knowledge.relations);
    latencies.push(performance.now() - started);
    answers.push(answer);
    if (performance.now() - engineStarted > options.engineBudgetMs) break;
  }
  const engine = summarize(latencies);
  const asked = questions.slice(0, answers.length);
  log(
    `  ${size}: engine p50 ${engine.p50.toFixed(2)} ms, p99 ${engine.p99.toFixed(2)} ms, max ${engine.max.toFixed(1)} ms`,
  );

  let hot: SizeRun["hot"];
  if (options.cpuProfSize === size) {
    const session = profileStart();
    for (const q of asked) ask(q.text);
    const profile = await profileStop(session);
    const file = join(os.tmpdir(), `kizuna-engine-${size}.cpuprofile`);
    writeFileSync(file, JSON.stringify(profile));
    hot = { file, functions: hotFunctions(profile) };
  }

  // Baseline: plain MiniSearch over the same facts.
  collect();
  const heapBeforeBaseline = process.memoryUsage().heapUsed;
  t = performance.now();
  let baseline: MiniSearch<BaselineDoc> | undefined = buildBaseline(knowledge);
  const baselineBuildMs = performance.now() - t;
  collect();
  const baselineHeap = process.memoryUsage().heapUsed - heapBeforeBaseline;
  const warmStarted = performance.now();
  for (const q of warm)
    if (performance.now() - warmStarted < options.baselineBudgetMs / 10) baseline.search(q.text);
  const baseLatencies: number[] = [];
  const baseTop: Array<Fact | undefined> = [];
  const baselineStarted = performance.now();
  for (const q of asked) {
    const started = performance.now();
    const results = baseline.search(q.text);
    const top = results[0] ? knowledge.facts[results[0].id as number] : undefined;
    baseLatencies.push(performance.now() - started);
    baseTop.push(top);
    if (performance.now() - baselineStarted > options.baselineBudgetMs) break;
  }
  baseline = undefined;
  const base = summarize(baseLatencies);
  // Ratios compare the same questions (the baseline may have run out of time before the end).
  const engineSame = summarize(latencies.slice(0, baseLatencies.length));
  log(
    `  ${size}: baseline p50 ${base.p50.toFixed(2)} ms, p99 ${base.p99.toFixed(2)} ms over ${baseLatencies.length} questions`,
  );

  // Accuracy.
  let answered = 0;
  let scored = 0;
  let hits = 0;
  let baseHits = 0;
  let baseScored = 0;
  let realN = 0;
  let realSame = 0;
  const realChanged: string[] = [];
  const kinds = new Map<
    QuestionKind,
    { lat: number[]; hits: number; baseHits: number; scored: number; baseScored: number }
  >();
  asked.forEach((q, i) => {
    const a = answers[i]!;
    if (a.answered) answered++;
    const k = kinds.get(q.kind) ?? { lat: [], hits: 0, baseHits: 0, scored: 0, baseScored: 0 };
    k.lat.push(latencies[i]!);
    kinds.set(q.kind, k);
    if (q.expect.type === "real") {
      realN++;
      const expected = ref.get(q.text);
      const got = signature(a);
      if (expected === got) realSame++;
      else realChanged.push(`${q.text} — was [${expected}] now [${got}]`);
      return;
    }
    const hit = engineHit(q, a);
    scored++;
    k.scored++;
    if (hit) {
      hits++;
      k.hits++;
    }
    if (i < baseTop.length) {
      baseScored++;
      k.baseScored++;
      if (baselineHit(q, baseTop[i])) {
        baseHits++;
        k.baseHits++;
      }
    }
  });
  const byKind: Record<string, KindStats> = {};
  for (const [kind, k] of [...kinds].sort((a, b) => a[0].localeCompare(b[0]))) {
    const s = summarize(k.lat);
    byKind[kind] = {
      n: k.lat.length,
      answer_p50_ms: round(s.p50),
      answer_p99_ms: round(s.p99),
      answer_max_ms: round(s.max),
      hit_share: k.scored
        ? round(k.hits / k.scored)
        : kind === "real"
          ? round(realSame / (realN || 1))
          : null,
      baseline_hit_share: k.baseScored ? round(k.baseHits / k.baseScored) : null,
    };
  }

  // /ask end to end (placeholder hook).
  let discord: DiscordEndToEndResult | undefined;
  if (size === DISCORD_E2E_SIZE) {
    const store = KnowledgeStore.fromIndex("knowledge", index);
    discord = await measureDiscordEndToEnd({ index, store, questions: asked, quick: options.quick });
  }

  // Reload beside the live index, as the bot does.
  const reload = await timeReload(knowledge);
  const reloadRss = process.memoryUsage().rss;
  log(
    `  ${size}: reload ${reload.ms.toFixed(0)} ms, longest block ${reload.maxBlock.toFixed(0)} ms (heartbeat gap ${reload.maxGap.toFixed(0)} ms)`,
  );
  index = undefined;

  return {
    hot,
    result: {
      facts: knowledge.facts.length,
      relations,
      questions: questions.length,
      answer_questions: answers.length,
      baseline_questions: baseLatencies.length,
      generate_ms: round(generateMs, 1),
      build_ms: round(buildMs, 1),
      knowledge_heap_mb: round((heapKnowledge - heap0) / MB, 1),
      index_heap_mb: round((mem.heapUsed - heapKnowledge) / MB, 1),
      heap_mb: round(mem.heapUsed / MB, 1),
      rss_mb: round(mem.rss / MB, 1),
      answer_p50_ms: round(engine.p50),
      answer_p99_ms: round(engine.p99),
      answer_max_ms: round(engine.max),
      answer_mean_ms: round(engine.mean),
      baseline_build_ms: round(baselineBuildMs, 1),
      baseline_heap_mb: round(baselineHeap / MB, 1),
      baseline_p50_ms: round(base.p50),
      baseline_p99_ms: round(base.p99),
      baseline_max_ms: round(base.max),
      p50_ratio: round(engineSame.p50 / base.p50, 2),
      p99_ratio: round(engineSame.p99 / base.p99, 2),
      reload_ms: round(reload.ms, 1),
      reload_max_block_ms: round(reload.maxBlock, 1),
      reload_heartbeat_max_gap_ms: round(reload.maxGap, 1),
      reload_rss_mb: round(reloadRss / MB, 1),
      answered_share: round(answered / (questions.length || 1)),
      hit_share: round(hits / (scored || 1)),
      baseline_hit_share: round(baseHits / (baseScored || 1)),
      real_same_share: round(realSame / (realN || 1)),
      real_questions: realN,
      real_changed: realChanged,
      discord_e2e: discord ?? null,
      by_kind: byKind,
    },
  };
}

// ---------------------------------------------------------------------------------------
// Output

function machine(options: BenchOptions) {
  const cpus = os.cpus();
  return {
    node: process.version,
    v8: process.versions.v8,
    platform: `${process.platform} ${process.arch}`,
    cpu: cpus[0]?.model.trim() ?? "unknown",
    cpus: cpus.length,
    total_mem_mb: Math.round(os.totalmem() / MB),
    gc_exposed: Boolean(gc),
    loadavg_1m: round(os.loadavg()[0] ?? 0, 2),
    questions_per_size: options.questions,
    quick: options.quick,
    seed: options.seed,
    date: new Date().toISOString(),
  };
}

function table(rows: Array<[string, ...string[]]>): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? "").length)));
  return rows
    .map((r) =>
      r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join("  "),
    )
    .join("\n");
}

const fmt = (n: number | null | undefined, digits = 2) =>
  n === null || n === undefined || !Number.isFinite(n) ? "–" : n.toFixed(digits);
const pct = (n: number) => `${(n * 100).toFixed(1)}%`;

function report(results: Map<number, SizeRun>, options: BenchOptions): string {
  const sizes = [...results.keys()];
  const r = (f: (s: SizeResult) => string) => sizes.map((s) => f(results.get(s)!.result));
  const rows: Array<[string, ...string[]]> = [
    ["", ...sizes.map((s) => `${s.toLocaleString("en")} facts`)],
    ["facts (incl. real) / relations", ...r((s) => `${s.facts} / ${s.relations}`)],
    [
      "questions generated / timed engine / timed baseline",
      ...r((s) => `${s.questions} / ${s.answer_questions} / ${s.baseline_questions}`),
    ],
    ["build ms (KnowledgeIndex.build)", ...r((s) => fmt(s.build_ms, 0))],
    [
      "heap MB after load (knowledge + index)",
      ...r((s) => `${fmt(s.heap_mb, 0)} (${fmt(s.knowledge_heap_mb, 0)} + ${fmt(s.index_heap_mb, 0)})`),
    ],
    ["RSS MB after load", ...r((s) => fmt(s.rss_mb, 0))],
    [
      "answer p50 / p99 / max ms (engine+reply)",
      ...r((s) => `${fmt(s.answer_p50_ms)} / ${fmt(s.answer_p99_ms)} / ${fmt(s.answer_max_ms, 1)}`),
    ],
    [
      "baseline p50 / p99 / max ms (MiniSearch)",
      ...r((s) => `${fmt(s.baseline_p50_ms)} / ${fmt(s.baseline_p99_ms)} / ${fmt(s.baseline_max_ms, 1)}`),
    ],
    ["ratio engine/baseline p50 / p99", ...r((s) => `${fmt(s.p50_ratio)} / ${fmt(s.p99_ratio)}`)],
    [
      "baseline build ms / heap MB",
      ...r((s) => `${fmt(s.baseline_build_ms, 0)} / ${fmt(s.baseline_heap_mb, 0)}`),
    ],
    ["reload ms (buildAsync)", ...r((s) => fmt(s.reload_ms, 0))],
    [
      "reload longest block ms (ELD max / heartbeat gap)",
      ...r((s) => `${fmt(s.reload_max_block_ms, 0)} / ${fmt(s.reload_heartbeat_max_gap_ms, 0)}`),
    ],
    ["answered share (all questions)", ...r((s) => pct(s.answered_share))],
    [
      "hit share engine / baseline top-1 (generated)",
      ...r((s) => `${pct(s.hit_share)} / ${pct(s.baseline_hit_share)}`),
    ],
    [
      "real AF–JP questions same as size 0",
      ...r(
        (s) =>
          `${pct(s.real_same_share)} (${Math.round(s.real_same_share * s.real_questions)}/${s.real_questions})`,
      ),
    ],
    [
      "/ask end to end p50 / p99 ms (fake Discord)",
      ...sizes.map((size) => {
        const e2e = results.get(size)!.result.discord_e2e;
        if (e2e) return `${fmt(e2e.ask_p50_ms)} / ${fmt(e2e.ask_p99_ms)}`;
        return size === DISCORD_E2E_SIZE ? "not measured (placeholder)" : "–";
      }),
    ],
  ];
  const out = [`Kizuna bench — ${JSON.stringify(machine(options))}`, "", table(rows)];

  const kinds = [...new Set(sizes.flatMap((s) => Object.keys(results.get(s)!.result.by_kind)))].sort();
  const kindRows: Array<[string, ...string[]]> = [
    [
      "kind (n) — p50 / p99 ms · hit engine / baseline",
      ...sizes.map((s) => `${s.toLocaleString("en")} facts`),
    ],
    ...kinds.map((k): [string, ...string[]] => [
      `${k} (${results.get(sizes[0]!)!.result.by_kind[k]?.n ?? "–"})`,
      ...sizes.map((s) => {
        const x = results.get(s)!.result.by_kind[k];
        if (!x) return "–";
        const hit =
          x.hit_share === null
            ? ""
            : ` · ${pct(x.hit_share)}${x.baseline_hit_share === null ? "" : ` / ${pct(x.baseline_hit_share)}`}`;
        return `${fmt(x.answer_p50_ms)} / ${fmt(x.answer_p99_ms)}${hit}`;
      }),
    ]),
  ];
  out.push("", table(kindRows));

  for (const s of sizes) {
    const changed = results.get(s)!.result.real_changed;
    if (changed.length === 0) continue;
    out.push(
      "",
      `Real questions answered differently at ${s.toLocaleString("en")} facts than on the real facts alone:`,
    );
    for (const c of changed) out.push(`  - ${c}`);
  }
  for (const s of sizes) {
    const hot = results.get(s)!.hot;
    if (!hot) continue;
    out.push("", `Engine CPU profile at ${s.toLocaleString("en")} facts (${hot.file}):`);
    const top = (label: string, list: HotFunction[]) => {
      out.push(`  ${label}`);
      for (const f of list)
        out.push(
          `    ${pct(f.self_share).padStart(6)} self  ${pct(f.total_share).padStart(6)} total  ${f.fn}`,
        );
    };
    top("by self time:", [...hot.functions].sort((a, b) => b.self_ms - a.self_ms).slice(0, 20));
    top(
      "by total time (src/ only):",
      [...hot.functions]
        .filter((f) => f.fn.includes("src/"))
        .sort((a, b) => b.total_ms - a.total_ms)
        .slice(0, 20),
    );
  }
  if (!gc) out.push("", "note: gc could not be exposed; heap figures include garbage.");
  return out.join("\n");
}

// ---------------------------------------------------------------------------------------
// Main

export async function runBench(
  options: BenchOptions,
): Promise<{
  machine: ReturnType<typeof machine>;
  sizes: Record<string, SizeResult>;
  runs: Map<number, SizeRun>;
}> {
  const log = options.json
    ? (line: string) => process.stderr.write(`${line}\n`)
    : (line: string) => console.log(line);
  log(
    `bench: sizes ${options.sizes.join(", ")}; ${options.questions} questions per size${gc ? "" : " (no gc: heap figures are rough)"}`,
  );
  const real = await loadRealKnowledge();
  const ref = reference(real);
  const countries = benchCountries(120, options.seed);
  const runs = new Map<number, SizeRun>();
  for (const size of [...options.sizes].sort((a, b) => a - b))
    runs.set(size, await runSize(size, real, ref, countries, options, log));
  const sizes: Record<string, SizeResult> = {};
  for (const [size, run] of runs) sizes[String(size)] = run.result;
  return { machine: machine(options), sizes, runs };
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const started = performance.now();
  const { machine: m, sizes, runs } = await runBench(options);
  const totalS = (performance.now() - started) / 1000;
  if (options.json) {
    const hot: Record<string, HotFunction[]> = {};
    for (const [size, run] of runs)
      if (run.hot)
        hot[String(size)] = [...run.hot.functions].sort((a, b) => b.self_ms - a.self_ms).slice(0, 40);
    console.log(
      JSON.stringify(
        {
          machine: { ...m, total_s: round(totalS, 1) },
          sizes,
          ...(Object.keys(hot).length ? { cpu_profile: hot } : {}),
        },
        null,
        2,
      ),
    );
  } else {
    console.log("");
    console.log(report(runs, options));
    console.log(`\ntotal ${totalS.toFixed(1)} s`);
  }
}

const invokedDirectly = (() => {
  try {
    return (
      process.argv[1] !== undefined && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href
    );
  } catch {
    return false;
  }
})();
if (invokedDirectly) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
