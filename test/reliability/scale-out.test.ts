/**
 * The deployment as an operator runs it: 1 gateway process + 3 HTTP workers, each a real
 * `node src/main.ts` with its role in the environment, the local fake Discord (REST, gateway,
 * and the signed POSTs to each worker's Interactions Endpoint URL) and a Redis server of
 * this test's own, which it stops and starts. Every worker has its own KNOWLEDGE_DIR: what a
 * process serves after start-up comes from Redis, not from its folder.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { appendFile, cp, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PermissionFlagsBits } from "discord.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deployCommands } from "../../src/adapters/discord/deploy.ts";
import { DEFAULT_KNOWLEDGE_DIR, loadConfig } from "../../src/config.ts";
import {
  startFakeDiscord,
  type FakeDiscord,
  type InteractionHandle,
  type JsonObject,
} from "../support/fake-discord.ts";
import { freePort, OwnRedis } from "../support/redis.ts";
import {
  GERMANY_FACT_ID,
  GERMANY_JAPAN_FILE,
  GERMANY_QUESTION,
  germanyJapanYaml,
  textOf,
} from "./support.ts";
import { childEnv } from "../support/child-env.ts";

const ESTABLISHED = "When were diplomatic relations established?";
const ADMIN = String(PermissionFlagsBits.ManageGuild);

interface Proc {
  readonly name: string;
  readonly dir: string;
  readonly env: Record<string, string>;
  /** The worker's base URL (http workers). */
  readonly url?: string;
  child: ChildProcess;
  out: string;
  err: string;
}

let fake: FakeDiscord;
let redis: OwnRedis;
const procs: Proc[] = [];
const dirs: string[] = [];
/** Every interaction sent with a valid signature, to check none was lost. */
const sent: InteractionHandle[] = [];

/** Starts `node src/main.ts` with `env` (and nothing of the test's own environment that could leak in). */
function launch(p: Omit<Proc, "child" | "out" | "err">): Proc {
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    env: childEnv(p.env),
    stdio: ["ignore", "pipe", "pipe"],
  });
  const proc: Proc = { ...p, child, out: "", err: "" };
  child.stdout!.on("data", (d: Buffer) => (proc.out += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (proc.err += d.toString()));
  return proc;
}

const records = (p: Proc) =>
  p.out
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
const said = (p: Proc) => `${p.name} stdout:\n${p.out.slice(-4000)}\nstderr:\n${p.err.slice(-2000)}`;

async function until<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  ms = 30_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await Promise.resolve(probe()).catch(() => undefined);
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}\n${procs.map(said).join("\n")}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function health(
  p: Proc,
): Promise<{ version: string; processes?: Array<{ id: string; role: string; version: string }> }> {
  const response = await fetch(`${p.url}/health`, { signal: AbortSignal.timeout(2_000) });
  return (await response.json()) as {
    version: string;
    processes?: Array<{ id: string; role: string; version: string }>;
  };
}

/** Every registered process's version, as a worker's health endpoint shows the registry. */
async function versions(): Promise<string[]> {
  const h = await health(workers()[0]!);
  return (h.processes ?? []).map((p) => p.version);
}

const workers = () => procs.filter((p) => p.url);
const gateway = () => procs.find((p) => p.name === "gateway")!;

/** Waits for a worker to answer /health. */
async function workerUp(p: Proc): Promise<void> {
  await until(
    `${p.name} to listen`,
    async () => {
      if (p.child.exitCode !== null) throw new Error(`${p.name} exited: ${said(p)}`);
      return (await fetch(`${p.url}/health`)).ok || undefined;
    },
    60_000,
  );
}

function ask(p: Proc, question: string): InteractionHandle {
  const handle = fake.slashCommand({ name: "ask", options: { question }, endpoint: `${p.url}/interactions` });
  sent.push(handle);
  return handle;
}

/** An admin's /reload, sent to one worker. */
function reload(p: Proc): InteractionHandle {
  const handle = fake.slashCommand({ name: "reload", permissions: ADMIN, endpoint: `${p.url}/interactions` });
  sent.push(handle);
  return handle;
}

/** The text the user finally sees for an interaction (the reply, or the last edit of a deferred one). */
async function finalText(handle: InteractionHandle, pattern: RegExp): Promise<string> {
  return until(
    `a reply matching ${pattern}`,
    async () => {
      const message = await handle.final(1_000);
      const text = textOf({ type: 4, data: message as unknown as JsonObject });
      return pattern.test(text) ? text : undefined;
    },
    30_000,
  );
}

beforeAll(async () => {
  redis = await OwnRedis.start();
  fake = await startFakeDiscord();
  await deployCommands(
    loadConfig({
      DISCORD_TOKEN: fake.token,
      DISCORD_API_BASE: fake.restBase,
      DISCORD_GUILD_ID: fake.guildId,
    }),
  );
  const common = {
    DISCORD_TOKEN: fake.token,
    DISCORD_API_BASE: fake.restBase,
    DISCORD_PUBLIC_KEY: fake.publicKeyHex,
    REDIS_URL: redis.url,
    REDIS_PREFIX: "kizuna-scale:",
    LOG_FORMAT: "json",
    LOG_LEVEL: "info",
    COOLDOWN_ANSWERS: "0",
  };
  const copy = async () => {
    const dir = await mkdtemp(join(tmpdir(), "kizuna-scale-"));
    await cp(DEFAULT_KNOWLEDGE_DIR, dir, { recursive: true });
    dirs.push(dir);
    return dir;
  };
  for (let i = 1; i <= 3; i++) {
    const port = await freePort();
    const dir = await copy();
    procs.push(
      launch({
        name: `worker${i}`,
        dir,
        url: `http://127.0.0.1:${port}`,
        env: {
          ...common,
          KIZUNA_ROLE: "http",
          HTTP_HOST: "127.0.0.1",
          HTTP_PORT: String(port),
          KNOWLEDGE_DIR: dir,
        },
      }),
    );
  }
  const gatewayDir = await copy();
  procs.push(
    launch({
      name: "gateway",
      dir: gatewayDir,
      env: { ...common, KIZUNA_ROLE: "gateway", SHARD_COUNT: "1", KNOWLEDGE_DIR: gatewayDir },
    }),
  );
  await Promise.all(workers().map(workerUp));
  await until(
    "the gateway to connect",
    () => records(gateway()).some((r) => r["msg"] === "connected to Discord"),
    60_000,
  );
  await until("4 processes registered", async () => (await versions()).length === 4 || undefined);
}, 180_000);

afterAll(async () => {
  for (const p of procs) if (p.child.exitCode === null) p.child.kill("SIGTERM");
  await Promise.all(
    procs.map(
      (p) =>
        new Promise<void>((resolve) => {
          if (p.child.exitCode !== null || p.child.signalCode !== null) return resolve();
          const timer = setTimeout(() => p.child.kill("SIGKILL"), 8_000);
          p.child.once("exit", () => {
            clearTimeout(timer);
            resolve();
          });
        }),
    ),
  );
  await fake?.stop();
  await redis?.stop();
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
}, 60_000);

describe("1 gateway + 3 HTTP workers + Redis, each a real process", () => {
  it("GIVEN a signed /ask to every worker and a chat mention THEN each is answered from the same version", async () => {
    const [version] = await versions();
    for (const w of workers()) {
      const callback = await ask(w, ESTABLISHED).callback;
      expect(callback.type, said(w)).toBe(4);
      expect(textOf(callback)).toContain("**1931**");
      expect(textOf(callback)).toContain(`knowledge ${version}`);
    }
    const reply = await fake.userMessage({ content: ESTABLISHED, mentionsBot: true }).reply(15_000);
    expect(JSON.stringify(reply.embeds)).toContain("1931");
    expect(new Set(await versions())).toEqual(new Set([version]));
  });

  it("GIVEN forged or unsigned requests THEN 401, and nothing else happens", async () => {
    const w = workers()[0]!;
    const lines = records(w).filter((r) => r["msg"] === "interaction").length;
    for (const signing of ["forged", "none", "stale", "other-key"] as const) {
      const handle = fake.slashCommand({
        name: "reload",
        permissions: ADMIN,
        endpoint: `${w.url}/interactions`,
        signing,
      });
      expect((await handle.delivery!).status).toBe(401);
      expect(fake.requests.filter((r) => r.path.includes(handle.token))).toEqual([]);
    }
    await new Promise((r) => setTimeout(r, 300));
    expect(records(w).filter((r) => r["msg"] === "interaction").length).toBe(lines);
    expect(records(w).some((r) => r["msg"] === "knowledge version published")).toBe(false);
  });

  it("GIVEN /reload on one worker THEN all 4 processes load the new version within 5 s, and the reply counts them", async () => {
    const [w1, w2, w3] = workers();
    await writeFile(join(w1!.dir, GERMANY_JAPAN_FILE), germanyJapanYaml());
    const started = Date.now();
    const handle = reload(w1!);
    const text = await finalText(handle, /Knowledge reloaded/);
    const ms = Date.now() - started;
    expect(text).toMatch(/\*\*4 of 4\*\* processes/);
    const version = /Version \*\*([0-9a-f]{12})\*\*, \*\*4 of 4/.exec(text)?.[1];
    expect(version).toBeDefined();
    expect(new Set(await versions())).toEqual(new Set([version]));
    expect(ms, `reload to convergence took ${ms} ms`).toBeLessThan(5_000);
    // Every worker (whatever its own folder holds) and the gateway answer from it.
    for (const w of [w1!, w2!, w3!])
      expect(textOf(await ask(w, GERMANY_QUESTION).callback)).toContain(GERMANY_FACT_ID);
    const reply = await fake.userMessage({ content: GERMANY_QUESTION, mentionsBot: true }).reply(15_000);
    expect(reply.embeds[0]?.["footer"]).toMatchObject({ text: expect.stringContaining(GERMANY_FACT_ID) });
  });

  it("GIVEN a broken file THEN /reload is refused everywhere and nothing is swapped", async () => {
    const w2 = workers()[1]!;
    const before = await versions();
    await cp(workers()[0]!.dir, w2.dir, { recursive: true });
    await writeFile(join(w2.dir, "broken.yaml"), "relation: [unclosed\n");
    const handle = reload(w2!);
    const text = await finalText(handle, /Reload refused/);
    expect(text).toMatch(/knowledge\/broken\.yaml:\d+: YAML/);
    expect(text).toMatch(/on every process/);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await versions()).toEqual(before);
    await rm(join(w2.dir, "broken.yaml"));
  });

  it("GIVEN a worker killed with SIGKILL and started again THEN it rejoins on the current version", async () => {
    const w3 = workers()[2]!;
    const [version] = await versions();
    w3.child.kill("SIGKILL");
    await new Promise((r) => w3.child.once("exit", r));
    // Its own folder still lacks the Germany–Japan file: the version comes from Redis.
    const again = launch({ name: w3.name, dir: w3.dir, url: w3.url, env: w3.env });
    procs[procs.indexOf(w3)] = again;
    await workerUp(again);
    expect((await health(again)).version).toBe(version);
    expect(textOf(await ask(again, GERMANY_QUESTION).callback)).toContain(GERMANY_FACT_ID);
  });

  it("GIVEN Redis stopped mid-run THEN answers go on and reload reports the outage; WHEN it is back THEN all converge", async () => {
    const [w1] = workers();
    await redis.stop();
    // Answering never needs Redis.
    for (const w of workers()) expect(textOf(await ask(w, ESTABLISHED).callback)).toContain("**1931**");
    const reply = await fake.userMessage({ content: ESTABLISHED, mentionsBot: true }).reply(15_000);
    expect(JSON.stringify(reply.embeds)).toContain("1931");

    await appendFile(join(w1!.dir, GERMANY_JAPAN_FILE), "\n# edited during the outage\n");
    const handle = reload(w1!);
    const text = await finalText(handle, /Knowledge reloaded/);
    expect(text).toMatch(/Could not reach every process/);
    const version = /Version \*\*([0-9a-f]{12})\*\*/.exec(text)![1]!;
    expect((await health(w1!)).version).toBe(version);

    await redis.start();
    await until(
      "all 4 processes on the reload made during the outage",
      async () => {
        const v = await versions();
        return (v.length === 4 && v.every((x) => x === version)) || undefined;
      },
      30_000,
    );
    for (const w of workers())
      expect(textOf(await ask(w, ESTABLISHED).callback)).toContain(`knowledge ${version}`);
  });

  it("THEN no interaction was lost: every signed one got exactly one answer", async () => {
    for (const handle of sent) expect((await handle.waitCallback(1_000)).type).toBeGreaterThan(0);
    const valid = fake.httpDeliveries.filter((d) => d.signing === "valid");
    expect(valid.filter((d) => d.status !== 200)).toEqual([]);
    for (const p of procs)
      expect(
        records(p).filter((r) => Number(r["level"]) >= 50),
        said(p),
      ).toEqual([]);
  });
});
