/**
 * Timeline pictures for the commands: painted in a worker thread (render-worker.ts) so the
 * event loop keeps answering, and cached — a picture depends only on the knowledge version,
 * the relation, the period, the theme and the labels' language, so one painted picture serves
 * everyone who asks the same until the knowledge changes.
 *
 * The worker starts at the first picture and then stays, holding the fonts; it does not keep
 * the process alive while idle. A worker that dies takes nothing with it: what it had in hand
 * is painted on this thread, and the next picture starts a new worker.
 */
import { Worker } from "node:worker_threads";
import type { ChartSpec, Theme } from "./chart.ts";
import type { RenderRequest, RenderResponse } from "./render-worker.ts";
import { workerEntry } from "../ops/worker-entry.ts";

const ENTRY = workerEntry(import.meta.url, "render-worker");

export interface PictureKey {
  readonly version: string;
  readonly relationId: string;
  readonly from?: number | undefined;
  readonly to?: number | undefined;
  readonly theme: Theme;
  readonly locale: string;
}

export interface RendererOptions {
  /** Paint on the calling thread (no worker); for tools that render one picture and exit. */
  readonly inline?: boolean;
  /** The worker's entry module (tests swap in one that fails). */
  readonly entry?: URL;
  /** Pictures kept; the least recently used go first. */
  readonly maxEntries?: number;
  /** Bytes of PNG kept at most. */
  readonly maxBytes?: number;
}

interface Waiting {
  readonly spec: ChartSpec;
  readonly worker: Worker;
  readonly resolve: (png: Buffer | Promise<Buffer>) => void;
  readonly reject: (error: Error) => void;
}

export class PictureRenderer {
  private worker: Worker | undefined;
  private readonly waiting = new Map<number, Waiting>();
  private readonly cache = new Map<string, Buffer>();
  private readonly painting = new Map<string, Promise<Buffer>>();
  private cachedBytes = 0;
  private ids = 0;
  /** Pictures painted (not served from the cache), for tests and the bench. */
  painted = 0;

  constructor(private readonly options: RendererOptions = {}) {}

  /** The cache key of a picture. */
  static key(k: PictureKey): string {
    return [k.version, k.relationId, k.from ?? "", k.to ?? "", k.theme, k.locale].join("|");
  }

  /**
   * The PNG for `key`: from the cache, or painted from `spec()` (built only then). Requests
   * for a picture already being painted wait for that one.
   */
  render(key: PictureKey, spec: () => ChartSpec): Promise<Buffer> {
    const id = PictureRenderer.key(key);
    const cached = this.cache.get(id);
    if (cached) {
      // Map order is the recency order: a hit moves to the end.
      this.cache.delete(id);
      this.cache.set(id, cached);
      return Promise.resolve(cached);
    }
    let painting = this.painting.get(id);
    if (!painting) {
      painting = this.paint(spec()).then(
        (png) => {
          this.painting.delete(id);
          this.remember(id, png);
          return png;
        },
        (error: unknown) => {
          this.painting.delete(id);
          throw error;
        },
      );
      this.painting.set(id, painting);
    }
    return painting;
  }

  /** Stops the worker; pictures asked for later are painted by a new one. */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate();
  }

  private remember(id: string, png: Buffer): void {
    const maxEntries = this.options.maxEntries ?? 200;
    const maxBytes = this.options.maxBytes ?? 64 * 1024 * 1024;
    if (png.length > maxBytes) return;
    this.cache.set(id, png);
    this.cachedBytes += png.length;
    for (const [old, bytes] of this.cache) {
      if (this.cache.size <= maxEntries && this.cachedBytes <= maxBytes) break;
      this.cache.delete(old);
      this.cachedBytes -= bytes.length;
    }
  }

  private paint(spec: ChartSpec): Promise<Buffer> {
    this.painted++;
    if (this.options.inline) return paintHere(spec);
    const worker = this.worker ?? this.spawn();
    const id = ++this.ids;
    return new Promise<Buffer>((resolve, reject) => {
      this.waiting.set(id, { spec, worker, resolve, reject });
      worker.ref(); // a picture in hand keeps the process alive until it is sent
      worker.postMessage({ id, spec } satisfies RenderRequest);
    });
  }

  private spawn(): Worker {
    const worker = new Worker(this.options.entry ?? ENTRY);
    worker.on("message", (response: RenderResponse) => {
      const waiting = this.waiting.get(response.id);
      if (!waiting) return;
      this.waiting.delete(response.id);
      if (![...this.waiting.values()].some((w) => w.worker === worker)) worker.unref();
      if ("error" in response) waiting.reject(new Error(`pictures: ${response.error}`));
      else
        waiting.resolve(Buffer.from(response.png.buffer, response.png.byteOffset, response.png.byteLength));
    });
    const lost = () => this.lost(worker);
    worker.on("error", lost);
    worker.on("exit", lost);
    worker.unref();
    this.worker = worker;
    return worker;
  }

  /** The worker crashed or exited: what it had in hand is painted here. */
  private lost(worker: Worker): void {
    if (this.worker === worker) this.worker = undefined;
    for (const [id, waiting] of this.waiting) {
      if (waiting.worker !== worker) continue;
      this.waiting.delete(id);
      waiting.resolve(paintHere(waiting.spec));
    }
  }
}

async function paintHere(spec: ChartSpec): Promise<Buffer> {
  // Loaded on demand: the canvas and its fonts stay out of processes that never paint here.
  const { renderTimeline } = await import("./draw.ts");
  return renderTimeline(spec).png;
}

let shared: PictureRenderer | undefined;

/** The process's renderer, for the commands. */
export function pictureRenderer(): PictureRenderer {
  shared ??= new PictureRenderer();
  return shared;
}
