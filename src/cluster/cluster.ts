/**
 * A process's membership of a deployment (REDIS_URL set): its Redis connections, its
 * registration, the knowledge it serves from a mirror of the published version, the shared
 * cooldown and the gateway's identify throttle. Without REDIS_URL none of this exists and
 * the process is on its own, as before.
 */
import type { Logger } from "../logger.ts";
import type { KnowledgeCacheOptions } from "../knowledge/cache.ts";
import { KnowledgeError } from "../knowledge/problems.ts";
import { KnowledgeStore } from "../store/knowledge-store.ts";
import { SharedCooldown } from "./cooldown.ts";
import { RedisIdentifyThrottler } from "./identify.ts";
import { fetchFiles, KnowledgeSync } from "./knowledge-sync.ts";
import { Mirror, snapshot } from "./mirror.ts";
import { closeRedis, connectRedis, keysFor, whenReady, type Keys, type Redis } from "./redis.ts";
import { processId, Registry, type ProcessInfo } from "./registry.ts";

export interface ClusterOptions {
  readonly redisUrl: string;
  readonly prefix: string;
  readonly role: string;
  readonly shards?: readonly number[] | undefined;
  readonly log: Logger;
  /** KNOWLEDGE_DIR: what this process starts from when Redis holds no version, and what /reload publishes. */
  readonly sourceDir: string;
  readonly displayRoot: string;
  /** The knowledge cache: a restart takes the mirror's files from it when they are unchanged. */
  readonly cache?: KnowledgeCacheOptions | undefined;
  readonly cooldownAnswers: number;
  readonly cooldownWindowMs: number;
  /** How long start-up waits for Redis before going on without it (default 2 s). */
  readonly connectWaitMs?: number;
  readonly checkEveryMs?: number;
  readonly waitMs?: number;
}

export class Cluster {
  private constructor(
    readonly id: string,
    readonly keys: Keys,
    readonly store: KnowledgeStore,
    readonly knowledge: KnowledgeSync,
    readonly cooldown: SharedCooldown,
    readonly registry: Registry,
    private readonly connections: { commands: Redis; broadcasts: Redis; cooldowns: Redis },
    private readonly mirror: Mirror,
    private readonly log: Logger,
  ) {}

  /**
   * Connects, opens the knowledge (the published version if Redis has one, else
   * KNOWLEDGE_DIR), registers and starts following announcements. Throws KnowledgeError
   * when the files it must start from are invalid.
   */
  static async join(options: ClusterOptions): Promise<Cluster> {
    const { log } = options;
    const keys = keysFor(options.prefix);
    const commands = connectRedis(options.redisUrl, log, { purpose: "commands", commandTimeoutMs: 5_000 });
    const broadcasts = connectRedis(options.redisUrl, log, { purpose: "announcements", subscriber: true });
    // An answer waits on a cooldown check: a Redis that stops answering must not hold it long.
    const cooldowns = connectRedis(options.redisUrl, log, { purpose: "cooldowns", commandTimeoutMs: 250 });
    const connections = { commands, broadcasts, cooldowns };
    const mirror = await Mirror.create();
    try {
      const id = processId(options.role);
      const reachable = await whenReady(commands, options.connectWaitMs ?? 2_000);
      const store = await openKnowledge(commands, keys, mirror, reachable, options);
      const registry = new Registry(commands, keys);
      const knowledge = new KnowledgeSync({
        redis: commands,
        subscriber: broadcasts,
        keys,
        registry,
        log,
        store,
        mirror,
        sourceDir: options.sourceDir,
        displayRoot: options.displayRoot,
        self: { id, role: options.role, shards: options.shards },
        ...(options.checkEveryMs !== undefined ? { checkEveryMs: options.checkEveryMs } : {}),
        ...(options.waitMs !== undefined ? { waitMs: options.waitMs } : {}),
      });
      await knowledge.start();
      const cooldown = new SharedCooldown(
        cooldowns,
        keys.cooldown,
        options.cooldownAnswers,
        options.cooldownWindowMs,
      );
      log.info(
        { id, version: store.version, redis: reachable ? "reachable" : "unreachable" },
        "joined the deployment",
      );
      return new Cluster(id, keys, store, knowledge, cooldown, registry, connections, mirror, log);
    } catch (error) {
      await Promise.all(Object.values(connections).map(closeRedis));
      await mirror.remove();
      throw error;
    }
  }

  /** The identify throttle the gateway's shards share with every other gateway process. */
  identifyThrottler(maxConcurrency: number): RedisIdentifyThrottler {
    return new RedisIdentifyThrottler(
      this.connections.commands,
      this.keys,
      maxConcurrency,
      this.log,
      undefined,
      this.id,
    );
  }

  /** What the health endpoint shows: this process, and who else is there when Redis says. */
  async health(): Promise<Record<string, unknown>> {
    let processes: ProcessInfo[] | undefined;
    try {
      processes = await this.registry.list();
    } catch {
      processes = undefined;
    }
    return {
      id: this.id,
      version: this.store.version,
      redis: this.connections.commands.status === "ready" ? "reachable" : "unreachable",
      ...(processes
        ? { processes: processes.map(({ id, role, version, shards }) => ({ id, role, version, shards })) }
        : {}),
    };
  }

  /** Leaves the registry, closes the connections, deletes the mirror. */
  async close(): Promise<void> {
    await this.knowledge.close();
    this.store.close();
    await Promise.all(Object.values(this.connections).map(closeRedis));
    await this.mirror.remove();
  }
}

/** The knowledge a process starts with: the published version, or its own files when there is none. */
async function openKnowledge(
  redis: Redis,
  keys: Keys,
  mirror: Mirror,
  reachable: boolean,
  options: ClusterOptions,
): Promise<KnowledgeStore> {
  const { log, displayRoot, cache } = options;
  const current = reachable ? await redis.get(keys.current).catch(() => null) : null;
  if (current) {
    try {
      const files = await fetchFiles(redis, keys, current, mirror);
      if (typeof files === "string") throw new Error(files);
      await mirror.write(files);
      const store = await KnowledgeStore.open(mirror.dir, { displayRoot, cache });
      if (store.version === current) return store;
      store.close();
      throw new Error(`the files make version ${store.version}`);
    } catch (error) {
      log.error(
        { version: current, err: { message: (error as Error).message } },
        "could not load the published knowledge version; starting from KNOWLEDGE_DIR",
      );
    }
  }
  const taken = await snapshot(options.sourceDir, displayRoot);
  if (taken.problems.length > 0) throw new KnowledgeError(taken.problems);
  await mirror.write(taken.files);
  return KnowledgeStore.open(mirror.dir, { displayRoot, cache });
}
