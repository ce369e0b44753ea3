/**
 * Discord lets a bot start at most `max_concurrency` gateway sessions per 5 seconds, one per
 * bucket (`shard_id % max_concurrency`), across all its processes. Gateway processes share
 * this throttle through Redis: a bucket is a key set with NX for 5 s; a shard whose bucket
 * is taken waits until the key expires. With Redis unreachable, each process throttles
 * itself (@discordjs/ws's own throttler) and says so: identifies may then come too fast
 * across processes, which Discord answers with a retry, not a ban.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { SimpleIdentifyThrottler, type IIdentifyThrottler } from "@discordjs/ws";
import type { Logger } from "../logger.ts";
import type { Keys, Redis } from "./redis.ts";

/** Discord's window for one identify per bucket. */
export const IDENTIFY_WINDOW_MS = 5_000;

export class RedisIdentifyThrottler implements IIdentifyThrottler {
  private readonly local: SimpleIdentifyThrottler;

  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    private readonly maxConcurrency: number,
    private readonly log: Logger,
    private readonly windowMs = IDENTIFY_WINDOW_MS,
    /** This process's name, kept in the lock (who holds a bucket, for an operator). */
    private readonly holder = String(process.pid),
  ) {
    this.local = new SimpleIdentifyThrottler(maxConcurrency);
  }

  async waitForIdentify(shardId: number, signal: AbortSignal): Promise<void> {
    const bucket = shardId % Math.max(1, this.maxConcurrency);
    const key = this.keys.identify(bucket);
    for (;;) {
      signal.throwIfAborted();
      let wait: number;
      try {
        if ((await this.redis.set(key, `${this.holder}:${shardId}`, "PX", this.windowMs, "NX")) === "OK")
          return;
        wait = await this.redis.pttl(key);
        // A lock without expiry was not set by a throttler: give it one rather than wait forever.
        if (wait === -1) await this.redis.pexpire(key, this.windowMs);
      } catch (error) {
        this.log.warn(
          { shard: shardId, err: { message: (error as Error).message } },
          "identify throttle: Redis is unreachable; throttling in this process only",
        );
        return this.local.waitForIdentify(shardId, signal);
      }
      // -2: expired meanwhile, -1: no expiry (never set by us): try again shortly.
      await sleep(wait > 0 ? wait + Math.floor(Math.random() * 50) : 50, undefined, { signal });
    }
  }
}
