/**
 * The live knowledge. Readers take `store.index` once per question and keep that
 * snapshot, so an answer in flight finishes on the version it started with. A reload
 * loads and indexes the files beside the live index and swaps the reference only when
 * everything is valid; on any problem the old index keeps serving. Reloads are
 * serialized: a second one waits for the first.
 */
import { watch, type FSWatcher } from "node:fs";
import { performance } from "node:perf_hooks";
import { KnowledgeIndex } from "../index/knowledge-index.ts";
import { readKnowledgeCache, writeKnowledgeCache, type KnowledgeCacheOptions } from "../knowledge/cache.ts";
import { INLINE_MAX_BYTES, loadKnowledge, newLoadCache, type LoadCache } from "../knowledge/load.ts";
import { ReadPool, type ReadPoolOptions } from "../knowledge/read-pool.ts";
import { KnowledgeError, type Problem } from "../knowledge/problems.ts";
import type { Fact, Knowledge } from "../knowledge/types.ts";
import { pacer } from "../pace.ts";
import type { ReloadProgress } from "./reload.ts";

export type ReloadResult =
  | {
      readonly ok: true;
      readonly version: string;
      readonly previousVersion: string;
      readonly added: readonly string[];
      readonly changed: readonly string[];
      readonly removed: readonly string[];
      readonly facts: number;
      readonly ms: number;
    }
  | {
      readonly ok: false;
      readonly problems: readonly Problem[];
      /** The version that keeps serving. */
      readonly keptVersion: string;
      readonly ms: number;
    };

export interface ReloadOptions {
  /** Told how the reload is getting on (files read, facts indexed). */
  readonly progress?: ((progress: ReloadProgress) => void) | undefined;
  /**
   * Swap only if the files make exactly this version (a bundle published by another
   * process): anything else is refused and the live version keeps serving.
   */
  readonly expectVersion?: string | undefined;
}

export interface StoreOptions {
  /** How files are shown in problems ("knowledge/x.yaml"). */
  readonly displayRoot?: string;
  /** The knowledge cache (KNOWLEDGE_CACHE_DIR) opening uses and writes; absent: none. */
  readonly cache?: KnowledgeCacheOptions | undefined;
  /** The read worker's memory and time limits (defaults: READ_WORKER_HEAP_MB, readTimeLimitMs). */
  readonly readLimits?: Pick<ReadPoolOptions, "maxOldGenerationSizeMb" | "timeLimitMs">;
}

export class KnowledgeStore {
  private live: KnowledgeIndex;
  private queue: Promise<unknown> = Promise.resolve();
  private watcher: FSWatcher | undefined;
  private pending: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly listeners = new Set<(result: ReloadResult) => void>();

  private constructor(
    readonly dir: string,
    index: KnowledgeIndex,
    private readonly options: StoreOptions,
    /** Parsed files kept between reloads: only changed files are read again. */
    private readonly cache: LoadCache = newLoadCache(),
    /**
     * The worker thread every reload reads its files in (started with the store, stopped by
     * close()): a small file can cost a second of parsing too, so none is parsed on this thread.
     */
    private readers?: ReadPool,
  ) {
    this.live = index;
  }

  /** Loads the folder; throws KnowledgeError listing every problem. */
  static async open(dir: string, options: StoreOptions = {}): Promise<KnowledgeStore> {
    const cache = newLoadCache();
    // A restart over unchanged files takes them, and their facts' analysis, from the cache.
    const cached =
      options.cache &&
      (await readKnowledgeCache(dir, options.displayRoot ?? "knowledge", cache, options.cache));
    if (cached) {
      const index = await KnowledgeIndex.buildAsync(cached.knowledge, { previous: cached.prior });
      return new KnowledgeStore(
        dir,
        index,
        options,
        cache,
        new ReadPool({ ...options.readLimits, lazy: true }),
      );
    }
    const readers = new ReadPool(options.readLimits);
    // Opening comes before the bot connects: nothing waits on the event loop yet, so small
    // files are read on this thread (faster, and the worker's heap stays small); big ones go
    // to the worker for its memory and time limits.
    const result = await loadKnowledge(dir, options.displayRoot, cache, {
      readers,
      inlineMaxBytes: INLINE_MAX_BYTES,
    }).catch(async (error: unknown) => {
      await readers.close();
      throw error;
    });
    if (!result.ok) {
      await readers.close();
      throw new KnowledgeError(result.problems);
    }
    const index = await KnowledgeIndex.buildAsync(result.knowledge);
    if (options.cache) await writeKnowledgeCache(index, cache, options.cache);
    return new KnowledgeStore(dir, index, options, cache, readers);
  }

  /** Wraps an already built index (tests, benchmarks). */
  static fromIndex(dir: string, index: KnowledgeIndex, options: StoreOptions = {}): KnowledgeStore {
    return new KnowledgeStore(dir, index, options);
  }

  /** The current snapshot; hold on to it for the duration of one answer. */
  get index(): KnowledgeIndex {
    return this.live;
  }

  get version(): string {
    return this.live.version;
  }

  /** Reloads from disk; serialized with any reload already running. */
  reload(options: ReloadOptions = {}): Promise<ReloadResult> {
    const run = this.queue.then(() => this.reloadNow(options));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Calls `listener` after every reload (for logging). */
  onReload(listener: (result: ReloadResult) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Reloads when files change (debounced), with the same safety as a manual reload. */
  watch(debounceMs = 300): void {
    if (this.watcher || this.closed) return;
    this.watcher = watch(this.dir, { recursive: true }, () => {
      clearTimeout(this.pending);
      this.pending = setTimeout(() => {
        if (!this.closed) void this.reload();
      }, debounceMs);
    });
    this.watcher.on("error", () => undefined);
  }

  /** Stops watching; a change seen just before is not reloaded any more (shutdown). */
  close(): void {
    this.closed = true;
    void this.readers?.close();
    clearTimeout(this.pending);
    this.watcher?.close();
    this.watcher = undefined;
  }

  private async reloadNow(options: ReloadOptions): Promise<ReloadResult> {
    const started = performance.now();
    const previous = this.live;
    const progress = options.progress;
    let result: ReloadResult;
    try {
      const loaded = await loadKnowledge(this.dir, this.options.displayRoot, this.cache, {
        readers: (this.readers ??= new ReadPool(this.options.readLimits)),
        ...(progress && { onFile: (filesRead, files) => progress({ phase: "reading", filesRead, files }) }),
      });
      const expected = options.expectVersion;
      if (loaded.ok && expected !== undefined && loaded.knowledge.version !== expected) {
        result = {
          ok: false,
          problems: [
            {
              file: this.options.displayRoot ?? this.dir,
              message: `the files make version ${loaded.knowledge.version}, not the ${expected} asked for`,
            },
          ],
          keptVersion: previous.version,
          ms: performance.now() - started,
        };
      } else if (!loaded.ok) {
        result = {
          ok: false,
          problems: loaded.problems,
          keptVersion: previous.version,
          ms: performance.now() - started,
        };
      } else {
        // Facts of unchanged files are the same objects as in the live index: their analysis is reused.
        const facts = loaded.knowledge.facts.length;
        const next = await KnowledgeIndex.buildAsync(loaded.knowledge, {
          previous,
          ...(progress && {
            onProgress: (factsIndexed: number) => progress({ phase: "indexing", factsIndexed, facts }),
          }),
        });
        const diff = await diffFacts(previous.knowledge, loaded.knowledge);
        this.live = next; // the swap: one reference assignment
        result = {
          ok: true,
          version: next.version,
          previousVersion: previous.version,
          ...diff,
          facts: loaded.knowledge.facts.length,
          ms: performance.now() - started,
        };
      }
    } catch (error) {
      // A bug while reloading must not take the live knowledge with it.
      result = {
        ok: false,
        problems: [
          {
            file: this.options.displayRoot ?? this.dir,
            message: `reload failed: ${(error as Error).message}`,
          },
        ],
        keptVersion: previous.version,
        ms: performance.now() - started,
      };
    }
    for (const listener of this.listeners) listener(result);
    return result;
  }
}

function comparable(f: Fact): string {
  const { file: _file, line: _line, ...rest } = f;
  return JSON.stringify(rest);
}

/** Fact ids added, changed and removed between two knowledge versions (paced: 100 000 facts take a while). */
export async function diffFacts(before: Knowledge, after: Knowledge) {
  const pace = pacer();
  const old = new Map<string, Fact>();
  for (const f of before.facts) {
    old.set(f.id, f);
    await pace();
  }
  const added: string[] = [];
  const changed: string[] = [];
  for (const f of after.facts) {
    const prior = old.get(f.id);
    if (prior === undefined) added.push(f.id);
    else if (prior !== f && comparable(prior) !== comparable(f)) changed.push(f.id);
    old.delete(f.id);
    await pace();
  }
  return { added, changed, removed: [...old.keys()] };
}
