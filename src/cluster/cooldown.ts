/**
 * The per-user answer cooldown, shared by every process through Redis: a user cannot get
 * around it by reaching another worker. rate-limiter-flexible keeps the count (one atomic
 * script per answer); while Redis is unreachable or slow, its in-memory insurance limiter
 * takes over, so the cooldown falls back to per-process and answering never waits on Redis.
 *
 * Clocks: in Redis the window is a key's PEXPIRE and the wait its PTTL, both on the Redis
 * server's clock; this process's clock plays no part. The in-memory insurance ends a window with
 * a timer (monotonic) but reports the wait from `Date.now()`, which a wall-clock step back
 * inflates by the step: the wait shown is capped at the window.
 */
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import type { CooldownPolicy, CooldownResult } from "../interactions/cooldown.ts";
import type { Redis } from "./redis.ts";

export class SharedCooldown implements CooldownPolicy {
  private readonly limiter: RateLimiterRedis | undefined;

  constructor(
    redis: Redis,
    keyPrefix: string,
    /** Answers allowed per window; 0 turns the cooldown off. */
    private readonly answers: number,
    private readonly windowMs: number,
  ) {
    const duration = Math.max(1, Math.ceil(windowMs / 1000));
    if (answers <= 0 || windowMs <= 0) return;
    this.limiter = new RateLimiterRedis({
      storeClient: redis,
      keyPrefix,
      points: answers,
      duration,
      // Not connected: straight to the insurance, no waiting for a reconnect.
      rejectIfRedisNotReady: true,
      insuranceLimiter: new RateLimiterMemory({ points: answers, duration }),
    });
  }

  async take(userId: string): Promise<CooldownResult> {
    if (!this.limiter || this.answers <= 0) return { ok: true };
    try {
      await this.limiter.consume(userId);
      return { ok: true };
    } catch (refusal) {
      if (refusal instanceof RateLimiterRes)
        return { ok: false, retryInMs: Math.min(refusal.msBeforeNext, this.windowMs) };
      // Neither Redis nor the insurance could say: answering matters more than the cooldown.
      return { ok: true };
    }
  }
}
