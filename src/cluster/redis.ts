/**
 * Redis connections (ioredis). Answering never waits on Redis: commands fail at once while
 * the connection is down (no offline queue) and after a short time when Redis stops
 * answering, so callers fall back (cooldowns per process, knowledge as held) instead of
 * queueing behind an outage. Connections retry forever, every 2 s at most, and everything
 * converges once Redis is back.
 */
import { Redis } from "ioredis";
import type { Logger } from "../logger.ts";

export type { Redis } from "ioredis";

export interface ConnectOptions {
  /** What the connection is for, in log lines ("commands", "broadcasts", "cooldowns"). */
  readonly purpose: string;
  /** How long one command may take before it fails. */
  readonly commandTimeoutMs?: number;
  /** A subscriber connection: commands queue while it reconnects, so subscriptions are restored. */
  readonly subscriber?: boolean;
}

/** Opens a connection; it logs going down and coming back once each, never per retry. */
export function connectRedis(url: string, log: Logger, options: ConnectOptions): Redis {
  const redis = new Redis(url, {
    enableOfflineQueue: options.subscriber ?? false,
    maxRetriesPerRequest: options.subscriber ? null : 1,
    ...(options.commandTimeoutMs !== undefined ? { commandTimeout: options.commandTimeoutMs } : {}),
    connectTimeout: 2_000,
    retryStrategy: (times) => Math.min(100 * times, 2_000),
    // A subscriber gets its subscriptions back by itself after a reconnect.
    autoResubscribe: true,
    lazyConnect: false,
  });
  let down = false;
  redis.on("ready", () => {
    if (down) log.info({ purpose: options.purpose }, "Redis is reachable again");
    down = false;
  });
  redis.on("error", (error: Error) => {
    if (down) return;
    down = true;
    log.warn({ purpose: options.purpose, err: { message: error.message } }, "Redis is unreachable; retrying");
  });
  return redis;
}

/** Resolves once `redis` is ready, or false after `ms` (start-up goes on without it). */
export function whenReady(redis: Redis, ms: number): Promise<boolean> {
  if (redis.status === "ready") return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      redis.off("ready", ready);
      resolve(false);
    }, ms);
    const ready = () => {
      clearTimeout(timer);
      resolve(true);
    };
    redis.once("ready", ready);
  });
}

/** Closes a connection without waiting on a server that may be gone. */
export async function closeRedis(redis: Redis): Promise<void> {
  try {
    if (redis.status === "ready") await Promise.race([redis.quit(), new Promise((r) => setTimeout(r, 500))]);
  } catch {
    // already closing
  }
  redis.disconnect(false);
}

/** Every key and channel name, under one prefix (REDIS_PREFIX). */
export function keysFor(prefix: string) {
  return {
    /** Sorted set: process id → when its registration expires (ms). */
    processes: `${prefix}processes`,
    /** A process's registration (JSON), expiring with its TTL. */
    process: (id: string) => `${prefix}process:${id}`,
    /** The knowledge version every process should serve. */
    current: `${prefix}knowledge:current`,
    /** The version a process offered when Redis held none (a reload during an outage may replace it). */
    seed: `${prefix}knowledge:seed`,
    /** A version's manifest (JSON: its files and their sha256). */
    manifest: (version: string) => `${prefix}knowledge:manifest:${version}`,
    /** A file's bytes, by sha256: unchanged files are stored and fetched once. */
    blob: (sha: string) => `${prefix}knowledge:blob:${sha}`,
    /** Published versions are announced here. */
    announcements: `${prefix}knowledge:announcements`,
    /** What each process answered to one announcement (a list of JSON reports). */
    reports: (request: string) => `${prefix}knowledge:reports:${request}`,
    /** The identify lock of one max_concurrency bucket. */
    identify: (bucket: number) => `${prefix}identify:${bucket}`,
    /** Prefix of the shared cooldown's keys. */
    cooldown: `${prefix}cooldown`,
  };
}

export type Keys = ReturnType<typeof keysFor>;
