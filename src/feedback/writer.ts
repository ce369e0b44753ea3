/**
 * The feedback writer: owns the database connection, queues records, writes them in
 * batches, runs the retention purge and answers report requests. It runs in a worker thread
 * (writer-worker.ts), so nothing it does — a SQLite write waiting on a lock or a slow disk,
 * a PostgreSQL server that does not answer — can hold up the bot's event loop.
 *
 * When the database fails, a batch is retried with a growing pause; a record that has
 * waited longer than `retryWindowMs` is dropped and counted. Problems are reported at most
 * once per `warnEveryMs`, with the counts since the last report, never once per record.
 */
import { openDatabase, type DatabaseTarget, type OpenDatabase } from "./database.ts";
import { purge, resolveSecret, writeRecords, type FeedbackRecord, type RetentionPolicy } from "./records.ts";
import { gapsReport, type GapsReport, type ReportOptions } from "./report.ts";

export interface WriterOptions {
  readonly target: DatabaseTarget;
  readonly secret: string | undefined;
  readonly retention: RetentionPolicy;
  /** Wait this long after a record arrives before writing, to batch more (default 200 ms). */
  readonly flushMs?: number;
  /** Records per transaction (default 500). */
  readonly batchSize?: number;
  /** Records held while the database is away; later ones are dropped (default 50 000). */
  readonly maxQueue?: number;
  /** A record not written within this long is dropped (default 60 s). */
  readonly retryWindowMs?: number;
  /** Pause after a failed write: doubles from `minMs` up to `maxMs` (default 250 ms – 5 s). */
  readonly backoffMs?: { readonly min: number; readonly max: number };
  /** Between purges (default 1 h); the first runs once the database is open. */
  readonly purgeEveryMs?: number;
  /** At most one warning per this long while the database fails (default 60 s). */
  readonly warnEveryMs?: number;
  readonly connectTimeoutMs?: number;
  readonly queryTimeoutMs?: number;
  readonly busyTimeoutMs?: number;
}

export interface WriterStats {
  /** Records handed to the writer so far (written + dropped + pending). */
  readonly received: number;
  readonly written: number;
  readonly dropped: number;
  readonly pending: number;
  /** The last attempt to reach the database succeeded (true before any attempt). */
  readonly available: boolean;
}

export type LogLevel = "info" | "warn" | "error";

export interface WriterEvents {
  log(level: LogLevel, fields: Record<string, unknown>, message: string): void;
  status(stats: WriterStats): void;
}

interface Queued {
  readonly record: FeedbackRecord;
  readonly queuedAt: number;
}

interface Connection {
  readonly open: OpenDatabase;
  readonly secret: string;
}

const CORRUPT = /^SQLITE_(?:NOTADB|CORRUPT)/;

export class FeedbackWriter {
  private readonly queue: Queued[] = [];
  private connection: Connection | undefined;
  private connecting: Promise<Connection> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private purgeTimer: NodeJS.Timeout | undefined;
  private pumping: Promise<void> | undefined;
  private failures = 0;
  private received = 0;
  private written = 0;
  private dropped = 0;
  private available = true;
  /** Warnings are rate-limited: what happened since the last one is carried into the next. */
  private lastWarnAt = Number.NEGATIVE_INFINITY;
  private droppedAtLastWarn = 0;
  private closed = false;
  private readonly o: Required<Omit<WriterOptions, "secret">> & { secret: string | undefined };

  constructor(
    options: WriterOptions,
    private readonly events: WriterEvents,
  ) {
    this.o = {
      flushMs: 200,
      batchSize: 500,
      maxQueue: 50_000,
      retryWindowMs: 60_000,
      backoffMs: { min: 250, max: 5_000 },
      purgeEveryMs: 3_600_000,
      warnEveryMs: 60_000,
      connectTimeoutMs: 5_000,
      queryTimeoutMs: 10_000,
      busyTimeoutMs: 1_000,
      ...options,
    };
  }

  /** Opens the database now (migrating it), so start-up problems show at start-up. */
  start(): void {
    void this.connect().then(
      () => this.publish(),
      (error: unknown) => {
        this.failed(error);
        this.publish();
      },
    );
  }

  /** Queues records; never throws. Past `maxQueue` the newest are dropped and counted. */
  enqueue(records: readonly FeedbackRecord[]): void {
    this.received += records.length;
    if (this.closed) {
      this.dropped += records.length;
      return;
    }
    // Waiting times are durations: the monotonic clock, so a wall-clock step drops nothing.
    const now = performance.now();
    const room = Math.max(0, this.o.maxQueue - this.queue.length);
    for (const record of records.slice(0, room)) this.queue.push({ record, queuedAt: now });
    if (records.length > room) {
      this.dropped += records.length - room;
      this.warn("feedback queue full; records dropped", {});
    }
    this.schedule(this.failures === 0 ? this.o.flushMs : undefined);
  }

  /** Writes what is queued now (one attempt per batch); resolves once done or failed. */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.pumping;
    await this.pump();
  }

  /** The report, after writing what is queued (when the database takes it), so it includes it. */
  async report(options: ReportOptions): Promise<GapsReport> {
    await this.flush();
    const { open } = await this.connect();
    return gapsReport(open.db, options);
  }

  /** Runs the retention purge now; `now` lets tests age the records. */
  async purge(now = Date.now()): Promise<{ answers: number; votes: number }> {
    await this.flush();
    const { open } = await this.connect();
    const removed = await purge(open.db, this.o.retention, now);
    if (removed.answers + removed.votes > 0)
      this.events.log("info", { ...removed }, "feedback retention purge deleted old records");
    return removed;
  }

  stats(): WriterStats {
    return {
      received: this.received,
      written: this.written,
      dropped: this.dropped,
      pending: this.queue.length,
      available: this.available,
    };
  }

  /** Writes what it can (one attempt), then closes the connection. */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.flush().catch(() => undefined);
    this.closed = true;
    clearTimeout(this.timer);
    clearInterval(this.purgeTimer);
    this.dropped += this.queue.splice(0).length;
    this.publish();
    const connection = this.connection ?? (await this.connecting?.catch(() => undefined));
    this.connection = undefined;
    await connection?.open.close();
  }

  private schedule(delay: number | undefined): void {
    if (this.closed || this.timer || this.queue.length === 0) return;
    const wait = delay ?? this.backoff();
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.pump();
    }, wait);
  }

  private backoff(): number {
    return Math.min(this.o.backoffMs.max, this.o.backoffMs.min * 2 ** Math.max(0, this.failures - 1));
  }

  /** Writes batches until the queue is empty or a write fails. One pump at a time. */
  private pump(): Promise<void> {
    if (this.pumping) return this.pumping;
    // writeQueued handles the database's failures; anything else is a bug, logged, never thrown.
    const run = this.writeQueued().catch((error: unknown) =>
      this.warn("feedback writer failed", { err: error }),
    );
    this.pumping = run;
    // Cleared after the run whether it ended on this turn or later (an empty queue ends at once).
    void run.finally(() => {
      if (this.pumping === run) this.pumping = undefined;
      this.publish();
    });
    return run;
  }

  private async writeQueued(): Promise<void> {
    while (this.queue.length > 0 && !this.closed) {
      const batch = this.queue.slice(0, this.o.batchSize);
      try {
        const { open, secret } = await this.connect();
        await writeRecords(
          open.db,
          batch.map((q) => q.record),
          secret,
        );
      } catch (error) {
        await this.failed(error);
        this.expire();
        this.schedule(undefined);
        return;
      }
      // Only the pump removes from the front, so the batch is still there.
      this.queue.splice(0, batch.length);
      this.written += batch.length;
      this.recovered();
    }
  }

  /** Drops the records that have waited longer than the retry window. */
  private expire(): void {
    const limit = performance.now() - this.o.retryWindowMs;
    let n = 0;
    while (n < this.queue.length && this.queue[n]!.queuedAt < limit) n++;
    if (n === 0) return;
    this.queue.splice(0, n);
    this.dropped += n;
  }

  private connect(): Promise<Connection> {
    if (this.connection) return Promise.resolve(this.connection);
    if (this.connecting) return this.connecting;
    const attempt = this.open();
    this.connecting = attempt;
    void attempt.then(
      () => (this.connecting = this.connecting === attempt ? undefined : this.connecting),
      () => (this.connecting = this.connecting === attempt ? undefined : this.connecting),
    );
    return attempt;
  }

  private async open(): Promise<Connection> {
    const open = await openDatabase(this.o.target, {
      connectTimeoutMs: this.o.connectTimeoutMs,
      queryTimeoutMs: this.o.queryTimeoutMs,
      busyTimeoutMs: this.o.busyTimeoutMs,
      onCorrupt: ({ file, movedTo, reason }) =>
        this.events.log(
          "error",
          { file, movedTo, reason },
          "feedback database file is damaged: moved it aside and started a fresh one",
        ),
    });
    let secret: string;
    try {
      secret = await resolveSecret(open.db, this.o.secret);
    } catch (error) {
      await open.close();
      throw error;
    }
    if (this.closed) {
      await open.close();
      throw new Error("the feedback writer is closed");
    }
    this.connection = { open, secret };
    this.startPurging();
    return this.connection;
  }

  private startPurging(): void {
    if (this.purgeTimer) return;
    const run = () =>
      void this.purge().catch((error: unknown) =>
        this.warn("feedback retention purge failed", { err: error }),
      );
    run();
    this.purgeTimer = setInterval(run, this.o.purgeEveryMs);
    this.purgeTimer.unref();
  }

  private async failed(error: unknown): Promise<void> {
    this.failures++;
    this.available = false;
    this.warn("feedback database unavailable; records wait, then are dropped", { err: error });
    // A PostgreSQL pool may hold connections the server has closed, and a damaged SQLite
    // file must be reopened (and moved aside): start again from a fresh connection. A SQLite
    // lock or a full disk passes by itself; reopening would only redo the checks.
    const code = (error as { code?: unknown } | undefined)?.code;
    const reopen = this.o.target.kind === "postgres" || (typeof code === "string" && CORRUPT.test(code));
    if (reopen && this.connection) {
      const { open } = this.connection;
      this.connection = undefined;
      await open.close();
    }
  }

  private recovered(): void {
    if (this.failures === 0) return;
    this.failures = 0;
    this.available = true;
    this.events.log(
      "info",
      { written: this.written, dropped: this.dropped, pending: this.queue.length },
      "feedback database reachable again; recording resumed",
    );
  }

  /** At most one warning per `warnEveryMs`, carrying the drops since the previous one. */
  private warn(message: string, fields: Record<string, unknown>): void {
    const now = performance.now();
    if (now - this.lastWarnAt < this.o.warnEveryMs) return;
    this.lastWarnAt = now;
    this.events.log(
      "warn",
      {
        ...fields,
        target: this.o.target.kind,
        pending: this.queue.length,
        droppedSinceLastWarning: this.dropped - this.droppedAtLastWarn,
        dropped: this.dropped,
      },
      message,
    );
    this.droppedAtLastWarn = this.dropped;
  }

  private publish(): void {
    this.events.status(this.stats());
  }
}
