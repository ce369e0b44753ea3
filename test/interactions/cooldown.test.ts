import { describe, expect, it } from "vitest";
import { Cooldown } from "../../src/interactions/cooldown.ts";

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
});
