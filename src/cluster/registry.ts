/**
 * Liveness: each process registers itself (role, shards, knowledge version) with a TTL and
 * renews it; one that dies drops out within the TTL. /reload counts on it to know who must
 * load a new version, the health endpoint to show who is there.
 */
import { hostname } from "node:os";
import { randomBytes } from "node:crypto";
import type { Keys, Redis } from "./redis.ts";

export interface ProcessInfo {
  /** "role@host:pid", plus a few random characters: unique even when a pid is reused. */
  readonly id: string;
  readonly role: string;
  readonly host: string;
  readonly pid: number;
  /** Gateway shards this process runs, if any. */
  readonly shards?: readonly number[] | undefined;
  /** The knowledge version it serves. */
  readonly version: string;
  /** When it started and when it last renewed (ms since the epoch). */
  readonly started: number;
  readonly seen: number;
}

/** A process id for this process. */
export function processId(role: string): string {
  return `${role}@${hostname()}:${process.pid}-${randomBytes(2).toString("hex")}`;
}

export const REGISTRATION_TTL_MS = 10_000;

export class Registry {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    private readonly ttlMs = REGISTRATION_TTL_MS,
  ) {}

  /** Registers or renews a process (throws when Redis is unreachable). */
  async beat(info: Omit<ProcessInfo, "seen">): Promise<void> {
    const now = Date.now();
    await this.redis
      .multi()
      .zadd(this.keys.processes, now + this.ttlMs, info.id)
      .set(this.keys.process(info.id), JSON.stringify({ ...info, seen: now }), "PX", this.ttlMs)
      .exec();
  }

  /** The processes alive now, by id. */
  async list(): Promise<ProcessInfo[]> {
    const now = Date.now();
    await this.redis.zremrangebyscore(this.keys.processes, "-inf", now);
    const ids = await this.redis.zrange(this.keys.processes, 0, -1);
    if (ids.length === 0) return [];
    const values = await this.redis.mget(ids.map((id) => this.keys.process(id)));
    return values.flatMap((v) => {
      if (v === null) return [];
      try {
        return [JSON.parse(v) as ProcessInfo];
      } catch {
        return [];
      }
    });
  }

  /** Leaves the registry (a clean shutdown): nobody waits for this process any more. */
  async leave(id: string): Promise<void> {
    await this.redis.multi().zrem(this.keys.processes, id).del(this.keys.process(id)).exec();
  }
}
