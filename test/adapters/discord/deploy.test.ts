/**
 * `npm run deploy-commands` logic (deployCommands) against the fake Discord: guild-scoped with
 * DISCORD_GUILD_ID, global without, and the stored definitions are exactly the registry's.
 */
import { PermissionFlagsBits } from "discord.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { commands } from "../../../src/commands/index.ts";
import { commandBodies, deployCommands } from "../../../src/adapters/discord/deploy.ts";
import { ConfigError, loadConfig } from "../../../src/config.ts";
import { startFakeDiscord, type FakeDiscord, type JsonObject } from "../../support/fake-discord.ts";

/** What Discord adds to a stored command; the rest must be what we sent. */
const STORED_EXTRAS = ["id", "application_id", "version", "guild_id", "nsfw"];

function withoutExtras(stored: JsonObject[]): JsonObject[] {
  return stored.map((c) => Object.fromEntries(Object.entries(c).filter(([k]) => !STORED_EXTRAS.includes(k))));
}

/** The registry as JSON, with the defaults Discord fills in for fields we leave out. */
function expectedStored(): JsonObject[] {
  return (JSON.parse(JSON.stringify(commandBodies())) as JsonObject[]).map((c) => ({
    type: 1,
    default_member_permissions: null,
    ...c,
  }));
}

describe("deployCommands", () => {
  let fake: FakeDiscord;

  beforeEach(async () => {
    fake = await startFakeDiscord();
  });

  afterEach(async () => {
    await fake.stop();
  });

  it("WHEN DISCORD_GUILD_ID is set THEN the registry is registered to that guild only", async () => {
    const config = loadConfig({
      DISCORD_TOKEN: fake.token,
      DISCORD_API_BASE: fake.restBase,
      DISCORD_GUILD_ID: fake.guildId,
    });
    const { scope, registered } = await deployCommands(config);
    expect(scope).toBe(`guild ${fake.guildId}`);
    const put = fake.requests.filter((r) => r.method === "PUT");
    expect(put.map((r) => r.path)).toEqual([
      `/applications/${fake.applicationId}/guilds/${fake.guildId}/commands`,
    ]);
    expect(put[0]?.authorization).toBe(`Bot ${fake.token}`);
    expect(put[0]?.body).toEqual(JSON.parse(JSON.stringify(commandBodies())));
    expect(withoutExtras(fake.registeredCommands(fake.guildId))).toEqual(expectedStored());
    expect(fake.registeredCommands()).toEqual([]);
    expect(registered.map((c) => c.name)).toEqual(commands.map((c) => c.data.name));
    expect(registered.every((c) => c.guild_id === fake.guildId && /^\d{17,20}$/.test(c.id))).toBe(true);
    expect(fake.unhandledRequests).toEqual([]);
  });

  it("WHEN no guild is set THEN the registry is registered globally, and a second deploy keeps command ids", async () => {
    const config = loadConfig({ DISCORD_TOKEN: fake.token, DISCORD_API_BASE: fake.restBase });
    const first = await deployCommands(config);
    expect(first.scope).toMatch(/^global/);
    expect(fake.requests.filter((r) => r.method === "PUT").map((r) => r.path)).toEqual([
      `/applications/${fake.applicationId}/commands`,
    ]);
    expect(withoutExtras(fake.registeredCommands())).toEqual(expectedStored());
    expect(fake.registeredCommands(fake.guildId)).toEqual([]);

    const second = await deployCommands(config);
    expect(second.registered.map((c) => c.id)).toEqual(first.registered.map((c) => c.id));
  });

  it("THEN the bodies carry names, options, Japanese localizations and /reload's and /gaps's Manage Server default", () => {
    const bodies = commandBodies();
    expect(bodies.map((b) => b.name)).toEqual([
      "ask",
      "timeline",
      "fact",
      "relations",
      "sources",
      "help",
      "reload",
      "gaps",
    ]);
    for (const body of bodies) {
      expect(body.name_localizations?.ja, `/${body.name} name ja`).toBeTruthy();
      expect(body.description_localizations?.ja, `/${body.name} description ja`).toBeTruthy();
      for (const option of body.options ?? [])
        expect(option.description_localizations?.ja, `/${body.name} ${option.name} ja`).toBeTruthy();
    }
    const ask = bodies.find((b) => b.name === "ask");
    expect(ask?.options?.map((o) => [o.name, o.type, o.required ?? false, o.autocomplete ?? false])).toEqual([
      ["question", 3, true, true],
      ["private", 5, false, false],
    ]);
    const reload = bodies.find((b) => b.name === "reload");
    expect(reload?.default_member_permissions).toBe("32");
    expect(reload?.default_member_permissions).toBe(String(PermissionFlagsBits.ManageGuild));
    expect(reload?.contexts).toEqual([0]); // guild only
    const gaps = bodies.find((b) => b.name === "gaps");
    expect(gaps?.default_member_permissions).toBe(String(PermissionFlagsBits.ManageGuild));
    expect(gaps?.contexts).toEqual([0]);
    expect(gaps?.options?.map((o) => [o.name, o.type, o.required ?? false])).toEqual([["days", 4, false]]);
  });

  it("WHEN there is no token THEN it refuses with the key named, before any request", async () => {
    const config = loadConfig({ DISCORD_API_BASE: fake.restBase });
    await expect(deployCommands(config)).rejects.toThrow(ConfigError);
    await expect(deployCommands(config)).rejects.toThrow(/DISCORD_TOKEN: is required/);
    expect(fake.requests).toEqual([]);
  });
});
