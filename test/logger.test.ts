import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "../src/logger.ts";

// Shaped like a bot token, but not a real one.
const TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GaBcDe.abcdefghijklmnopqrstuvwxyz0123456789";

/** A logger writing into memory, and the lines it wrote. */
function capture(secrets: readonly (string | undefined)[] = [TOKEN]) {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  const log = createLogger({ level: "trace", format: "json", secrets, destination });
  const output = () => chunks.join("");
  const records = () =>
    output()
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { log, output, records };
}

describe("createLogger — the token never reaches the output", () => {
  it("GIVEN the token inside a message THEN it is replaced by [REDACTED]", () => {
    const { log, output, records } = capture();
    log.info(`connecting with ${TOKEN} now`);
    expect(output()).not.toContain(TOKEN);
    expect(records()[0]?.msg).toBe("connecting with [REDACTED] now");
  });

  it("GIVEN the token as a printf argument THEN it is replaced", () => {
    const { log, output, records } = capture();
    log.warn("token is %s", TOKEN);
    expect(output()).not.toContain(TOKEN);
    expect(records()[0]?.msg).toBe("token is [REDACTED]");
  });

  it("GIVEN an object field named token THEN it is censored", () => {
    const { log, output, records } = capture();
    log.info({ token: TOKEN, guildId: "1" }, "login");
    expect(output()).not.toContain(TOKEN);
    expect(records()[0]).toMatchObject({ token: "[REDACTED]", guildId: "1", msg: "login" });
  });

  it("GIVEN headers.authorization THEN it is censored, nested too", () => {
    const { log, output, records } = capture();
    log.debug(
      { headers: { authorization: `Bot ${TOKEN}` }, req: { headers: { authorization: `Bot ${TOKEN}` } } },
      "request",
    );
    expect(output()).not.toContain(TOKEN);
    expect(records()[0]).toMatchObject({
      headers: { authorization: "[REDACTED]" },
      req: { headers: { authorization: "[REDACTED]" } },
    });
  });

  it("GIVEN an Error whose message and stack hold the token THEN both are scrubbed", () => {
    const { log, output, records } = capture();
    log.error(new Error(`401 for ${TOKEN}`));
    log.error({ err: new Error(`401 for ${TOKEN}`) }, "login failed");
    expect(output()).not.toContain(TOKEN);
    const [first, second] = records();
    expect(first?.msg).toBe("401 for [REDACTED]");
    expect(second?.err).toMatchObject({ type: "Error", message: "401 for [REDACTED]" });
    expect((second?.err as { stack: string }).stack).toMatch(/^Error: 401 for \[REDACTED\]\n\s+at /);
  });

  it("GIVEN an Error with a cause and API fields THEN the cause is scrubbed and code/status are kept", () => {
    const { log, output, records } = capture();
    const error = Object.assign(new Error("request failed", { cause: new Error(`inner ${TOKEN}`) }), {
      code: 50013,
      status: 403,
      url: `https://discord.com/api/v10/gateway?token=${TOKEN}`,
    });
    log.error({ err: error }, "discord said no");
    expect(output()).not.toContain(TOKEN);
    expect(records()[0]?.err).toMatchObject({
      message: "request failed: inner [REDACTED]",
      code: 50013,
      status: 403,
      url: "https://discord.com/api/v10/gateway?token=[REDACTED]",
    });
  });

  it("GIVEN the token deep inside a nested object THEN it is scrubbed at any depth", () => {
    const { log, output, records } = capture();
    log.info({ a: { b: { c: { d: { e: { f: TOKEN } } } } } }, "deep");
    expect(output()).not.toContain(TOKEN);
    expect(records()[0]).toMatchObject({ a: { b: { c: { d: { e: { f: "[REDACTED]" } } } } } });
  });

  it("GIVEN a circular object holding the token THEN logging neither throws nor leaks", () => {
    const { log, output } = capture();
    const ctx: Record<string, unknown> = { secret: TOKEN };
    ctx.self = ctx;
    log.info({ ctx }, "circular");
    expect(output()).not.toContain(TOKEN);
    expect(output()).toContain("[REDACTED]");
  });

  it("GIVEN a child logger THEN it scrubs the same way", () => {
    const { log, output, records } = capture();
    log.child({ module: "bot" }).info({ token: TOKEN }, `child ${TOKEN}`);
    expect(output()).not.toContain(TOKEN);
    expect(records()[0]).toMatchObject({ module: "bot", token: "[REDACTED]", msg: "child [REDACTED]" });
  });

  it("GIVEN a Date in a field THEN it is still logged as its ISO string", () => {
    const { log, records } = capture();
    log.info({ at: new Date(Date.UTC(2026, 10, 28)) }, "when");
    expect(records()[0]?.at).toBe("2026-11-28T00:00:00.000Z");
  });

  it("GIVEN no secrets THEN the token field paths are still censored", () => {
    const { log, output, records } = capture([]);
    log.info({ token: TOKEN, config: { token: TOKEN }, DISCORD_TOKEN: TOKEN }, "no secrets configured");
    expect(output()).not.toContain(TOKEN);
    expect(records()[0]).toMatchObject({
      token: "[REDACTED]",
      config: { token: "[REDACTED]" },
      DISCORD_TOKEN: "[REDACTED]",
    });
  });

  it("GIVEN a level THEN lower levels are not written", () => {
    const chunks: string[] = [];
    const log = createLogger({ level: "warn", destination: { write: (s: string) => void chunks.push(s) } });
    log.info("hidden");
    log.warn("shown");
    expect(chunks.join("")).not.toContain("hidden");
    expect(chunks.join("")).toContain('"msg":"shown"');
  });

  describe("WHEN anything at all is logged THEN logging never throws", () => {
    const throwingGetter = Object.defineProperty(new Error("getter"), "code", {
      enumerable: true,
      get() {
        throw new Error("boom");
      },
    });
    const hostileProxy = new Proxy(
      {},
      {
        get() {
          throw new Error("trap");
        },
        ownKeys() {
          throw new Error("trap");
        },
        getPrototypeOf() {
          throw new Error("trap");
        },
      },
    );
    const cyclicError = new Error("cyclic") as Error & { self?: unknown };
    cyclicError.self = cyclicError;
    const values: Array<[string, unknown]> = [
      [
        "a DOMException (what a hung REST call rejects with)",
        new DOMException("This operation was aborted", "AbortError"),
      ],
      ["an error whose getter throws", throwingGetter],
      ["a proxy whose traps throw", hostileProxy],
      ["a cyclic error", cyclicError],
      ["a BigInt", 12345678901234567890n],
      ["a symbol and a function", { s: Symbol("x"), f: () => 1 }],
      ["an error caused by itself", Object.assign(new Error("loop"), {})],
    ];
    (values[6]![1] as Error).cause = values[6]![1];

    it.each(values)("GIVEN %s as err THEN a line is written", (_name, value) => {
      const { log, records } = capture();
      expect(() => log.error({ err: value }, "failed")).not.toThrow();
      expect(() => log.error(value as object)).not.toThrow();
      expect(records()).toHaveLength(2);
      expect(records()[0]?.msg).toBe("failed");
    });

    it("GIVEN a DOMException THEN its type, name and message are kept and the token scrubbed", () => {
      const { log, output, records } = capture();
      log.error({ err: new DOMException(`aborted ${TOKEN}`, "AbortError") }, "callback failed");
      expect(output()).not.toContain(TOKEN);
      expect(records()[0]?.err).toMatchObject({ type: "DOMException", message: "aborted [REDACTED]" });
    });

    it("GIVEN a destination that throws THEN the caller is not thrown at", () => {
      const log = createLogger({
        secrets: [TOKEN],
        destination: {
          write() {
            throw new Error("disk full");
          },
        },
      });
      expect(() => log.error({ err: new Error("x") }, "y")).not.toThrow();
    });
  });
});
