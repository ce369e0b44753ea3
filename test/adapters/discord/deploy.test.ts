/**
 * `npm run deploy-commands` against the fake Discord: guild-scoped with DISCORD_GUILD_ID, global
 * without, the stored definitions exactly the registry's; what differs is printed (added,
 * changed, removed) and written only when something does; `--dry-run` writes nothing; no output
 * path shows the token, even when the server quotes the Authorization header back.
 */
import { PermissionFlagsBits } from "discord.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { commands } from "../../../src/commands/index.ts";
import { commandBodies, deployCommands, describeDeploy } from "../../../src/adapters/discord/deploy.ts";
import { startProcess } from "../../support/process.ts";
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

  it("WHEN no guild is set THEN the registry is registered globally, and a second deploy writes nothing", async () => {
    const config = loadConfig({ DISCORD_TOKEN: fake.token, DISCORD_API_BASE: fake.restBase });
    const first = await deployCommands(config);
    expect(first.scope).toMatch(/^global/);
    expect(fake.requests.filter((r) => r.method === "PUT").map((r) => r.path)).toEqual([
      `/applications/${fake.applicationId}/commands`,
    ]);
    expect(withoutExtras(fake.registeredCommands())).toEqual(expectedStored());
    expect(fake.registeredCommands(fake.guildId)).toEqual([]);

    const second = await deployCommands(config);
    expect(second.wrote).toBe(false);
    expect(second.diff).toMatchObject({ added: [], changed: [], removed: [] });
    expect(second.diff.unchanged).toEqual(commands.map((c) => c.data.name));
    expect(describeDeploy(second, false)).toMatch(/Up to date: nothing written\.\n$/);
    expect(fake.requests.filter((r) => r.method === "PUT")).toHaveLength(1);
    // It asked for the full localization dictionaries, which it compares too.
    expect(
      fake.requests.filter((r) => r.method === "GET" && r.path.endsWith("/commands")).at(-1)?.query,
    ).toEqual({
      with_localizations: "true",
    });
    expect(second.registered.map((c) => c.id)).toEqual(first.registered.map((c) => c.id));
  });

  it("WHEN what is registered differs THEN added, changed (with the fields) and removed are printed; --dry-run writes nothing, a real run does", async () => {
    const config = loadConfig({
      DISCORD_TOKEN: fake.token,
      DISCORD_API_BASE: fake.restBase,
      DISCORD_GUILD_ID: fake.guildId,
    });
    await deployCommands(config);
    // Someone changed things by hand: /ask's Japanese description, /help gone, an old command left over.
    const held = fake.registeredCommands(fake.guildId);
    const ask = held.find((c) => c["name"] === "ask")!;
    ask["description_localizations"] = { ja: "古い説明" };
    held.splice(
      held.findIndex((c) => c["name"] === "help"),
      1,
    );
    held.push({ ...held[0]!, id: "1234567890123456789", name: "old", description: "Gone" });
    const puts = () => fake.requests.filter((r) => r.method === "PUT").length;

    const dry = await deployCommands(config, { dryRun: true });
    expect(dry.wrote).toBe(false);
    expect(puts()).toBe(1);
    const text = describeDeploy(dry, true);
    expect(text).toContain(`Commands, guild ${fake.guildId}:`);
    expect(text).toContain("  + /help  added\n");
    expect(text).toContain("  ~ /ask  changed: description_localizations\n");
    expect(text).toContain("  - /old  removed\n");
    expect(text).toMatch(/= \/timeline \/fact .* unchanged/);
    expect(text).toMatch(/Dry run: nothing written/);

    const real = await deployCommands(config);
    expect(real.wrote).toBe(true);
    expect(puts()).toBe(2);
    expect(describeDeploy(real, false)).toMatch(/Wrote 8 commands\.\n$/);
    expect(withoutExtras(fake.registeredCommands(fake.guildId))).toEqual(expectedStored());
    expect((await deployCommands(config)).wrote).toBe(false);
  });

  it("GIVEN npm run deploy-commands as a process THEN --dry-run prints the plan and exits 0; a server that echoes the Authorization header never gets the token printed (exit 77)", async () => {
    // The fake answers from this process: the CLI runs beside it, never blocking it.
    const run = async (args: string[]) => {
      const p = startProcess(["--import", "tsx", "src/adapters/discord/deploy.ts", ...args], {
        DISCORD_TOKEN: fake.token,
        DISCORD_API_BASE: fake.restBase,
        DISCORD_GUILD_ID: fake.guildId,
      });
      const { code } = await p.exited;
      return { status: code, stdout: p.stdout(), stderr: p.stderr() };
    };
    const dry = await run(["--dry-run"]);
    expect(dry.status, dry.stderr).toBe(0);
    expect(dry.stdout).toContain("  + /ask  added");
    expect(dry.stdout).toContain("Dry run: nothing written");
    expect(fake.requests.filter((r) => r.method === "PUT")).toEqual([]);

    fake.failNext({ method: "GET", path: "/commands", status: 403, echoAuthorization: true });
    const refused = await run([]);
    expect(refused.status, refused.stderr).toBe(77);
    expect(refused.stderr).toMatch(/^Registration failed: Refused: Authorization: Bot \[REDACTED\]/);
    expect(refused.stdout + refused.stderr).not.toContain(fake.token);
    expect(fake.requests.filter((r) => r.method === "PUT")).toEqual([]);

    expect((await run(["--force"])).status).toBe(64);
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
