/**
 * Knowledge everywhere, one version. A version is published content-addressed: a manifest
 * (`knowledge:manifest:<version>`, its files and their sha256) and the files' bytes by
 * sha256 (`knowledge:blob:<sha>`), then `knowledge:current` names it and an announcement
 * tells every process. Each process loads the manifest's files into its mirror folder
 * beside the live index, swaps only if they make exactly that version, and reports. Nothing
 * is published before it loaded here: no process ever serves a version that failed
 * validation.
 *
 * A process that missed an announcement (it was busy, restarting, or Redis was down)
 * converges by a periodic check of `knowledge:current`. A process started later loads the
 * current version first. When Redis comes back empty (it keeps nothing on disk), the
 * processes publish their version again; a reload made during the outage wins, if no other
 * was published meanwhile.
 */
import { randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import type { Logger } from "../logger.ts";
import { formatProblem } from "../knowledge/problems.ts";
import type { KnowledgeStore, ReloadResult } from "../store/knowledge-store.ts";
import type { KnowledgeControl, ProcessOutcome, ReloadOutcome, ReloadProgress } from "../store/reload.ts";
import { sha256, snapshot, type FileEntry, type Mirror } from "./mirror.ts";
import type { Keys, Redis } from "./redis.ts";
import type { ProcessInfo, Registry } from "./registry.ts";

/** What a manifest holds. */
export interface Manifest {
  readonly version: string;
  readonly files: ReadonlyArray<{ readonly path: string; readonly sha: string }>;
  readonly publishedBy: string;
  readonly publishedAt: string;
}

interface Announcement {
  readonly version: string;
  readonly request: string;
  readonly from: string;
}

/** One process's answer to an announcement. */
interface Report {
  readonly id: string;
  readonly ok: boolean;
  readonly version: string;
  readonly reason?: string;
}

/** How long superseded manifests and blobs stay, for processes still catching up. */
const SUPERSEDED_TTL_S = 7 * 86_400;
/** Reports are read within seconds; they go after a while. */
const REPORTS_TTL_S = 600;

/** Publishes a loaded version: blobs the server lacks, the manifest, then `current` (last writer wins). */
export async function publishVersion(
  redis: Redis,
  keys: Keys,
  version: string,
  files: readonly FileEntry[],
  from: string,
  readBytes: (file: FileEntry) => Promise<Buffer>,
  options: {
    /**
     * "replace" (a reload: last writer wins), "seed" (only where Redis holds no version: a
     * process offering its own after Redis came back empty), or "resume" (a reload made during
     * an outage: only over `base`, the version it replaced, or a seed).
     */
    mode?: "replace" | "seed" | "resume";
    base?: string | null;
    /** Announce it (default); without, processes find it at their periodic check. */
    announce?: boolean;
  } = {},
): Promise<{ published: boolean; request: string }> {
  const request = randomBytes(6).toString("hex");
  const shas = [...new Set(files.map((f) => f.sha))];
  const present = shas.length ? await redis.exists(...shas.map((s) => keys.blob(s))) : 0;
  if (present < shas.length) {
    // Only the missing ones travel; SET NX keeps a blob written meanwhile.
    const exists = await Promise.all(shas.map((s) => redis.exists(keys.blob(s))));
    for (const [i, sha] of shas.entries()) {
      if (exists[i]) continue;
      const file = files.find((f) => f.sha === sha)!;
      await redis.set(keys.blob(sha), await readBytes(file), "NX");
    }
  }
  const manifest: Manifest = {
    version,
    files: files.map(({ path, sha }) => ({ path, sha })),
    publishedBy: from,
    publishedAt: new Date().toISOString(),
  };
  await redis.set(keys.manifest(version), JSON.stringify(manifest));
  await redis.persist(keys.manifest(version));
  for (const sha of shas) await redis.persist(keys.blob(sha));
  // current and seed change together, atomically: a seed is the version a process offered
  // after Redis came back empty; a reload made during the outage may replace it.
  const [published, previous] = (await redis.eval(
    `local c = redis.call('get', KEYS[1])
     local seed = redis.call('get', KEYS[2])
     local mode = ARGV[3]
     local ok = mode == 'replace'
       or (mode == 'seed' and c == false)
       or (mode == 'resume' and (c == false or c == ARGV[1] or c == ARGV[2] or c == seed))
     if not ok then return {0, c or ''} end
     redis.call('set', KEYS[1], ARGV[2])
     if mode == 'seed' then redis.call('set', KEYS[2], ARGV[2]) else redis.call('del', KEYS[2]) end
     return {1, c or ''}`,
    2,
    keys.current,
    keys.seed,
    options.base ?? "",
    version,
    options.mode ?? "replace",
  )) as [number, string];
  if (published !== 1) return { published: false, request };
  if (previous && previous !== version) await expireSuperseded(redis, keys, previous, new Set(shas));
  if (options.announce !== false)
    await redis.publish(
      keys.announcements,
      JSON.stringify({ version, request, from } satisfies Announcement),
    );
  return { published: true, request };
}

/** A superseded version's manifest, and its blobs no longer used, go after a while. */
async function expireSuperseded(redis: Redis, keys: Keys, version: string, keep: ReadonlySet<string>) {
  const text = await redis.get(keys.manifest(version));
  await redis.expire(keys.manifest(version), SUPERSEDED_TTL_S);
  if (!text) return;
  try {
    for (const { sha } of (JSON.parse(text) as Manifest).files)
      if (!keep.has(sha)) await redis.expire(keys.blob(sha), SUPERSEDED_TTL_S);
  } catch {
    // a manifest we cannot read expires all the same
  }
}

/**
 * The files of a published version, fetched from Redis except those the mirror already
 * holds; or why they cannot be had.
 */
export async function fetchFiles(
  redis: Redis,
  keys: Keys,
  version: string,
  mirror: Mirror,
): Promise<FileEntry[] | string> {
  const text = await redis.get(keys.manifest(version));
  if (text === null) return `version ${version} has no manifest in Redis`;
  let manifest: Manifest;
  try {
    manifest = JSON.parse(text) as Manifest;
  } catch {
    return `the manifest of version ${version} is not JSON`;
  }
  const files: FileEntry[] = [];
  for (const f of manifest.files) {
    if (mirror.holds(f.path, f.sha)) {
      files.push(f);
      continue;
    }
    const bytes = await redis.getBuffer(keys.blob(f.sha));
    if (bytes === null) return `${f.path} of version ${version} is missing from Redis`;
    // Content-addressed: bytes that do not hash to their name are not that file.
    if (sha256(bytes) !== f.sha) return `${f.path} of version ${version} is corrupt in Redis`;
    files.push({ ...f, bytes });
  }
  return files;
}

/** Waits until every process listed answered for `version` (report or registry), or the time is up. */
export async function awaitProcesses(
  redis: Redis,
  keys: Keys,
  registry: Registry,
  expected: readonly ProcessInfo[],
  version: string,
  request: string,
  waitMs: number,
  progress?: (p: ReloadProgress) => void,
): Promise<ProcessOutcome[]> {
  const deadline = performance.now() + waitMs;
  const outcome = new Map<string, ProcessOutcome>(
    expected.map((p) => [p.id, { id: p.id, state: "silent", version: p.version }]),
  );
  for (;;) {
    try {
      const reports = (await redis.lrange(keys.reports(request), 0, -1)).flatMap((r) => {
        try {
          return [JSON.parse(r) as Report];
        } catch {
          return [];
        }
      });
      for (const r of reports)
        if (outcome.has(r.id))
          outcome.set(r.id, {
            id: r.id,
            state: r.ok ? "ok" : "refused",
            version: r.version,
            reason: r.reason,
          });
      // A process that converged by its periodic check, without the announcement, shows in the registry.
      for (const p of await registry.list())
        if (p.version === version && outcome.get(p.id)?.state === "silent")
          outcome.set(p.id, { id: p.id, state: "ok", version });
    } catch {
      // Redis went away meanwhile: what is known stays, the rest stays silent.
    }
    const done = [...outcome.values()].filter((o) => o.state === "ok").length;
    progress?.({ phase: "publishing", version, done, processes: outcome.size });
    if ([...outcome.values()].every((o) => o.state !== "silent") || performance.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return [...outcome.values()];
}

export interface KnowledgeSyncOptions {
  readonly redis: Redis;
  /** A connection for the announcements (a subscriber can do nothing else). */
  readonly subscriber: Redis;
  readonly keys: Keys;
  readonly registry: Registry;
  readonly log: Logger;
  /** The live knowledge; it reads from the mirror's folder. */
  readonly store: KnowledgeStore;
  readonly mirror: Mirror;
  /** The folder /reload publishes from (KNOWLEDGE_DIR). */
  readonly sourceDir: string;
  /** How problems name files ("knowledge"): the same on every process, so versions match. */
  readonly displayRoot: string;
  readonly self: {
    readonly id: string;
    readonly role: string;
    readonly shards?: readonly number[] | undefined;
  };
  /** The periodic check (default 2 s). */
  readonly checkEveryMs?: number;
  /** How long /reload waits for the other processes (default 20 s). */
  readonly waitMs?: number;
  /** How often the registration is renewed (default 3 s). */
  readonly beatEveryMs?: number;
}

/** A process's part in keeping one version everywhere; also what /reload runs. */
export class KnowledgeSync implements KnowledgeControl {
  /** A version loaded here while Redis was unreachable, to publish once it is back. */
  private pending: { version: string; base: string | null } | undefined;
  /** Versions that failed to load here, with why: not tried again at every check. */
  private readonly failed = new Map<string, string>();
  /** Loads and publications run one at a time. */
  private queue: Promise<unknown> = Promise.resolve();
  private timers: NodeJS.Timeout[] = [];
  private closed = false;
  private readonly started = Date.now();

  constructor(private readonly o: KnowledgeSyncOptions) {}

  /** Registers, listens for announcements, and checks periodically. */
  async start(): Promise<void> {
    const { subscriber, keys, log } = this.o;
    subscriber.on("message", (channel: string, message: string) => {
      if (channel !== keys.announcements) return;
      let announcement: Announcement;
      try {
        announcement = JSON.parse(message) as Announcement;
      } catch {
        return;
      }
      void this.converge(announcement);
    });
    void subscriber
      .subscribe(keys.announcements)
      .catch((error: Error) =>
        log.warn(
          { err: { message: error.message } },
          "could not subscribe to knowledge announcements; checking periodically",
        ),
      );
    await this.beat();
    this.timers.push(
      setInterval(() => void this.beat(), this.o.beatEveryMs ?? 3_000).unref(),
      setInterval(() => void this.converge(), this.o.checkEveryMs ?? 2_000).unref(),
    );
  }

  /** Leaves the registry and stops listening (shutdown). */
  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers) clearInterval(t);
    await this.o.registry.leave(this.o.self.id).catch(() => undefined);
  }

  /** /reload: validate the source folder here, publish it, and wait for every process. */
  async reload(progress?: (p: ReloadProgress) => void): Promise<ReloadOutcome> {
    const { redis, keys, registry, store, mirror, self, log } = this.o;
    // Validating, swapping and publishing are one step for the periodic check: between this
    // process's swap and the publication, it would see Redis's older version and go back to it.
    const local = await this.serially(
      async (): Promise<
        | { result: ReloadResult; unreachable?: undefined; expected?: undefined; request?: undefined }
        | { result: ReloadResult; unreachable: string }
        | { result: ReloadResult; unreachable?: undefined; expected: ProcessInfo[]; request: string }
      > => {
        const started = performance.now();
        const base = await redis.get(keys.current).catch(() => undefined);
        const taken = await snapshot(this.o.sourceDir, this.o.displayRoot);
        if (taken.problems.length > 0)
          return {
            result: {
              ok: false,
              problems: taken.problems,
              keptVersion: store.version,
              ms: performance.now() - started,
            },
          };
        const undo = await mirror.write(taken.files);
        const result = await store.reload({ progress });
        if (!result.ok) {
          await undo();
          return { result };
        }
        await this.beat();
        try {
          const expected = await registry.list();
          const { request } = await publishVersion(
            redis,
            keys,
            result.version,
            taken.files,
            self.id,
            async (f) => f.bytes!,
          );
          this.pending = undefined;
          return { result, expected, request };
        } catch (error) {
          // Redis is down: this process serves the new version; it is published when Redis is back.
          // The version it replaces: what Redis named before, or what this process served.
          this.pending = { version: result.version, base: base ?? result.previousVersion };
          log.warn(
            { version: result.version, err: { message: (error as Error).message } },
            "reloaded here only: Redis is unreachable",
          );
          return { result, unreachable: `Redis is unreachable: ${(error as Error).message}` };
        }
      },
    );
    const { result } = local;
    // Nothing that failed here is published: no other process is asked.
    if (!result.ok) return { result, cluster: { reached: true, version: result.keptVersion, processes: [] } };
    if (local.unreachable !== undefined)
      return { result, cluster: { reached: false, why: local.unreachable } };
    const { expected, request } = local;
    if (!expected) throw new Error("a published reload has its processes");
    log.info({ version: result.version, processes: expected.length }, "knowledge version published");
    const others = expected.filter((p) => p.id !== self.id);
    const outcomes = await awaitProcesses(
      redis,
      keys,
      registry,
      others,
      result.version,
      request,
      this.o.waitMs ?? 20_000,
      (p) =>
        progress?.(p.phase === "publishing" ? { ...p, done: p.done + 1, processes: p.processes + 1 } : p),
    );
    return {
      result,
      cluster: {
        reached: true,
        version: result.version,
        processes: [{ id: self.id, state: "ok", version: result.version }, ...outcomes],
      },
    };
  }

  /**
   * Brings this process to the current version: on an announcement (then reports), at every
   * periodic check, and at start-up. Never throws.
   */
  converge(announcement?: Announcement): Promise<void> {
    return this.serially(async () => {
      if (this.closed) return;
      const { redis, keys, store, log, self } = this.o;
      try {
        let current = await redis.get(keys.current);
        if (this.pending) current = await this.publishPending(current);
        if (current === null) {
          // Redis has no version (it restarted empty, or this is the first process): offer ours.
          await this.offer();
          return;
        }
        // An announcement is an admin asking again: a version that failed here is tried once more.
        if (announcement?.version === current) this.failed.delete(current);
        let report: Report;
        if (current === store.version) report = { id: self.id, ok: true, version: current };
        else if (this.failed.has(current))
          report = { id: self.id, ok: false, version: store.version, reason: this.failed.get(current)! };
        else report = await this.load(current);
        if (announcement && announcement.version === current)
          await redis
            .multi()
            .rpush(keys.reports(announcement.request), JSON.stringify(report))
            .expire(keys.reports(announcement.request), REPORTS_TTL_S)
            .exec();
      } catch (error) {
        log.debug(
          { err: { message: (error as Error).message } },
          "knowledge check skipped: Redis is unreachable",
        );
      }
    });
  }

  /** Loads a published version beside the live one; swaps only if it makes exactly that version. */
  private async load(version: string): Promise<Report> {
    const { redis, keys, store, mirror, log, self } = this.o;
    const started = performance.now();
    const refuse = (reason: string): Report => {
      this.failed.set(version, reason);
      log.error({ version, reason }, "published knowledge version refused; keeping the live one");
      return { id: self.id, ok: false, version: store.version, reason };
    };
    const files = await fetchFiles(redis, keys, version, mirror);
    if (typeof files === "string") return refuse(files);
    const undo = await mirror.write(files);
    const result = await store.reload({ expectVersion: version });
    if (!result.ok) {
      await undo();
      return refuse(result.problems[0] ? formatProblem(result.problems[0]) : "refused");
    }
    log.info({ version, ms: Math.round(performance.now() - started) }, "knowledge version loaded");
    await this.beat();
    return { id: self.id, ok: true, version };
  }

  /** A version loaded during an outage, published now unless another was published meanwhile. */
  private async publishPending(current: string | null): Promise<string | null> {
    const { redis, keys, mirror, store, self, log } = this.o;
    const pending = this.pending!;
    this.pending = undefined;
    if (store.version !== pending.version) return current;
    const { published } = await publishVersion(
      redis,
      keys,
      pending.version,
      mirror.files(),
      self.id,
      (f) => mirror.read(f.path),
      {
        mode: "resume",
        base: pending.base,
      },
    );
    log.info(
      { version: pending.version, published },
      published
        ? "reload made during the Redis outage published"
        : "reload made during the Redis outage superseded by a newer one",
    );
    return published ? pending.version : current;
  }

  /** Publishes this process's version when Redis holds none, unless another process did first. */
  private async offer(): Promise<void> {
    const { redis, keys, mirror, store, self, log } = this.o;
    const { published } = await publishVersion(
      redis,
      keys,
      store.version,
      mirror.files(),
      self.id,
      (f) => mirror.read(f.path),
      {
        mode: "seed",
      },
    );
    if (published) log.info({ version: store.version }, "Redis held no knowledge version; published ours");
  }

  private async beat(): Promise<void> {
    const { registry, self, store } = this.o;
    await registry
      .beat({
        id: self.id,
        role: self.role,
        host: self.id.split("@")[1]?.split(":")[0] ?? "",
        pid: process.pid,
        shards: self.shards,
        version: store.version,
        started: this.started,
      })
      .catch(() => undefined);
  }

  private serially<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work);
    this.queue = run.catch(() => undefined);
    return run;
  }
}
