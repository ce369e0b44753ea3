import { describe, expect, it } from "vitest";
import { WorkQueue } from "../../src/interactions/work-queue.ts";

describe("WorkQueue", () => {
  it("GIVEN autocompletes queued before commands THEN every command starts first, each in its own turn", async () => {
    const q = new WorkQueue();
    const started: string[] = [];
    let afterFirst = -1;
    const all: Promise<void>[] = [];
    for (let i = 0; i < 3; i++) all.push(q.push("autocomplete", () => started.push(`a${i}`)));
    all.push(
      q.push("command", () => {
        started.push("c0");
        // Its microtasks run before the next task starts: one task per turn of the event loop.
        queueMicrotask(() => (afterFirst = started.length));
      }),
    );
    all.push(q.push("command", () => started.push("c1")));
    expect(q.waiting).toEqual({ command: 2, autocomplete: 3 });
    await Promise.all(all);
    expect(started).toEqual(["c0", "c1", "a0", "a1", "a2"]);
    expect(afterFirst).toBe(1);
  });

  it("GIVEN a task THEN it is told how long it waited, and a failing task does not stop the queue", async () => {
    let now = 0;
    const q = new WorkQueue(() => now);
    const waited: number[] = [];
    const first = q.push("command", () => {
      throw new Error("bug");
    });
    const second = q.push("command", async (ms) => {
      waited.push(ms);
      throw new Error("async bug");
    });
    now = 2_500;
    const third = q.push("command", (ms) => waited.push(ms));
    await Promise.all([first, second, third]);
    expect(waited).toEqual([2_500, 0]);
  });
});
