/**
 * What recording feedback costs, and what the databases absorb (`npm run bench`, or alone:
 * `node --import tsx test/bench/feedback.ts [--quick] [--json]`).
 *
 *  - /ask end to end through the local fake Discord at 10 000 facts (discord-e2e.ts), with
 *    recording off and on (RECORD_QUESTIONS=all: every answer written and its question
 *    analysed, the most work recording can do), in alternating rounds so that a busy machine
 *    weighs on both alike; p50 / p99 per round and their medians;
 *  - sustained writes: records (answers with a fact, and votes) written by the feedback
 *    writer as fast as the database takes them, in batches of 500, into a SQLite file and
 *    into a PostgreSQL database of the bench's own (127.0.0.1:5432, dropped afterwards).
 */
import { mkdtemp, rm } from "node:fs/promises";
import os, { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { pino } from "pino";
import { answerQuestion } from "../../src/engine/engine.ts";
import { analyzeQuestion, summarizeAnswer } from "../../src/feedback/question-key.ts";
import { FeedbackRecorder } from "../../src/feedback/recorder.ts";
import { answerReply } from "../../src/replies/messages.ts";
import type { DatabaseTarget } from "../../src/feedback/database.ts";
import type { FeedbackRecord } from "../../src/feedback/records.ts";
import { FeedbackWriter } from "../../src/feedback/writer.ts";
import { KnowledgeIndex } from "../../src/index/knowledge-index.ts";
import { KnowledgeStore } from "../../src/store/knowledge-store.ts";
import { createTestDatabase } from "../support/postgres.ts";
import { measureDiscordEndToEnd } from "./discord-e2e.ts";
import { benchCountries, generateKnowledge, generateQuestions, loadRealKnowledge } from "./generate.ts";
import { isMainModule } from "./runtime.ts";

export interface FeedbackBenchResult {
  readonly facts: number;
  readonly rounds: number;
  /** Per round, sequential /ask dispatch → callback. */
  readonly off_p50_ms: readonly number[];
  readonly off_p99_ms: readonly number[];
  readonly on_p50_ms: readonly number[];
  readonly on_p99_ms: readonly number[];
  /** With 8 in flight. */
  readonly off_concurrent_p99_ms: readonly number[];
  readonly on_concurrent_p99_ms: readonly number[];
  /**
   * The main thread's work per answer, µs (p50 / p99 over the questions): the answer itself
   * (engine + reply), and what recording adds to it (the record, and the question's analysis
   * for grouping that runs on a later turn, for the unanswered only), with RECORD_QUESTIONS=all.
   */
  readonly answer_us: readonly [number, number];
  readonly recording_us: readonly [number, number];
  /** Records the "on" rounds wrote, and dropped. */
  readonly on_written: number;
  readonly on_dropped: number;
  /** Records per second the writer got into each database, and how many it wrote. */
  readonly sqlite_writes_per_s: number;
  readonly postgres_writes_per_s: number | null;
  readonly write_records: number;
  readonly load_before: readonly number[];
  readonly load_after: readonly number[];
}

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)]! : Number.NaN;
};

/** Answers (each with a fact, logged) and votes, as the bot would queue them. */
function records(count: number): FeedbackRecord[] {
  const out: FeedbackRecord[] = [];
  const now = Date.now();
  for (let i = 0; out.length < count; i++) {
    const id = `b${i.toString(36).padStart(10, "0")}`;
    out.push({
      kind: "answer",
      id,
      at: now - (i % 1000) * 60_000,
      guildId: "111111111111111111",
      userId: `${100000000000000000 + (i % 5000)}`,
      question: `Who won the ${1900 + (i % 120)} World Cup, question ${i}?`,
      answered: i % 3 !== 0,
      outcome: i % 3 === 0 ? "unknown" : "fact",
      factIds: i % 3 === 0 ? [] : [`fact-${i % 10_000}`],
      version: "bench",
      countries: ["BR", "JP"],
      period: String(1900 + (i % 120)),
      groupKey: `cup win world||${1900 + (i % 120)}`,
      logged: true,
    });
    if (i % 4 === 0 && out.length < count)
      out.push({
        kind: "vote",
        answerId: id,
        at: now,
        guildId: "111111111111111111",
        userId: `${200000000000000000 + i}`,
        value: i % 8 === 0 ? -1 : 1,
        comment: i % 8 === 0 ? "the date is wrong" : null,
      });
  }
  return out;
}

/** Records per second the writer gets into `target`, batches of 500, after one warm batch. */
async function writesPerSecond(target: DatabaseTarget, count: number): Promise<number> {
  const writer = new FeedbackWriter(
    {
      target,
      secret: "the bench's secret value",
      retention: { days: 90, voteWindowMs: 86_400_000 },
      flushMs: 60_000,
      maxQueue: count + 1_000,
      purgeEveryMs: 86_400_000,
    },
    { log: () => undefined, status: () => undefined },
  );
  try {
    writer.enqueue(
      records(500).map((r) =>
        r.kind === "answer" ? { ...r, id: `w${r.id}` } : { ...r, answerId: `w${r.answerId}` },
      ),
    );
    await writer.flush();
    const all = records(count);
    const started = performance.now();
    writer.enqueue(all);
    while (writer.stats().pending > 0) await writer.flush();
    const s = (performance.now() - started) / 1000;
    if (writer.stats().dropped > 0)
      throw new Error(`bench: the writer dropped ${writer.stats().dropped} records`);
    return Math.round(all.length / s);
  } finally {
    await writer.close();
  }
}

export async function runFeedbackBench(
  options: { quick?: boolean; log?: (line: string) => void } = {},
): Promise<FeedbackBenchResult> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const loadBefore = os.loadavg();
  const rounds = options.quick ? 2 : 4;
  const count = options.quick ? 200 : 500;
  const size = 10_000;
  const real = await loadRealKnowledge();
  const bench = generateKnowledge(size, {
    real,
    countries: benchCountries(120, "kizuna-bench"),
    seed: "kizuna-bench",
  });
  const questions = generateQuestions(bench, 1_000, "kizuna-bench");
  const index = KnowledgeIndex.build(bench.knowledge);
  const store = KnowledgeStore.fromIndex("bench", index);
  log(
    `feedback bench: ${index.facts.length} facts, ${questions.length} questions, ${rounds} rounds of ${count} /ask`,
  );

  const dir = await mkdtemp(join(tmpdir(), "kizuna-bench-feedback-"));
  const off = { p50: [] as number[], p99: [] as number[], c99: [] as number[] };
  const on = { p50: [] as number[], p99: [] as number[], c99: [] as number[] };
  let written = 0;
  let dropped = 0;
  try {
    const recordingOff = async () => {
      const r = await measureDiscordEndToEnd({ index, store, questions, quick: true }, count, 8);
      off.p50.push(r.ask_p50_ms);
      off.p99.push(r.ask_p99_ms);
      off.c99.push(r.concurrent_p99_ms);
      return r;
    };
    const recordingOn = async (round: number) => {
      const recorder = FeedbackRecorder.start({
        mode: "all",
        target: { kind: "sqlite", file: join(dir, `round-${round}.sqlite`) },
        secret: "the bench's secret value",
        retentionDays: 90,
        log: pino({ level: "silent" }),
      });
      await recorder.flush(); // the writer's thread is up and its database open before timing
      const r = await measureDiscordEndToEnd(
        { index, store, questions, quick: true, feedback: recorder },
        count,
        8,
      );
      await recorder.flush();
      written += recorder.counts().written;
      dropped += recorder.counts().dropped;
      await recorder.close();
      on.p50.push(r.ask_p50_ms);
      on.p99.push(r.ask_p99_ms);
      on.c99.push(r.concurrent_p99_ms);
      return r;
    };
    for (let round = 0; round < rounds; round++) {
      // Alternating which goes first: the first run of a pair met a colder process in trials.
      const [a, b] = round % 2 === 0 ? ["off", "on"] : ["on", "off"];
      const first = a === "off" ? await recordingOff() : await recordingOn(round);
      const second = b === "off" ? await recordingOff() : await recordingOn(round);
      const [plain, recorded] = a === "off" ? [first, second] : [second, first];
      log(
        `  round ${round + 1} (${a} first): off p50/p99 ${plain.ask_p50_ms}/${plain.ask_p99_ms} ms, on ${recorded.ask_p50_ms}/${recorded.ask_p99_ms} ms`,
      );
    }
    // The main thread's share, without sockets and other processes in the figures.
    const cost = { answer: [] as number[], recording: [] as number[] };
    const costRecorder = FeedbackRecorder.start({
      mode: "all",
      target: { kind: "sqlite", file: join(dir, "cost.sqlite") },
      secret: "the bench's secret value",
      retentionDays: 90,
      log: pino({ level: "silent" }),
    });
    const actor = {
      id: "111111111111111111",
      name: "b",
      isAdmin: false,
      guildId: "222222222222222222",
      locale: "en-US",
    };
    for (let pass = 0; pass < 2; pass++)
      for (const q of questions) {
        let t = performance.now();
        const answer = answerQuestion(index, q.text);
        answerReply(answer, index.knowledge.relations);
        const answerMs = performance.now() - t;
        t = performance.now();
        costRecorder.answered(answer, index, actor);
        // What the recorder does on its next turn: the analysis, for the unanswered only.
        if (summarizeAnswer(answer).unanswered) analyzeQuestion(index, q.text);
        const recordingMs = performance.now() - t;
        if (pass === 1) {
          cost.answer.push(answerMs * 1000);
          cost.recording.push(recordingMs * 1000);
        }
      }
    await costRecorder.close();
    const pct = (xs: number[], p: number) => {
      const sorted = [...xs].sort((a, b) => a - b);
      return Math.round(sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!);
    };
    const answerUs = [pct(cost.answer, 0.5), pct(cost.answer, 0.99)] as const;
    const recordingUs = [pct(cost.recording, 0.5), pct(cost.recording, 0.99)] as const;
    log(
      `  main thread per answer: answer ${answerUs.join(" / ")} µs, recording adds ${recordingUs.join(" / ")} µs`,
    );

    const writeCount = options.quick ? 10_000 : 50_000;
    const sqlite = await writesPerSecond({ kind: "sqlite", file: join(dir, "writes.sqlite") }, writeCount);
    log(`  SQLite: ${sqlite} records/s`);
    let postgres: number | null = null;
    const database = await createTestDatabase().catch((error: unknown) => {
      log(`  PostgreSQL not measured: ${(error as Error).message}`);
      return undefined;
    });
    if (database)
      try {
        postgres = await writesPerSecond({ kind: "postgres", url: database.url }, writeCount);
        log(`  PostgreSQL: ${postgres} records/s`);
      } finally {
        await database.drop();
      }
    return {
      facts: index.facts.length,
      rounds,
      off_p50_ms: off.p50,
      off_p99_ms: off.p99,
      on_p50_ms: on.p50,
      on_p99_ms: on.p99,
      off_concurrent_p99_ms: off.c99,
      on_concurrent_p99_ms: on.c99,
      answer_us: answerUs,
      recording_us: recordingUs,
      on_written: written,
      on_dropped: dropped,
      sqlite_writes_per_s: sqlite,
      postgres_writes_per_s: postgres,
      write_records: writeCount,
      load_before: loadBefore.map((l) => Number(l.toFixed(2))),
      load_after: os.loadavg().map((l) => Number(l.toFixed(2))),
    };
  } finally {
    store.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/** One line per figure, for the console. */
export function feedbackReport(r: FeedbackBenchResult): string {
  return [
    `Feedback (${r.facts} facts, ${r.rounds} rounds; /ask dispatch → callback through the local fake Discord):`,
    `  recording off  p50 ${median(r.off_p50_ms)} ms  p99 ${median(r.off_p99_ms)} ms  (8 in flight: p99 ${median(r.off_concurrent_p99_ms)} ms)`,
    `  recording all  p50 ${median(r.on_p50_ms)} ms  p99 ${median(r.on_p99_ms)} ms  (8 in flight: p99 ${median(r.on_concurrent_p99_ms)} ms)`,
    `  main thread per answer (p50 / p99): the answer ${r.answer_us.join(" / ")} µs; recording adds ${r.recording_us.join(" / ")} µs`,
    `  per round p99 off ${r.off_p99_ms.join(" / ")}  on ${r.on_p99_ms.join(" / ")}; ${r.on_written} records written, ${r.on_dropped} dropped`,
    `  sustained writes: SQLite ${r.sqlite_writes_per_s}/s, PostgreSQL ${r.postgres_writes_per_s ?? "–"}/s (${r.write_records} records, batches of 500)`,
    `  load average before ${r.load_before.join(" ")}, after ${r.load_after.join(" ")}`,
  ].join("\n");
}

if (isMainModule(import.meta.url)) {
  const args = process.argv.slice(2);
  runFeedbackBench({ quick: args.includes("--quick") }).then(
    (r) => console.log(args.includes("--json") ? JSON.stringify(r, null, 2) : feedbackReport(r)),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
