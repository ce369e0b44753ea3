import { describe, expect, it } from "vitest";
import { pacer, sortPaced } from "../src/pace.ts";

describe("sortPaced", () => {
  it("GIVEN many items THEN it sorts stably like Array.prototype.sort, giving turns between runs", async () => {
    const items = Array.from({ length: 5000 }, (_, i) => ({ key: (i * 7919) % 97, i }));
    let turns = 0;
    const sorted = await sortPaced(
      items,
      (a, b) => a.key - b.key,
      () => {
        turns++;
        return undefined;
      },
    );
    expect(sorted).toEqual([...items].sort((a, b) => a.key - b.key));
    expect(turns).toBeGreaterThan(1);
  });

  it("GIVEN nothing to sort THEN an empty list", async () => {
    expect(
      await sortPaced(
        [],
        (a: number, b: number) => a - b,
        () => undefined,
      ),
    ).toEqual([]);
  });
});

const busy = (ms: number) => {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // busy: use up the slice
  }
};

describe("pacer", () => {
  it("GIVEN a slice used up THEN a turn to await; right after a turn THEN none", async () => {
    const pace = pacer(5);
    busy(10);
    const turn = pace();
    expect(turn).toBeInstanceOf(Promise);
    await turn;
    expect(pace()).toBeUndefined();
  });

  it("GIVEN a new pacer after a long stretch of another phase THEN it gives a turn at once", async () => {
    const first = pacer(5);
    await (first() ?? new Promise((resolve) => setImmediate(resolve)));
    busy(4);
    // The first phase ends without a turn; the next starts: its slice is the same one.
    const second = pacer(5);
    busy(2);
    expect(second()).toBeInstanceOf(Promise);
  });
});
