/**
 * `npm run bench`: how the engine scales with the size of the knowledge.
 *
 * For each size (synthetic facts plus the real Afghanistan–Japan ones), in one process:
 *  - build: KnowledgeIndex.build time, heap and RSS after load (after a forced GC; the RSS is
 *    the whole bench process: see `rss_mb`);
 *  - answer: latency of "question in, reply out" (answerQuestion + answerReply) over
 *    ~2 000 generated questions after a warm-up, p50/p99/max, per kind too;
 *  - baseline: the same questions against a plain MiniSearch over the same facts (the
 *    "obvious way": statement, people, places, tags, keywords; fuzzy 0.2, prefix, OR);
 *  - full rebuild (reload_*): KnowledgeIndex.buildAsync with nothing to reuse — what a reload
 *    indexes when every fact changed — and the longest event-loop block during it
 *    (monitorEventLoopDelay at 1 ms resolution, and a 1 ms setInterval heartbeat);
 *  - file reload (file-reload.ts): the knowledge written as YAML files, then, in a child
 *    process holding only the store, KnowledgeStore.open (file_load_ms), its RSS
 *    (store_rss_mb) and a store.reload() after one file gained a fact (file_reload_ms, and
 *    its longest event-loop block); skipped above 10 000 facts with --quick;
 *  - /ask end to end (discord-e2e.ts, at 10 000 facts): the real bot against the local fake
 *    Discord, dispatch → callback, sequential and 8 in flight;
 *  - accuracy: the real questions must get the same facts at every size as on the real
 *    facts alone; generated questions are scored against the fact they were made from.
 *
 * Options: --sizes 1000,10000  --quick (fewer questions)  --questions N  --json
 *          --cpu-prof [size]  (profile the engine loop at that size, default the largest,
 *          and — if it blocks the event loop over 25 ms — a second file reload; prints the
 *          hottest functions and writes .cpuprofile files to the OS temp folder)
 *          --full  (also time the synchronous build above 20 000 facts; see SINGLE_BUILD_ABOVE)
 *          --no-files  (skip the file reload)  --no-e2e  (skip /ask end to end)
 *          --no-pictures  (skip the timeline picture row: p50/p99 render at 30 and 500 facts,
 *                      see pictures.ts)
 *          --no-load  (skip the load test: a burst of 1 000 /ask from 100 users, then a
 *                      sustained rate for 60 s — 10 s with --quick — with a reload in the middle)
 *          --no-feedback  (skip feedback.ts: /ask with recording off vs on at 10 000 facts, and
 *                      the writes per second SQLite and PostgreSQL absorb)
 *          --no-restart  (skip restart.ts: the real process's start to its first answer, cold
 *                      vs warm from the knowledge cache, at each size)
 *          --no-hostile  (skip hostile-reload.ts: reloads of the worst knowledge files, the
 *                      event loop's longest block and the peak RSS of each)
 * For clean JSON on stdout run `npm run -s bench -- --json` (npm prints a banner otherwise);
 * progress goes to stderr.
 */
import { writeFileSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import MiniSearch from "minisearch";
import { answerQuestion } from "../../src/engine/engine.ts";
import type { Answer } from "../../src/engine/types.ts";
import { KnowledgeIndex } from "../../src/index/knowledge-index.ts";
import type { Fact, Knowledge } from "../../src/knowledge/types.ts";
import { answerReply } from "../../src/replies/messages.ts";
import { KnowledgeStore } from "../../src/store/knowledge-store.ts";
import {
  measureDiscordEndToEnd as runDiscordEndToEnd,
  type DiscordEndToEndContext,
  type DiscordEndToEndResult,
} from "./discord-e2e.ts";
import { measureFileReload, type FileReloadResult } from "./file-reload.ts";
import { measureHttp, rateLabel, type HttpResult } from "./http.ts";
import { feedbackReport, runFeedbackBench } from "./feedback.ts";
import { runLoadBenchmark } from "./load.ts";
import { hostileReport, runHostileBench } from "./hostile-reload.ts";
import { runPictureBenchmark } from "./pictures.ts";
import { restartReport, runRestartBenchmark } from "./restart.ts";
import {
  benchCountries,
  generateKnowledge,
  generateQuestions,
  KNOWLEDGE_DIR,
  loadRealKnowledge,
  REAL_QUESTIONS,
  type BenchKnowledge,
  type BenchQuestion,
  type QuestionKind,
} from "./generate.ts";
import { hotFunctions, profileStart, profileStop, type HotFunction } from "./profile.ts";
import { findGc, isMainModule, summarize } from "./runtime.ts";

export { hotFunctions, type HotFunction } from "./profile.ts";
export type { DiscordEndToEndContext, DiscordEndToEndResult } from "./discord-e2e.ts";

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
  /** Time the synchronous build at every size, even where one build takes minutes. */
  readonly full: boolean;
  /** Run the load test (burst + sustained rate with a reload) after the sizes. */
  readonly load: boolean;
  /** The timeline picture row (pictures.ts). */
  readonly pictures: boolean;
  /** Largest size whose knowledge is written to files and reloaded from them (0: none). */
  readonly fileReloadMax: number;
  /** Run /ask end to end through the fake Discord (at DISCORD_E2E_SIZE). */
  readonly e2e: boolean;
  /** Run signed /ask over HTTP against worker processes (at DISCORD_E2E_SIZE). */
  readonly http: boolean;
  /** Run the feedback bench (recording off vs on, database writes per second). */
  readonly feedback: boolean;
  /** Run the restart bench (cold vs warm start of the real process, restart.ts). */
  readonly restart: boolean;
}

/** With --quick the file reload stops here: at 100 000 facts open + reload take minutes. */
export const QUICK_FILE_RELOAD_MAX = 10_000;

/**
 * Above this many facts the index is built once, by the reload path (buildAsync, with the
 * event-loop monitors on), and that index serves the questions: a build takes ~1–3 ms per
 * fact today, so building twice at 100 000 facts would take the bench far past its budget.
 * `--full` times KnowledgeIndex.build there too.
 */
export const SINGLE_BUILD_ABOVE = 20_000;

const DEFAULT_SIZES = [1000, 10_000, 100_000];

function parseArgs(argv: readonly string[]): BenchOptions {
  let sizes = DEFAULT_SIZES;
  let quick = false;
  let json = false;
  let questions: number | undefined;
  let cpuProf: number | "largest" | undefined;
  let seed = "kizuna-bench";
  let full = false;
  let files = true;
  let e2e = true;
  let http = true;
  let load = true;
  let pictures = true;
  let feedback = true;
  let restart = true;
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
    else if (arg === "--full") full = true;
    else if (arg === "--no-files") files = false;
    else if (arg === "--no-e2e") e2e = false;
    else if (arg === "--no-http") http = false;
    else if (arg === "--no-load") load = false;
    else if (arg === "--no-pictures") pictures = false;
    else if (arg === "--no-feedback") feedback = false;
    else if (arg === "--no-restart") restart = false;
    else if (arg === "--questions") questions = Number(value());
    else if (arg === "--seed") seed = value();
    else if (arg === "--cpu-prof") {
      const next = argv[i + 1];
      cpuProf = next && /^\d+$/.test(next) ? Number(argv[++i]) : "largest";
    } else if (arg === "--help" || arg === "-h") {
      console.log(
        "npm run -s bench -- [--sizes 1000,10000,100000] [--quick] [--questions N] [--json] [--cpu-prof [size]] [--full] [--no-files] [--no-e2e] [--no-http] [--no-load] [--no-pictures] [--no-feedback] [--no-restart] [--seed S]",
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
    engineBudgetMs: quick ? 8_000 : 30_000,
    baselineBudgetMs: quick ? 4_000 : 15_000,
    full,
    fileReloadMax: files ? (quick ? QUICK_FILE_RELOAD_MAX : Infinity) : 0,
    e2e,
    http,
    load,
    pictures,
    feedback,
    restart,
  };
}

// ---------------------------------------------------------------------------------------
// Measuring helpers

const gc = findGc();

function collect(): void {
  if (!gc) return;
  gc();
  gc();
}

const MB = 1024 * 1024;
const round = (n: number, digits = 3) => (Number.isFinite(n) ? Number(n.toFixed(digits)) : n);

export { summarize, type LatencySummary } from "./runtime.ts";

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

const QUESTION_NOISE = new Set(
  "the and did was were what when who whom whose why how which where many much with from for its into between after before have had has".split(
    " ",
  ),
);

function tokens(text: string): string[] {
  return text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length >= 3 && !QUESTION_NOISE.has(w));
}

function factText(f: Fact): Set<string> {
  return new Set(tokens([f.statement, ...f.people, ...f.places, ...f.keywords, ...f.tags].join(" ")));
}

/**
 * A fact answers a question as well as its target when it holds every question word the
 * target holds ("When did A and B sign the Kamel Accord?" where two Kamel Accords exist):
 * synthetic names repeat, so such answers are right, not misses.
 */
function equivalent(question: string, target: Fact | undefined, answer: Fact | undefined): boolean {
  if (!target || !answer) return false;
  if (target.id === answer.id) return true;
  const inTarget = factText(target);
  const inAnswer = factText(answer);
  const needed = tokens(question).filter((w) => inTarget.has(w));
  return needed.length > 0 && needed.every((w) => inAnswer.has(w));
}

/** Did the engine do what the question's expectation asks? (undefined: not scored here) */
function engineHit(q: BenchQuestion, a: Answer, factById: ReadonlyMap<string, Fact>): boolean | undefined {
  const e = q.expect;
  switch (e.type) {
    case "fact":
      return a.answered && a.facts.some((f) => equivalent(q.text, factById.get(e.factId), f));
    case "list":
      return a.answered && a.facts.length > 0 && a.facts.every((f) => e.factIds.includes(f.id));
    case "refuse":
      return !a.answered;
    case "real":
      return undefined;
  }
}

function baselineHit(
  q: BenchQuestion,
  top: Fact | undefined,
  factById: ReadonlyMap<string, Fact>,
): boolean | undefined {
  const e = q.expect;
  switch (e.type) {
    case "fact":
      return equivalent(q.text, factById.get(e.factId), top);
    case "list":
      return top !== undefined && e.factIds.includes(top.id);
    case "refuse":
      return top === undefined;
    case "real":
      return undefined;
  }
}

// ---------------------------------------------------------------------------------------
// The /ask end-to-end measurement (discord-e2e.ts)

/** Size at which the /ask end-to-end measurement runs. */
export const DISCORD_E2E_SIZE = 10_000;
/** Targets it is compared with in the report (not asserted). */
export const DISCORD_E2E_TARGETS = { p50_ms: 3, p99_ms: 15 } as const;

/**
 * "/ask end to end through the local fake Discord at 10 000 facts": the real bot (startBot,
 * Dispatcher, the real commands, cooldown off) logged in to the fake with `ctx.store`; 500
 * /ask one after another, then 500 with 8 in flight, each timed from the fake dispatching
 * INTERACTION_CREATE to the fake receiving the callback POST. See discord-e2e.ts.
 */
export async function measureDiscordEndToEnd(
  ctx: DiscordEndToEndContext,
): Promise<DiscordEndToEndResult | undefined> {
  return runDiscordEndToEnd(ctx, 500, 8);
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
  /** Null where the index was built once, by buildAsync (see SINGLE_BUILD_ABOVE). */
  readonly build_ms: number | null;
  readonly knowledge_heap_mb: number;
  readonly index_heap_mb: number;
  readonly heap_mb: number;
  /**
   * RSS of the whole bench process after the build (after a forced GC), before this size's
   * baseline MiniSearch exists and after the generator's metadata is dropped. It still holds
   * the real knowledge and its reference index, the questions, the modules (tsx, MiniSearch,
   * discord.js), and whatever the OS has not taken back from earlier sizes (their indexes,
   * baselines, the /ask bot): `store_rss_mb` is the clean figure.
   */
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
  /** Of the questions made from one fact: share answered with exactly that fact. */
  readonly exact_fact_share: number;
  readonly baseline_hit_share: number;
  /** The slowest questions (engine), for finding hotspots. */
  readonly slowest: ReadonlyArray<{ readonly ms: number; readonly kind: string; readonly question: string }>;
  /** Share of the real Afghanistan–Japan questions answered with the same facts as on the real facts alone. */
  readonly real_same_share: number;
  readonly real_questions: number;
  readonly real_changed: readonly string[];
  readonly discord_e2e: DiscordEndToEndResult | null;
  /** Signed /ask over HTTP against worker processes (only at DISCORD_E2E_SIZE). */
  readonly http: HttpResult | null;
  /** /ask end to end (only at DISCORD_E2E_SIZE): sequential dispatch → callback at the fake. */
  readonly e2e_ask_p50_ms?: number;
  readonly e2e_ask_p99_ms?: number;
  readonly e2e_ask_max_ms?: number;
  readonly e2e_ask_count?: number;
  /** The knowledge as YAML files (null: not measured at this size, see --quick / --no-files). */
  readonly file_count: number | null;
  readonly file_mb: number | null;
  readonly file_write_ms: number | null;
  /** KnowledgeStore.open on the files: load, validate, build the index (child process). */
  readonly file_load_ms: number | null;
  /** store.reload() after one file gained a fact: the median of a few (file_reload.reloads). */
  readonly file_reload_ms: number | null;
  /** Longest event-loop block during any of them: monitorEventLoopDelay max, and the 1 ms heartbeat's longest gap. */
  readonly file_reload_max_block_ms: number | null;
  readonly file_reload_heartbeat_max_gap_ms: number | null;
  /** Heartbeat gaps over 25 ms during the reload: how many, and their sum. */
  readonly file_reload_blocks_over_25ms: number | null;
  readonly file_reload_blocked_ms: number | null;
  /** GC pauses during the reloads: the longest, the longest mark-compact, and the sum per reload (median). */
  readonly file_reload_gc_max_ms: number | null;
  readonly file_reload_gc_major_max_ms: number | null;
  readonly file_reload_gc_total_ms: number | null;
  /** Peak RSS of that process over open + reload. */
  readonly file_peak_rss_mb: number | null;
  /** RSS / heap after a full GC of a process holding only the store opened on the files. */
  readonly store_rss_mb: number | null;
  readonly store_heap_mb: number | null;
  /** The same after the reloads (the steady state of a bot that reloads now and then). */
  readonly reloaded_rss_mb: number | null;
  readonly reloaded_heap_mb: number | null;
  /** The same process before opening the store (Node, tsx, the modules). */
  readonly modules_rss_mb: number | null;
  readonly file_reload: FileReloadResult | null;
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

  const single = size > SINGLE_BUILD_ABOVE && !options.full;
  let index: KnowledgeIndex | undefined;
  let buildMs: number | null = null;
  let reload: Awaited<ReturnType<typeof timeReload>> | undefined;
  let reloadRss = 0;
  if (single) {
    reload = await timeReload(knowledge);
    reloadRss = process.memoryUsage().rss;
    index = reload.index;
    log(
      `  ${size}: one build (buildAsync) ${reload.ms.toFixed(0)} ms, longest block ${reload.maxBlock.toFixed(0)} ms (heartbeat gap ${reload.maxGap.toFixed(0)} ms)`,
    );
  } else {
    t = performance.now();
    index = KnowledgeIndex.build(knowledge);
    buildMs = performance.now() - t;
  }
  collect();
  const mem = process.memoryUsage();
  log(
    `  ${size}: ${buildMs === null ? "" : `build ${buildMs.toFixed(0)} ms, `}heap ${(mem.heapUsed / MB).toFixed(0)} MB`,
  );

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
  let exact = 0;
  let factQuestions = 0;
  const factById = new Map(knowledge.facts.map((f) => [f.id, f]));
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
    const hit = engineHit(q, a, factById);
    if (q.expect.type === "fact") {
      const target = q.expect.factId;
      factQuestions++;
      if (a.facts.some((f) => f.id === target)) exact++;
    }
    scored++;
    k.scored++;
    if (hit) {
      hits++;
      k.hits++;
    }
    if (i < baseTop.length) {
      baseScored++;
      k.baseScored++;
      if (baselineHit(q, baseTop[i], factById)) {
        baseHits++;
        k.baseHits++;
      }
    }
  });
  const slowest = asked
    .map((q, i) => ({ ms: round(latencies[i]!, 1), kind: q.kind, question: q.text }))
    .sort((a, b) => b.ms - a.ms)
    .slice(0, 8);
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

  // /ask end to end through the fake Discord.
  let discord: DiscordEndToEndResult | undefined;
  if (size === DISCORD_E2E_SIZE && options.e2e) {
    const store = KnowledgeStore.fromIndex("knowledge", index);
    discord = await measureDiscordEndToEnd({ index, store, questions: asked, quick: options.quick });
    if (discord)
      log(
        `  ${size}: /ask end to end p50 ${discord.ask_p50_ms.toFixed(2)} ms, p99 ${discord.ask_p99_ms.toFixed(2)} ms, max ${discord.ask_max_ms.toFixed(1)} ms (${discord.questions}, ${discord.replied} replied); ${discord.concurrency} in flight p50 ${discord.concurrent_p50_ms.toFixed(2)} ms, p99 ${discord.concurrent_p99_ms.toFixed(2)} ms, ${discord.concurrent_per_s.toFixed(0)}/s`,
      );
  }

  // Signed /ask over HTTP against worker processes (after the in-process runs: they share the cores).
  let http: HttpResult | undefined;
  if (size === DISCORD_E2E_SIZE && options.http)
    http = await measureHttp({
      knowledge,
      real,
      realDir: KNOWLEDGE_DIR,
      questions: asked.map((q) => q.text),
      quick: options.quick,
      log,
    });

  // Reload beside the live index, as the bot does (done already where the one build was the reload).
  if (!reload) {
    reload = await timeReload(knowledge);
    reloadRss = process.memoryUsage().rss;
    log(
      `  ${size}: reload ${reload.ms.toFixed(0)} ms, longest block ${reload.maxBlock.toFixed(0)} ms (heartbeat gap ${reload.maxGap.toFixed(0)} ms)`,
    );
  }
  index = undefined;
  const reloaded = { ms: reload.ms, maxBlock: reload.maxBlock, maxGap: reload.maxGap };
  reload = undefined;

  // Reload from files, in a child process holding only the store.
  let files: FileReloadResult | undefined;
  if (size > 0 && size <= options.fileReloadMax) {
    log(`  ${size}: file reload: writing ${relations} relation files, open + reload in a child process…`);
    files = await measureFileReload(knowledge, {
      real,
      realDir: KNOWLEDGE_DIR,
      profile: options.cpuProfSize === size,
      blockThresholdMs: 25,
      label: String(size),
    });
    log(
      `  ${size}: files ${files.files} (${files.mb.toFixed(0)} MB, written in ${files.write_ms.toFixed(0)} ms); open ${files.load_ms.toFixed(0)} ms, store RSS ${files.store_rss_mb.toFixed(0)} MB; reload ${files.reload_ms.toFixed(0)} ms, longest block ${files.reload_max_block_ms.toFixed(0)} ms (heartbeat gap ${files.reload_heartbeat_max_gap_ms.toFixed(0)} ms)${files.same_facts && files.reload_diff_ok ? "" : " — CHECK FAILED: files do not give back the generated facts or the reload diff is wrong"}`,
    );
  }

  return {
    hot,
    result: {
      facts: knowledge.facts.length,
      relations,
      questions: questions.length,
      answer_questions: answers.length,
      baseline_questions: baseLatencies.length,
      generate_ms: round(generateMs, 1),
      build_ms: buildMs === null ? null : round(buildMs, 1),
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
      reload_ms: round(reloaded.ms, 1),
      reload_max_block_ms: round(reloaded.maxBlock, 1),
      reload_heartbeat_max_gap_ms: round(reloaded.maxGap, 1),
      reload_rss_mb: round(reloadRss / MB, 1),
      answered_share: round(answered / (asked.length || 1)),
      hit_share: round(hits / (scored || 1)),
      exact_fact_share: round(exact / (factQuestions || 1)),
      baseline_hit_share: round(baseHits / (baseScored || 1)),
      real_same_share: round(realSame / (realN || 1)),
      real_questions: realN,
      real_changed: realChanged,
      slowest,
      discord_e2e: discord ?? null,
      http: http ?? null,
      ...(discord
        ? {
            e2e_ask_p50_ms: discord.ask_p50_ms,
            e2e_ask_p99_ms: discord.ask_p99_ms,
            e2e_ask_max_ms: discord.ask_max_ms,
            e2e_ask_count: discord.questions,
          }
        : {}),
      file_count: files?.files ?? null,
      file_mb: files?.mb ?? null,
      file_write_ms: files?.write_ms ?? null,
      file_load_ms: files?.load_ms ?? null,
      file_reload_ms: files?.reload_ms ?? null,
      file_reload_max_block_ms: files?.reload_max_block_ms ?? null,
      file_reload_heartbeat_max_gap_ms: files?.reload_heartbeat_max_gap_ms ?? null,
      file_reload_blocks_over_25ms: files?.reload_blocks ?? null,
      file_reload_blocked_ms: files?.reload_blocked_ms ?? null,
      file_reload_gc_max_ms: files?.reload_gc_max_ms ?? null,
      file_reload_gc_major_max_ms: files?.reload_gc_major_max_ms ?? null,
      file_reload_gc_total_ms: files?.reload_gc_total_ms ?? null,
      file_peak_rss_mb: files?.peak_rss_mb ?? null,
      store_rss_mb: files?.store_rss_mb ?? null,
      store_heap_mb: files?.store_heap_mb ?? null,
      reloaded_rss_mb: files?.reloaded_rss_mb ?? null,
      reloaded_heap_mb: files?.reloaded_heap_mb ?? null,
      modules_rss_mb: files?.modules_rss_mb ?? null,
      file_reload: files ?? null,
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
    [
      "build ms (KnowledgeIndex.build)",
      ...r((s) => (s.build_ms === null ? "one build: = reload" : fmt(s.build_ms, 0))),
    ],
    [
      "heap MB after load (knowledge + index)",
      ...r((s) => `${fmt(s.heap_mb, 0)} (${fmt(s.knowledge_heap_mb, 0)} + ${fmt(s.index_heap_mb, 0)})`),
    ],
    [
      "RSS MB after load (bench process: no baseline yet; + earlier sizes' leftovers)",
      ...r((s) => fmt(s.rss_mb, 0)),
    ],
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
    ["full index rebuild ms (buildAsync, nothing reused)", ...r((s) => fmt(s.reload_ms, 0))],
    [
      "full rebuild longest block ms (ELD max / heartbeat gap)",
      ...r((s) => `${fmt(s.reload_max_block_ms, 0)} / ${fmt(s.reload_heartbeat_max_gap_ms, 0)}`),
    ],
    ["answered share (all questions)", ...r((s) => pct(s.answered_share))],
    [
      "hit share engine / baseline top-1 (generated)",
      ...r((s) => `${pct(s.hit_share)} / ${pct(s.baseline_hit_share)}`),
    ],
    ["engine answered with the exact source fact", ...r((s) => pct(s.exact_fact_share))],
    [
      "real AF–JP questions same as size 0",
      ...r(
        (s) =>
          `${pct(s.real_same_share)} (${Math.round(s.real_same_share * s.real_questions)}/${s.real_questions})`,
      ),
    ],
    [
      "files: count / MB / write ms",
      ...r((s) =>
        s.file_count === null ? "–" : `${s.file_count} / ${fmt(s.file_mb, 0)} / ${fmt(s.file_write_ms, 0)}`,
      ),
    ],
    [
      "file load ms (KnowledgeStore.open on the files)",
      ...sizes.map((size) => {
        const s = results.get(size)!.result;
        if (s.file_load_ms !== null) return fmt(s.file_load_ms, 0);
        return size > options.fileReloadMax && options.quick ? "skipped (--quick)" : "–";
      }),
    ],
    ["file reload ms (store.reload, one fact added; median)", ...r((s) => fmt(s.file_reload_ms, 0))],
    [
      "file reload longest block ms (ELD max / heartbeat gap)",
      ...r((s) =>
        s.file_reload_ms === null
          ? "–"
          : `${fmt(s.file_reload_max_block_ms, 0)} / ${fmt(s.file_reload_heartbeat_max_gap_ms, 0)}`,
      ),
    ],
    [
      "file reload stretches > 25 ms: count / total ms",
      ...r((s) =>
        s.file_reload_ms === null
          ? "–"
          : `${s.file_reload_blocks_over_25ms} / ${fmt(s.file_reload_blocked_ms, 0)}`,
      ),
    ],
    [
      "file reload GC pauses ms: longest / longest major / sum",
      ...r((s) =>
        s.file_reload_ms === null
          ? "–"
          : `${fmt(s.file_reload_gc_max_ms, 0)} / ${fmt(s.file_reload_gc_major_max_ms, 0)} / ${fmt(s.file_reload_gc_total_ms, 0)}`,
      ),
    ],
    [
      "store RSS / heap MB (process with only the store; modules alone)",
      ...r((s) =>
        s.store_rss_mb === null
          ? "–"
          : `${fmt(s.store_rss_mb, 0)} / ${fmt(s.store_heap_mb, 0)} (${fmt(s.modules_rss_mb, 0)})`,
      ),
    ],
    [
      "store RSS / heap MB after the reloads",
      ...r((s) =>
        s.reloaded_rss_mb === null ? "–" : `${fmt(s.reloaded_rss_mb, 0)} / ${fmt(s.reloaded_heap_mb, 0)}`,
      ),
    ],
    ["peak RSS MB of that process (open + reloads)", ...r((s) => fmt(s.file_peak_rss_mb, 0))],
    [
      "files give back the facts / reload diff = the added fact",
      ...r((s) =>
        s.file_reload === null
          ? "–"
          : `${s.file_reload.same_facts ? "yes" : "NO"} / ${s.file_reload.reload_diff_ok ? "yes" : "NO"}`,
      ),
    ],
    [
      `/ask end to end p50 / p99 / max ms (fake Discord; target ≤ ${DISCORD_E2E_TARGETS.p50_ms} / ≤ ${DISCORD_E2E_TARGETS.p99_ms})`,
      ...sizes.map((size) => {
        const e2e = results.get(size)!.result.discord_e2e;
        if (e2e)
          return `${fmt(e2e.ask_p50_ms)} / ${fmt(e2e.ask_p99_ms)} / ${fmt(e2e.ask_max_ms, 1)} (n ${e2e.questions})`;
        return size === DISCORD_E2E_SIZE ? "not measured" : "–";
      }),
    ],
    [
      "/ask end to end, 8 in flight: p50 / p99 / max ms · per s",
      ...sizes.map((size) => {
        const e2e = results.get(size)!.result.discord_e2e;
        if (!e2e) return "–";
        return `${fmt(e2e.concurrent_p50_ms)} / ${fmt(e2e.concurrent_p99_ms)} / ${fmt(e2e.concurrent_max_ms, 1)} · ${fmt(e2e.concurrent_per_s, 0)}`;
      }),
    ],
  ];
  const out = [`Kizuna bench — ${JSON.stringify(machine(options))}`, "", table(rows)];
  for (const s of sizes) {
    const h = results.get(s)!.result.http;
    if (!h) continue;
    const gateway = results.get(s)!.result.discord_e2e;
    out.push(
      "",
      `HTTP interactions at ${s.toLocaleString("en")} facts (signed /ask, autocannon, worker processes; gateway bot /ask p99 in this run: ${gateway ? fmt(gateway.ask_p99_ms) : "–"} ms):`,
      table([
        [
          "workers × offered rate",
          "requests/s",
          "p50 / p99 / max ms",
          "failed",
          "worker CPU ms/request",
          "load average",
        ],
        ...h.sustained.map((r): [string, ...string[]] => [
          `${r.workers} × ${rateLabel(r.rate_per_worker)}`,
          String(r.requests_per_s),
          `${fmt(r.p50_ms)} / ${fmt(r.p99_ms)} / ${fmt(r.max_ms, 0)}`,
          String(r.failed),
          r.worker_cpu_ms_per_request === undefined ? "–" : fmt(r.worker_cpu_ms_per_request),
          r.load_avg,
        ]),
      ]),
      `  highest rate one worker sustains with p99 < 100 ms: ${h.max_rate_p99_under_100ms}/s (steps: ${h.steps.map((x) => `${x.rate_per_worker}/s p99 ${fmt(x.p99_ms)}`).join(", ")})`,
      `  /reload with 3 workers (Redis): ${h.reload_reply ?? "not measured"}${h.reload_converged_ms === undefined ? "" : ` in ${h.reload_converged_ms} ms`}`,
      `  a chat mention through a Redis stream (XADD → XREADGROUP → XACK): ${h.stream_hop ? `p50 ${fmt(h.stream_hop.p50_ms)} / p99 ${fmt(h.stream_hop.p99_ms)} ms` : "not measured"}`,
    );
  }

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
    out.push("", `Slowest questions at ${s.toLocaleString("en")} facts:`);
    for (const q of results.get(s)!.result.slowest)
      out.push(`  ${fmt(q.ms, 1).padStart(7)} ms  ${q.kind.padEnd(12)} ${q.question}`);
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
  for (const s of sizes) {
    const files = results.get(s)!.result.file_reload;
    const p = files?.profile;
    if (!files || !p) continue;
    out.push(
      "",
      `File reload CPU profile at ${s.toLocaleString("en")} facts (${p.file}): a second reload, profiled, ${fmt(p.reload_ms, 0)} ms;`,
      `  ${p.blocks} stretches over ${p.threshold_ms} ms blocked the event loop for ${fmt(p.blocked_ms, 0)} ms in all (GC pauses: longest ${fmt(p.gc_max_ms, 0)} ms, sum ${fmt(p.gc_total_ms, 0)} ms). Longest:`,
    );
    for (const b of p.longest) out.push(`    ${fmt(b.ms, 0).padStart(6)} ms  ${b.top.join(" · ")}`);
    out.push("  during those stretches, by self time:");
    for (const f of p.by_self)
      out.push(`    ${pct(f.self_share).padStart(6)} self  ${pct(f.total_share).padStart(6)} total  ${f.fn}`);
    out.push("  by total time (src/ only):");
    for (const f of p.by_total)
      out.push(`    ${pct(f.self_share).padStart(6)} self  ${pct(f.total_share).padStart(6)} total  ${f.fn}`);
  }
  if (!gc) out.push("", "note: gc could not be exposed; heap figures include garbage.");
  return out.join("\n");
}

// ---------------------------------------------------------------------------------------
// Main

export async function runBench(options: BenchOptions): Promise<{
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
  const options = parseArgs(process.argv.slice(2).filter((a) => a !== "--no-hostile"));
  const started = performance.now();
  const { machine: m, sizes, runs } = await runBench(options);
  // The load test runs on the real knowledge through the fake Discord, after the sizes.
  const load = options.load
    ? await runLoadBenchmark({
        burst: 1000,
        users: 100,
        sustainSeconds: options.quick ? 10 : 60,
        ratePerSecond: 50,
      })
    : undefined;
  const pictures = options.pictures
    ? await runPictureBenchmark({ runs: options.quick ? 30 : 100 })
    : undefined;
  const feedback = options.feedback
    ? await runFeedbackBench({
        quick: options.quick,
        log: options.json ? (line) => process.stderr.write(`${line}\n`) : (line) => console.log(line),
      })
    : undefined;
  const restart = options.restart
    ? await runRestartBenchmark({ sizes: options.sizes, seed: options.seed })
    : undefined;
  const hostile = process.argv.includes("--no-hostile") ? undefined : await runHostileBench();
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
          ...(load ? { load } : {}),
          ...(pictures ? { pictures } : {}),
          ...(feedback ? { feedback } : {}),
          ...(restart ? { restart } : {}),
          ...(hostile ? { hostile } : {}),
          ...(Object.keys(hot).length ? { cpu_profile: hot } : {}),
        },
        null,
        2,
      ),
    );
  } else {
    console.log("");
    console.log(report(runs, options));
    if (load) {
      console.log("\nLoad (real knowledge, real bot, local fake Discord; latency = dispatch → callback):");
      for (const [key, value] of Object.entries(load)) console.log(`  ${key.padEnd(28)} ${value}`);
    }
    if (pictures) {
      console.log(
        "\nTimeline pictures (worker round trip per picture, every one painted; goal p99 ≤ 150 / 400 ms):",
      );
      for (const r of pictures)
        console.log(
          `  ${String(r.facts).padStart(3)} facts: p50 ${r.p50_ms} ms, p99 ${r.p99_ms} ms, max ${r.max_ms} ms; on the calling thread p50 ${r.inline_p50_ms} ms; longest event-loop block ${r.loop_block_ms} ms; ${r.png_kb} KB`,
        );
    }
    if (feedback) console.log(`\n${feedbackReport(feedback)}`);
    if (restart) console.log(`\n${restartReport(restart)}`);
    if (hostile) console.log(`\n${hostileReport(hostile)}`);
    console.log(`\ntotal ${totalS.toFixed(1)} s`);
  }
}

if (isMainModule(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
