/**
 * `npm run publish-knowledge`: from an admin's machine, validates KNOWLEDGE_DIR exactly as a
 * process would load it and publishes it to the deployment (REDIS_URL), then waits for every
 * registered process to load it. The same as /reload on a worker, without a worker's files.
 * Exit 0: every process serves it; 1: refused or Redis unreachable; 3: published, but not
 * every process took it (named).
 */
import { pino } from "pino";
import { awaitProcesses, publishVersion } from "../../cluster/knowledge-sync.ts";
import { Mirror, snapshot } from "../../cluster/mirror.ts";
import { closeRedis, connectRedis, keysFor, whenReady } from "../../cluster/redis.ts";
import { Registry } from "../../cluster/registry.ts";
import { ConfigError, loadConfig } from "../../config.ts";
import { loadDotenv } from "../../env.ts";
import { loadKnowledge } from "../../knowledge/load.ts";
import { formatProblem, type Problem } from "../../knowledge/problems.ts";

/** Publishes `dir`; returns the exit status and writes what happened to `out` / `err`. */
export async function publishKnowledge(
  env: NodeJS.ProcessEnv,
  out: (line: string) => void,
  err: (line: string) => void,
  waitMs = 20_000,
): Promise<number> {
  let config;
  try {
    config = loadConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    err(error.message);
    return 1;
  }
  if (!config.redisUrl) {
    err("REDIS_URL: is required to publish (the deployment's Redis, e.g. redis://127.0.0.1:6379/0)");
    return 1;
  }
  const refused = (problems: readonly Problem[]) => {
    err(`Not published: ${problems.length} problem${problems.length === 1 ? "" : "s"}:`);
    for (const p of problems) err(`  ${formatProblem(p)}`);
    return 1;
  };
  const taken = await snapshot(config.knowledgeDir, "knowledge");
  if (taken.problems.length > 0) return refused(taken.problems);
  // Validated as every process will load it: these bytes, under the same names.
  const mirror = await Mirror.create();
  let version: string;
  try {
    await mirror.write(taken.files);
    const loaded = await loadKnowledge(mirror.dir, "knowledge");
    if (!loaded.ok) return refused(loaded.problems);
    version = loaded.knowledge.version;
    out(
      `Validated version ${version}: ${loaded.knowledge.facts.length} facts in ${taken.files.length} files.`,
    );
  } finally {
    await mirror.remove();
  }
  const log = pino({ level: "silent" });
  const redis = connectRedis(config.redisUrl, log, { purpose: "publish", commandTimeoutMs: 10_000 });
  try {
    if (!(await whenReady(redis, 3_000))) {
      err("Cannot reach Redis at REDIS_URL: nothing was published.");
      return 1;
    }
    const keys = keysFor(config.redisPrefix);
    const registry = new Registry(redis, keys);
    const expected = await registry.list();
    const { request } = await publishVersion(
      redis,
      keys,
      version,
      taken.files,
      "publish-knowledge",
      async (f) => f.bytes!,
    );
    const outcomes = await awaitProcesses(redis, keys, registry, expected, version, request, waitMs);
    const ok = outcomes.filter((o) => o.state === "ok").length;
    out(`Published version ${version}: ${ok} of ${outcomes.length} processes serve it.`);
    for (const o of outcomes.filter((x) => x.state !== "ok"))
      out(
        o.state === "refused"
          ? `  ${o.id} refused it: ${o.reason ?? "no reason given"} (keeps ${o.version ?? "its version"})`
          : `  ${o.id} did not answer in time (keeps ${o.version ?? "its version"}; it converges at its next check)`,
      );
    return ok === outcomes.length ? 0 : 3;
  } finally {
    await closeRedis(redis);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  loadDotenv();
  process.exitCode = await publishKnowledge(
    process.env,
    (line) => process.stdout.write(`${line}\n`),
    (line) => process.stderr.write(`${line}\n`),
  );
}
