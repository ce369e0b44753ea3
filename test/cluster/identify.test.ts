import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { RedisIdentifyThrottler } from "../../src/cluster/identify.ts";
import { keysFor } from "../../src/cluster/redis.ts";
import { redisPerTest, TEST_REDIS_URL, testPrefix } from "../support/redis.ts";

const log = pino({ level: "silent" });
const redis = redisPerTest();

/** A gateway process's throttle (its own connection), for `maxConcurrency` buckets of `windowMs`. */
async function throttler(prefix: string, maxConcurrency: number, windowMs: number, url = TEST_REDIS_URL) {
  const connection = await redis.connect(url, { ready: url === TEST_REDIS_URL });
  return new RedisIdentifyThrottler(connection, keysFor(prefix), maxConcurrency, log, windowMs);
}

describe("RedisIdentifyThrottler (shared by gateway processes)", () => {
  it("GIVEN two processes identifying shards of one bucket THEN the second waits out the window", async () => {
    const prefix = redis.prefix();
    const [a, b] = [await throttler(prefix, 1, 600), await throttler(prefix, 1, 600)];
    const started = performance.now();
    await a.waitForIdentify(0, new AbortController().signal);
    expect(performance.now() - started).toBeLessThan(300);
    await b.waitForIdentify(1, new AbortController().signal);
    expect(performance.now() - started).toBeGreaterThanOrEqual(550);
  });

  it("GIVEN max_concurrency 2 THEN shards of different buckets identify together", async () => {
    const prefix = redis.prefix();
    const [a, b] = [await throttler(prefix, 2, 2_000), await throttler(prefix, 2, 2_000)];
    const started = performance.now();
    await Promise.all([
      a.waitForIdentify(0, new AbortController().signal),
      b.waitForIdentify(1, new AbortController().signal),
    ]);
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it("GIVEN an aborted wait THEN it rejects instead of identifying", async () => {
    const prefix = redis.prefix();
    const [a, b] = [await throttler(prefix, 1, 5_000), await throttler(prefix, 1, 5_000)];
    await a.waitForIdentify(0, new AbortController().signal);
    const abort = new AbortController();
    const waiting = b.waitForIdentify(0, abort.signal);
    abort.abort();
    await expect(waiting).rejects.toThrow();
  });

  it("GIVEN Redis unreachable THEN the process throttles itself and still identifies", async () => {
    const t = await throttler(testPrefix(), 1, 5_000, "redis://127.0.0.1:1/0");
    await t.waitForIdentify(0, new AbortController().signal);
  });
});
