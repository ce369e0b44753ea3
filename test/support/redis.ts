/**
 * Real Redis for tests: the machine's server (127.0.0.1:6379, or KIZUNA_TEST_REDIS_URL) with a
 * key prefix of the test's own, cleaned afterwards (never FLUSHALL: others share the server),
 * and a private redis-server on a free port for tests that stop and restart Redis.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createServer } from "node:net";
import { Redis } from "ioredis";
import { pino } from "pino";
import { afterEach } from "vitest";
import { closeRedis, connectRedis, whenReady } from "../../src/cluster/redis.ts";

export const TEST_REDIS_URL = process.env["KIZUNA_TEST_REDIS_URL"] ?? "redis://127.0.0.1:6379/0";

/** A key prefix no other test (or engineer) uses. */
export function testPrefix(): string {
  return `kizuna-test-${randomBytes(4).toString("hex")}:`;
}

/** Deletes every key under `prefix`. */
export async function cleanPrefix(prefix: string, url = TEST_REDIS_URL): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  redis.on("error", () => undefined);
  try {
    await redis.connect();
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== "0");
  } catch {
    // a server gone is clean enough
  } finally {
    redis.disconnect();
  }
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

/** A redis-server of the test's own (it keeps nothing on disk), which the test may stop and start. */
export class OwnRedis {
  private process: ChildProcess | undefined;

  private constructor(readonly port: number) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}/0`;
  }

  static async start(): Promise<OwnRedis> {
    const own = new OwnRedis(await freePort());
    await own.start();
    return own;
  }

  /** Starts the server (again, on the same port, empty) and waits until it answers. */
  async start(): Promise<void> {
    this.process = spawn(
      "redis-server",
      [
        "--port",
        String(this.port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
        "--dir",
        "/tmp",
      ],
      { stdio: "ignore" },
    );
    const client = new Redis(this.url, {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    client.on("error", () => undefined);
    for (let i = 0; i < 100; i++) {
      try {
        await client.connect();
        await client.ping();
        client.disconnect();
        return;
      } catch {
        client.disconnect();
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    throw new Error(`redis-server did not start on port ${this.port}`);
  }

  /** Stops the server at once (its data is gone: it keeps nothing on disk). */
  async stop(): Promise<void> {
    const child = this.process;
    this.process = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGKILL");
    await exited;
  }
}

/**
 * Connections (made as the product makes them) and key prefixes of one test file, closed and
 * cleaned after each test. Call at the top level of a test file.
 */
export function redisPerTest() {
  const opened: Redis[] = [];
  const prefixes: string[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map(closeRedis));
    await Promise.all(prefixes.splice(0).map((p) => cleanPrefix(p)));
  });
  return {
    /** A connection; waits until it is ready unless `ready` is false (an unreachable server). */
    async connect(url = TEST_REDIS_URL, options: { commandTimeoutMs?: number; ready?: boolean } = {}) {
      const redis = connectRedis(url, pino({ level: "silent" }), {
        purpose: "test",
        ...(options.commandTimeoutMs !== undefined ? { commandTimeoutMs: options.commandTimeoutMs } : {}),
      });
      opened.push(redis);
      if (options.ready !== false && !(await whenReady(redis, 2_000)))
        throw new Error(`Redis at ${url} is not ready`);
      return redis;
    },
    /** A key prefix of the test's own, deleted after it. */
    prefix() {
      const prefix = testPrefix();
      prefixes.push(prefix);
      return prefix;
    },
  };
}
