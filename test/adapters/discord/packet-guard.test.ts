import { describe, expect, it } from "vitest";
import { malformedDispatch } from "../../../src/adapters/discord/packet-guard.ts";

const USER = { id: "123456789012345678", username: "u" };
const command = (change: Record<string, unknown> = {}) => ({
  id: "223456789012345678",
  token: "t",
  type: 2,
  data: { name: "ask" },
  member: { user: USER, permissions: "2048" },
  app_permissions: "2048",
  entitlements: [],
  authorizing_integration_owners: { "0": "1" },
  ...change,
});

describe("malformedDispatch", () => {
  it("GIVEN sound interactions and messages THEN nothing is wrong", () => {
    expect(malformedDispatch("INTERACTION_CREATE", command())).toBeUndefined();
    expect(
      malformedDispatch("INTERACTION_CREATE", command({ member: undefined, user: USER })),
    ).toBeUndefined();
    expect(
      malformedDispatch("INTERACTION_CREATE", command({ type: 3, message: { id: "323456789012345678" } })),
    ).toBeUndefined();
    expect(malformedDispatch("MESSAGE_CREATE", { id: "1", channel_id: "2", author: USER })).toBeUndefined();
    // Events the bot does not act on are not checked.
    expect(malformedDispatch("GUILD_ROLE_CREATE", null)).toBeUndefined();
  });

  it.each([
    ["d: null", null, "no interaction data"],
    ["a string", "x", "no interaction data"],
    ["no data", command({ data: null }), "no data"],
    ["no user", command({ member: undefined }), "no user"],
    [
      "permissions 'abc'",
      command({ member: { user: USER, permissions: "abc" } }),
      "member.permissions is not a bitfield",
    ],
    [
      "permissions a number",
      command({ member: { user: USER, permissions: 8 } }),
      "member.permissions is not a bitfield",
    ],
    ["app_permissions -1", command({ app_permissions: "-1" }), "app_permissions is not a bitfield"],
    ["no entitlements", command({ entitlements: undefined }), "no entitlements"],
    [
      "no integration owners",
      command({ authorizing_integration_owners: null }),
      "no authorizing_integration_owners",
    ],
    ["a component without message", command({ type: 3 }), "component without message"],
    ["a ping over the gateway", command({ type: 1 }), "bad type"],
  ])("GIVEN an INTERACTION_CREATE with %s THEN it is malformed", (_, d, problem) => {
    expect(malformedDispatch("INTERACTION_CREATE", d)).toBe(problem);
  });

  it("GIVEN a MESSAGE_CREATE without an author or data THEN it is malformed", () => {
    expect(malformedDispatch("MESSAGE_CREATE", { id: "1", channel_id: "2" })).toBe("no author");
    expect(malformedDispatch("MESSAGE_CREATE", { id: "1", channel_id: "2", author: null })).toBe("no author");
    expect(malformedDispatch("MESSAGE_CREATE", null)).toBe("no message data");
  });
});
