import { afterEach, describe, expect, it, vi } from "vitest";
import { Cooldown } from "../../src/interactions/cooldown.ts";

afterEach(() => {
  vi.useRealTimers();
});

/** A wall clock (Date) that a test can step, as NTP or an operator's `date -s` does; time itself goes on. */
function steppableWallClock(): (ms: number) => void {
  vi.useFakeTimers({ toFake: ["Date"], shouldAdvanceTime: true });
  return (ms) => vi.setSystemTime(Date.now() + ms);
}

describe("Cooldown", () => {
  it("GIVEN 2 answers per 10 s THEN the third within the window waits, and the window slides", () => {
    let now = 0;
    const c = new Cooldown(2, 10_000, () => now);
    expect(c.take("u").ok).toBe(true);
    now = 4000;
    expect(c.take("u").ok).toBe(true);
    now = 5000;
    expect(c.take("u")).toEqual({ ok: false, retryInMs: 5000 });
    expect(c.take("other").ok).toBe(true);
    now = 10_001;
    expect(c.take("u").ok).toBe(true);
  });

  it("GIVEN 0 answers THEN the cooldown is off", () => {
    const c = new Cooldown(0, 10_000);
    for (let i = 0; i < 100; i++) expect(c.take("u").ok).toBe(true);
  });

  it("GIVEN a flood of distinct users THEN old entries are pruned (memory stays bounded)", () => {
    let now = 0;
    const c = new Cooldown(1, 1000, () => now);
    for (let i = 0; i < 10_001; i++) c.take(`u${i}`);
    now = 5000;
    c.take("late");
    expect((c as unknown as { hits: Map<string, number[]> }).hits.size).toBeLessThan(10);
  });

  it("GIVEN the wall clock stepped back an hour THEN the wait stays within the window and ends with it", async () => {
    const step = steppableWallClock();
    const c = new Cooldown(1, 300);
    expect(c.take("u").ok).toBe(true);
    step(-3_600_000);
    const refused = c.take("u");
    expect(refused.ok).toBe(false);
    expect(!refused.ok && refused.retryInMs).toBeLessThanOrEqual(300);
    await new Promise((resolve) => setTimeout(resolve, 350));
    expect(c.take("u").ok).toBe(true);
  });

  it("GIVEN the wall clock stepped forward an hour THEN the window is not cut short", () => {
    const step = steppableWallClock();
    const c = new Cooldown(1, 60_000);
    expect(c.take("u").ok).toBe(true);
    step(3_600_000);
    expect(c.take("u").ok).toBe(false);
  });
});
