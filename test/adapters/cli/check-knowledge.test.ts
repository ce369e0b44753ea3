import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function check(knowledgeDir: string) {
  return spawnSync(process.execPath, ["--import", "tsx", "src/adapters/cli/check-knowledge.ts"], {
    encoding: "utf8",
    timeout: 60_000,
    env: { ...process.env, KNOWLEDGE_DIR: knowledgeDir },
  });
}

/** A copy of the repository's knowledge in a temporary folder, its one file edited by `edit`. */
function knowledgeCopy(edit: (text: string) => string = (text) => text): string {
  const dir = mkdtempSync(join(tmpdir(), "kizuna-check-"));
  dirs.push(dir);
  cpSync("knowledge", dir, { recursive: true });
  const file = join(dir, "afghanistan-japan.yaml");
  writeFileSync(file, edit(readFileSync(file, "utf8")));
  return dir;
}

describe("npm run check-knowledge", () => {
  it("GIVEN the repository knowledge THEN a summary and exit 0", () => {
    const run = check("knowledge");
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^knowledge: OK \(version [0-9a-f]{12}\)/);
    expect(run.stdout).toMatch(/relations: 1 \(Afghanistan–Japan relations\)/);
    expect(run.stdout).toMatch(/facts: +\d+ \(\d+ dated, \d+ undated\)/);
    expect(run.stdout).toMatch(/dates: +from 2000 BCE onwards – 16 February 2025/);
    // Every quote stands in the source copy; no statement names another year without its quote.
    expect(run.stdout).not.toMatch(/curation:/);
  });

  it("GIVEN a 150 KB file of 50 000 empty facts THEN the first 100 problems with lines, how many more, exit 65 (no crash)", () => {
    const dir = knowledgeCopy();
    writeFileSync(
      join(dir, "empties.yaml"),
      `relation:\n  id: chile-peru\n  title: Chile–Peru\n  parties: [Chile, Peru]\nsources: []\nfacts: [${Array(50_000).fill("{}").join(",")}]\n`,
    );
    const run = check(dir);
    expect(run.stderr).not.toMatch(/Maximum call stack/);
    expect(run.status).toBe(65);
    expect(run.stderr).toMatch(/empties\.yaml:6: fact "#1": id is required/);
    expect(run.stderr).toMatch(
      /empties\.yaml:6: and 199900 more problems in this file \(only the first 100 are listed\)/,
    );
  });

  it("GIVEN KNOWLEDGE_DIR=/ THEN it is refused at once, exit 65", () => {
    const run = check("/");
    expect(run.status).toBe(65);
    expect(run.stderr).toMatch(
      /^1 problem in \/:\n {2}\/: is the root of the file system, not a knowledge folder; refused/,
    );
  });

  it("GIVEN a quote not in the source copy, a stray year and a fact without a quote THEN an error, two warnings, exit 1", () => {
    const dir = knowledgeCopy((text) =>
      text
        .replace(
          "Hisao Tani, a Japanese military officer, visited Afghanistan in 1922.",
          "Hisao Tani, a Japanese general, visited Afghanistan in 1922.",
        )
        .replace("Japan reopened its embassy in Kabul.", "Japan reopened its embassy in Kabul in 2023.")
        .replace(
          "    quote: Several Taliban members, such as Abdul Latif Nazari visited Japan in February 16, 2025.\n",
          "",
        ),
    );
    const run = check(dir);
    expect(run.status).toBe(65);
    expect(run.stdout).toMatch(/curation: +1 error\(s\), 2 warning\(s\)/);
    expect(run.stdout).toMatch(
      /error: .*afghanistan-japan\.yaml:\d+: fact "af-jp-1922-hisao-tani-visit": the quote is not in sources\/afghanistan-japan-relations\.txt word for word/,
    );
    expect(run.stdout).toMatch(
      /warning: .*fact "af-jp-2022-09-embassy-reopened": the statement names 2023, which is not its date/,
    );
    expect(run.stdout).toMatch(/warning: .*fact "af-jp-2025-taliban-visit": has no quote/);
  });

  it("GIVEN a broken copy THEN every problem with file and line, and exit 65", () => {
    const dir = knowledgeCopy((text) =>
      text.replace('date: "1931"', 'date: "1931-13"').replace("section: Culture", "sektion: Culture"),
    );
    const run = check(dir);
    expect(run.status).toBe(65);
    expect(run.stderr).toMatch(
      /afghanistan-japan\.yaml:\d+: fact "af-jp-1931-relations-established": date "1931-13" is not a valid EDTF date/,
    );
    expect(run.stderr).toMatch(/unknown field "sektion" \(did you mean "section"\?\)/);
  });
});
