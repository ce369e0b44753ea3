/**
 * Worker threads that read knowledge files (read-worker.ts) for the loader, so that no
 * file's parse blocks the event loop: YAML's cost goes by shape, not size (a crafted file
 * of 30 KB can take over a second), and a parse cannot be cut in slices.
 * The store keeps one pool for its life (a worker's start, ~250 ms, is paid once) and the
 * worker waits unreferenced, so it never keeps a process alive.
 *
 * A worker is a fence, too: its heap is limited and each file has a time limit. A file that
 * goes over either has its worker stopped and is reported as a problem of that file; the
 * next file gets a new worker. Nothing of such a file is ever read on the main thread.
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { FileReadResult, ParsedFile } from "./read-file.ts";
import type { ReadRequest } from "./read-worker.ts";
import { workerEntry } from "../ops/worker-entry.ts";
import type { Fact } from "./types.ts";

const ENTRY = workerEntry(import.meta.url, "read-worker");

export interface ReadPoolOptions {
  /**
   * Start the worker at the first read instead of now: a warm start from the knowledge cache
   * reads nothing, and its worker's start would compete with the first answer for a core.
   */
  readonly lazy?: boolean;
  readonly size?: number;
  /** The worker's entry module (tests swap in one that fails). */
  readonly entry?: URL;
  /** A worker's heap limit (V8's old generation), MB: a parse that needs more stops its worker, not the bot. */
  readonly maxOldGenerationSizeMb?: number;
  /** How long reading one file of `bytes` may take, ms. */
  readonly timeLimitMs?: (bytes: number) => number;
}

/** A worker's heap limit: the largest real file (5 MB, ~17 000 facts) needs well under 200 MB. */
export const READ_WORKER_HEAP_MB = 384;

/** 10 s, plus 15 s per MB: a 5 MB file of real facts takes ~3 s on a busy machine. */
export function readTimeLimitMs(bytes: number): number {
  return 10_000 + (15_000 * bytes) / (1024 * 1024);
}

interface Job {
  readonly request: ReadRequest;
  readonly bytes: number;
  readonly resolve: (result: FileReadResult) => void;
}

/** One worker and the file it is reading. */
interface Slot {
  worker: Worker | undefined;
  job: { readonly job: Job; timer: NodeJS.Timeout; partial?: FileReadResult & { file: ParsedFile } } | undefined;
}

type Reply =
  /** `facts`: the file's facts follow in parts (asked for with a MoreRequest). */
  | { id: number; result: FileReadResult; facts?: number }
  | { id: number; facts: Fact[]; done: boolean }
  | { id: number; error: string }
  | { ready: true };

export class ReadPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private readonly entry: URL;
  private readonly heapMb: number;
  private readonly timeLimit: (bytes: number) => number;
  private ids = 0;
  private closed = false;

  constructor(options: ReadPoolOptions = {}) {
    this.entry = options.entry ?? ENTRY;
    this.heapMb = options.maxOldGenerationSizeMb ?? READ_WORKER_HEAP_MB;
    this.timeLimit = options.timeLimitMs ?? readTimeLimitMs;
    const size = Math.max(1, Math.min(options.size ?? 1, availableParallelism()));
    for (let i = 0; i < size; i++) {
      const slot: Slot = { worker: undefined, job: undefined };
      this.slots.push(slot);
      if (!options.lazy) slot.worker = this.spawn(slot);
    }
  }

  /**
   * Reads one file in a worker: its result, or — if the worker ran out of memory, out of
   * time or died — a problem of that file. `bytes` (the file's size) sets its time limit.
   */
  read(path: string, root: string, shown: string, bytes = 0): Promise<FileReadResult> {
    return new Promise((resolve) => {
      if (this.closed) return resolve(refused(shown, "was not read: the knowledge store is closing"));
      this.queue.push({ request: { id: ++this.ids, path, root, shown }, bytes, resolve });
      this.next();
    });
  }

  /** Stops the workers; files still waiting are reported as not read. */
  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.resolve(refused(job.request.shown, "was not read: the knowledge store is closing"));
    const workers: Worker[] = [];
    for (const slot of this.slots) {
      if (slot.job) this.finish(slot, refused(slot.job.job.request.shown, "was not read: the knowledge store is closing"));
      if (slot.worker) workers.push(slot.worker);
      slot.worker = undefined;
    }
    await Promise.all(workers.map((w) => w.terminate()));
  }

  private next(): void {
    for (const slot of this.slots) {
      if (slot.job || this.closed) continue;
      const job = this.queue.shift();
      if (!job) return;
      const worker = (slot.worker ??= this.spawn(slot));
      slot.job = { job, timer: this.timer(slot, job) };
      worker.ref();
      worker.postMessage(job.request);
    }
  }

  /** The file's time limit, from now: started again once a new worker is ready. */
  private timer(slot: Slot, job: Job): NodeJS.Timeout {
    const limit = this.timeLimit(job.bytes);
    return setTimeout(() => {
      this.stop(slot);
      const took = limit >= 1000 ? `${Math.round(limit / 1000)} s` : `${Math.round(limit)} ms`;
      this.finish(slot, refused(job.request.shown, `took longer than ${took} to read and check; refused (its reader was stopped)`));
    }, limit);
  }

  /** Ends the slot's current file with `result`, and goes on with the next. */
  private finish(slot: Slot, result: FileReadResult): void {
    const current = slot.job;
    if (!current) return;
    clearTimeout(current.timer);
    slot.job = undefined;
    current.job.resolve(result);
    slot.worker?.unref();
    this.next();
  }

  /** Stops the slot's worker; the next file starts a new one. */
  private stop(slot: Slot): void {
    const worker = slot.worker;
    slot.worker = undefined;
    if (worker) void worker.terminate();
  }

  private spawn(slot: Slot): Worker {
    const worker = new Worker(this.entry, { resourceLimits: { maxOldGenerationSizeMb: this.heapMb } });
    worker.on("message", (reply: Reply) => {
      if (slot.worker !== worker) return;
      // The worker has loaded its code: its start (~250 ms) must not count against a file's time.
      if ("ready" in reply) {
        if (slot.job) {
          clearTimeout(slot.job.timer);
          slot.job.timer = this.timer(slot, slot.job.job);
        }
        return;
      }
      const current = slot.job;
      if (current?.job.request.id !== reply.id) return;
      const { shown } = current.job.request;
      if ("error" in reply) return this.finish(slot, refused(shown, `could not be read (${reply.error})`));
      if ("result" in reply && reply.facts === undefined) return this.finish(slot, reply.result);
      if ("result" in reply) current.partial = reply.result as FileReadResult & { file: ParsedFile };
      else if (current.partial) {
        for (const fact of reply.facts) current.partial.file.data.facts.push(fact);
        if (reply.done) return this.finish(slot, current.partial);
      }
      // The next part once the event loop has had a turn: each is a few ms to take in.
      setImmediate(() => {
        if (slot.job === current && slot.worker === worker) worker.postMessage({ id: reply.id, more: true });
      });
    });
    const lost = (error?: Error) => {
      if (slot.worker !== worker) return; // stopped on purpose, already replaced
      slot.worker = undefined;
      const job = slot.job?.job;
      if (!job) return;
      const code = (error as NodeJS.ErrnoException | undefined)?.code;
      this.finish(
        slot,
        refused(
          job.request.shown,
          code === "ERR_WORKER_OUT_OF_MEMORY"
            ? `needed more than ${this.heapMb} MB of memory to read and check; refused (its reader was stopped)`
            : "stopped its reader thread; refused",
        ),
      );
    };
    worker.on("error", lost);
    worker.on("exit", () => lost());
    // After the listeners: adding a "message" listener refs the worker's port again.
    worker.unref();
    return worker;
  }
}

function refused(shown: string, message: string): FileReadResult {
  return { problems: [{ file: shown, message }] };
}
