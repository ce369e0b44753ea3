import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { importArticle } from "../../../src/adapters/cli/import.ts";
import { loadKnowledge } from "../../../src/knowledge/load.ts";
import { KnowledgeStore } from "../../../src/store/knowledge-store.ts";

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), "kizuna-import-"));
  dirs.push(dir);
  return dir;
};

function run(script: string, args: string[], knowledgeDir: string) {
  return spawnSync(process.execPath, ["--import", "tsx", script, ...args], {
    encoding: "utf8",
    timeout: 60_000,
    env: { ...process.env, KNOWLEDGE_DIR: knowledgeDir },
  });
}
/** The import run in this process (spawning one per case costs seconds on a busy machine). */
const importer = (args: string[], dir = "knowledge") => importArticle(args, { dir, display: dir });

describe("npm run import", () => {
  it("GIVEN a missing article THEN the process says so on stderr and exits 1", () => {
    const out = run(
      "src/adapters/cli/import.ts",
      ["nope.txt", "--relation", "afghanistan-japan"],
      "knowledge",
    );
    expect(out.stderr).toBe("import: cannot read nope.txt: no such file\n");
    expect(out.status).toBe(1);
  });

  it("GIVEN the seed article and --out the relation's file THEN new drafts are appended, check-knowledge lists them, a second import adds nothing", async () => {
    const dir = tempDir();
    cpSync("knowledge", dir, { recursive: true });
    const file = join(dir, "afghanistan-japan.yaml");
    const before = readFileSync(file, "utf8");
    const args = [
      join(dir, "sources/afghanistan-japan-relations.txt"),
      "--relation",
      "afghanistan-japan",
      "--out",
      file,
    ];
    const first = await importer(args, dir);
    expect(first.stderr).toMatch(
      /^import: 24 dated candidates in .*afghanistan-japan-relations\.txt, (\d+) new, (\d+) already held/,
    );
    expect(first.status).toBe(0);
    const added = Number(/(\d+) new/.exec(first.stderr)?.[1]);
    expect(added).toBeGreaterThan(0);
    const after = readFileSync(file, "utf8");
    expect(after.startsWith(before.trimEnd())).toBe(true);
    expect(after.match(/^ {4}draft: true$/gm)).toHaveLength(added);

    const check = run("src/adapters/cli/check-knowledge.ts", [], dir);
    expect(check.status).toBe(0);
    expect(check.stdout).toMatch(
      new RegExp(`drafts: +${added}, not served until their \`draft: true\` is removed`),
    );
    expect(check.stdout).toMatch(
      /afghanistan-japan\.yaml:\d+ {2}afghanistan-japan-1907-[a-z-]+ {2}1907 — REWRITE: /,
    );

    const second = await importer(args, dir);
    expect(second.status).toBe(0);
    expect(second.stderr).toMatch(/, 0 new, 24 already held/);
    expect(readFileSync(file, "utf8")).toBe(after);
  });

  it("GIVEN drafts in a file THEN the bot does not serve them; removing the mark publishes one on the next reload", async () => {
    const dir = tempDir();
    cpSync("knowledge", dir, { recursive: true });
    const file = join(dir, "afghanistan-japan.yaml");
    const imported = await importer(
      [
        join(dir, "sources/afghanistan-japan-relations.txt"),
        "--relation",
        "afghanistan-japan",
        "--out",
        file,
      ],
      dir,
    );
    expect(imported.status).toBe(0);
    const loaded = await loadKnowledge(dir);
    if (!loaded.ok) throw new Error("the file with drafts must load");
    const [draft] = loaded.knowledge.drafts;
    if (!draft) throw new Error("expected a draft");
    const store = await KnowledgeStore.open(dir);
    try {
      expect(store.index.knowledge.facts.some((f) => f.id === draft.id)).toBe(false);
      expect([...store.index.byRelation.values()].flat().some((f) => f.fact.id === draft.id)).toBe(false);
      const text = readFileSync(file, "utf8");
      const at = text.indexOf(`- id: ${draft.id}\n`);
      const mark = text.indexOf("    draft: true\n", at);
      writeFileSync(file, text.slice(0, mark) + text.slice(mark + "    draft: true\n".length));
      const result = await store.reload();
      if (!result.ok) throw new Error(JSON.stringify(result.problems));
      expect(result.added).toEqual([draft.id]);
      expect(store.index.knowledge.facts.some((f) => f.id === draft.id)).toBe(true);
    } finally {
      store.close();
    }
  });

  it("GIVEN a Markdown article whose source names it as its copy THEN stdout is a knowledge file of drafts that loads", async () => {
    const out = await importer(
      ["test/fixtures/import/brazil-japan-article.md", "--relation", "brazil-japan"],
      "test/fixtures/import/knowledge",
    );
    expect(out.status).toBe(0);
    expect(out.stderr).toMatch(/11 dated candidates .*, 10 new, 1 already held/);
    expect(out.stdout).toMatch(
      /^# Drafts imported from test\/fixtures\/import\/brazil-japan-article\.md on \d{4}-\d{2}-\d{2}/,
    );
    const dir = tempDir();
    writeFileSync(join(dir, "brazil-japan.yaml"), out.stdout);
    const loaded = await loadKnowledge(dir);
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
    expect(loaded.knowledge.facts).toEqual([]);
    expect(loaded.knowledge.drafts.map((f) => f.date?.edtf)).toContain("1952-21");
    expect(loaded.knowledge.drafts.every((f) => f.sourceId === "test-brazil-japan-article")).toBe(true);
  });

  it.each([
    [["nope.txt", "--relation", "afghanistan-japan"], 1, /^import: cannot read nope\.txt: no such file\n$/],
    [
      ["knowledge/sources/afghanistan-japan-relations.txt", "--relation", "narnia"],
      1,
      /^import: unknown relation "narnia"; knowledge holds: afghanistan-japan\n$/,
    ],
    [[], 2, /^import: name one article to read\nusage: npm run import/],
    [["knowledge/sources/afghanistan-japan-relations.txt"], 2, /^import: --relation is required/],
    [["a.txt", "--relation", "x", "--colour", "red"], 2, /^import: Unknown option '--colour'/],
    [
      ["test/fixtures/import/brazil-japan-article.md", "--relation", "afghanistan-japan"],
      1,
      /^import: which source is test\/fixtures\/import\/brazil-japan-article\.md\? Give --source ID/,
    ],
    [
      [
        "knowledge/sources/afghanistan-japan-relations.txt",
        "--relation",
        "afghanistan-japan",
        "--out",
        "knowledge/drafts.yaml",
      ],
      1,
      /^import: knowledge\/drafts\.yaml would be a second file for relation "afghanistan-japan" in knowledge, which the loader refuses: use --out knowledge\/afghanistan-japan\.yaml/,
    ],
  ])("GIVEN %j THEN exit %i with a clear message", async (args, status, message) => {
    const out = await importer(args);
    expect(out.stderr).toMatch(message);
    expect(out.status).toBe(status);
    expect(out.stdout).toBe("");
  });
});
