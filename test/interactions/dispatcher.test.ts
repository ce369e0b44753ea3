import { ApplicationCommandOptionType } from "discord.js";
import { pino } from "pino";
import { Writable } from "node:stream";
import { beforeAll, describe, expect, it } from "vitest";
import { chat, commands } from "../../src/commands/index.ts";
import { UserError } from "../../src/errors.ts";
import { KnowledgeIndex } from "../../src/index/knowledge-index.ts";
import { defineCommand, type Actor } from "../../src/interactions/command.ts";
import { Cooldown } from "../../src/interactions/cooldown.ts";
import { coerceOptions, Dispatcher } from "../../src/interactions/dispatcher.ts";
import { loadKnowledge } from "../../src/knowledge/load.ts";
import { KnowledgeStore } from "../../src/store/knowledge-store.ts";

const MEMBER: Actor = {
  id: "111111111111111111",
  name: "m",
  isAdmin: false,
  guildId: "222222222222222222",
  locale: "en-US",
};
const ADMIN: Actor = { ...MEMBER, isAdmin: true };
const DM: Actor = { ...ADMIN, guildId: null };

let store: KnowledgeStore;
const lines: string[] = [];
const sink = new Writable({
  write(chunk, _enc, done) {
    lines.push(String(chunk));
    done();
  },
});
const log = pino({ level: "info" }, sink);

const boom = defineCommand({
  data: { name: "boom", description: "throws a bug" },
  execute() {
    throw new Error("secret internal detail at /srv/x.ts:12");
  },
});
const refuse = defineCommand({
  data: { name: "refuse", description: "throws a user error" },
  execute() {
    throw new UserError("Not today.", "nope");
  },
});

function make(cooldown?: Cooldown) {
  return new Dispatcher([...commands, boom, refuse], { store, log, commands: [] }, { cooldown, chat });
}

beforeAll(async () => {
  const loaded = await loadKnowledge("knowledge");
  if (!loaded.ok) throw new Error("load");
  store = KnowledgeStore.fromIndex("knowledge", KnowledgeIndex.build(loaded.knowledge));
});

describe("Dispatcher.command", () => {
  it("GIVEN a bug in a command THEN the user gets a short private apology with a reference, and the log the stack", async () => {
    const reply = await make().command("boom", {}, MEMBER);
    expect(reply.ephemeral).toBe(true);
    expect(reply.content).toMatch(/^Something went wrong on my side \(ref [0-9a-f]{6}\)/);
    expect(reply.content).not.toContain("secret internal detail");
    const ref = /ref ([0-9a-f]{6})/.exec(reply.content!)![1]!;
    const logged = lines.map((l) => JSON.parse(l)).find((l) => l.ref === ref);
    expect(logged).toMatchObject({ outcome: "error", command: "boom", level: 50 });
    expect(logged.err.stack).toContain("secret internal detail");
  });

  it("GIVEN a user error THEN its message is shown privately and logged as user-error", async () => {
    const reply = await make().command("refuse", {}, MEMBER);
    expect(reply).toEqual({ content: "Not today.", ephemeral: true });
    expect(lines.map((l) => JSON.parse(l)).some((l) => l.code === "nope" && l.outcome === "user-error")).toBe(
      true,
    );
  });

  it("GIVEN an unknown command THEN it says so", async () => {
    expect((await make().command("nonsense", {}, MEMBER)).content).toMatch(
      /I don't know the command \/nonsense/,
    );
  });

  it("GIVEN a non-admin THEN /reload is refused; an admin gets the reload report; in a DM it is guild-only", async () => {
    expect((await make().command("reload", {}, MEMBER)).content).toMatch(/Only server admins/);
    expect((await make().command("reload", {}, DM)).content).toMatch(/works only in a server/);
    const ok = await make().command("reload", {}, ADMIN);
    expect(ok.embeds?.[0]?.title).toBe("Knowledge reloaded");
  });

  it("GIVEN the cooldown is used up THEN /ask gets a private notice naming the wait", async () => {
    let now = 0;
    const d = make(new Cooldown(1, 30_000, () => now));
    expect(
      (await d.command("ask", { question: "When were relations established?" }, MEMBER)).embeds,
    ).toBeDefined();
    now = 1000;
    const second = await d.command("ask", { question: "When were relations established?" }, MEMBER);
    expect(second).toEqual({ content: "You're asking quickly — try again in 29 s.", ephemeral: true });
    now = 31_000;
    expect(
      (await d.command("ask", { question: "When were relations established?" }, MEMBER)).embeds,
    ).toBeDefined();
  });

  it("GIVEN a required option missing or of the wrong type THEN a clear user error", async () => {
    expect((await make().command("ask", {}, MEMBER)).content).toBe("Option “question” is required.");
    expect((await make().command("ask", { question: 42 }, MEMBER)).content).toBe(
      "Option “question” must be text.",
    );
    expect((await make().command("timeline", { page: "two" }, MEMBER)).content).toBe(
      "Option “page” must be a whole number.",
    );
  });
});

describe("Dispatcher.component and autocomplete", () => {
  it("GIVEN an unknown or foreign custom id THEN a polite private reply", async () => {
    for (const id of [
      "kz:nope:x",
      "someone-else:thing",
      "kz:timeline:missing",
      "",
      "kz:timeline:constructor",
      "kz:fact:__proto__",
      "kz:ask:toString",
    ]) {
      const result = await make().component(id, [], MEMBER);
      expect("reply" in result && result.reply).toMatchObject({
        ephemeral: true,
        content: "That button no longer works; run the command again.",
      });
    }
  });

  it("GIVEN a failing autocomplete THEN it offers nothing instead of throwing", () => {
    const broken = defineCommand({
      data: { name: "broken", description: "x" },
      execute: () => ({ content: "x" }),
      autocomplete() {
        throw new Error("bug");
      },
    });
    const d = new Dispatcher([broken], { store, log, commands: [] });
    expect(d.autocomplete("broken", { name: "q", value: "x" }, {})).toEqual([]);
    expect(d.autocomplete("missing", { name: "q", value: "x" }, {})).toEqual([]);
  });
  it("GIVEN typed text or knowledge with mentions THEN no choice name renders as a mention, and values are kept", () => {
    const typed = "@everyone <@123456789012345678> <#123456789012345678> <@&123456789012345678> @here";
    const choices = make().autocomplete("ask", { name: "question", value: typed }, {});
    expect(choices.length).toBeGreaterThan(0);
    for (const c of choices) expect(c.name).not.toMatch(/@(?:everyone|here)|<(?:@[!&]?|#)\d+>/i);
    expect(choices[0]!.value).toBe(typed);
    const mentions = defineCommand({
      data: { name: "mentions", description: "x" },
      execute: () => ({ content: "x" }),
      autocomplete: () => [{ name: `${"x".repeat(95)} @everyone`, value: "v" }],
    });
    const [only] = new Dispatcher([mentions], { store, log, commands: [] }).autocomplete(
      "mentions",
      { name: "q", value: "" },
      {},
    );
    expect(only!.name.length).toBeLessThanOrEqual(100);
    expect(only!.name).not.toMatch(/@everyone/);
  });
});

describe("Dispatcher deferral", () => {
  it("GIVEN options that ask for a picture THEN the command says it may be slow; text pages, bad options and unknown commands do not", () => {
    const d = make();
    expect(d.commandDefers("timeline", { picture: true })).toBe(true);
    expect(d.commandDefers("timeline", { picture: "true" })).toBe(true); // as the console types it
    expect(d.commandDefers("timeline", {})).toBe(false);
    expect(d.commandDefers("timeline", { picture: true, page: "x" })).toBe(false);
    expect(d.commandDefers("ask", { question: "x" })).toBe(false);
    expect(d.commandDefers("nope", {})).toBe(false);
  });

  it("GIVEN a component custom id THEN a slow component's deferral, nothing for others or crafted ids", () => {
    const d = make();
    expect(d.componentDefers("kz:timeline:picture:::afghanistan-japan")).toBe("reply");
    expect(d.componentDefers("kz:timeline:page:1:2:::afghanistan-japan")).toBeUndefined();
    expect(d.componentDefers("kz:timeline:constructor")).toBeUndefined();
    expect(d.componentDefers("xx:timeline:picture")).toBeUndefined();
  });
});

describe("Dispatcher.modalSubmit", () => {
  const form = defineCommand({
    data: { name: "form", description: "a form" },
    execute: () => ({ content: "x" }),
    components: { open: () => ({ modal: { custom_id: "kz:form:sent", title: "T", components: [] } }) },
    modals: {
      sent: ({ args, fields }) => ({ reply: { content: `${args.join(",")}|${fields.get("text") ?? "-"}` } }),
      fails() {
        throw new UserError("Not this form.", "form-refused");
      },
    },
  });

  it("GIVEN a button that opens a form THEN the form is the result; its submission reaches the command's form handler", async () => {
    const d = new Dispatcher([form], { store, log, commands: [] });
    expect(await d.component("kz:form:open", [], MEMBER)).toEqual({
      modal: { custom_id: "kz:form:sent", title: "T", components: [] },
    });
    expect(await d.modalSubmit("kz:form:sent:a:b", new Map([["text", "typed"]]), MEMBER)).toEqual({
      reply: { content: "a,b|typed" },
    });
    expect(await d.modalSubmit("kz:form:fails", new Map(), MEMBER)).toEqual({
      reply: { content: "Not this form.", ephemeral: true },
    });
  });

  it("GIVEN an unknown or crafted form id THEN a polite private reply", async () => {
    const d = new Dispatcher([...commands, form], { store, log, commands: [] });
    for (const id of [
      "kz:form:missing",
      "kz:form:constructor",
      "kz:form:__proto__",
      "x:form:sent",
      "",
      "kz:nope:x",
    ]) {
      expect(await d.modalSubmit(id, new Map(), MEMBER)).toEqual({
        reply: { content: "That form no longer works; try again.", ephemeral: true },
      });
    }
  });
});

describe("Dispatcher.chat", () => {
  it("GIVEN a question THEN an answer; GIVEN an unknown one in a quiet channel THEN silence", async () => {
    const d = make();
    expect((await d.chat("When were relations established?", MEMBER))?.embeds?.[0]?.description).toContain(
      "1931",
    );
    expect(await d.chat("Who won the 2010 FIFA World Cup?", MEMBER, { quietWhenUnknown: true })).toBeNull();
  });
});

describe("Dispatcher.isPrivate", () => {
  it("GIVEN what the commands declare THEN /reload is always private, /ask when its private option is true", () => {
    const d = make();
    expect(d.isPrivate("reload", {})).toBe(true);
    expect(d.isPrivate("ask", { question: "x" })).toBe(false);
    expect(d.isPrivate("ask", { question: "x", private: true })).toBe(true);
    expect(d.isPrivate("ask", { question: "x", private: "true" })).toBe(false);
    expect(d.isPrivate("timeline", { private: true })).toBe(false);
    expect(d.isPrivate("nope", {})).toBe(false);
  });

  it("GIVEN no chat handler THEN chat gets no reply", async () => {
    const d = new Dispatcher(commands, { store, log, commands: [] });
    expect(await d.chat("When were relations established?", MEMBER)).toBeNull();
  });
});

describe("coerceOptions", () => {
  const defs = [
    { type: ApplicationCommandOptionType.String, name: "s", description: "", max_length: 5 },
    { type: ApplicationCommandOptionType.Integer, name: "i", description: "", min_value: 1, max_value: 10 },
    { type: ApplicationCommandOptionType.Boolean, name: "b", description: "" },
  ] as const;

  it("GIVEN console strings THEN they become typed values, text cut to max_length", () => {
    expect(coerceOptions(defs, { s: "abcdefgh", i: "3", b: "yes" })).toEqual({ s: "abcde", i: 3, b: true });
  });

  it("GIVEN out-of-range or malformed values THEN user errors naming the option", () => {
    expect(() => coerceOptions(defs, { i: "11" })).toThrow("Option “i” must be between 1 and 10.");
    expect(() => coerceOptions(defs, { i: "1.5" })).toThrow("Option “i” must be a whole number.");
    expect(() => coerceOptions(defs, { b: "maybe" })).toThrow("Option “b” must be true or false.");
  });

  it("GIVEN an option with choices THEN only those values pass", () => {
    const themed = [
      {
        type: ApplicationCommandOptionType.String,
        name: "theme",
        description: "",
        choices: [
          { name: "dark", value: "dark" },
          { name: "light", value: "light" },
        ],
      },
    ] as const;
    expect(coerceOptions(themed, { theme: "light" })).toEqual({ theme: "light" });
    expect(() => coerceOptions(themed, { theme: "blue" })).toThrow(
      "Option “theme” must be one of dark, light.",
    );
  });

  it("GIVEN prototype-pollution keys THEN they are ignored", () => {
    const raw = JSON.parse('{"__proto__": {"polluted": true}, "constructor": "x", "s": "ok"}');
    const out = coerceOptions(defs, raw);
    expect(out).toEqual({ s: "ok" });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
