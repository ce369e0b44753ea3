import { pino } from "pino";
import { PassThrough, Readable } from "node:stream";
import { beforeAll, describe, expect, it } from "vitest";
import { chat, commands } from "../../../commands/index.ts";
import { BANNER, parseCommandLine, runConsole } from "../../../src/adapters/console/console.ts";
import { KnowledgeIndex } from "../../../src/index/knowledge-index.ts";
import { Dispatcher } from "../../../src/interactions/dispatcher.ts";
import { loadKnowledge } from "../../../src/knowledge/load.ts";
import { KnowledgeStore } from "../../../src/store/knowledge-store.ts";

let dispatcher: Dispatcher;

beforeAll(async () => {
  const loaded = await loadKnowledge("knowledge");
  if (!loaded.ok) throw new Error("load");
  const store = KnowledgeStore.fromIndex("knowledge", KnowledgeIndex.build(loaded.knowledge));
  dispatcher = new Dispatcher(commands, { store, log: pino({ level: "silent" }), commands: [] }, { chat });
});

async function session(input: string): Promise<string> {
  const output = new PassThrough();
  const chunks: string[] = [];
  output.on("data", (c) => chunks.push(String(c)));
  await runConsole(dispatcher, { input: Readable.from([input]), output });
  return chunks.join("");
}

describe("parseCommandLine", () => {
  it("GIVEN name:value options THEN values may hold spaces and colons", () => {
    expect(parseCommandLine("/ask question:What happened at 10:30 in 1969? private:true", commands)).toEqual({
      name: "ask",
      options: { question: "What happened at 10:30 in 1969?", private: "true" },
    });
    expect(parseCommandLine("/timeline from:1960 to:1980", commands)).toEqual({
      name: "timeline",
      options: { from: "1960", to: "1980" },
    });
  });

  it("GIVEN text without an option name THEN it goes to the first required option", () => {
    expect(parseCommandLine("/ask When were relations established?", commands).options).toEqual({
      question: "When were relations established?",
    });
  });

  it("GIVEN an unknown command THEN its name is kept for the dispatcher to refuse", () => {
    expect(parseCommandLine("/Nope x:y", commands)).toEqual({ name: "nope", options: {} });
  });
});

describe("runConsole", () => {
  it("GIVEN questions and commands on stdin THEN it says it is the local console, answers each, and ends at end of input", async () => {
    const out = await session(
      "When were relations established?\n\n/timeline from:1960 to:1980\n/reload\n/nonsense\n",
    );
    expect(out.startsWith(BANNER)).toBe(true);
    expect(out).toMatch(/local console/);
    expect(out).toMatch(/1931 — Afghanistan and Japan officially established diplomatic relations\. \[1\]/);
    expect(out).toMatch(
      /\[1\] Afghanistan–Japan relations <https:\/\/en\.wikipedia\.org\/wiki\/Afghanistan%E2%80%93Japan_relations>/,
    );
    expect(out).toMatch(/== Afghanistan–Japan relations \(1960 – 1980\) ==/);
    expect(out).toMatch(/== Knowledge reloaded ==/); // the console user is an admin
    expect(out).toMatch(/I don't know the command \/nonsense/);
  });

  it("GIVEN hostile text THEN it is shown as text and nothing throws", async () => {
    const out = await session(`@everyone <@&123456789012345678> **bold** ${"x".repeat(6000)}\u0000\u202e\n`);
    expect(out).toMatch(/I don't know that from my sources\./);
  });
});
