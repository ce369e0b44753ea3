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
