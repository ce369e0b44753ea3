import { cp, mkdir, mkdtemp, readFile, rm, symlink, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { loadKnowledge, MAX_FILE_BYTES, type LoadResult } from "../../src/knowledge/load.ts";
import { formatProblem, MAX_PROBLEMS_PER_FILE, type Problem } from "../../src/knowledge/problems.ts";
import type { Knowledge } from "../../src/knowledge/types.ts";

const FIXTURES = fileURLToPath(new URL("../fixtures/knowledge/", import.meta.url));
const REPO_KNOWLEDGE = fileURLToPath(new URL("../../knowledge/", import.meta.url));
const fixture = (name: string) => join(FIXTURES, name);

/** Problems of a load that must fail, formatted as a curator reads them. */
function problemsOf(result: LoadResult): string[] {
  if (result.ok) throw new Error("expected the knowledge to be refused, but it loaded");
  return result.problems.map(formatProblem);
}

function knowledgeOf(result: LoadResult): Knowledge {
  if (!result.ok)
    throw new Error(`expected valid knowledge, got:\n${result.problems.map(formatProblem).join("\n")}`);
  return result.knowledge;
}

const temps: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "kizuna-load-"));
  temps.push(dir);
  return dir;
}
/** A temp copy of a fixture folder, to change without touching the fixture. */
async function copyOf(name: string): Promise<string> {
  const dir = await tempDir();
  await cp(fixture(name), dir, { recursive: true });
  return dir;
}
afterEach(async () => {
  await Promise.all(temps.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

describe("loadKnowledge — a valid folder", () => {
  it("GIVEN the valid fixture WHEN loaded THEN facts come in date order with undated facts last", async () => {
    const k = knowledgeOf(await loadKnowledge(fixture("valid")));
    expect(k.facts.map((f) => f.id)).toEqual([
      "bj-1895-treaty",
      "bj-1908-kasato-maru",
      "cp-1929-treaty-of-lima",
      "bj-1942-relations-broken",
      "bj-197x-investment",
      "bj-largest-community",
      "cp-pisco-dispute",
    ]);
  });

  it("GIVEN the valid fixture THEN each fact knows its file, line, relation and parsed date", async () => {
    const k = knowledgeOf(await loadKnowledge(fixture("valid")));
    const kasato = k.facts.find((f) => f.id === "bj-1908-kasato-maru");
    expect(kasato).toMatchObject({
      file: "knowledge/brazil-japan.yaml",
      line: 17,
      relationId: "brazil-japan",
      sourceId: "wikipedia-brazil-japan-relations",
      places: ["Santos"],
      people: [],
    });
    expect(kasato?.date?.label).toBe("18 June 1908");
    expect(k.facts.find((f) => f.id === "bj-largest-community")?.date).toBeNull();
  });

  it("GIVEN parties named in any order THEN relations resolve them to countries", async () => {
    const k = knowledgeOf(await loadKnowledge(fixture("valid")));
    expect(k.relations.map((r) => [r.id, r.parties.map((p) => p.code)])).toEqual([
      ["brazil-japan", ["BR", "JP"]],
      ["chile-peru", ["PE", "CL"]],
    ]);
    expect(k.sources.map((s) => s.id)).toEqual([
      "wikipedia-brazil-japan-relations",
      "wikipedia-chile-peru-relations",
    ]);
    expect(k.files).toEqual(["brazil-japan.yaml", "chile-peru.yaml"]);
  });

  it("GIVEN a display root THEN files are shown under it", async () => {
    const k = knowledgeOf(await loadKnowledge(fixture("valid"), "kb"));
    expect(k.relations[0]?.file).toBe("kb/brazil-japan.yaml");
  });

  it("GIVEN the same files WHEN loaded twice THEN the version is the same; WHEN one byte changes THEN it differs", async () => {
    const dir = await copyOf("valid");
    const before = knowledgeOf(await loadKnowledge(dir)).version;
    expect(knowledgeOf(await loadKnowledge(dir)).version).toBe(before);
    expect(before).toMatch(/^[0-9a-f]{12}$/);
    const file = join(dir, "chile-peru.yaml");
    await writeFile(file, (await readFile(file, "utf8")).replace("national spirit.", "national spirit!"));
    expect(knowledgeOf(await loadKnowledge(dir)).version).not.toBe(before);
  });

  it("GIVEN sub-folders, hidden files, editor backups and other files THEN only *.yaml/*.yml outside hidden names load", async () => {
    const dir = await copyOf("valid");
    await mkdir(join(dir, "more"));
    await cp(join(dir, "chile-peru.yaml"), join(dir, "more", "chile-peru.yml"));
    await rm(join(dir, "chile-peru.yaml"));
    await writeFile(join(dir, ".draft.yaml"), "not: [valid");
    await writeFile(join(dir, "brazil-japan.yaml~"), "not: [valid");
    await writeFile(join(dir, "notes.txt"), "anything");
    const k = knowledgeOf(await loadKnowledge(dir));
    expect(k.files).toEqual(["brazil-japan.yaml", "chile-peru.yml"]);
    expect(k.relations[1]?.file).toBe("knowledge/more/chile-peru.yml");
  });

  it("GIVEN a symlink to a file inside the folder THEN it is followed", async () => {
    const dir = await copyOf("valid");
    await mkdir(join(dir, "store"));
    await cp(join(dir, "chile-peru.yaml"), join(dir, "store", "chile-peru.txt"));
    await rm(join(dir, "chile-peru.yaml"));
    await symlink(join(dir, "store", "chile-peru.txt"), join(dir, "chile-peru.yaml"));
    expect(knowledgeOf(await loadKnowledge(dir)).facts).toHaveLength(7);
  });

  it("GIVEN the repository's knowledge folder THEN it is valid and holds at least 29 facts", async () => {
    const k = knowledgeOf(await loadKnowledge(REPO_KNOWLEDGE));
    expect(k.facts.length).toBeGreaterThanOrEqual(29);
    expect(k.relations.map((r) => r.id)).toContain("afghanistan-japan");
    const dated = k.facts.filter((f) => f.date);
    expect(dated.map((f) => f.date!.min)).toEqual([...dated.map((f) => f.date!.min)].sort((a, b) => a - b));
    expect(k.facts.slice(dated.length).every((f) => f.date === null)).toBe(true);
    expect(k.facts.find((f) => f.id === "af-jp-2000bce-shinto-nuristani")?.date?.label).toBe("2000 BCE");
  });
});

describe("loadKnowledge — problems name file, line and fact", () => {
  it("GIVEN malformed YAML THEN the YAML error is reported with its line", async () => {
    // Written here, not kept as a fixture: `prettier --check .` would choke on it.
    const dir = await copyOf("missing-field");
    const file = join(dir, "brazil-japan.yaml");
    await writeFile(
      file,
      (await readFile(file, "utf8")).replace(
        "    source:",
        "    statement: Brazil and Japan: a treaty of friendship\n    source:",
      ),
    );
    expect(problemsOf(await loadKnowledge(dir))).toEqual([
      "knowledge/brazil-japan.yaml:17: YAML: Nested mappings are not allowed in compact mappings",
    ]);
  });

  it("GIVEN a misspelled field THEN it is reported on its line with 'did you mean' and the allowed fields", async () => {
    expect(problemsOf(await loadKnowledge(fixture("unknown-field")))).toEqual([
      'knowledge/brazil-japan.yaml:15: fact "bj-1895-treaty": statement is required',
      'knowledge/brazil-japan.yaml:17: fact "bj-1895-treaty": unknown field "statment" (did you mean "statement"?); ' +
        "allowed: id, date, when, statement, statements, people, places, tags, keywords, source, section, quote, draft",
    ]);
  });

  it("GIVEN a misspelled relation field and a misspelled top-level key THEN each gets its level's hint", async () => {
    const dir = await copyOf("valid");
    const file = join(dir, "chile-peru.yaml");
    await writeFile(
      file,
      (await readFile(file, "utf8")).replace("  title: Chile", "  titel: Chile").replace("facts:", "fakts:"),
    );
    expect(problemsOf(await loadKnowledge(dir))).toEqual([
      "knowledge/chile-peru.yaml:2: relation.title is required",
      'knowledge/chile-peru.yaml:3: unknown field "titel" (did you mean "title"?); allowed: id, title, titles, parties, aliases, summary',
      'knowledge/chile-peru.yaml:14: unknown field "fakts" (did you mean "facts"?); allowed: relation, sources, facts',
    ]);
  });

  it("GIVEN wrong types THEN each names the field, the expected and the actual type (a list is not 'a mapping')", async () => {
    expect(problemsOf(await loadKnowledge(fixture("wrong-types")))).toEqual([
      'knowledge/brazil-japan.yaml:17: fact "bj-1895-treaty": statement must be a string, not a list',
      'knowledge/brazil-japan.yaml:18: fact "bj-1895-treaty": people must be a list, not a string',
      'knowledge/brazil-japan.yaml:19: fact "bj-1895-treaty": tags must be a list, not a number',
    ]);
  });

  it("GIVEN a missing required field THEN it points at the fact", async () => {
    expect(problemsOf(await loadKnowledge(fixture("missing-field")))).toEqual([
      'knowledge/brazil-japan.yaml:15: fact "bj-1895-treaty": statement is required',
    ]);
  });

  it("GIVEN the same fact id in two files THEN the second names where the first is", async () => {
    expect(problemsOf(await loadKnowledge(fixture("duplicate-fact-id")))).toEqual([
      'knowledge/chile-peru.yaml:7: fact "treaty": duplicate fact id; first defined at knowledge/brazil-japan.yaml:15',
    ]);
  });

  it("GIVEN two files for the same pair of countries (named differently) THEN the second is refused", async () => {
    expect(problemsOf(await loadKnowledge(fixture("duplicate-relation")))).toEqual([
      "knowledge/japan-brazil.yaml:4: relation Japan–Brazil is already described in knowledge/brazil-japan.yaml; " +
        "keep one file per pair of countries",
    ]);
  });

  it("GIVEN invalid, impossible and BCE-worded dates in one file THEN all three are reported at once", async () => {
    expect(problemsOf(await loadKnowledge(fixture("bad-dates")))).toEqual([
      'knowledge/brazil-japan.yaml:16: fact "bj-month-13": date "1931-13" is not a valid EDTF date (e.g. 1931, 2022-09, 1907-02-16, 197X, -1999)',
      'knowledge/brazil-japan.yaml:22: fact "bj-february-29": date "1931-02-29": February 1931 has no day 29',
      'knowledge/brazil-japan.yaml:28: fact "bj-bce": date "2000 BCE" is not EDTF; write 2000 BCE as "-1999" (EDTF counts 1 BCE as year 0)',
    ]);
  });

  it("GIVEN a date that is neither text nor a whole number THEN the field says what a date looks like", async () => {
    const dir = await copyOf("valid");
    const file = join(dir, "chile-peru.yaml");
    await writeFile(file, (await readFile(file, "utf8")).replace('date: "1929-06-03"', "date: 1929.5"));
    expect(problemsOf(await loadKnowledge(dir))).toEqual([
      'knowledge/chile-peru.yaml:22: fact "cp-1929-treaty-of-lima": date must be an EDTF date such as "1931" or "2022-09"',
    ]);
  });

  it("GIVEN a source id that no file defines THEN it is reported with the nearest id", async () => {
    expect(problemsOf(await loadKnowledge(fixture("unknown-source")))).toEqual([
      'knowledge/brazil-japan.yaml:18: fact "bj-1895-treaty": source "wikipedia-brazil-japan-relation" is not defined ' +
        'in any knowledge file (did you mean "wikipedia-brazil-japan-relations"?)',
    ]);
  });

  it("GIVEN a blank statement THEN it must not be empty", async () => {
    expect(problemsOf(await loadKnowledge(fixture("empty-statement")))).toEqual([
      'knowledge/brazil-japan.yaml:17: fact "bj-1895-treaty": statement must not be empty',
    ]);
  });

  it("GIVEN an unknown country among the parties THEN it is named", async () => {
    expect(problemsOf(await loadKnowledge(fixture("unknown-country")))).toEqual([
      'knowledge/brazil-japan.yaml:4: relation.parties: unknown country "Atlantis"',
    ]);
  });

  it("GIVEN the same country twice under two names THEN the parties are refused", async () => {
    const dir = await copyOf("valid");
    const file = join(dir, "chile-peru.yaml");
    await writeFile(
      file,
      (await readFile(file, "utf8")).replace("parties: [Peru, Chile]", "parties: [Peru, Peruvian]"),
    );
    expect(problemsOf(await loadKnowledge(dir))).toEqual([
      "knowledge/chile-peru.yaml:4: relation.parties: the two parties are the same country",
    ]);
  });

  it("GIVEN 'when' without a date THEN it asks for the date", async () => {
    const dir = await copyOf("valid");
    const file = join(dir, "chile-peru.yaml");
    await writeFile(
      file,
      (await readFile(file, "utf8")).replace(
        "  - id: cp-pisco-dispute\n",
        "  - id: cp-pisco-dispute\n    when: for centuries\n",
      ),
    );
    expect(problemsOf(await loadKnowledge(dir))).toEqual([
      'knowledge/chile-peru.yaml:16: fact "cp-pisco-dispute": "when" needs a "date" to go with it',
    ]);
  });

  it("GIVEN a 'facts' key that is not a list THEN the message names 'facts'", async () => {
    const dir = await tempDir();
    await writeFile(
      join(dir, "chile-peru.yaml"),
      "relation:\n  id: chile-peru\n  title: Chile–Peru relations\n  parties: [Chile, Peru]\nfacts:\n  one: fact\n",
    );
    expect(problemsOf(await loadKnowledge(dir))).toEqual([
      "knowledge/chile-peru.yaml:6: facts must be a list, not a mapping",
    ]);
  });

  it("GIVEN an empty file or a file that is a list THEN the file itself is the problem", async () => {
    const dir = await tempDir();
    await writeFile(join(dir, "a.yaml"), "");
    await writeFile(join(dir, "b.yaml"), "- just\n- a list\n");
    expect(problemsOf(await loadKnowledge(dir))).toEqual([
      "knowledge/a.yaml: the file is empty",
      "knowledge/b.yaml:1: the file must be a mapping, not a list",
    ]);
  });

  it("GIVEN a file with three schema problems THEN three problems are reported", async () => {
    const dir = await copyOf("valid");
    const file = join(dir, "chile-peru.yaml");
    await writeFile(
      file,
      (await readFile(file, "utf8"))
        .replace("keywords: [pisco", "kewords: [pisco")
        .replace("places: [Tacna, Arica, Lima]", "places: Lima")
        .replace("retrieved: 2026-11-28", "retrieved: last week"),
    );
    expect(problemsOf(await loadKnowledge(dir))).toEqual([
      "knowledge/chile-peru.yaml:12: sources.retrieved must be a date like 2026-11-28",
      'knowledge/chile-peru.yaml:17: fact "cp-pisco-dispute": unknown field "kewords" (did you mean "keywords"?); ' +
        "allowed: id, date, when, statement, statements, people, places, tags, keywords, source, section, quote, draft",
      'knowledge/chile-peru.yaml:24: fact "cp-1929-treaty-of-lima": places must be a list, not a string',
    ]);
  });

  it("GIVEN problems in several files THEN every file's problems are reported together", async () => {
    const dir = await tempDir();
    await cp(join(fixture("bad-dates"), "brazil-japan.yaml"), join(dir, "brazil-japan.yaml"));
    await cp(join(fixture("unknown-country"), "brazil-japan.yaml"), join(dir, "brazil-atlantis.yaml"));
    const problems = problemsOf(await loadKnowledge(dir));
    // Files load in name order, so brazil-atlantis.yaml owns the relation id "brazil-japan" first.
    expect(problems.filter((p) => p.startsWith("knowledge/brazil-japan.yaml:"))).toEqual([
      'knowledge/brazil-japan.yaml:2: relation id "brazil-japan" is already used in knowledge/brazil-atlantis.yaml',
      expect.stringContaining('fact "bj-month-13": date "1931-13"'),
      expect.stringContaining('fact "bj-february-29": date "1931-02-29"'),
      expect.stringContaining('fact "bj-bce": date "2000 BCE"'),
    ]);
    expect(problems.filter((p) => p.startsWith("knowledge/brazil-atlantis.yaml:"))).toEqual([
      'knowledge/brazil-atlantis.yaml:4: relation.parties: unknown country "Atlantis"',
    ]);
  });
});

describe("loadKnowledge — files that are not knowledge", () => {
  it("GIVEN a binary file (NUL bytes) THEN it is refused as not text", async () => {
    const dir = await tempDir();
    await writeFile(join(dir, "photo.yaml"), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01]));
    expect(problemsOf(await loadKnowledge(dir))).toEqual([
      "knowledge/photo.yaml: is not a text file (a NUL byte at offset 4)",
    ]);
  });

  it("GIVEN bytes that are not UTF-8 THEN the file is refused as not text", async () => {
    const dir = await tempDir();
    await writeFile(join(dir, "latin1.yaml"), Buffer.from("relation:\n  title: Bras\xedl\n", "latin1"));
    expect(problemsOf(await loadKnowledge(dir))).toEqual([
      "knowledge/latin1.yaml: is not a text file (it is not valid UTF-8)",
    ]);
  });

  it("GIVEN a file over MAX_FILE_BYTES THEN it is refused without being read", async () => {
    const dir = await tempDir();
    const big = join(dir, "huge.yaml");
    await writeFile(big, "");
    await truncate(big, MAX_FILE_BYTES + 1024 * 1024); // sparse: no 6 MB written
    expect(problemsOf(await loadKnowledge(dir))).toEqual([
      "knowledge/huge.yaml: is 6.0 MB; a knowledge file may be at most 5 MB",
    ]);
  });

  it("GIVEN a symlink to a file outside the folder THEN it is refused", async () => {
    const dir = await copyOf("valid");
    const outside = await tempDir();
    await cp(join(fixture("valid"), "chile-peru.yaml"), join(outside, "secret.yaml"));
    await rm(join(dir, "chile-peru.yaml"));
    await symlink(join(outside, "secret.yaml"), join(dir, "chile-peru.yaml"));
    expect(problemsOf(await loadKnowledge(dir))).toEqual([
      "knowledge/chile-peru.yaml: is a symbolic link to a file outside the knowledge folder; refused",
    ]);
  });

  it("GIVEN a symlink to nothing THEN it says so instead of claiming the file disappeared", async () => {
    const dir = await copyOf("valid");
    await symlink(join(dir, "gone.yaml"), join(dir, "dangling.yaml"));
    expect(problemsOf(await loadKnowledge(dir))).toEqual([
      "knowledge/dangling.yaml: is a symbolic link to a file that does not exist",
    ]);
  });

  it("GIVEN an alias bomb THEN it is a problem of the file, not a crash of the loader", async () => {
    const dir = await tempDir();
    let yaml = "a: &a [x, x, x, x, x, x, x, x, x]\n";
    for (const [prev, name] of [..."abcdefgh"].map((c, i) => [c, "bcdefghi"[i]!])) {
      yaml += `${name}: &${name} [${Array(9).fill(`*${prev}`).join(", ")}]\n`;
    }
    await writeFile(join(dir, "bomb.yaml"), yaml);
    expect(problemsOf(await loadKnowledge(dir))).toEqual([
      // The line of the level that expands the most.
      "knowledge/bomb.yaml:9: YAML: Excessive alias count indicates a resource exhaustion attack",
    ]);
  });

  it("GIVEN two symlinks that point at each other THEN the loop is named as a loop", async () => {
    const dir = await copyOf("valid");
    await symlink(join(dir, "b.yaml"), join(dir, "a.yaml"));
    await symlink(join(dir, "a.yaml"), join(dir, "b.yaml"));
    expect(problemsOf(await loadKnowledge(dir))).toEqual([
      "knowledge/a.yaml: is a symbolic link loop (a link that leads back to itself)",
      "knowledge/b.yaml: is a symbolic link loop (a link that leads back to itself)",
    ]);
  });

  it("GIVEN a file whose lines end in CR alone (old Mac) THEN it loads with the same lines as with LF", async () => {
    const dir = await copyOf("valid");
    const file = join(dir, "chile-peru.yaml");
    const lf = knowledgeOf(await loadKnowledge(dir)).facts.map((f) => [f.id, f.line]);
    await writeFile(file, (await readFile(file, "utf8")).replace(/\n/g, "\r"));
    expect(knowledgeOf(await loadKnowledge(dir)).facts.map((f) => [f.id, f.line])).toEqual(lf);
    await writeFile(file, (await readFile(file, "utf8")).replace("parties: [Peru, Chile]", "parties: [Peru, Atlantis]"));
    expect(problemsOf(await loadKnowledge(dir))).toEqual([
      'knowledge/chile-peru.yaml:4: relation.parties: unknown country "Atlantis"',
    ]);
  });

  it("GIVEN a small file with 50 000 empty facts THEN the first 100 problems are listed with lines, then how many more", async () => {
    const dir = await copyOf("valid");
    const file = join(dir, "chile-peru.yaml");
    const text = (await readFile(file, "utf8")).replace(/\nfacts:[\s\S]*$/, "\n");
    await writeFile(file, `${text}facts: [${Array(50_000).fill("{}").join(",")}]\n`);
    const problems = problemsOf(await loadKnowledge(dir));
    expect(problems).toHaveLength(MAX_PROBLEMS_PER_FILE + 1);
    expect(problems[0]).toBe('knowledge/chile-peru.yaml:14: fact "#1": id is required');
    expect(problems.at(-1)).toBe(
      `knowledge/chile-peru.yaml:14: and ${50_000 * 4 - MAX_PROBLEMS_PER_FILE} more problems in this file (only the first 100 are listed)`,
    );
  });

  it("GIVEN an empty folder THEN it says no knowledge files were found", async () => {
    const dir = await tempDir();
    expect(problemsOf(await loadKnowledge(dir))).toEqual(["knowledge: no knowledge files (*.yaml) found"]);
  });

  it("GIVEN a folder that does not exist THEN the problem names it", async () => {
    const missing = join(await tempDir(), "nope");
    const result = await loadKnowledge(missing);
    const expected: Problem[] = [
      { file: missing, message: "the knowledge folder does not exist or is not a folder" },
    ];
    expect(result).toEqual({ ok: false, problems: expected });
  });

  it("GIVEN a file path instead of a folder THEN it is refused the same way", async () => {
    const file = join(fixture("valid"), "chile-peru.yaml");
    expect(problemsOf(await loadKnowledge(file))).toEqual([
      `${file}: the knowledge folder does not exist or is not a folder`,
    ]);
  });
});

describe("loadKnowledge — a folder that is not a knowledge folder (KNOWLEDGE_DIR=/)", () => {
  it("GIVEN the root, the home folder or a system folder THEN it is refused at once, before anything is listed", async () => {
    const { homedir } = await import("node:os");
    for (const [dir, why] of [
      ["/", "is the root of the file system, not a knowledge folder; refused"],
      [homedir(), "is the home folder, not a knowledge folder; refused"],
      ["/etc", "is a system folder, not a knowledge folder; refused"],
      ["/proc/self", "is a system folder, not a knowledge folder; refused"],
    ] as const) {
      const started = performance.now();
      expect(problemsOf(await loadKnowledge(dir))).toEqual([`${dir}: ${why}`]);
      expect(performance.now() - started).toBeLessThan(500);
    }
  });

  it("GIVEN folders nested deeper than the limit THEN the walk stops and says where", async () => {
    const dir = await copyOf("valid");
    await mkdir(join(dir, "a", "b", "c", "d"), { recursive: true });
    expect(problemsOf(await loadKnowledge(dir, "knowledge", undefined, { limits: { depth: 3 } }))).toEqual([
      "knowledge: folders nest more than 3 deep (at knowledge/a/b/c/d); is this the right folder?",
    ]);
  });

  it("GIVEN more files, entries or bytes than the limits THEN the load is refused with the limit named, nothing read", async () => {
    const dir = await copyOf("valid");
    await writeFile(join(dir, "notes.txt"), "not knowledge");
    const load = (limits: Parameters<typeof loadKnowledge>[3] & object) =>
      loadKnowledge(dir, "knowledge", undefined, limits).then(problemsOf);
    expect(await load({ limits: { files: 1 } })).toEqual([
      "knowledge: holds more than 1 knowledge files; is this the right folder?",
    ]);
    expect(await load({ limits: { entries: 2 } })).toEqual([
      "knowledge: holds more than 2 files and folders; is this the right folder?",
    ]);
    expect(await load({ limits: { bytes: 1024 } })).toEqual([
      "knowledge: the knowledge files hold more than 0 MB together; is this the right folder?",
    ]);
  });

  it("GIVEN a display root that climbs out of the working folder (../../tmp/…) THEN files are shown under the folder's own name", async () => {
    const dir = await copyOf("valid");
    await writeFile(join(dir, "chile-peru.yaml"), "relation: [");
    const problems = problemsOf(await loadKnowledge(dir, "../../tmp/x"));
    const name = dir.split("/").at(-1)!;
    expect(problems).toEqual([expect.stringMatching(new RegExp(`^${name}/chile-peru\\.yaml:1: YAML: `))]);
  });
});

describe("loadKnowledge — files that are not files", () => {
  it("GIVEN a named pipe called *.yaml THEN it is refused at once instead of blocking the reload forever", async () => {
    const { spawnSync } = await import("node:child_process");
    const dir = await tempDir();
    await cp(fixture("valid"), dir, { recursive: true });
    const made = spawnSync("mkfifo", [join(dir, "pipe.yaml")]);
    if (made.status !== 0) throw new Error(`mkfifo failed: ${made.stderr}`);
    expect(problemsOf(await loadKnowledge(dir))).toEqual(["knowledge/pipe.yaml: is not a regular file; refused"]);
  });
});

describe("loadKnowledge — drafts", () => {
  const dirs: string[] = [];
  afterEach(async () => Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true }))));

  async function withDraft(id: string): Promise<LoadResult> {
    const dir = await mkdtemp(join(tmpdir(), "kizuna-drafts-"));
    dirs.push(dir);
    const text = await readFile(join(REPO_KNOWLEDGE, "afghanistan-japan.yaml"), "utf8");
    const draft = [
      `  - id: ${id}`,
      '    date: "1933"',
      '    statement: "REWRITE: something happened."',
      "    source: wikipedia-afghanistan-japan-relations",
      "    section: Lead",
      "    draft: true",
    ].join("\n");
    await writeFile(join(dir, "afghanistan-japan.yaml"), `${text.trimEnd()}\n\n${draft}\n`);
    return loadKnowledge(dir);
  }

  it("GIVEN a fact marked draft: true THEN it is checked and kept apart from the facts served", async () => {
    const k = knowledgeOf(await withDraft("af-jp-draft-1933"));
    expect(k.drafts.map((f) => [f.id, f.draft, f.date?.edtf])).toEqual([["af-jp-draft-1933", true, "1933"]]);
    expect(k.facts.some((f) => f.id === "af-jp-draft-1933")).toBe(false);
  });

  it("GIVEN a draft whose id a served fact has THEN the duplicate is a problem like any other", async () => {
    const result = await withDraft("af-jp-1931-relations-established");
    expect(result.ok).toBe(false);
    expect(problemsOf(result).join("\n")).toMatch(/fact "af-jp-1931-relations-established": duplicate fact id/);
  });
});
