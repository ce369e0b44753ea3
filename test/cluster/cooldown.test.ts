import { afterEach, describe, expect, it, vi } from "vitest";
import { SharedCooldown } from "../../src/cluster/cooldown.ts";
import { keysFor } from "../../src/cluster/redis.ts";
import { redisPerTest, TEST_REDIS_URL, testPrefix } from "../support/redis.ts";

const redis = redisPerTest();

async function cooldownAt(
  url: string,
  prefix: string,
  answers: number,
  ready = true,
): Promise<SharedCooldown> {
  const connection = await redis.connect(url, { commandTimeoutMs: 250, ready });
  return new SharedCooldown(connection, keysFor(prefix).cooldown, answers, 30_000);
}

afterEach(() => {
  vi.useRealTimers();
});

describe("SharedCooldown", () => {
  it("GIVEN two processes WHEN a user spends the allowance on one THEN the other refuses too", async () => {
    const prefix = redis.prefix();
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

  it("GIVEN Redis unreachable WHEN the wall clock steps back an hour THEN the wait shown stays within the window", async () => {
    vi.useFakeTimers({ toFake: ["Date"], shouldAdvanceTime: true });
    const c = await cooldownAt("redis://127.0.0.1:1/0", testPrefix(), 1, false);
    expect(await c.take("user-1")).toEqual({ ok: true });
    vi.setSystemTime(Date.now() - 3_600_000);
    const refused = await c.take("user-1");
    expect(refused.ok).toBe(false);
    expect(!refused.ok && refused.retryInMs).toBeLessThanOrEqual(30_000);
  });

  it("GIVEN COOLDOWN_ANSWERS=0 THEN there is no cooldown", async () => {
    const c = await cooldownAt(TEST_REDIS_URL, testPrefix(), 0);
    for (let i = 0; i < 5; i++) expect(await c.take("user-1")).toEqual({ ok: true });
  });
});
