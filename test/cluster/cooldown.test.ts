import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { SharedCooldown } from "../../src/cluster/cooldown.ts";
import { closeRedis, connectRedis, keysFor, whenReady, type Redis } from "../../src/cluster/redis.ts";
import { cleanPrefix, TEST_REDIS_URL, testPrefix } from "../support/redis.ts";

const log = pino({ level: "silent" });
const opened: Redis[] = [];
const prefixes: string[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map(closeRedis));
  await Promise.all(prefixes.splice(0).map((p) => cleanPrefix(p)));
});

async function cooldownAt(
  url: string,
  prefix: string,
  answers: number,
  ready = true,
): Promise<SharedCooldown> {
  const redis = connectRedis(url, log, { purpose: "cooldowns", commandTimeoutMs: 250 });
  opened.push(redis);
  if (ready) expect(await whenReady(redis, 2_000)).toBe(true);
  return new SharedCooldown(redis, keysFor(prefix).cooldown, answers, 30_000);
}

describe("SharedCooldown", () => {
  it("GIVEN two processes WHEN a user spends the allowance on one THEN the other refuses too", async () => {
    const prefix = testPrefix();
    prefixes.push(prefix);
    const a = await cooldownAt(TEST_REDIS_URL, prefix, 2);
    const b = await cooldownAt(TEST_REDIS_URL, prefix, 2);
    expect(await a.take("user-1")).toEqual({ ok: true });
    expect(await b.take("user-1")).toEqual({ ok: true });
    const refused = await a.take("user-1");
    expect(refused.ok).toBe(false);
    expect(!refused.ok && refused.retryInMs).toBeGreaterThan(0);
    expect(!refused.ok && refused.retryInMs).toBeLessThanOrEqual(30_000);
    expect((await b.take("user-1")).ok).toBe(false);
    // Another user is not affected.
    expect(await b.take("user-2")).toEqual({ ok: true });
  });

  it("GIVEN Redis unreachable THEN the cooldown still holds, per process, without waiting", async () => {
    const c = await cooldownAt("redis://127.0.0.1:1/0", testPrefix(), 2, false);
    const started = performance.now();
    expect(await c.take("user-1")).toEqual({ ok: true });
    expect(await c.take("user-1")).toEqual({ ok: true });
    expect((await c.take("user-1")).ok).toBe(false);
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it("GIVEN COOLDOWN_ANSWERS=0 THEN there is no cooldown", async () => {
    const c = await cooldownAt(TEST_REDIS_URL, testPrefix(), 0);
    for (let i = 0; i < 5; i++) expect(await c.take("user-1")).toEqual({ ok: true });
  });
});
