import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";

// The CLI is an interface other tools depend on (see README): run it as they do.
function ask(args: string[], input?: string) {
  return spawnSync(process.execPath, ["--import", "tsx", "src/adapters/cli/ask.ts", ...args], {
    input,
    encoding: "utf8",
    timeout: 60_000,
    env: { ...process.env, KNOWLEDGE_DIR: "" },
  });
}

describe("npm run ask", () => {
  it("GIVEN a question THEN it prints the answer with date and citation", () => {
    const run = ask(["When did Ayub Khan visit Japan?"]);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(
      /^16 February 1907: .*Ayub Khan.* \[1\]\n\[1\] Afghanistan–Japan relations \(Wikipedia\), § Diplomacy — https:\/\//,
    );
  });

  it("GIVEN --jsonl THEN one object per non-blank line, in order, for any input", () => {
    const questions = [
      "When were diplomatic relations established?",
      "",
      "Who won the 2010 FIFA World Cup?",
      `@everyone ${"ä".repeat(6000)}`,
      "\u0000\u0007\u202e",
      '{"not": "json"}',
    ];
    const run = ask(["--jsonl"], questions.join("\n") + "\n");
    expect(run.status).toBe(0);
    const out = run.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(out).toHaveLength(5);
    expect(out.map((o) => o.question)).toEqual(questions.filter((q) => q.trim()));
    expect(out[0]).toMatchObject({
      answered: true,
      date: "1931",
      factIds: ["af-jp-1931-relations-established"],
    });
    expect(out[0].citations[0]).toEqual({
      source: "wikipedia-afghanistan-japan-relations",
      title: "Afghanistan–Japan relations",
      section: "Lead",
      url: "https://en.wikipedia.org/wiki/Afghanistan%E2%80%93Japan_relations",
    });
    expect(out[1]).toMatchObject({ answered: false, date: null, factIds: [], citations: [] });
    for (const o of out)
      expect(Object.keys(o).sort()).toEqual([
        "answer",
        "answered",
        "answers",
        "citations",
        "date",
        "factIds",
        "locale",
        "question",
      ]);
  });

  it("GIVEN KNOWLEDGE_DIR pointing at a broken folder THEN it exits 65 naming the problem", () => {
    const run = spawnSync(process.execPath, ["--import", "tsx", "src/adapters/cli/ask.ts", "x"], {
      encoding: "utf8",
      timeout: 60_000,
      env: { ...process.env, KNOWLEDGE_DIR: "test/no-such-folder" },
    });
    expect(run.status).toBe(65);
    expect(run.stderr).toMatch(/test\/no-such-folder: the knowledge folder does not exist/);
  });
});
