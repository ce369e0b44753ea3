import { describe, expect, it } from "vitest";
import { TokenBucket } from "../../src/interactions/token-bucket.ts";

describe("TokenBucket", () => {
  it("GIVEN a burst of 3 and 2 a second THEN three go at once, the fourth waits half a second", () => {
    let now = 0;
    const b = new TokenBucket(3, 2, () => now);
    expect([b.take("u"), b.take("u"), b.take("u"), b.take("u")]).toEqual([true, true, true, false]);
    expect(b.take("other")).toBe(true);
    now = 400;
    expect(b.take("u")).toBe(false);
    now = 500;
    expect(b.take("u")).toBe(true);
    expect(b.take("u")).toBe(false);
    // Refills up to the burst, never beyond.
    now = 60_000;
    expect([b.take("u"), b.take("u"), b.take("u"), b.take("u")]).toEqual([true, true, true, false]);
  });

  it("GIVEN a flood of distinct keys THEN memory stays bounded", () => {
    let now = 0;
    const b = new TokenBucket(2, 1, () => now, 100);
    for (let i = 0; i < 10_000; i++) {
      now += 1;
      b.take(`u${i}`);
    }
    expect((b as unknown as { buckets: Map<string, unknown> }).buckets.size).toBeLessThanOrEqual(100);
  });
});
