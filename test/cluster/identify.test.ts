import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { RedisIdentifyThrottler } from "../../src/cluster/identify.ts";
import { closeRedis, connectRedis, keysFor, whenReady, type Redis } from "../../src/cluster/redis.ts";
import { cleanPrefix, TEST_REDIS_URL, testPrefix } from "../support/redis.ts";

const log = pino({ level: "silent" });
const opened: Redis[] = [];
const prefixes: string[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map(closeRedis));
  await Promise.all(prefixes.splice(0).map((p) => cleanPrefix(p)));
});

/** A gateway process's throttle (its own connection), for `maxConcurrency` buckets of `windowMs`. */
async function throttler(prefix: string, maxConcurrency: number, windowMs: number, url = TEST_REDIS_URL) {
  const redis = connectRedis(url, log, { purpose: "commands" });
  opened.push(redis);
  await whenReady(redis, 1_000);
  return new RedisIdentifyThrottler(redis, keysFor(prefix), maxConcurrency, log, windowMs);
}

describe("RedisIdentifyThrottler (shared by gateway processes)", () => {
  it("GIVEN two processes identifying shards of one bucket THEN the second waits out the window", async () => {
    const prefix = testPrefix();
    prefixes.push(prefix);
    const [a, b] = [await throttler(prefix, 1, 600), await throttler(prefix, 1, 600)];
    const started = performance.now();
    await a.waitForIdentify(0, new AbortController().signal);
    expect(performance.now() - started).toBeLessThan(300);
    await b.waitForIdentify(1, new AbortController().signal);
    expect(performance.now() - started).toBeGreaterThanOrEqual(550);
  });

  it("GIVEN max_concurrency 2 THEN shards of different buckets identify together", async () => {
    const prefix = testPrefix();
    prefixes.push(prefix);
    const [a, b] = [await throttler(prefix, 2, 2_000), await throttler(prefix, 2, 2_000)];
    const started = performance.now();
    await Promise.all([
      a.waitForIdentify(0, new AbortController().signal),
      b.waitForIdentify(1, new AbortController().signal),
    ]);
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it("GIVEN an aborted wait THEN it rejects instead of identifying", async () => {
    const prefix = testPrefix();
    prefixes.push(prefix);
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
