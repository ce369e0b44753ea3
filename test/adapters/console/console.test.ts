import { pino } from "pino";
import { PassThrough, Readable } from "node:stream";
import { beforeAll, describe, expect, it } from "vitest";
import { chat, commands } from "../../../src/commands/index.ts";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { isAbsolute, join } from "node:path";
import {
  BANNER,
  parseCommandLine,
  runConsole,
  saveAttachments,
} from "../../../src/adapters/console/console.ts";
import { KnowledgeIndex } from "../../../src/index/knowledge-index.ts";
import { Dispatcher } from "../../../src/interactions/dispatcher.ts";
import { loadKnowledge } from "../../../src/knowledge/load.ts";
import { KnowledgeStore } from "../../../src/store/knowledge-store.ts";
import { pngSize } from "../../support/pictures.ts";

let dispatcher: Dispatcher;

beforeAll(async () => {
  const loaded = await loadKnowledge("knowledge");
  if (!loaded.ok) throw new Error("load");
  const store = KnowledgeStore.fromIndex("knowledge", KnowledgeIndex.build(loaded.knowledge));
  dispatcher = new Dispatcher(commands, { store, log: pino({ level: "silent" }), commands: [] }, { chat });
});

async function session(input: string, attachmentsDir?: string): Promise<string> {
  const output = new PassThrough();
  const chunks: string[] = [];
  output.on("data", (c) => chunks.push(String(c)));
  await runConsole(dispatcher, { input: Readable.from([input]), output, attachmentsDir });
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

  it("GIVEN /timeline picture:true THEN the PNG is saved and its absolute path printed on its own line; a second one keeps the first", async () => {
    const dir = await mkdtemp(join(tmpdir(), "kizuna-console-test-"));
    try {
      const out = await session(
        "/timeline picture:true\n/timeline from:1960 to:1980 picture:true theme:light\n",
        dir,
      );
      const paths = [...out.matchAll(/^attachment: (.+)$/gm)].map((m) => m[1]!);
      expect(paths).toEqual([
        join(dir, "timeline-afghanistan-japan.png"),
        join(dir, "timeline-afghanistan-japan-2.png"),
      ]);
      for (const path of paths) {
        expect(isAbsolute(path)).toBe(true);
        expect(pngSize(await readFile(path)).width).toBe(1200);
      }
      expect(out).toMatch(/== Afghanistan–Japan relations \(1960 – 1980\) ==/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("GIVEN an attachment name that tries to leave the folder THEN it is saved inside it", async () => {
    const dir = await mkdtemp(join(tmpdir(), "kizuna-console-test-"));
    try {
      const [path] = await saveAttachments(
        { files: [{ name: "../../etc/evil name.png", data: Buffer.from("x") }] },
        dir,
        new Set(),
      );
      expect(path).toBe(join(dir, "evil_name.png"));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("GIVEN hostile text THEN it is shown as text and nothing throws", async () => {
    const out = await session(`@everyone <@&123456789012345678> **bold** ${"x".repeat(6000)}\u0000\u202e\n`);
    expect(out).toMatch(/I don't know that from my sources\./);
  });
});
