import { appendFile, cp, mkdir, mkdtemp, readdir, readFile, rename, rm, stat, symlink, utimes, writeFile } from "node:fs/promises";
import { createHash } from "node:crypto";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.ts";
import { answerQuestion } from "../../src/engine/engine.ts";
import type { KnowledgeIndex } from "../../src/index/knowledge-index.ts";
import { CACHE_FORMAT, type KnowledgeCacheOptions } from "../../src/knowledge/cache.ts";
import { createLogger } from "../../src/logger.ts";
import { renderAnswerText } from "../../src/replies/text.ts";
import { KnowledgeStore } from "../../src/store/knowledge-store.ts";

const REAL = fileURLToPath(new URL("../../knowledge/afghanistan-japan.yaml", import.meta.url));
const VALID = fileURLToPath(new URL("../fixtures/knowledge/valid/", import.meta.url));

const DRAFT = `
  - id: cp-2026-draft
    date: "2026"
    statement: Chile and Peru opened a draft protocol nobody has reviewed.
    source: wikipedia-chile-peru-relations
    section: History
    draft: true
`;
const NEW_FACT = `
  - id: cp-2025-new
    date: "2025"
    statement: Chile and Peru opened a bridge over the Lluta river.
    places: [Lluta]
    source: wikipedia-chile-peru-relations
    section: History
`;
const QUESTIONS = [
  "When were diplomatic relations established?",
  "When did Afghanistan and Japan establish relations?",
  "When did Brazil and Japan sign a treaty?",
  "When did Chile and Peru sign the Treaty of Lima?",
  "Who visited Japan in 1971?",
  "日本とアフガニスタンの国交樹立はいつ？",
  "Tell me about the pisco dispute",
  "what happened in the 1930s",
];

let root: string;
let dir: string;
let cacheDir: string;
let lines: string[];
let cache: KnowledgeCacheOptions;
const stores: KnowledgeStore[] = [];

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "kizuna-cache-"));
  dir = join(root, "knowledge");
  cacheDir = join(root, "cache");
  await cp(VALID, dir, { recursive: true });
  await cp(REAL, join(dir, "afghanistan-japan.yaml"));
  await appendFile(join(dir, "chile-peru.yaml"), DRAFT);
  lines = [];
  cache = {
    dir: cacheDir,
    log: createLogger({ level: "info", format: "json", destination: { write: (s: string) => void lines.push(s) } }),
  };
});
afterEach(async () => {
  for (const s of stores.splice(0)) s.close();
  await rm(root, { recursive: true, force: true });
});

/** Opens `folder` with the test's cache (null: no cache). */
async function open(folder = dir, options: KnowledgeCacheOptions | null = cache): Promise<KnowledgeStore> {
  const store = await KnowledgeStore.open(folder, options ? { cache: options } : {});
  stores.push(store);
  return store;
}
/** The log's messages (and why a cache was ignored), since the last call. */
function logged(): string[] {
  const out = lines.map((l) => {
    const { msg, why } = JSON.parse(l) as { msg: string; why?: string };
    return why ? `${msg}: ${why}` : msg;
  });
  lines.length = 0;
  return out;
}
const cacheFiles = async () => (await readdir(cacheDir).catch(() => [])).filter((n) => n.endsWith(".cache"));
async function theCache(): Promise<string> {
  const [name, ...more] = await cacheFiles();
  if (!name || more.length) throw new Error(`expected one cache file, found ${[name, ...more].join(", ")}`);
  return join(cacheDir, name);
}
/** Everything a user could see of the knowledge, and what the index made of it. */
function portrait(index: KnowledgeIndex) {
  return {
    version: index.version,
    knowledge: JSON.parse(JSON.stringify(index.knowledge)) as unknown,
    facts: index.facts.map((f) => ({
      id: f.fact.id,
      countries: [...f.countries].sort(),
      hasNumber: f.hasNumber,
      meaning: {
        agents: [...f.meaning.direction.agents],
        targets: [...f.meaning.direction.targets],
        moving: f.meaning.direction.moving,
        roles: f.meaning.roles.map((h) => [h.role.name, h.holder]),
        names: f.meaning.names,
      },
      terms: [...index.factTerms.ids.subarray(index.factTerms.start[f.ordinal], index.factTerms.start[f.ordinal + 1])]
        .map((t) => index.terms[t])
        .sort(),
    })),
    surface: [...index.surface].sort(),
    answers: QUESTIONS.map((q) => renderAnswerText(answerQuestion(index, q))),
  };
}
/** Rewrites a cache file: its header (a JSON line) and body, through `edit`. */
async function rewrite(
  path: string,
  edit: (header: Record<string, unknown>, body: string) => { header: Record<string, unknown>; body: string },
) {
  const bytes = await readFile(path);
  const nl = bytes.indexOf(10);
  const out = edit(JSON.parse(bytes.subarray(0, nl).toString()), bytes.subarray(nl + 1).toString());
  await writeFile(path, `${JSON.stringify(out.header)}\n${out.body}`);
}
const resum = (header: Record<string, unknown>, body: string) => ({
  header: { ...header, bytes: Buffer.byteLength(body), sha256: createHash("sha256").update(body).digest("hex") },
  body,
});

describe("knowledge cache — a warm start", () => {
  it("GIVEN a cold start THEN it writes the cache, and a restart takes everything from it and answers exactly as the cold start did", async () => {
    const cold = await open();
    expect(logged()).toEqual(["no knowledge cache for these files; loading them", "knowledge cache written"]);
    expect(await cacheFiles()).toHaveLength(1);
    const warm = await open();
    expect(logged()).toEqual(["knowledge taken from the cache"]);
    const uncached = await open(dir, null);
    expect(portrait(warm.index)).toEqual(portrait(cold.index));
    expect(portrait(warm.index)).toEqual(portrait(uncached.index));
    // Drafts are kept as drafts (checked, never served); Japanese statements and titles survive.
    expect(warm.index.knowledge.drafts.map((f) => f.id)).toEqual(["cp-2026-draft"]);
    expect(warm.index.byId.has("cp-2026-draft")).toBe(false);
    expect(warm.index.knowledge.relations.find((r) => r.id === "afghanistan-japan")?.titles?.["ja"]).toBeTruthy();
    expect(warm.index.facts.some((f) => f.fact.statements?.["ja"])).toBe(true);
    // Countries are the gazetteer's own objects, dates are shared.
    expect(warm.index.knowledge.relations[0]!.parties[0]).toBe(cold.index.knowledge.relations[0]!.parties[0]);
  });

  it("GIVEN a warm start THEN a reload reads only the changed file and reports just the fact added", async () => {
    await open();
    const warm = await open();
    logged();
    const before = warm.index;
    await appendFile(join(dir, "chile-peru.yaml"), NEW_FACT);
    const result = await warm.reload();
    expect(result).toMatchObject({ ok: true, added: ["cp-2025-new"], changed: [], removed: [] });
    // Facts of unchanged files are the very objects the cache gave (their analysis is reused).
    const fact = before.byId.get("bj-1895-treaty")!.fact;
    expect(warm.index.byId.get("bj-1895-treaty")!.fact).toBe(fact);
  });

  it("GIVEN the folder shown as a path outside the working directory (as npm start shows KNOWLEDGE_DIR) THEN the cache is used", async () => {
    const displayRoot = relative(process.cwd(), dir);
    expect(displayRoot).toContain("..");
    const first = await KnowledgeStore.open(dir, { displayRoot, cache });
    const again = await KnowledgeStore.open(dir, { displayRoot, cache });
    stores.push(first, again);
    expect(logged()).toEqual([
      "no knowledge cache for these files; loading them",
      "knowledge cache written",
      "knowledge taken from the cache",
    ]);
    expect(again.version).toBe(first.version);
  });

  it("GIVEN a file that starts with a byte-order mark THEN it hashes as the loader hashes it and the cache is used", async () => {
    const path = join(dir, "brazil-japan.yaml");
    await writeFile(path, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), await readFile(path)]));
    await open();
    logged();
    await open();
    expect(logged()).toEqual(["knowledge taken from the cache"]);
  });

  it("GIVEN the same files in another folder (a cluster's mirror is a new folder every start) THEN the cache serves it", async () => {
    const cold = await open();
    const elsewhere = join(root, "mirror");
    await cp(dir, elsewhere, { recursive: true });
    logged();
    const warm = await open(elsewhere);
    expect(logged()).toEqual(["knowledge taken from the cache"]);
    expect(warm.version).toBe(cold.version);
  });
});

describe("knowledge cache — never trusted blindly", () => {
  it("GIVEN a file changed since THEN the cache is not used, the change is served and a cache of the new files is written", async () => {
    await open();
    await appendFile(join(dir, "chile-peru.yaml"), NEW_FACT);
    logged();
    const store = await open();
    expect(logged()).toEqual(["no knowledge cache for these files; loading them", "knowledge cache written"]);
    expect(store.index.byId.has("cp-2025-new")).toBe(true);
    expect(await cacheFiles()).toHaveLength(2);
  });

  it("GIVEN a file deleted or added since THEN the cache is not used", async () => {
    await open();
    await rm(join(dir, "brazil-japan.yaml"));
    logged();
    expect((await open()).index.knowledge.relations.map((r) => r.id)).not.toContain("brazil-japan");
    expect(logged()[0]).toBe("no knowledge cache for these files; loading them");
  });

  it("GIVEN a file edited with its size and times kept, and the old cache put under the new files' name THEN the bytes decide: the cache is ignored", async () => {
    const cold = await open();
    const path = join(dir, "chile-peru.yaml");
    const info = await stat(path);
    const text = await readFile(path, "utf8");
    // Same length, same times: only the content tells.
    await writeFile(path, text.replace("Treaty of Lima", "Treaty of Lime"));
    await utimes(path, info.atime, info.mtime);
    logged();
    const honest = await open();
    expect(logged()[0]).toBe("no knowledge cache for these files; loading them");
    const edited = honest.version;
    expect(edited).not.toBe(cold.version);
    // Now the old cache, claiming to be the new files' (its name and header's hash kept in step).
    const names = await cacheFiles();
    const old = names.find((n) => n.includes(cold.version))!;
    const fresh = names.find((n) => n.includes(edited))!;
    await cp(join(cacheDir, old), join(cacheDir, fresh));
    await rewrite(join(cacheDir, fresh), (header, body) => ({
      header: { ...header, content: fresh.slice(`knowledge-${CACHE_FORMAT}-`.length, -".cache".length) },
      body,
    }));
    logged();
    const store = await open();
    expect(logged()[0]).toMatch(/^knowledge cache ignored; .*: malformed: file knowledge\/chile-peru\.yaml is not the one cached$/);
    expect(store.version).toBe(edited);
    expect(answerQuestion(store.index, "When did Chile and Peru sign the Treaty of Lime?").facts[0]?.statement).toMatch(
      /Lime/,
    );
  });

  it.each([
    ["truncated", (h: Record<string, unknown>, b: string) => ({ header: h, body: b.slice(0, b.length / 2) }), /truncated or padded/],
    ["a byte changed", (h: Record<string, unknown>, b: string) => ({ header: h, body: b.replace("Lima", "Lina") }), /does not match its checksum/],
    ["another format", (h: Record<string, unknown>, b: string) => ({ header: { ...h, format: CACHE_FORMAT + 1 }, body: b }), /format/],
    ["another program", (h: Record<string, unknown>, b: string) => ({ header: { ...h, program: "0".repeat(64) }, body: b }), /another version of the program/],
    ["not JSON", (h: Record<string, unknown>) => resum(h, "{\"files\": [oops"), /JSON|Unexpected|Expected/],
    ["a fact with a date of the wrong shape", (h: Record<string, unknown>, b: string) => resum(h, b.replace(/"precision":"day"/, '"precision":"fortnight"')), /malformed: date\.precision/],
    ["index ids out of range", (h: Record<string, unknown>, b: string) => resum(h, b.replace(/"terms":\[[^\]]*\]/, '"terms":[]')), /malformed: index\.ids/],
  ])("GIVEN a cache %s THEN it is ignored with one log line, the files are loaded and the cache is written again", async (_, edit, why) => {
    const cold = await open();
    const path = await theCache();
    await rewrite(path, edit);
    logged();
    const store = await open();
    const log = logged();
    expect(log).toHaveLength(2);
    expect(log[0]).toMatch(/^knowledge cache ignored; loading the files and writing it again: /);
    expect(log[0]).toMatch(why);
    expect(log[1]).toBe("knowledge cache written");
    expect(portrait(store.index)).toEqual(portrait(cold.index));
    await open();
    expect(logged()).toEqual(["knowledge taken from the cache"]);
  });

  it("GIVEN an empty cache file THEN it is ignored", async () => {
    await open();
    await writeFile(await theCache(), "");
    logged();
    await open();
    expect(logged()[0]).toMatch(/^knowledge cache ignored; .*: no header$/);
  });
});

describe("knowledge cache — off, or nowhere to write", () => {
  it("GIVEN KNOWLEDGE_CACHE_DIR=off THEN no cache is read or written", async () => {
    const config = loadConfig({ KNOWLEDGE_CACHE_DIR: "off", DATA_DIR: root });
    expect(config.knowledgeCacheDir).toBeUndefined();
    await open(dir, config.knowledgeCacheDir ? cache : null);
    await open(dir, null);
    expect(await readdir(root)).toEqual(["knowledge"]);
    expect(lines).toEqual([]);
  });

  it("GIVEN a cache folder that cannot be created THEN the knowledge opens as without it, with one log line", async () => {
    const blocker = join(root, "a-file");
    await writeFile(blocker, "not a folder");
    const store = await open(dir, { ...cache, dir: join(blocker, "cache") });
    const log = logged();
    expect(log).toEqual([
      "no knowledge cache for these files; loading them",
      "could not write the knowledge cache; the next start loads the files again",
    ]);
    expect(answerQuestion(store.index, "When did Brazil and Japan sign a treaty?").facts.map((f) => f.id)).toEqual([
      "bj-1895-treaty",
    ]);
  });

  it("GIVEN a folder with a link among its files THEN nothing is cached and it opens as always", async () => {
    await mkdir(join(dir, ".kept"));
    await rename(join(dir, "brazil-japan.yaml"), join(dir, ".kept", "brazil-japan.yaml"));
    await symlink(join(dir, ".kept", "brazil-japan.yaml"), join(dir, "brazil-japan.yaml"));
    const store = await open();
    expect(logged()).toEqual([
      "knowledge cache not used: the folder holds links, odd files or files being written",
      "knowledge cache not written: the folder holds links or files the loader does not keep",
    ]);
    expect(store.index.byId.has("bj-1895-treaty")).toBe(true);
    expect(await cacheFiles()).toEqual([]);
  });
});
