/** `npm run publish-knowledge`, in-process, against real Redis and a process of the deployment. */
import { cp, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { publishKnowledge } from "../../../src/adapters/cli/publish-knowledge.ts";
import { Cluster } from "../../../src/cluster/cluster.ts";
import { DEFAULT_KNOWLEDGE_DIR } from "../../../src/config.ts";
import { GERMANY_JAPAN_FILE, germanyJapanYaml } from "../../reliability/support.ts";
import { cleanPrefix, TEST_REDIS_URL, testPrefix } from "../../support/redis.ts";

const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step().catch(() => undefined);
});

async function copy(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "kizuna-publish-"));
  await cp(DEFAULT_KNOWLEDGE_DIR, dir, { recursive: true });
  cleanup.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function publish(env: Record<string, string>) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await publishKnowledge(
    env,
    (l) => out.push(l),
    (l) => err.push(l),
    5_000,
  );
  return { code, out: out.join("\n"), err: err.join("\n") };
}

describe("npm run publish-knowledge", () => {
  it("GIVEN valid files THEN they are published and every registered process serves them", async () => {
    const prefix = testPrefix();
    cleanup.push(() => cleanPrefix(prefix));
    const member = await Cluster.join({
      redisUrl: TEST_REDIS_URL,
      prefix,
      role: "http",
      log: pino({ level: "silent" }),
      sourceDir: await copy(),
      displayRoot: "knowledge",
      cooldownAnswers: 0,
      cooldownWindowMs: 30_000,
      checkEveryMs: 200,
    });
    cleanup.push(() => member.close());
    const dir = await copy();
    await writeFile(join(dir, GERMANY_JAPAN_FILE), germanyJapanYaml());
    const run = await publish({ REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix, KNOWLEDGE_DIR: dir });
    expect(run.err).toBe("");
    expect(run.code).toBe(0);
    const version = /Validated version ([0-9a-f]{12})/.exec(run.out)?.[1];
    expect(run.out).toContain(`Published version ${version}: 1 of 1 processes serve it.`);
    expect(member.store.version).toBe(version);
  });

  it("GIVEN a broken file THEN nothing is published and every problem is named", async () => {
    const dir = await copy();
    await writeFile(join(dir, "broken.yaml"), "relation: [unclosed\n");
    const run = await publish({ REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: testPrefix(), KNOWLEDGE_DIR: dir });
    expect(run.code).toBe(1);
    expect(run.err).toMatch(/^Not published: 1 problem:\n {2}knowledge\/broken\.yaml:\d+: YAML/);
  });

  it("GIVEN no REDIS_URL or an unreachable Redis THEN it says so and exits 1", async () => {
    expect((await publish({})).err).toMatch(/^REDIS_URL: is required to publish/);
    const unreachable = await publish({ REDIS_URL: "redis://127.0.0.1:1/0", KNOWLEDGE_DIR: await copy() });
    expect(unreachable.code).toBe(1);
    expect(unreachable.err).toBe("Cannot reach Redis at REDIS_URL: nothing was published.");
  });
});
