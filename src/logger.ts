/**
 * The one logger (pino). Structured fields first; child loggers per module. Secrets are
 * removed twice: by field path (redact) and by value, so a token that ends up inside an
 * error message or a URL is still never written.
 *
 * Logging can never throw, whatever is logged: every argument is first copied into plain
 * data by `loggable` (errors included: a DOMException, an error whose getters throw, a
 * proxy, a cycle, a BigInt), and a line that still fails to write is replaced by a notice.
 * A logger that throws from a `.catch` handler turns a logged failure into a crash.
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

const MAX_DEPTH = 16;
const MAX_KEYS = 200;

/** Reads a property; a getter or proxy trap that throws gives a marker instead. */
function read(value: object, key: PropertyKey): unknown {
  try {
    return (value as Record<PropertyKey, unknown>)[key];
  } catch {
    return "[Unreadable]";
  }
}

function isErrorLike(value: object): boolean {
  try {
    return value instanceof Error || Object.prototype.toString.call(value) === "[object DOMException]";
  } catch {
    return false;
  }
}

function typeName(error: object): string {
  try {
    const ctor = read(error, "constructor");
    const name = typeof ctor === "function" ? ctor.name : read(error, "name");
    return typeof name === "string" && name ? name : "Error";
  } catch {
    return "Error";
  }
}

/**
 * A copy of any value made of plain data only, with `scrub` applied to every string. Errors
 * become `{ type, message, stack, …own fields }`, their causes folded into message and stack
 * as pino's own serializer does.
 */
export function loggable(value: unknown, scrub: (s: string) => string = (s) => s): unknown {
  const ancestors = new Set<object>();
  const copy = (v: unknown, depth: number): unknown => {
    switch (typeof v) {
      case "string":
        return scrub(v);
      case "bigint":
        return `${v.toString()}n`;
      case "symbol":
        return scrub(v.toString());
      case "function":
        return `[Function ${scrub(String(read(v, "name") || "anonymous"))}]`;
      case "object":
        break;
      default:
        return v;
    }
    if (v === null) return null;
    if (depth > MAX_DEPTH) return "[Too deep]";
    if (ancestors.has(v)) return "[Circular]";
    ancestors.add(v);
    try {
      if (isErrorLike(v)) return copyError(v, depth);
      // Dates, URLs and Buffers log as their JSON form, as pino would print them.
      const toJSON = read(v, "toJSON");
      if (typeof toJSON === "function") return copy(toJSON.call(v), depth + 1);
      if (Array.isArray(v)) return v.slice(0, MAX_KEYS).map((x) => copy(x, depth + 1));
      if (v instanceof Map) return copy(Object.fromEntries([...v].slice(0, MAX_KEYS)), depth + 1);
      if (v instanceof Set) return copy([...v].slice(0, MAX_KEYS), depth + 1);
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(v).slice(0, MAX_KEYS)) out[key] = copy(read(v, key), depth + 1);
      return out;
    } catch {
      return "[Unreadable]";
    } finally {
      ancestors.delete(v);
    }
  };
  const copyError = (error: object, depth: number): Record<string, unknown> => {
    const messages: string[] = [];
    const stacks: string[] = [];
    const seen = new Set<object>();
    for (let e: unknown = error; e && typeof e === "object" && !seen.has(e) && seen.size < 8;) {
      seen.add(e);
      const message = read(e, "message");
      const stack = read(e, "stack");
      if (typeof message === "string" && message) messages.push(message);
      stacks.push(typeof stack === "string" ? stack : String(message ?? ""));
      e = read(e, "cause");
    }
    const out: Record<string, unknown> = {
      type: scrub(typeName(error)),
      message: scrub(messages.join(": ")),
      stack: scrub(stacks.join("\ncaused by: ")),
    };
    let keys: string[] = [];
    try {
      keys = Object.keys(error);
    } catch {
      // a proxy refusing to list its keys: type, message and stack are what matters
    }
    for (const key of keys.slice(0, MAX_KEYS)) {
      if (key === "cause" || key in out) continue;
      out[key] = copy(read(error, key), depth + 1);
    }
    const errors = read(error, "errors");
    if (Array.isArray(errors)) out["aggregateErrors"] = copy(errors, depth + 1);
    return out;
  };
  return copy(value, 0);
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const secrets = (options.secrets ?? []).filter((s): s is string => typeof s === "string" && s.length >= 8);
  const scrub = (s: string) => secrets.reduce((acc, secret) => acc.split(secret).join("[REDACTED]"), s);
  const destination =
    options.destination ??
    (options.format === "pretty"
      ? pretty({ colorize: process.stdout.isTTY, sync: true })
      : pino.destination({ sync: false }));
  return pino(
    {
      level: options.level ?? "info",
      redact: { paths: REDACT_PATHS, censor: "[REDACTED]" },
      // Errors reach pino already serialized by loggable(); its own serializer would call a
      // plain object's constructor "Object".
      serializers: { err: (err: unknown) => err },
      hooks: {
        logMethod(args, method) {
          let safe: unknown[];
          try {
            safe = loggableArgs(args, scrub);
          } catch {
            safe = ["[a log line could not be read]"];
          }
          try {
            method.apply(this, safe as Parameters<typeof method>);
          } catch {
            try {
              method.call(this, "[a log line could not be written]");
            } catch {
              // Nothing left to tell: a broken destination must still not break the caller.
            }
          }
        },
      },
    },
    destination,
  );
}

/** pino's arguments made loggable: an Error first becomes `{ err }` with its message as the line. */
function loggableArgs(args: readonly unknown[], scrub: (s: string) => string): unknown[] {
  const [first, ...rest] = args;
  if (first && typeof first === "object" && isErrorLike(first)) {
    const err = loggable(first, scrub) as { message: string };
    const msg = typeof rest[0] === "string" ? rest.map((a) => loggable(a, scrub)) : [err.message];
    return [{ err }, ...msg];
  }
  return args.map((a) => loggable(a, scrub));
}
