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
  const scrubDeep = (value: unknown, depth = 0): unknown => {
    if (typeof value === "string") return scrub(value);
    if (depth > 4 || value === null || typeof value !== "object") return value;
    if (value instanceof Error) {
      const copy = new Error(scrub(value.message));
      copy.name = value.name;
      copy.stack = value.stack ? scrub(value.stack) : undefined;
      return copy;
    }
    if (Array.isArray(value)) return value.map((v) => scrubDeep(v, depth + 1));
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrubDeep(v, depth + 1)]));
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
