import { describe, expect, it } from "vitest";
import { respondInTime, type Responder } from "../../src/interactions/respond.ts";
import type { Reply } from "../../src/replies/reply.ts";

/** A transport that records what it was asked to do. */
function recorder() {
  const calls: string[] = [];
  const responder: Responder = {
    reply: async (r) => void calls.push(`reply ${r.content}`),
    defer: async (ephemeral) => void calls.push(`defer ${ephemeral ? "private" : "public"}`),
    edit: async (r) => void calls.push(`edit ${r.content}`),
    deleteDeferred: async () => void calls.push("delete"),
    followUp: async (r) => void calls.push(`followUp ${r.content}${r.ephemeral ? " (private)" : ""}`),
  };
  return { calls, responder };
}
const after = (ms: number, reply: Reply) =>
  new Promise<Reply>((resolve) => setTimeout(() => resolve(reply), ms));

describe("respondInTime", () => {
  it("GIVEN a reply ready in time THEN it is sent at once, nothing deferred", async () => {
    const { calls, responder } = recorder();
    await respondInTime(after(5, { content: "a" }), responder, { deferAfterMs: 200, ephemeral: false });
    expect(calls).toEqual(["reply a"]);
  });

  it("GIVEN a slow reply THEN defer (as private as the reply will be), then edit it in", async () => {
    const { calls, responder } = recorder();
    await respondInTime(after(60, { content: "b" }), responder, { deferAfterMs: 10, ephemeral: true });
    expect(calls).toEqual(["defer private", "edit b"]);
  });

  it("GIVEN a slow reply that turns out private after a public deferral THEN the public one goes and a private follow-up comes", async () => {
    const { calls, responder } = recorder();
    await respondInTime(after(60, { content: "sorry", ephemeral: true }), responder, {
      deferAfterMs: 10,
      ephemeral: false,
    });
    expect(calls).toEqual(["defer public", "delete", "followUp sorry (private)"]);
  });
});

describe("respondInTime — progress", () => {
  /** Work that reports progress `steps` times, `gapMs` apart, then replies. */
  const reporting =
    (steps: number, gapMs: number) =>
    async (progress: (r: Reply) => void): Promise<Reply> => {
      for (let i = 1; i <= steps; i++) {
        await new Promise((r) => setTimeout(r, gapMs));
        progress({ content: `step ${i}` });
      }
      return { content: "done" };
    };

  it("GIVEN fast work that reports progress THEN only the reply goes out", async () => {
    const { calls, responder } = recorder();
    await respondInTime(reporting(3, 1), responder, { deferAfterMs: 500, ephemeral: false });
    expect(calls).toEqual(["reply done"]);
  });

  it("GIVEN slow work THEN after the deferral the latest progress is edited in, spaced, and the reply comes last", async () => {
    const { calls, responder } = recorder();
    const at: number[] = [];
    const timed: typeof responder = {
      ...responder,
      edit: async (r) => {
        at.push(performance.now());
        await responder.edit(r);
      },
    };
    await respondInTime(reporting(12, 25), timed, {
      deferAfterMs: 10,
      ephemeral: true,
      progressEveryMs: 100,
    });
    expect(calls[0]).toBe("defer private");
    expect(calls.at(-1)).toBe("edit done");
    const progressEdits = calls.filter((c) => c.startsWith("edit step"));
    // 300 ms of steps at most one edit per 100 ms: a few, not twelve, and never out of order.
    expect(progressEdits.length).toBeGreaterThanOrEqual(1);
    expect(progressEdits.length).toBeLessThanOrEqual(5);
    const numbers = progressEdits.map((c) => Number(c.slice("edit step ".length)));
    expect([...numbers].sort((a, b) => a - b)).toEqual(numbers);
    // Progress edits (all but the final one) are at least the interval apart.
    for (let i = 1; i < at.length - 1; i++) expect(at[i]! - at[i - 1]!).toBeGreaterThanOrEqual(95);
  });

  it("GIVEN a progress edit that fails THEN the final reply is still edited in", async () => {
    const { calls, responder } = recorder();
    let failed = false;
    const flaky: typeof responder = {
      ...responder,
      edit: async (r) => {
        if (!failed && r.content !== "done") {
          failed = true;
          throw new Error("edit refused");
        }
        await responder.edit(r);
      },
    };
    await respondInTime(reporting(4, 20), flaky, { deferAfterMs: 5, ephemeral: false, progressEveryMs: 10 });
    expect(failed).toBe(true);
    expect(calls.at(-1)).toBe("edit done");
  });
});
