/**
 * Worker threads that read knowledge files (read-worker.ts) for the loader, so that a big
 * file's parse (tens of ms for a few hundred facts, seconds near MAX_FILE_BYTES) never
 * blocks the event loop. A pool lives for one load: idle workers would hold tens of MB each.
 *
 * A worker that dies takes nothing with it: its files are read on the main thread instead.
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { readKnowledgeFile, type FileReadResult } from "./read-file.ts";
import type { ReadRequest } from "./read-worker.ts";
import { workerEntry } from "../ops/worker-entry.ts";

const ENTRY = workerEntry(import.meta.url, "read-worker");

export interface ReadPoolOptions {
  readonly size?: number;
  /** The worker's entry module (tests swap in one that fails). */
  readonly entry?: URL;
}

interface Waiting {
  readonly request: ReadRequest;
  readonly worker: Worker;
  readonly resolve: (result: FileReadResult | Promise<FileReadResult>) => void;
  readonly reject: (error: Error) => void;
}

type Reply = { id: number; result: FileReadResult } | { id: number; error: string };

export class ReadPool {
  private readonly workers: Worker[] = [];
  private readonly waiting = new Map<number, Waiting>();
  private ids = 0;

  constructor(options: ReadPoolOptions = {}) {
    const size = options.size ?? Math.min(4, availableParallelism());
    for (let i = 0; i < size; i++) this.spawn(options.entry ?? ENTRY);
  }

  /** Reads one file in a worker (on this thread when no worker is left). */
  read(path: string, root: string, shown: string): Promise<FileReadResult> {
    const request: ReadRequest = { id: ++this.ids, path, root, shown };
    const worker = this.workers[request.id % Math.max(1, this.workers.length)];
    if (worker === undefined) return readKnowledgeFile(path, root, shown);
    return new Promise((resolve, reject) => {
      this.waiting.set(request.id, { request, worker, resolve, reject });
      worker.postMessage(request);
    });
  }

  async close(): Promise<void> {
    const workers = this.workers.splice(0);
    await Promise.all(workers.map((w) => w.terminate()));
  }

  private spawn(entry: URL): void {
    const worker = new Worker(entry);
    worker.on("message", (reply: Reply) => {
      const waiting = this.waiting.get(reply.id);
      if (!waiting) return;
      this.waiting.delete(reply.id);
      if ("error" in reply) waiting.reject(new Error(reply.error));
      else waiting.resolve(reply.result);
    });
    const lost = () => this.lost(worker);
    worker.on("error", lost);
    worker.on("exit", lost);
    this.workers.push(worker);
  }

  /** A worker crashed or exited: its files are read here instead. */
  private lost(worker: Worker): void {
    const at = this.workers.indexOf(worker);
    if (at >= 0) this.workers.splice(at, 1);
    for (const [id, waiting] of this.waiting) {
      if (waiting.worker !== worker) continue;
      this.waiting.delete(id);
      const { path, root, shown } = waiting.request;
      waiting.resolve(readKnowledgeFile(path, root, shown));
    }
  }
}
