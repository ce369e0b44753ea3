/**
 * Malformed gateway payloads sent by the fake Discord to the real bot process (node src/main.ts):
 * those the bot can recognise are dropped and logged, and it goes on answering; anything else
 * that throws where nothing catches it is logged through the logger, secrets scrubbed, and the
 * process exits with ExitCode.Crash (70) for a supervisor to restart.
 */
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ExitCode } from "../../src/ops/exit-codes.ts";
import { childEnv } from "../support/child-env.ts";
import { startFakeDiscord, type FakeDiscord, type JsonObject } from "../support/fake-discord.ts";

interface Child {
  readonly fake: FakeDiscord;
  records(): Array<Record<string, unknown>>;
  output(): string;
  readonly exited: Promise<number | null>;
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** The bot as `npm start` runs it, logged in to a fresh fake Discord. */
async function startProcess(): Promise<Child> {
  const fake = await startFakeDiscord();
  const dataDir = await mkdtemp(join(tmpdir(), "kizuna-faults-"));
  const proc = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    env: childEnv({
      DISCORD_TOKEN: fake.token,
      DISCORD_API_BASE: fake.restBase,
      DATA_DIR: dataDir,
      RECORD_QUESTIONS: "off",
      COOLDOWN_ANSWERS: "0",
      LOG_FORMAT: "json",
    }),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  proc.stdout.on("data", (d: Buffer) => (out += d.toString()));
  proc.stderr.on("data", (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => proc.once("exit", (code) => resolve(code)));
  cleanups.push(async () => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill("SIGKILL");
    await exited;
    await fake.stop();
    await rm(dataDir, { recursive: true, force: true });
  });
  const child: Child = {
    fake,
    records: () =>
      out
        .split("\n")
        .filter((l) => l.startsWith("{"))
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    output: () => `stdout:\n${out}\nstderr:\n${err}`,
    exited,
  };
  await expect
    .poll(
      () => {
        if (proc.exitCode !== null) throw new Error(`the bot exited at start-up: ${child.output()}`);
        return child.records().some((r) => r["msg"] === "connected to Discord");
      },
      { timeout: 20_000, interval: 50 },
    )
    .toBe(true);
  return child;
}

/** A /help interaction as Discord would send it, altered by `change`. */
function help(fake: FakeDiscord, change: (payload: JsonObject) => void): JsonObject {
  const payload = fake.interactionPayload({ kind: "command", name: "help" });
  change(payload);
  return payload;
}

describe("GIVEN malformed gateway payloads sent to the bot process", () => {
  it("WHEN they are ones the bot recognises THEN each is dropped with a warning and the bot keeps answering", async () => {
    const child = await startProcess();
    const { fake } = child;
    const member = (p: JsonObject) => p["member"] as JsonObject;
    const sent: Array<[string, () => void]> = [
      [
        'member.permissions "abc"',
        () => fake.interact(help(fake, (p) => (member(p)["permissions"] = "abc"))),
      ],
      ["member.permissions a number", () => fake.interact(help(fake, (p) => (member(p)["permissions"] = 8)))],
      [
        "a component without its message",
        () => {
          const p = fake.interactionPayload({ kind: "button", customId: "kz:timeline:page:1" });
          delete p["message"];
          fake.interact(p);
        },
      ],
      ["INTERACTION_CREATE with d: null", () => fake.dispatchRaw("INTERACTION_CREATE", null)],
      [
        "MESSAGE_CREATE without an author",
        () =>
          fake.dispatchRaw("MESSAGE_CREATE", {
            id: "1234567890123456789",
            channel_id: fake.channels[0]!.id,
            guild_id: fake.guildId,
            content: `<@${fake.botUser.id}> hello?`,
            mentions: [fake.botUser],
            attachments: [],
            embeds: [],
            type: 0,
          }),
      ],
    ];
    for (const [, send] of sent) send();
    await expect
      .poll(() => child.records().filter((r) => r["msg"] === "malformed gateway event dropped").length, {
        timeout: 5_000,
      })
      .toBe(sent.length);
    expect(
      child
        .records()
        .filter((r) => r["msg"] === "malformed gateway event dropped")
        .map((r) => [r["event"], r["problem"]]),
    ).toEqual([
      ["INTERACTION_CREATE", "member.permissions is not a bitfield"],
      ["INTERACTION_CREATE", "member.permissions is not a bitfield"],
      ["INTERACTION_CREATE", "component without message"],
      ["INTERACTION_CREATE", "no interaction data"],
      ["MESSAGE_CREATE", "no author"],
    ]);
    // Still alive and answering.
    const reply = await fake.slashCommand({ name: "help" }).final(10_000);
    expect(JSON.stringify(reply.embeds)).toContain("/ask");
    expect(child.records().filter((r) => r["level"] === 60)).toEqual([]);
  });

  it("WHEN discord.js throws on one nothing recognises THEN the fault is logged with the token scrubbed and the process exits 70", async () => {
    const child = await startProcess();
    const { fake } = child;
    // discord.js reads a role's permissions with BigInt(): the error message quotes the value.
    fake.dispatchRaw("GUILD_ROLE_CREATE", {
      guild_id: fake.guildId,
      role: { id: "1234567890123456780", name: "x", permissions: fake.token, position: 1, color: 0 },
    });
    expect(await child.exited, child.output()).toBe(ExitCode.Crash);
    const fatal = child.records().filter((r) => r["level"] === 60);
    expect(fatal, child.output()).toEqual([
      expect.objectContaining({
        msg: "uncaught fault; exiting for a supervisor to restart",
        origin: "unhandledRejection",
        exitCode: 70,
        err: expect.objectContaining({ message: expect.stringContaining("[REDACTED]") }),
      }),
    ]);
    expect(child.output()).not.toContain(fake.token);
  });
});
