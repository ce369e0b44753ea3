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

describe("pacer", () => {
  it("GIVEN a slice not yet used up THEN no turn; once used up THEN a turn to await", async () => {
    const pace = pacer(5);
    expect(pace()).toBeUndefined();
    const until = Date.now() + 10;
    while (Date.now() < until) {
      // busy: use up the slice
    }
    const turn = pace();
    expect(turn).toBeInstanceOf(Promise);
    await turn;
    expect(pace()).toBeUndefined();
  });
});
