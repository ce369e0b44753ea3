/**
 * The main thread's side of feedback: turns answers and votes into records and hands them
 * to the writer thread (writer.ts), which owns the database. Nothing here waits for the
 * database, and nothing here throws into an answer: recording costs an answer a few
 * microseconds (an id and an object), and the question's analysis for grouping runs on a
 * later turn of the event loop, after the reply is on its way.
 *
 * A writer thread that dies is started again after a pause; records meanwhile are dropped
 * and counted.
 */
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { Worker } from "node:worker_threads";
import type { Config, RecordQuestions } from "../config.ts";
import type { Answer } from "../engine/types.ts";
import type { KnowledgeIndex } from "../index/knowledge-index.ts";
import type { Actor } from "../interactions/command.ts";
import type { Logger } from "../logger.ts";
import { fold, sanitize } from "../text/normalize.ts";
import { databaseTarget, describeTarget, type DatabaseTarget } from "./target.ts";
import { analyzeQuestion, summarizeAnswer } from "./question-key.ts";
import type { AnswerRecord, FeedbackRecord } from "./records.ts";
import type { GapsReport, ReportOptions } from "./report.ts";
import { ANSWER_ID, MAX_COMMENT, type Feedback, type FeedbackHealth } from "./types.ts";
import type { FromWriter, ToWriter } from "./writer-worker.ts";
import type { WriterOptions, WriterStats } from "./writer.ts";
import { workerEntry } from "../ops/worker-entry.ts";

const ENTRY = workerEntry(import.meta.url, "writer-worker");

/** An answer kept only so it can be voted on is deleted this long after it was given. */
export const VOTE_WINDOW_MS = 24 * 3_600_000;

export interface RecorderOptions {
  readonly mode: RecordQuestions;
  readonly target: DatabaseTarget;
  readonly secret: string | undefined;
  readonly retentionDays: number;
  readonly log: Logger;
  /** Writer settings on top of the defaults (tests shorten the retry window). */
  readonly writer?: Partial<Omit<WriterOptions, "target" | "secret" | "retention">>;
  /** The writer thread's entry (tests swap in one that dies). */
  readonly entry?: URL;
  /** A report or flush not answered within this long fails (default 10 s). */
  readonly requestTimeoutMs?: number;
  /** Pause before a dead writer thread is started again (default 5 s). */
  readonly restartMs?: number;
}

/** An answer waiting for its question's analysis, done after the reply has gone out. */
interface Unanalyzed {
  readonly record: AnswerRecord;
  readonly index: KnowledgeIndex;
}

interface Request {
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

export class FeedbackRecorder implements Feedback {
  readonly votes: boolean;
  private worker: Worker | undefined;
  private outbox: Array<FeedbackRecord | Unanalyzed> = [];
  private flushing: NodeJS.Immediate | undefined;
  private readonly requests = new Map<number, Request>();
  private ids = 0;
  /** The running writer's last report (each thread counts from zero). */
  private stats: WriterStats = { received: 0, written: 0, dropped: 0, pending: 0, available: true };
  /** Records handed to the running thread. */
  private posted = 0;
  /** Counts of threads that have stopped, and records lost here or with a thread that died. */
  private past = { written: 0, dropped: 0 };
  private lost = 0;
  private lastLostWarning = Number.NEGATIVE_INFINITY;
  private restartTimer: NodeJS.Timeout | undefined;
  private closing = false;
  private readonly log: Logger;

  private constructor(private readonly o: RecorderOptions) {
    this.votes = o.mode !== "off";
    this.log = o.log.child({ module: "feedback" });
  }

  /**
   * Starts recording. With RECORD_QUESTIONS=off nothing is recorded, and the database is
   * opened only if it already exists — to go on deleting what retention says must go.
   */
  static start(options: RecorderOptions): FeedbackRecorder {
    const recorder = new FeedbackRecorder(options);
    const exists = options.target.kind === "postgres" || existsSync(options.target.file);
    recorder.log.info(
      {
        recording: options.mode,
        database: describeTarget(options.target),
        retentionDays: options.retentionDays,
      },
      options.mode === "off" ? "recording is off" : "recording feedback",
    );
    if (options.mode !== "off" || exists) recorder.spawn();
    return recorder;
  }

  /** Starts recording as the configuration says. */
  static fromConfig(
    config: Config,
    log: Logger,
    extra: Partial<Pick<RecorderOptions, "writer" | "entry" | "requestTimeoutMs" | "restartMs">> = {},
  ): FeedbackRecorder {
    return FeedbackRecorder.start({
      ...extra,
      mode: config.recordQuestions,
      target: databaseTarget(config),
      secret: config.feedbackSecret,
      retentionDays: config.questionLogDays,
      log,
    });
  }

  answered(answer: Answer, index: KnowledgeIndex, actor: Actor): string | undefined {
    if (!this.votes) return undefined;
    try {
      const id = randomBytes(8).toString("base64url");
      const summary = summarizeAnswer(answer);
      // "Ask me about relations" answers nothing anybody would rate.
      if (!summary.worthRecording) return undefined;
      const logged = this.o.mode === "all" || summary.unanswered;
      const record: AnswerRecord = {
        kind: "answer",
        id,
        at: Date.now(),
        guildId: actor.guildId,
        userId: actor.id,
        question: cut(sanitize(String(answer.question)), 1_000),
        answered: summary.answered,
        outcome: summary.outcome,
        factIds: summary.factIds,
        version: summary.version,
        countries: summary.countries,
        period: summary.period,
        groupKey: null,
        logged,
      };
      // Grouping is for the questions the bot could not answer (what /gaps lists): only those
      // are analysed — a third of an answer's time, on a later turn of the event loop.
      this.send(summary.unanswered ? { record, index } : record);
      return id;
    } catch (error) {
      this.log.error({ err: error }, "could not record an answer");
      return undefined;
    }
  }

  vote(vote: { answerId: string; actor: Actor; up: boolean; comment?: string | null }): void {
    if (!this.votes || !ANSWER_ID.test(vote.answerId)) return;
    const comment = vote.up ? "" : cut(sanitize(String(vote.comment ?? "")), MAX_COMMENT);
    this.send({
      kind: "vote",
      answerId: vote.answerId,
      at: Date.now(),
      guildId: vote.actor.guildId,
      userId: vote.actor.id,
      value: vote.up ? 1 : -1,
      comment: comment || null,
    });
  }

  async report(days: number, guildId: string | null | undefined): Promise<GapsReport> {
    const options: ReportOptions = { days, guildId, limit: 10 };
    // Off, and no database from before: there is nothing to report, which is no failure.
    if (this.o.mode === "off" && !this.worker) return { unanswered: [], disliked: [] };
    this.drain();
    return (await this.request({ type: "report", id: 0, options })) as GapsReport;
  }

  health(): FeedbackHealth {
    return {
      recording: this.o.mode,
      retentionDays: this.o.retentionDays,
      available: this.stats.available && this.worker !== undefined,
      dropped: this.counts().dropped,
    };
  }

  /** Records written, dropped (by a writer, or lost with one that died) and pending, since start. */
  counts(): { written: number; dropped: number; pending: number } {
    return {
      written: this.past.written + this.stats.written,
      dropped: this.past.dropped + this.stats.dropped + this.lost,
      pending: this.stats.pending,
    };
  }

  /** Hands over what is queued here and waits until the writer has tried to write it. */
  async flush(): Promise<void> {
    this.drain();
    await this.request({ type: "flush", id: 0 });
  }

  /** Runs the retention purge now (as of `now`). */
  async purge(now?: number): Promise<{ answers: number; votes: number }> {
    this.drain();
    return (await this.request({ type: "purge", id: 0, ...(now === undefined ? {} : { now }) })) as {
      answers: number;
      votes: number;
    };
  }

  /** Writes what it can within a few seconds, then stops the writer thread. Idempotent. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.drain();
    this.closing = true;
    clearTimeout(this.restartTimer);
    const worker = this.worker;
    if (!worker) return;
    await this.request({ type: "close", id: 0 }, 5_000).catch((error: unknown) =>
      this.log.warn({ err: error }, "feedback writer did not close in time"),
    );
    this.worker = undefined;
    await worker.terminate();
  }

  private send(item: FeedbackRecord | Unanalyzed): void {
    this.outbox.push(item);
    this.flushing ??= setImmediate(() => this.drain());
  }

  /** Analyses the questions queued since the last turn and posts everything to the writer. */
  private drain(): void {
    if (this.flushing) clearImmediate(this.flushing);
    this.flushing = undefined;
    const items = this.outbox;
    if (items.length === 0) return;
    this.outbox = [];
    const records = items.map((item) => ("kind" in item ? item : analyzed(item)));
    const worker = this.worker;
    if (!worker || this.closing) {
      this.lose(records.length);
      return;
    }
    try {
      worker.postMessage({ type: "records", records } satisfies ToWriter);
      this.posted += records.length;
    } catch (error) {
      this.log.error({ err: error }, "could not hand records to the feedback writer");
      this.lose(records.length);
    }
  }

  private lose(n: number): void {
    this.lost += n;
    const now = performance.now();
    if (now - this.lastLostWarning < 60_000) return;
    this.lastLostWarning = now;
    this.log.warn({ dropped: this.lost }, "feedback writer not running; records dropped");
  }

  private request(message: ToWriter, timeoutMs = this.o.requestTimeoutMs ?? 10_000): Promise<unknown> {
    const worker = this.worker;
    if (!worker || (this.closing && message.type !== "close"))
      return Promise.reject(new Error("the feedback writer is not running"));
    const id = ++this.ids;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.requests.delete(id);
        reject(new Error(`the feedback writer did not answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.requests.set(id, { resolve, reject, timer });
      worker.postMessage({ ...message, id });
    });
  }

  private spawn(): void {
    const retention = { days: this.o.retentionDays, voteWindowMs: VOTE_WINDOW_MS };
    const options: WriterOptions = {
      ...this.o.writer,
      target: this.o.target,
      secret: this.o.secret,
      retention,
    };
    let worker: Worker;
    try {
      worker = new Worker(this.o.entry ?? ENTRY, { workerData: options });
    } catch (error) {
      this.log.error({ err: error }, "could not start the feedback writer");
      this.restartLater();
      return;
    }
    // The writer never keeps the process alive: stopping is close()'s job, or the process's.
    worker.unref();
    this.worker = worker;
    this.posted = 0;
    this.stats = { received: 0, written: 0, dropped: 0, pending: 0, available: true };
    worker.on("message", (message: FromWriter) => this.received(message));
    worker.on("error", (error) => this.log.error({ err: error }, "the feedback writer failed"));
    worker.on("exit", (code) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      // What the thread held, or had not even taken yet, is gone with it.
      this.past = {
        written: this.past.written + this.stats.written,
        dropped:
          this.past.dropped + this.stats.dropped + (this.posted - this.stats.written - this.stats.dropped),
      };
      this.posted = 0;
      this.stats = { received: 0, written: 0, dropped: 0, pending: 0, available: false };
      for (const [id, request] of this.requests) {
        clearTimeout(request.timer);
        request.reject(new Error("the feedback writer stopped"));
        this.requests.delete(id);
      }
      if (this.closing) return;
      this.log.error({ code }, "the feedback writer stopped; starting it again shortly");
      this.restartLater();
    });
  }

  private restartLater(): void {
    if (this.closing) return;
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      if (!this.closing && !this.worker) this.spawn();
    }, this.o.restartMs ?? 5_000);
    this.restartTimer.unref();
  }

  private received(message: FromWriter): void {
    switch (message.type) {
      case "status":
        this.stats = message.stats;
        break;
      case "log":
        this.log[message.level](message.fields, message.message);
        break;
      case "done": {
        const request = this.requests.get(message.id);
        if (!request) return;
        this.requests.delete(message.id);
        clearTimeout(request.timer);
        if (message.error !== undefined) request.reject(new Error(message.error));
        else request.resolve(message.result);
      }
    }
  }
}

/** The first `max` UTF-16 units, never half of a surrogate pair (an emoji cut in two). */
function cut(text: string, max: number): string {
  const head = text.slice(0, max);
  return /[\ud800-\udbff]$/.test(head) ? head.slice(0, -1) : head;
}

/** Fills in the engine's analysis; a question it cannot analyse is grouped by its own words. */
function analyzed({ record, index }: Unanalyzed): AnswerRecord {
  try {
    const analysis = analyzeQuestion(index, record.question);
    // The engine's own period wins: it has resolved "after the Fall of Kabul" to dates.
    return {
      ...record,
      countries: analysis.countries,
      period: record.period ?? analysis.period,
      groupKey: analysis.key,
    };
  } catch {
    return { ...record, groupKey: `text:${fold(record.question).slice(0, 300)}` };
  }
}
