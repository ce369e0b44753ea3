/**
 * HEALTH_PORT: /healthz, /readyz and /metrics over real HTTP from the real process
 * (`node src/main.ts`) against the local fake Discord — not ready while it logs in, ready once
 * it is, every metric of ours counting what happened, and nothing in a label that names a user
 * or a guild.
 */
import { cp, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateKeyPairSync } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { DEFAULT_KNOWLEDGE_DIR } from "../../src/config.ts";
import { startFakeDiscord, type FakeDiscord } from "../support/fake-discord.ts";
import { killAll, startProcess, type Proc } from "../support/process.ts";
import { textOf } from "../reliability/support.ts";

let fake: FakeDiscord | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await killAll();
  await fake?.stop();
  fake = undefined;
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

/** The health server's address, from the process's own log line. */
async function healthUrl(p: Proc): Promise<string> {
  await p.waitFor(/"msg":"health and metrics listening"/);
  const line = p
    .stdout()
    .split("\n")
    .find((l) => l.includes("health and metrics listening"));
  return (JSON.parse(line!) as { url: string }).url;
}

async function get(
  url: string,
): Promise<{ status: number; body: string; json: () => Record<string, unknown> }> {
  const res = await fetch(url);
  const body = await res.text();
  return { status: res.status, body, json: () => JSON.parse(body) as Record<string, unknown> };
}

/** The value of one sample line, e.g. `kizuna_answers_total{outcome="answered"}`. */
function sample(metrics: string, series: string): number | undefined {
  const line = metrics.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

const user = (i: number) => `31000000000000000${i}`;

describe("GIVEN HEALTH_PORT set", () => {
  it("THEN /readyz is 503 while logging in, 200 when ready; /healthz and /metrics show what happened", async () => {
    fake = await startFakeDiscord();
    // Discord answers the first log-in step after 2 s: time to see the process not ready yet.
    fake.failNext({ method: "GET", path: "/gateway/bot", delayMs: 2_000 });
    const dir = await mkdtemp(join(tmpdir(), "kizuna-health-"));
    dirs.push(dir);
    await cp(DEFAULT_KNOWLEDGE_DIR, dir, { recursive: true });
    const p = startProcess(["--import", "tsx", "src/main.ts"], {
      DISCORD_TOKEN: fake.token,
      DISCORD_API_BASE: fake.restBase,
      KNOWLEDGE_DIR: dir,
      HEALTH_PORT: "0",
      COOLDOWN_ANSWERS: "1",
    });
    const url = await healthUrl(p);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/); // private unless HEALTH_HOST says otherwise

    const early = await get(`${url}/readyz`);
    expect(early.status, early.body).toBe(503);
    expect(early.json()).toMatchObject({ status: "not ready", ready: false });
    expect((early.json()["reasons"] as string[]).join("; ")).toMatch(
      /starting|knowledge not loaded|gateway not ready/,
    );
    expect((await get(`${url}/healthz`)).status).toBe(200);

    await p.waitFor(/connected to Discord/);
    const ready = await get(`${url}/readyz`);
    expect(ready.status, ready.body).toBe(200);
    expect(ready.json()).toMatchObject({
      status: "ready",
      role: "bot",
      reasons: [],
      knowledge: { version: expect.stringMatching(/^[0-9a-f]{12}$/), facts: expect.any(Number) },
      gateway: { status: "ready" },
      lastReload: null,
    });

    // Answered, not known, a pair not covered, then the first user again: the cooldown refuses.
    const asks = [
      [1, "When were diplomatic relations established?"],
      [2, "Who won the 2010 World Cup?"],
      [3, "When did Chile and Japan sign a treaty?"],
      [1, "When did Ayub Khan visit Japan?"],
    ] as const;
    for (const [i, question] of asks) {
      const callback = await fake.slashCommand({ name: "ask", userId: user(i), options: { question } })
        .callback;
      if (i === 1 && question.startsWith("When did")) expect(textOf(callback)).toMatch(/try again in/);
    }
    // A refused reload, then a good one.
    await writeFile(join(dir, "broken.yaml"), "relation: [unclosed\n");
    const refused = await fake.slashCommand({ name: "reload", permissions: "32" }).final(15_000);
    expect(JSON.stringify(refused)).toMatch(/Reload refused: 1 problem/);
    await rm(join(dir, "broken.yaml"));
    await fake.slashCommand({ name: "reload", permissions: "32" }).final(15_000);

    const health = (await get(`${url}/healthz`)).json();
    expect(health).toMatchObject({
      status: "alive",
      lastReload: { ok: true, version: (ready.json()["knowledge"] as { version: string }).version },
    });

    const metrics = await get(`${url}/metrics`);
    expect(metrics.status).toBe(200);
    const m = metrics.body;
    expect(sample(m, 'kizuna_interactions_total{kind="command",command="ask",outcome="ok"}')).toBe(3);
    expect(sample(m, 'kizuna_interactions_total{kind="command",command="ask",outcome="user-error"}')).toBe(1);
    expect(sample(m, 'kizuna_interactions_total{kind="command",command="reload",outcome="ok"}')).toBe(2);
    expect(sample(m, 'kizuna_answers_total{outcome="answered"}')).toBe(1);
    expect(sample(m, 'kizuna_answers_total{outcome="not-known"}')).toBe(1);
    expect(sample(m, 'kizuna_answers_total{outcome="uncovered-pair"}')).toBe(1);
    expect(sample(m, "kizuna_cooldown_refusals_total")).toBe(1);
    expect(sample(m, 'kizuna_reloads_total{outcome="refused"}')).toBe(1);
    expect(sample(m, 'kizuna_reloads_total{outcome="ok"}')).toBe(1);
    expect(sample(m, 'kizuna_reload_duration_seconds_count{outcome="ok"}')).toBe(1);
    expect(sample(m, 'kizuna_answer_duration_seconds_count{kind="command",command="ask"}')).toBe(4);
    expect(sample(m, "kizuna_knowledge_facts")).toBe((ready.json()["knowledge"] as { facts: number }).facts);
    expect(m).toMatch(/^kizuna_knowledge_info\{version="[0-9a-f]{12}"\} 1$/m);
    expect(sample(m, "kizuna_gateway_up")).toBe(1);
    expect(m).toMatch(/^kizuna_gateway_ping_seconds \d/m);
    expect(m).toMatch(/^kizuna_event_loop_lag_seconds\{stat="p99"\} \d/m);
    expect(m).toMatch(/^process_resident_memory_bytes \d/m); // the default process metrics
    // Every metric that is not Node's default is ours, and named so.
    const names = new Set([...m.matchAll(/^# TYPE (\S+)/gm)].map((x) => x[1]!));
    for (const name of names) expect(name).toMatch(/^(kizuna_|process_|nodejs_)/);
    // No user, guild or channel id in any label.
    for (const id of [user(1), user(2), user(3), fake.guildId, fake.channels[0]!.id])
      expect(m).not.toContain(id);

    p.kill("SIGTERM");
    expect(await p.exited, p.said()).toEqual({ code: 0, signal: null });
  }, 60_000);

  it("WHEN the role is http THEN it is ready without a gateway, and the public port serves no metrics", async () => {
    const key = generateKeyPairSync("ed25519").publicKey.export({ format: "der", type: "spki" });
    const p = startProcess(["--import", "tsx", "src/main.ts"], {
      KIZUNA_ROLE: "http",
      HTTP_HOST: "127.0.0.1",
      HTTP_PORT: "0",
      DISCORD_PUBLIC_KEY: key.subarray(-32).toString("hex"),
      HEALTH_PORT: "0",
    });
    const url = await healthUrl(p);
    await expect
      .poll(async () => (await get(`${url}/readyz`)).status, { timeout: 15_000, interval: 100 })
      .toBe(200);
    expect((await get(`${url}/readyz`)).json()).toMatchObject({ role: "http", gateway: null, reasons: [] });
    expect((await get(`${url}/metrics`)).body).toMatch(/^kizuna_knowledge_facts \d+$/m);
    expect((await get(`${url}/nothing`)).status).toBe(404);
    await p.waitFor(/listening for interactions/);
    const line = p
      .stdout()
      .split("\n")
      .find((l) => l.includes("listening for interactions"));
    const { port } = JSON.parse(line!) as { port: number };
    expect((await get(`http://127.0.0.1:${port}/metrics`)).status).toBe(404);
    p.kill("SIGTERM");
    expect(await p.exited, p.said()).toEqual({ code: 0, signal: null });
  });

  it("WHEN HEALTH_PORT is taken THEN it exits 69 naming the port", async () => {
    const { createServer } = await import("node:net");
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    const port = (taken.address() as { port: number }).port;
    try {
      const p = startProcess(["--import", "tsx", "src/main.ts"], {
        KIZUNA_ROLE: "http",
        HTTP_PORT: "0",
        DISCORD_PUBLIC_KEY: "ab".repeat(32),
        HEALTH_PORT: String(port),
      });
      expect(await p.exited, p.said()).toEqual({ code: 69, signal: null });
      expect(p.said()).toMatch(new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port} \\(HEALTH_PORT\\)`));
    } finally {
      taken.close();
    }
  });
});
