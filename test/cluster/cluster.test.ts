/**
 * Several processes' worth of Cluster in one test process, over real Redis (the machine's
 * server with a prefix of our own, or a private redis-server for outages): one published
 * version everywhere, late starters, missed announcements, refused versions, Redis down.
 */
import { appendFile, cp, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { Cluster, type ClusterOptions } from "../../src/cluster/cluster.ts";
import { publishVersion } from "../../src/cluster/knowledge-sync.ts";
import { snapshot } from "../../src/cluster/mirror.ts";
import { connectRedis, closeRedis, keysFor, whenReady } from "../../src/cluster/redis.ts";
import { DEFAULT_KNOWLEDGE_DIR } from "../../src/config.ts";
import { answerQuestion } from "../../src/engine/engine.ts";
import { KnowledgeError } from "../../src/knowledge/problems.ts";
import {
  GERMANY_FACT_ID,
  GERMANY_JAPAN_FILE,
  GERMANY_QUESTION,
  germanyJapanYaml,
} from "../reliability/support.ts";
import { cleanPrefix, OwnRedis, TEST_REDIS_URL, testPrefix } from "../support/redis.ts";

const log = pino({ level: "silent" });
const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step().catch(() => undefined);
});

/** A copy of the repository's knowledge folder, deleted after the test. */
async function knowledgeCopy(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "kizuna-cluster-"));
  await cp(DEFAULT_KNOWLEDGE_DIR, dir, { recursive: true });
  cleanup.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** A process of the deployment (in this test process), closed after the test. */
async function join_(prefix: string, options: Partial<ClusterOptions> = {}): Promise<Cluster> {
  const cluster = await Cluster.join({
    redisUrl: TEST_REDIS_URL,
    prefix,
    role: "http",
    log,
    sourceDir: options.sourceDir ?? (await knowledgeCopy()),
    displayRoot: "knowledge",
    cooldownAnswers: 0,
    cooldownWindowMs: 30_000,
    checkEveryMs: 200,
    waitMs: 5_000,
    ...options,
  });
  cleanup.push(() => cluster.close());
  return cluster;
}

function newPrefix(url = TEST_REDIS_URL): string {
  const prefix = testPrefix();
  cleanup.push(() => cleanPrefix(prefix, url));
  return prefix;
}

/** A connection of the test's own, ready. */
async function testClient() {
  const redis = connectRedis(TEST_REDIS_URL, log, { purpose: "test" });
  cleanup.push(() => closeRedis(redis));
  await whenReady(redis, 2_000);
  return redis;
}

const answers = (c: Cluster, q: string) => answerQuestion(c.store.index, q).facts.map((f) => f.id);

async function until(what: string, probe: () => boolean | Promise<boolean>, ms = 8_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("Cluster — one knowledge version everywhere", () => {
  it("GIVEN two processes WHEN /reload runs on one THEN both load the version, and the reply counts them", async () => {
    const prefix = newPrefix();
    const a = await join_(prefix);
    const b = await join_(prefix);
    expect(b.store.version).toBe(a.store.version);
    expect((await a.registry.list()).map((p) => p.id).sort()).toEqual([a.id, b.id].sort());

    const source = await knowledgeCopy();
    await writeFile(join(source, GERMANY_JAPAN_FILE), germanyJapanYaml());
    const publisher = await join_(prefix, { sourceDir: source });
    const phases: string[] = [];
    const outcome = await publisher.knowledge.reload((p) => phases.push(p.phase));
    expect(outcome.result.ok).toBe(true);
    const version = outcome.result.ok ? outcome.result.version : "";
    expect(outcome.cluster).toEqual({
      reached: true,
      version,
      processes: expect.arrayContaining([
        { id: publisher.id, state: "ok", version },
        expect.objectContaining({ id: a.id, state: "ok", version }),
        expect.objectContaining({ id: b.id, state: "ok", version }),
      ]),
    });
    expect(outcome.cluster?.reached && outcome.cluster.processes).toHaveLength(3);
    expect(phases).toContain("publishing");
    for (const c of [a, b]) {
      expect(c.store.version).toBe(version);
      expect(answers(c, GERMANY_QUESTION)).toEqual([GERMANY_FACT_ID]);
    }
  });

  it("GIVEN a process checking constantly WHEN it publishes a reload THEN it never goes back to the older version", async () => {
    const prefix = newPrefix();
    await join_(prefix);
    const source = await knowledgeCopy();
    // Checks every millisecond: one between its swap and the publication would load the old version again.
    const publisher = await join_(prefix, { sourceDir: source, checkEveryMs: 1 });
    await writeFile(join(source, GERMANY_JAPAN_FILE), germanyJapanYaml());
    const { result } = await publisher.knowledge.reload();
    expect(result.ok).toBe(true);
    const version = result.ok ? result.version : "";
    const swaps: string[] = [];
    publisher.store.onReload((r) => swaps.push(r.ok ? r.version : "refused"));
    await new Promise((r) => setTimeout(r, 1_000));
    expect(publisher.store.version).toBe(version);
    expect(swaps).toEqual([]);
  });

  it("GIVEN a broken file WHEN /reload runs THEN it is refused, nothing is published, no process swaps", async () => {
    const prefix = newPrefix();
    const source = await knowledgeCopy();
    const a = await join_(prefix, { sourceDir: source });
    const b = await join_(prefix);
    const before = a.store.version;
    const redis = await testClient();
    // The first process offers its version when Redis holds none.
    await until("a version to be current", async () => (await redis.get(keysFor(prefix).current)) !== null);
    const current = await redis.get(keysFor(prefix).current);

    await writeFile(join(source, "broken.yaml"), "relation: [unclosed\n");
    const outcome = await a.knowledge.reload();
    expect(outcome.result.ok).toBe(false);
    expect(!outcome.result.ok && outcome.result.problems[0]?.file).toBe("knowledge/broken.yaml");
    expect(outcome.cluster).toEqual({ reached: true, version: before, processes: [] });
    await new Promise((r) => setTimeout(r, 500));
    expect(await redis.get(keysFor(prefix).current)).toBe(current);
    expect([a.store.version, b.store.version]).toEqual([before, before]);
  });

  it("GIVEN a version published WHEN a process starts later, from other files THEN it loads the published one", async () => {
    const prefix = newPrefix();
    const source = await knowledgeCopy();
    await writeFile(join(source, GERMANY_JAPAN_FILE), germanyJapanYaml());
    const a = await join_(prefix);
    const publisher = await join_(prefix, { sourceDir: source });
    const { result } = await publisher.knowledge.reload();
    expect(result.ok).toBe(true);
    await until("a to converge", () => a.store.version === publisher.store.version);

    const late = await join_(prefix); // its KNOWLEDGE_DIR has no Germany–Japan file
    expect(late.store.version).toBe(publisher.store.version);
    expect(answers(late, GERMANY_QUESTION)).toEqual([GERMANY_FACT_ID]);
  });

  it("GIVEN a version published without an announcement THEN every process converges by its periodic check", async () => {
    const prefix = newPrefix();
    const a = await join_(prefix);
    const b = await join_(prefix);
    const source = await knowledgeCopy();
    await appendFile(join(source, "afghanistan-japan.yaml"), "\n# a comment changes the version\n");
    const taken = await snapshot(source);
    // The version those files make, as a process computes it.
    const probe = await join_(newPrefix(), { sourceDir: source });
    const redis = await testClient();
    await publishVersion(
      redis,
      keysFor(prefix),
      probe.store.version,
      taken.files,
      "test",
      async (f) => f.bytes!,
      {
        announce: false,
      },
    );
    await until(
      "both to converge",
      () => a.store.version === probe.store.version && b.store.version === probe.store.version,
    );
  });

  it("GIVEN a published version that does not load here THEN this process keeps its own and says why", async () => {
    const prefix = newPrefix();
    const a = await join_(prefix);
    const before = a.store.version;
    const redis = await testClient();
    const taken = await snapshot(await knowledgeCopy());
    // A manifest whose files do not make the version it names (a bundle from a skewed build).
    await publishVersion(redis, keysFor(prefix), "0123456789ab", taken.files, "test", async (f) => f.bytes!);
    await new Promise((r) => setTimeout(r, 800));
    expect(a.store.version).toBe(before);
    expect(answerQuestion(a.store.index, "When were diplomatic relations established?").answered).toBe(true);
  });

  it("GIVEN invalid KNOWLEDGE_DIR and no published version THEN joining fails naming the problem", async () => {
    const source = await knowledgeCopy();
    await writeFile(join(source, "broken.yaml"), "relation: [unclosed\n");
    await expect(join_(newPrefix(), { sourceDir: source })).rejects.toBeInstanceOf(KnowledgeError);
  });
});

describe("Cluster — Redis down", () => {
  it("GIVEN Redis unreachable at start THEN a process starts from its files and answers", async () => {
    const started = Date.now();
    const c = await join_("kizuna-test-none:", { redisUrl: "redis://127.0.0.1:1/0", connectWaitMs: 300 });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(answerQuestion(c.store.index, "When were diplomatic relations established?").answered).toBe(true);
    expect(await c.health()).toMatchObject({ redis: "unreachable" });
  });

  it("GIVEN Redis stopped WHEN /reload runs THEN it says so; WHEN Redis is back (empty) THEN every process converges on that reload", async () => {
    const redis = await OwnRedis.start();
    cleanup.push(() => redis.stop());
    const prefix = testPrefix();
    const source = await knowledgeCopy();
    const a = await join_(prefix, { redisUrl: redis.url, sourceDir: source });
    const b = await join_(prefix, { redisUrl: redis.url });
    const before = a.store.version;

    await redis.stop();
    await writeFile(join(source, GERMANY_JAPAN_FILE), germanyJapanYaml());
    const outcome = await a.knowledge.reload();
    expect(outcome.result.ok).toBe(true);
    expect(outcome.cluster).toMatchObject({
      reached: false,
      why: expect.stringMatching(/Redis is unreachable/),
    });
    const version = a.store.version;
    expect(version).not.toBe(before);
    expect(b.store.version).toBe(before);
    // B still answers from what it holds.
    expect(answerQuestion(b.store.index, "When were diplomatic relations established?").answered).toBe(true);

    await redis.start();
    await until("b to load the reload made during the outage", () => b.store.version === version, 15_000);
    expect(answers(b, GERMANY_QUESTION)).toEqual([GERMANY_FACT_ID]);
    await until(
      "both to be registered again",
      async () => (await a.registry.list().catch(() => [])).length === 2,
      15_000,
    );
  });
});

describe("Cluster — the knowledge cache", () => {
  it("GIVEN KNOWLEDGE_CACHE_DIR WHEN a process restarts into a new mirror folder THEN the published version comes from the cache, and a later publication still reaches it", async () => {
    const prefix = newPrefix();
    const dir = await mkdtemp(join(tmpdir(), "kizuna-cluster-cache-"));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    const lines: string[] = [];
    const cache = { dir, log: pino({ level: "info" }, { write: (s: string) => void lines.push(s) }) };
    const messages = () => lines.splice(0).map((l) => (JSON.parse(l) as { msg: string }).msg);
    const first = await join_(prefix, { cache });
    const version = first.store.version;
    expect(messages()).toContain("knowledge cache written");
    await first.close();
    const again = await join_(prefix, { cache });
    expect(messages()).toContain("knowledge taken from the cache");
    expect(again.store.version).toBe(version);
    expect(answers(again, "When were diplomatic relations established?")).toEqual(
      answerQuestion(first.store.index, "When were diplomatic relations established?").facts.map((f) => f.id),
    );

    const source = await knowledgeCopy();
    await writeFile(join(source, GERMANY_JAPAN_FILE), germanyJapanYaml());
    const publisher = await join_(prefix, { sourceDir: source });
    const { result } = await publisher.knowledge.reload();
    expect(result.ok).toBe(true);
    await until("the restarted process to load the new version", () => again.store.version !== version);
    expect(answers(again, GERMANY_QUESTION)).toEqual([GERMANY_FACT_ID]);
  });
});
