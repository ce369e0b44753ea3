/**
 * The one logger (pino). Structured fields first; child loggers per module. Secrets are
 * removed twice: by field path (redact) and by value, so a token that ends up inside an
 * error message or a URL is still never written.
 */
import { pino, type DestinationStream, type Logger } from "pino";
import pretty from "pino-pretty";

export type { Logger } from "pino";

export interface LoggerOptions {
  readonly level?: string | undefined;
  readonly format?: "json" | "pretty";
  /** Values to scrub wherever they appear (the bot token). */
  readonly secrets?: readonly (string | undefined)[];
  /** Where lines go (default stdout); tests pass a buffer. */
  readonly destination?: DestinationStream;
}

const REDACT_PATHS = [
  "token",
  "*.token",
  "config.token",
  "authorization",
  "*.authorization",
  "headers.authorization",
  "*.headers.authorization",
  "DISCORD_TOKEN",
  "*.DISCORD_TOKEN",
];

export function createLogger(options: LoggerOptions = {}): Logger {
  const secrets = (options.secrets ?? []).filter((s): s is string => typeof s === "string" && s.length >= 8);
  const scrub = (s: string) => secrets.reduce((acc, secret) => acc.split(secret).join("[REDACTED]"), s);
  // Never hands back an object it did not scrub: a too deep or circular one becomes a marker.
  const ancestors = new Set<object>();
  const scrubDeep = (value: unknown, depth = 0): unknown => {
    if (typeof value === "string") return scrub(value);
    if (value === null || typeof value !== "object") return value;
    if (depth > 16) return "[Too deep]";
    if (ancestors.has(value)) return "[Circular]";
    ancestors.add(value);
    try {
      if (value instanceof Error) {
        // Same prototype and own fields (code, status, cause), so pino's err serializer
        // still sees an Error and keeps what a Discord API error carries.
        const copy = Object.create(Object.getPrototypeOf(value) as object) as Record<string, unknown>;
        for (const key of Object.getOwnPropertyNames(value)) {
          const own = Object.getOwnPropertyDescriptor(value, key);
          if (own && "value" in own)
            Object.defineProperty(copy, key, { ...own, value: scrubDeep(own.value, depth + 1) });
        }
        return copy;
      }
      // Dates, URLs and Buffers log as their JSON form, as pino would print them.
      const toJSON = (value as { toJSON?: unknown }).toJSON;
      if (typeof toJSON === "function") return scrubDeep(toJSON.call(value), depth + 1);
      if (Array.isArray(value)) return value.map((v) => scrubDeep(v, depth + 1));
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrubDeep(v, depth + 1)]));
    } finally {
      ancestors.delete(value);
    }
  };
  const destination =
    options.destination ??
    (options.format === "pretty"
      ? pretty({ colorize: process.stdout.isTTY, sync: true })
      : pino.destination({ sync: false }));
  return pino(
    {
      level: options.level ?? "info",
      redact: { paths: REDACT_PATHS, censor: "[REDACTED]" },
      serializers: { err: pino.stdSerializers.err },
      hooks: {
        logMethod(args, method) {
          if (secrets.length === 0) return method.apply(this, args);
          return method.apply(this, args.map((a) => scrubDeep(a)) as Parameters<typeof method>);
        },
      },
    },
    destination,
  );
}
