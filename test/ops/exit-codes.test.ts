/**
 * Exit codes, from the real process (`node src/main.ts`) against the local fake Discord: what a
 * supervisor sees for each way Kizuna can stop (README, "Exit codes").
 */
import { createServer } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { ExitCode } from "../../src/ops/exit-codes.ts";
import { startFakeDiscord, type FakeDiscord } from "../support/fake-discord.ts";
import { killAll, startProcess } from "../support/process.ts";

let fake: FakeDiscord | undefined;
afterEach(async () => {
  await killAll();
  await fake?.stop();
  fake = undefined;
});

const bot = (env: Record<string, string>) => startProcess(["--import", "tsx", "src/main.ts"], env);

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("GIVEN the bot process", () => {
  it("WHEN SIGTERM arrives after it connected THEN it exits 0", async () => {
    fake = await startFakeDiscord();
    const p = bot({ DISCORD_TOKEN: fake.token, DISCORD_API_BASE: fake.restBase });
    await p.waitFor(/connected to Discord/);
    p.kill("SIGTERM");
    expect(await p.exited, p.said()).toEqual({ code: ExitCode.Ok, signal: null });
  });

  it("WHEN Discord refuses the token THEN it exits 77 (do not restart), the token never printed", async () => {
    fake = await startFakeDiscord();
    const wrong = "MTIzNDU2Nzg5MDEyMzQ1Njc4.WRONGX.not-the-right-token-at-all";
    const p = bot({ DISCORD_TOKEN: wrong, DISCORD_API_BASE: fake.restBase });
    expect(await p.exited, p.said()).toEqual({ code: ExitCode.GatewayRefused, signal: null });
    expect(p.said()).toMatch(/could not connect to Discord/);
    expect(p.said()).not.toContain(wrong);
  });

  it("WHEN Discord closes the gateway with 4014 (intents not allowed) after it connected THEN it exits 77", async () => {
    fake = await startFakeDiscord();
    const p = bot({ DISCORD_TOKEN: fake.token, DISCORD_API_BASE: fake.restBase });
    await p.waitFor(/connected to Discord/);
    fake.closeGateway(4014, "Disallowed intent(s).");
    expect(await p.exited, p.said()).toEqual({ code: ExitCode.GatewayRefused, signal: null });
    expect(p.said()).toMatch(/closed the gateway for good/);
  });

  it("WHEN Discord cannot be reached THEN it exits 69 (a restart may help)", async () => {
    const port = await closedPort();
    const p = bot({
      DISCORD_TOKEN: "MTIzNDU2Nzg5MDEyMzQ1Njc4.ABCDEF.abcdefghijklmnopqrstuvwxyz",
      DISCORD_API_BASE: `http://127.0.0.1:${port}/api`,
    });
    expect(await p.exited, p.said()).toEqual({ code: ExitCode.Unavailable, signal: null });
  }, 60_000);

  it("WHEN the configuration is invalid THEN it exits 78; WHEN the knowledge is invalid THEN 65", async () => {
    const config = bot({ COOLDOWN_ANSWERS: "-1" });
    expect(await config.exited, config.said()).toEqual({ code: ExitCode.Config, signal: null });
    const knowledge = bot({ KNOWLEDGE_DIR: "test/fixtures/knowledge/bad-dates" });
    expect(await knowledge.exited, knowledge.said()).toEqual({
      code: ExitCode.InvalidKnowledge,
      signal: null,
    });
  });
});
