/**
 * Reliability end to end: the real bot (as main.ts wires it) against the fake Discord, under the
 * faults production sees — gateway closes, cut connections, reconnect requests and invalid
 * sessions; REST rate limits, server errors and hung requests; bursts during a backoff; reloads
 * that fail half way; SIGTERM on the real process. After every fault the bot is connected,
 * answers the next interaction, and every interaction Discord delivered was acknowledged
 * exactly once (checked after each test, from what the fake received).
 */
import { spawn } from "node:child_process";
import { appendFile, cp, mkdtemp, rm, unlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { Status } from "discord.js";
import { afterEach, describe, expect, it, vi } from "vitest";
import { DEFAULT_KNOWLEDGE_DIR } from "../../src/config.ts";
import { defineCommand } from "../../src/interactions/command.ts";
import { startBotHarness, type BotHarness, type HarnessOptions } from "../support/bot-harness.ts";
import { startFakeDiscord, type FakeDiscord, type RestFault } from "../support/fake-discord.ts";
import {
  callbackRequests,
  deliveredInteractions,
  EPHEMERAL,
  ESTABLISHED,
  GERMANY_FACT_ID,
  GERMANY_JAPAN_FILE,
  GERMANY_QUESTION,
  germanyJapanYaml,
  embedsOf,
  notAnsweredOnce,
  repliesTo,
  sleep,
  textOf,
  userId,
} from "./support.ts";
import { childEnv } from "../support/child-env.ts";

/**
 * The filesystem, as the loader sees it, with one seam: a test can run something right before a
 * given file is read (to delete another file at exactly that moment). Everything else is real.
 */
const fsHook = vi.hoisted(() => ({
  beforeRead: undefined as undefined | ((path: string) => Promise<void>),
}));
vi.mock("node:fs/promises", async (importOriginal) => {
  const actual = await importOriginal<typeof import("node:fs/promises")>();
  const readFile = (async (...args: Parameters<typeof actual.readFile>) => {
    const hook = fsHook.beforeRead;
    if (hook && typeof args[0] === "string") await hook(args[0]);
    return actual.readFile(...args);
  }) as typeof actual.readFile;
  // The loader looks at each file (lstat) on this thread after listing them, and reads it in
  // its read worker, where no mock reaches: the hook runs when it looks.
  const lstat = (async (...args: Parameters<typeof actual.lstat>) => {
    const hook = fsHook.beforeRead;
    if (hook && typeof args[0] === "string") await hook(args[0]);
    return actual.lstat(...args);
  }) as typeof actual.lstat;
  return { ...actual, readFile, lstat, default: { ...actual, readFile, lstat } };
});

// ---------------------------------------------------------------- bookkeeping

let current: BotHarness | undefined;
/** Error logs a test provokes on purpose (matched against `msg`). */
let expectedErrors: RegExp | undefined;

async function start(options: HarnessOptions = {}): Promise<BotHarness> {
  current = await startBotHarness(options);
  return current;
}

afterEach(async () => {
  const h = current;
  current = undefined;
  fsHook.beforeRead = undefined;
  const allowed = expectedErrors;
  expectedErrors = undefined;
  if (!h) return;
  await h.stop();
  // No interaction Discord delivered went unanswered or was answered twice.
  expect(notAnsweredOnce(h.fake), "interactions not acknowledged exactly once").toEqual({});
  expect(h.fake.unhandledRequests.map((r) => `${r.method} ${r.path}`)).toEqual([]);
  const errors = h.logs
    .records()
    .filter((r) => Number(r["level"]) >= 50 && !(allowed && allowed.test(String(r["msg"]))));
  expect(errors, "unexpected error logs").toEqual([]);
  // Faults make errors, errors quote URLs: still no bot or interaction token in any log line.
  const interactionTokens = h.fake.dispatches
    .filter((d) => d.t === "INTERACTION_CREATE")
    .map((d) => String((d.d as Record<string, unknown>)["token"]));
  for (const secret of [h.fake.token, ...interactionTokens])
    expect(h.logs.lines.filter((l) => l.includes(secret))).toEqual([]);
});

function ask(fake: FakeDiscord, question: string = ESTABLISHED, user = 0) {
  return fake.slashCommand({ name: "ask", userId: userId(user), options: { question } });
}

/** The bot is connected and answers: a fresh /ask gets the 1931 answer. */
async function expectAnswering(h: BotHarness): Promise<void> {
  expect(h.bot.client.ws.status).toBe(Status.Ready);
  expect(textOf(await ask(h.fake, ESTABLISHED, 99).callback)).toContain("**1931**");
}

// ---------------------------------------------------------------- the gateway

/**
 * What discord.js 14 (@discordjs/ws 1.2) does with each close code: resume the session, or
 * identify anew. 4009 ("session timed out") is resumed by the client, refused by Discord (the
 * session is gone), and then re-identified.
 */
type Recovery = "resume" | "identify" | "resume refused, then identify";
const GATEWAY_FAULTS: Array<{ name: string; fault: (fake: FakeDiscord) => void; recovery: Recovery }> = [
  { name: "close 4000 (unknown error)", fault: (f) => f.closeGateway(4000), recovery: "resume" },
  { name: "close 4001 (unknown opcode)", fault: (f) => f.closeGateway(4001), recovery: "resume" },
  { name: "close 4002 (decode error)", fault: (f) => f.closeGateway(4002), recovery: "resume" },
  { name: "close 4003 (not authenticated)", fault: (f) => f.closeGateway(4003), recovery: "identify" },
  { name: "close 4005 (already authenticated)", fault: (f) => f.closeGateway(4005), recovery: "identify" },
  { name: "close 4007 (invalid seq)", fault: (f) => f.closeGateway(4007), recovery: "identify" },
  { name: "close 4008 (rate limited)", fault: (f) => f.closeGateway(4008), recovery: "identify" },
  {
    name: "close 4009 (session timed out)",
    fault: (f) => f.closeGateway(4009),
    recovery: "resume refused, then identify",
  },
  {
    name: "close 1001 (going away)",
    fault: (f) => f.closeGateway(1001),
    recovery: "resume refused, then identify",
  },
  { name: "the TCP connection cut", fault: (f) => f.dropConnection(), recovery: "resume" },
  { name: "op 7 reconnect", fault: (f) => f.sendReconnect(), recovery: "resume" },
  { name: "op 9 invalid session, resumable", fault: (f) => f.invalidateSession(true), recovery: "resume" },
  {
    name: "op 9 invalid session, not resumable",
    fault: (f) => f.invalidateSession(false),
    recovery: "identify",
  },
];

describe("GIVEN interactions in flight WHEN the gateway fails", () => {
  it.each(GATEWAY_FAULTS)("$name THEN it recovers ($recovery) and answers every one", async (c) => {
    const h = await start();
    // In flight: dispatched on the socket right before the fault.
    const before = [1, 2, 3].map((u) => ask(h.fake, ESTABLISHED, u));
    // In its own channel, so its reply is not confused with the interactions' messages.
    const chat = h.fake.userMessage({
      content: ESTABLISHED,
      mentionsBot: true,
      userId: userId(5),
      channelId: h.fake.channels[1]!.id,
    });
    const back = h.fake.waitFor(c.recovery === "resume" ? "resumed" : "ready");
    c.fault(h.fake);
    // Sent while the bot is away: Discord replays it when the session is resumed.
    const missed = c.recovery === "resume" ? [ask(h.fake, ESTABLISHED, 4)] : [];
    await back;

    for (const handle of [...before, ...missed]) expect(textOf(await handle.callback)).toContain("**1931**");
    expect((await chat.reply()).embeds[0]?.description).toContain("**1931**");
    await expectAnswering(h);
    // A replayed event is not answered twice (checked for interactions after each test).
    expect(repliesTo(h.fake, chat.message.id)).toBe(1);
    if (c.recovery === "resume") {
      expect(h.fake.identifies).toHaveLength(1);
      expect(h.fake.resumes.map((r) => r.ok)).toEqual([true]);
    } else {
      expect(h.fake.identifies.map((i) => i.ok)).toEqual([true, true]);
      expect(h.fake.resumes.map((r) => r.ok)).toEqual(c.recovery === "identify" ? [] : [false]);
    }
    expect(deliveredInteractions(h.fake)).toHaveLength(before.length + missed.length + 1);
  });
});

describe("GIVEN a close code discord.js cannot recover from", () => {
  it.each([
    [4004, "authentication failed"],
    [4013, "invalid intents"],
    [4014, "disallowed intents"],
  ])(
    "WHEN Discord closes with %i (%s) THEN the bot logs an error and stops, without reconnecting",
    async (code) => {
      expectedErrors = /closed the gateway for good/;
      const h = await start();
      const answered = ask(h.fake);
      await answered.callback;
      h.fake.closeGateway(code);
      expect(await h.bot.stopped).toEqual({ reason: "gateway-closed", code });
      expect(h.logs.find("disconnected from Discord")).toEqual([expect.objectContaining({ unfinished: 0 })]);
      const errors = h.logs.records().filter((r) => Number(r["level"]) >= 50);
      expect(errors).toEqual([expect.objectContaining({ code, msg: expect.stringMatching(/stopping$/) })]);
      expect(h.bot.client.isReady()).toBe(false);
      // discord.js would reconnect after 0.5 s: a loop would show here.
      await new Promise((resolve) => setTimeout(resolve, 800));
      expect(h.fake.connectionUrls).toHaveLength(1);
      expect(h.fake.identifies).toHaveLength(1);
    },
  );
});

// ---------------------------------------------------------------- REST

const CALLBACK = /^\/interactions\/\d+\/[^/]+\/callback$/;
const CHANNEL_MESSAGE = /^\/channels\/\d+\/messages$/;
/** Short, so a hung request is given up and retried quickly (the default is 15 s). */
const REST_TIMEOUT_MS = 500;

type Fault = Omit<RestFault, "path" | "method">;
/** Each fault, and the statuses of the failed attempts before the one that succeeds (undefined: hung). */
const REST_FAULTS: Array<{ name: string; fault: Fault; failed: Array<number | undefined> }> = [
  { name: "429 for the route", fault: { status: 429, retryAfterSec: 0.2 }, failed: [429] },
  { name: "429 GLOBAL", fault: { status: 429, retryAfterSec: 0.2, global: true }, failed: [429] },
  { name: "500 twice", fault: { status: 500, times: 2 }, failed: [500, 500] },
  { name: "502", fault: { status: 502 }, failed: [502] },
  { name: "503 three times", fault: { status: 503, times: 3 }, failed: [503, 503, 503] },
  { name: "a hang (no answer at all)", fault: { hang: true }, failed: [undefined] },
];

describe("GIVEN Discord's REST API failing once", () => {
  const options: HarnessOptions = { clientOptions: { rest: { timeout: REST_TIMEOUT_MS } } };

  it.each(REST_FAULTS)(
    "WHEN the interaction callback gets $name THEN it is retried and delivered once",
    async (c) => {
      const h = await start(options);
      h.fake.failNext({ method: "POST", path: CALLBACK, ...c.fault });
      const handle = ask(h.fake);
      expect(textOf(await handle.callback)).toContain("**1931**");
      const statuses = callbackRequests(h.fake, handle.id).map((r) => r.status);
      expect(statuses).toEqual([...c.failed, 204]);
      expect(h.fake.messages.filter((m) => m.author.id === h.fake.botUser.id)).toHaveLength(1);
      await expectAnswering(h);
    },
  );

  it.each(REST_FAULTS)("WHEN a chat reply gets $name THEN it is retried and posted once", async (c) => {
    const h = await start(options);
    h.fake.failNext({ method: "POST", path: CHANNEL_MESSAGE, ...c.fault });
    const question = h.fake.userMessage({ content: ESTABLISHED, mentionsBot: true, userId: userId(1) });
    expect((await question.reply()).embeds[0]?.description).toContain("**1931**");
    const posts = h.fake.requests.filter((r) => r.method === "POST" && CHANNEL_MESSAGE.test(r.path));
    expect(posts.map((r) => r.status)).toEqual([...c.failed, 200]);
    expect(repliesTo(h.fake, question.message.id)).toBe(1);
    await expectAnswering(h);
  });

  it("WHEN a chat reply is answered only after the client gave up on it THEN the retry does not post it twice", async () => {
    // Unlike a hang, Discord did act on the first request: a blind retry would duplicate the message.
    const h = await start(options);
    h.fake.failNext({ method: "POST", path: CHANNEL_MESSAGE, delayMs: REST_TIMEOUT_MS * 3 });
    const question = h.fake.userMessage({ content: ESTABLISHED, mentionsBot: true, userId: userId(1) });
    await question.reply();
    await expect
      .poll(() => h.fake.requests.filter((r) => CHANNEL_MESSAGE.test(r.path)).map((r) => r.status), {
        timeout: 4_000,
      })
      .toEqual([200, 200]);
    expect(repliesTo(h.fake, question.message.id)).toBe(1);
  });
});

describe("GIVEN an interaction callback whose response is lost", () => {
  it("WHEN the retry gets 40060 (already acknowledged) THEN it counts as delivered, not as an error", async () => {
    const h = await start({ callbackTimeoutMs: 400 });
    h.fake.failNext({ method: "POST", path: CALLBACK, lostResponse: true });
    const handle = ask(h.fake);
    expect(textOf(await handle.callback)).toContain("**1931**");
    await expect
      .poll(() => callbackRequests(h.fake, handle.id).map((r) => r.status), { timeout: 4_000 })
      .toEqual([204, 400]);
    await expect
      .poll(() => h.logs.records().filter((r) => String(r["msg"]).includes("40060")).length)
      .toBe(1);
    await expectAnswering(h);
  });

  it("WHEN a deferred reply's defer is lost THEN the answer is still edited in", async () => {
    const slow = defineCommand({
      data: { name: "slow", description: "Takes its time" },
      async execute() {
        await sleep(300);
        return { content: "slow finished" };
      },
    });
    const h = await start({ callbackTimeoutMs: 400, deferAfterMs: 50, extraCommands: [slow] });
    h.fake.failNext({ method: "POST", path: CALLBACK, lostResponse: true });
    const handle = h.fake.slashCommand({ name: "slow" });
    expect((await handle.callback).type).toBe(5);
    expect((await handle.final()).content).toBe("slow finished");
    expect(callbackRequests(h.fake, handle.id).map((r) => r.status)).toEqual([204, 400]);
  });
});

describe("GIVEN Discord's REST API hanging on every attempt", () => {
  // Not through start(): an interaction whose callback never got through is expected here.
  it("WHEN the interaction callback never answers THEN the bot survives, logs it once, the callback took the short timeout, and it keeps answering", async () => {
    const h = await startBotHarness({ callbackTimeoutMs: 300 });
    try {
      // discord.js makes 1 + 3 attempts; every one hangs.
      h.fake.failNext({ method: "POST", path: CALLBACK, hang: true, times: 4 });
      const started = Date.now();
      const hung = ask(h.fake, ESTABLISHED, 1);
      await expect
        .poll(() => h.logs.find("interaction delivery failed").length, { timeout: 8_000, interval: 50 })
        .toBe(1);
      // Four attempts of 0.3 s, not of the REST default of 15 s.
      expect(Date.now() - started).toBeLessThan(4_000);
      expect(callbackRequests(h.fake, hung.id)).toHaveLength(4);
      const [line] = h.logs.find("interaction delivery failed");
      expect(line?.["err"]).toMatchObject({ type: "DOMException" });
      // Still connected and answering.
      expect(h.bot.client.ws.status).toBe(Status.Ready);
      expect(textOf(await ask(h.fake, ESTABLISHED, 2).callback)).toContain("**1931**");
    } finally {
      await h.stop();
    }
  });

  it("WHEN a chat reply never answers THEN the bot survives and answers the next question", async () => {
    const h = await startBotHarness({ clientOptions: { rest: { timeout: REST_TIMEOUT_MS } } });
    try {
      h.fake.failNext({ method: "POST", path: CHANNEL_MESSAGE, hang: true, times: 4 });
      h.fake.userMessage({ content: ESTABLISHED, mentionsBot: true, userId: userId(1) });
      await expect
        .poll(() => h.logs.find("chat reply failed").length, { timeout: 8_000, interval: 50 })
        .toBe(1);
      const next = h.fake.userMessage({ content: ESTABLISHED, mentionsBot: true, userId: userId(2) });
      expect((await next.reply()).embeds[0]?.description).toContain("**1931**");
    } finally {
      await h.stop();
    }
  });
});

describe("GIVEN a rate-limit backoff WHEN a burst arrives during it", () => {
  it("a 429 on one callback THEN the burst is answered meanwhile, and the limited one after Retry-After", async () => {
    const h = await start();
    h.fake.failNext({ method: "POST", path: CALLBACK, status: 429, retryAfterSec: 1.5 });
    const limited = ask(h.fake, ESTABLISHED, 0);
    await expect
      .poll(() => callbackRequests(h.fake, limited.id).map((r) => r.status), { timeout: 5_000 })
      .toEqual([429]);
    const burst = Array.from({ length: 30 }, (_, i) => ask(h.fake, ESTABLISHED, 1 + (i % 10)));
    for (const handle of burst) expect(textOf(await handle.callback)).toContain("**1931**");
    // The burst did not wait for the limited interaction's backoff.
    expect(callbackRequests(h.fake, limited.id).map((r) => r.status)).toEqual([429]);
    expect(textOf(await limited.callback)).toContain("**1931**");
    const [first, retry] = callbackRequests(h.fake, limited.id);
    expect(retry!.at - first!.at).toBeGreaterThanOrEqual(1_450);
  });

  it("a GLOBAL 429 on chat replies THEN chat waits it out, interactions are not held up, all answered once", async () => {
    const h = await start();
    h.fake.failNext({ method: "POST", path: CHANNEL_MESSAGE, status: 429, retryAfterSec: 1, global: true });
    const first = h.fake.userMessage({ content: ESTABLISHED, mentionsBot: true, userId: userId(0) });
    await expect.poll(() => h.fake.requests.some((r) => r.status === 429), { timeout: 5_000 }).toBe(true);
    const chats = Array.from({ length: 10 }, (_, i) =>
      h.fake.userMessage({ content: ESTABLISHED, mentionsBot: true, userId: userId(1 + i) }),
    );
    const slash = Array.from({ length: 20 }, (_, i) => ask(h.fake, ESTABLISHED, 20 + i));
    // Interaction callbacks are exempt from the global limit: each within Discord's 3 s (the fake enforces it).
    for (const handle of slash) expect(textOf(await handle.callback)).toContain("**1931**");
    // Chat replies are serialized on their route after the global reset: give them time on a busy machine.
    await expect
      .poll(() => [first, ...chats].map((c) => repliesTo(h.fake, c.message.id)), { timeout: 8_000 })
      .toEqual(new Array(11).fill(1));
    const posts = h.fake.requests.filter((r) => r.method === "POST" && CHANNEL_MESSAGE.test(r.path));
    expect(posts.map((r) => r.status).sort()).toEqual([...new Array(11).fill(200), 429]);
  });
});

// ---------------------------------------------------------------- reloads

async function reload(h: BotHarness) {
  const callback = await h.fake.slashCommand({ name: "reload", permissions: "32" }).callback;
  expect(callback.data?.["flags"]).toBe(EPHEMERAL);
  return embedsOf(callback)[0] ?? {};
}

/** Starts with two knowledge files (the repository's and a second one), loaded by a good reload. */
async function startWithTwoFiles() {
  const h = await start();
  await writeFile(join(h.knowledgeDir, GERMANY_JAPAN_FILE), germanyJapanYaml());
  const loaded = await reload(h);
  expect(loaded.title).toBe("Knowledge reloaded");
  expect(loaded.description).toContain(`Added 1: ${GERMANY_FACT_ID}`);
  const answers = {
    afghanistan: (await ask(h.fake, ESTABLISHED).callback).data,
    germany: (await ask(h.fake, GERMANY_QUESTION).callback).data,
  };
  expect(JSON.stringify(answers.germany)).toContain("24 January 1861");
  return { h, answers, version: h.store.version };
}

/** The previous knowledge still serves: same version, and /ask answers exactly as before. */
async function expectServingAsBefore(setup: Awaited<ReturnType<typeof startWithTwoFiles>>) {
  const { h, answers, version } = setup;
  expect(h.store.version).toBe(version);
  expect((await ask(h.fake, ESTABLISHED).callback).data).toEqual(answers.afghanistan);
  expect((await ask(h.fake, GERMANY_QUESTION).callback).data).toEqual(answers.germany);
}

const SECOND_FACT = `
  - id: de-jp-1940-tripartite-pact
    date: "1940-09-27"
    statement: Germany, Italy and Japan signed the Tripartite Pact in Berlin.
    places: [Berlin]
    tags: [treaty]
    keywords: [Axis, alliance, Tripartite]
    source: kizuna-test-germany-japan
    section: History
`;

async function expectNextGoodReloadWorks(setup: Awaited<ReturnType<typeof startWithTwoFiles>>) {
  const { h, version } = setup;
  await writeFile(join(h.knowledgeDir, GERMANY_JAPAN_FILE), germanyJapanYaml(SECOND_FACT));
  const done = await reload(h);
  expect(done.title).toBe("Knowledge reloaded");
  expect(done.description).toContain("Added 1: de-jp-1940-tripartite-pact");
  expect(h.store.version).not.toBe(version);
  const pact = await ask(h.fake, "When did Germany and Japan sign the Tripartite Pact?").callback;
  expect(textOf(pact)).toContain("27 September 1940");
  expect(textOf(await ask(h.fake, ESTABLISHED).callback)).toContain("**1931**");
}

describe("GIVEN two knowledge files", () => {
  it("WHEN a file disappears between listing and reading THEN the reload is refused, the old knowledge serves, and the next good reload works", async () => {
    const setup = await startWithTwoFiles();
    const { h } = setup;
    const doomed = join(h.knowledgeDir, GERMANY_JAPAN_FILE);
    let deletedAt: string | undefined;
    // Files are read in name order: germany-japan.yaml is listed, then deleted as the first file is read.
    // Unchanged files are not read again on reload, so both are touched first.
    const first = join(h.knowledgeDir, "afghanistan-japan.yaml");
    await appendFile(first, "\n");
    await appendFile(doomed, "\n");
    fsHook.beforeRead = async (path) => {
      if (deletedAt !== undefined || !path.endsWith("afghanistan-japan.yaml")) return;
      deletedAt = path;
      await unlink(doomed);
    };
    const refused = await reload(h);
    fsHook.beforeRead = undefined;
    expect(deletedAt, "the reload read the first file").toBeDefined();
    expect(refused.title).toBe("Reload refused: 1 problem");
    expect(refused.description).toContain(
      `knowledge/${GERMANY_JAPAN_FILE}: disappeared while it was being read`,
    );
    expect(refused.description).toContain(`Kept the previous knowledge (version ${setup.version})`);
    // Its facts are still answered from the live index, though the file is gone.
    await expectServingAsBefore(setup);
    await expectNextGoodReloadWorks(setup);
  });

  it("WHEN one of them is broken THEN the reload is refused naming file:line, the old knowledge serves, and the next good reload works", async () => {
    const setup = await startWithTwoFiles();
    const { h } = setup;
    const broken = germanyJapanYaml().replace('"1861-01-24"', '"1861-13-24"');
    const line = broken.split("\n").findIndex((l) => l.includes("1861-13-24")) + 1;
    await writeFile(join(h.knowledgeDir, GERMANY_JAPAN_FILE), broken);
    const refused = await reload(h);
    expect(refused.title).toBe("Reload refused: 1 problem");
    expect(refused.description).toContain(
      `knowledge/${GERMANY_JAPAN_FILE}:${line}: fact "${GERMANY_FACT_ID}"`,
    );
    expect(refused.description).toContain(`Kept the previous knowledge (version ${setup.version})`);
    await expectServingAsBefore(setup);
    await expectNextGoodReloadWorks(setup);
  });
});

// ---------------------------------------------------------------- the real process

interface Child {
  fake: FakeDiscord;
  /** JSON log lines from stdout, parsed. */
  records(): Array<Record<string, unknown>>;
  stdout(): string;
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal: NodeJS.Signals): void;
}

const children: Array<{ child: Child; dir: string }> = [];
afterEach(async () => {
  for (const { child, dir } of children.splice(0)) {
    child.kill("SIGKILL");
    await child.exited;
    await child.fake.stop();
    await rm(dir, { recursive: true, force: true });
  }
});

/** `npm start` in a child process, logged in to a fresh fake Discord, over a temp copy of knowledge/. */
async function startProcess(): Promise<Child> {
  const fake = await startFakeDiscord();
  const dir = await mkdtemp(join(tmpdir(), "kizuna-process-"));
  await cp(DEFAULT_KNOWLEDGE_DIR, dir, { recursive: true });
  const proc = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    env: childEnv({
      DISCORD_TOKEN: fake.token,
      DISCORD_API_BASE: fake.restBase,
      KNOWLEDGE_DIR: dir,
      COOLDOWN_ANSWERS: "0",
      // Never the repository's data/; and no writer thread starting beside a 15 s start-up window.
      DATA_DIR: join(dir, "..", `${basename(dir)}-data`),
      DATABASE_URL: "",
      RECORD_QUESTIONS: "off",
    }),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  proc.stdout.on("data", (d: Buffer) => (out += d.toString()));
  proc.stderr.on("data", (d: Buffer) => (err += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.once("exit", (code, signal) => resolve({ code, signal })),
  );
  const child: Child = {
    fake,
    records: () =>
      out
        .split("\n")
        .filter((l) => l.trim())
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    stdout: () => out,
    stderr: () => err,
    exited,
    kill: (signal) => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
    },
  };
  children.push({ child, dir });
  // Ready once it says so (guilds cached); a crash at start-up shows its stderr.
  await expect
    .poll(
      () => {
        if (proc.exitCode !== null) throw new Error(`the bot exited at start-up: ${err}`);
        return child.records().some((r) => r["msg"] === "connected to Discord");
      },
      { timeout: 15_000, interval: 50 },
    )
    .toBe(true);
  return child;
}

describe("GIVEN the bot running as a process (node src/main.ts)", () => {
  async function expectCleanExit(child: Child, handles: ReturnType<typeof ask>[]) {
    // On failure, show what the process said.
    const said = () => `stdout:\n${child.stdout()}\nstderr:\n${child.stderr()}`;
    expect(await child.exited, said()).toEqual({ code: 0, signal: null });
    // Every interaction Discord delivered got its one callback: the answer, or "restarting".
    expect(notAnsweredOnce(child.fake), said()).toEqual({});
    for (const handle of handles) {
      const callback = await handle.waitCallback(100);
      const restarting = /restarting/.test(String(callback.data?.["content"] ?? ""));
      expect(restarting ? callback.data?.["flags"] : textOf(callback), said()).toEqual(
        restarting ? EPHEMERAL : expect.stringContaining("**1931**"),
      );
    }
    const records = child.records();
    expect(records.filter((r) => r["msg"] === "shutting down")).toEqual([
      expect.objectContaining({ signal: "SIGTERM" }),
    ]);
    expect(records.filter((r) => r["msg"] === "disconnected from Discord")).toEqual([
      expect.objectContaining({ unfinished: 0 }),
    ]);
    expect(records.filter((r) => Number(r["level"]) >= 50)).toEqual([]);
    expect(child.stderr(), said()).toBe("");
    expect(child.stdout()).not.toContain(child.fake.token);
  }

  it("WHEN SIGTERM comes right after a burst of /ask THEN each is answered and it exits 0", async () => {
    const child = await startProcess();
    const handles = Array.from({ length: 20 }, (_, i) => ask(child.fake, ESTABLISHED, i));
    child.kill("SIGTERM");
    await expectCleanExit(child, handles);
    expect(callbackRequests(child.fake)).toHaveLength(20);
  });

  it("WHEN /ask arrives right after SIGTERM THEN it still gets an answer (restarting) and it exits 0", async () => {
    const child = await startProcess();
    child.kill("SIGTERM");
    const handles = Array.from({ length: 10 }, (_, i) => ask(child.fake, ESTABLISHED, i));
    await expectCleanExit(child, handles);
    expect(callbackRequests(child.fake)).toHaveLength(10);
  });

  it("WHEN Discord closes the gateway with 4004 THEN it logs an error and exits instead of reconnecting", async () => {
    const child = await startProcess();
    child.fake.closeGateway(4004);
    const exit = await child.exited;
    // Nothing will reconnect: exit non-zero so a supervisor notices.
    expect(exit.signal).toBeNull();
    expect(exit.code, `stdout:\n${child.stdout()}\nstderr:\n${child.stderr()}`).toBe(77); // GatewayRefused
    const errors = child.records().filter((r) => Number(r["level"]) >= 50);
    expect(errors.length).toBeGreaterThan(0);
    for (const e of errors)
      expect(e).toEqual(
        expect.objectContaining({ code: 4004, msg: expect.stringMatching(/closed the gateway for good/) }),
      );
    expect(child.fake.identifies).toHaveLength(1);
    expect(child.fake.connectionUrls).toHaveLength(1);
  });
});
