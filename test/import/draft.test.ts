import { readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { appendDrafts, draftFacts, newCandidates, REWRITE, type DraftFact } from "../../src/import/draft.ts";
import { loadKnowledge } from "../../src/knowledge/load.ts";
import type { Knowledge } from "../../src/knowledge/types.ts";

let curated: Knowledge;
let seedDrafts: DraftFact[];

beforeAll(async () => {
  const loaded = await loadKnowledge("knowledge");
  if (!loaded.ok) throw new Error("the repository knowledge must load");
  curated = loaded.knowledge;
  seedDrafts = draftFacts(readFileSync("knowledge/sources/afghanistan-japan-relations.txt", "utf8"), {
    relationId: "afghanistan-japan",
    sourceId: "wikipedia-afghanistan-japan-relations",
    takenIds: new Set(curated.facts.map((f) => f.id)),
  });
});

describe("draftFacts on the seed article, measured against the curated file", () => {
  it("GIVEN the seed article THEN at least 90 % of the curated dated facts have a candidate with their date", () => {
    const dated = curated.facts.filter((f) => f.relationId === "afghanistan-japan" && f.date);
    const found = dated.filter((f) => seedDrafts.some((d) => d.date === f.date!.edtf));
    expect(found.length / dated.length).toBeGreaterThanOrEqual(0.9);
    // As measured for the README: all 23.
    expect(dated.filter((f) => !found.includes(f)).map((f) => f.id)).toEqual([]);
  });

  it("GIVEN the seed article THEN few candidates are not curated events: only a second mention of the 1907 visit", () => {
    const dates = new Set(curated.facts.flatMap((f) => (f.date ? [f.date.edtf] : [])));
    expect(seedDrafts.filter((d) => !dates.has(d.date)).map((d) => `${d.date} ${d.section}`)).toEqual([
      "1907 Lead",
    ]);
  });

  it("GIVEN a candidate THEN its quote is the article's words, its section the heading, with people, places and a statement to rewrite", () => {
    const article = readFileSync("knowledge/sources/afghanistan-japan-relations.txt", "utf8").replace(
      /\s+/g,
      " ",
    );
    for (const d of seedDrafts) expect(article).toContain(d.quote);
    const visit = seedDrafts.find((d) => d.date === "1907-02-16")!;
    expect(visit).toMatchObject({
      section: "Diplomacy",
      draft: true,
      source: "wikipedia-afghanistan-japan-relations",
    });
    expect(visit.people).toContain("Ayub Khan");
    expect(visit.places).toContain("Japan");
    expect(visit.tags).toContain("visit");
    expect(visit.statement.startsWith(`${REWRITE} Ayub Khan visited Japan`)).toBe(true);
    expect(seedDrafts.find((d) => d.date === "1914")).toMatchObject({ when: "early 1914" });
    expect(seedDrafts.find((d) => d.date === "-1999")).toMatchObject({ section: "Culture" });
    expect(new Set(seedDrafts.map((d) => d.id)).size).toBe(seedDrafts.length);
    for (const d of seedDrafts) expect(curated.facts.map((f) => f.id)).not.toContain(d.id);
  });
});

describe("draftFacts on an article of another shape (Markdown, other date notations)", () => {
  it("GIVEN it THEN one candidate per dated event, at the precision written", () => {
    const drafts = draftFacts(readFileSync("test/fixtures/import/brazil-japan-article.md", "utf8"), {
      relationId: "brazil-japan",
      sourceId: "s",
      takenIds: new Set(),
    });
    expect(drafts.map((d) => [d.date, d.when, d.section])).toEqual([
      ["1895-11-05", undefined, "Lead"], // "5 Nov 1895"
      ["1908-06-18", undefined, "Migration"], // "1908-06-18"
      ["1909", undefined, "Migration"], // "The following year"
      ["193X", undefined, "Migration"], // "By the 1930s"
      ["1942-01", undefined, "The war years"], // "Jan. 1942"
      ["1952-21", undefined, "The war years"], // "the spring of 1952"
      ["1967-02-16", undefined, "Visits"], // "16 Feb 1967"
      ["1978", "early 1978", "Visits"],
      ["2008-06", undefined, "Visits"],
      ["197X", undefined, "Trade"], // "in the 1970s"
      ["2014", undefined, "Trade"],
    ]);
    expect(drafts.find((d) => d.date === "2014")?.people).toEqual(["Shinzō Abe"]);
  });
});

describe("merging", () => {
  const draft = (quote: string, date: string, id = `d-${date}`): DraftFact => ({
    id,
    date,
    statement: `${REWRITE} ${quote}`,
    people: [],
    places: [],
    tags: [],
    source: "s",
    section: "Lead",
    quote,
    draft: true,
  });

  it("GIVEN existing facts with the same quote THEN their candidates are dropped, one for one, same date first", () => {
    const shared = "although contacts date back to 1907 when Ayub Khan, who won in 1880, visited Japan.";
    const candidates = [draft(shared, "1907"), draft(shared, "1880"), draft("In 1931, relations.", "1931")];
    // The admin kept the 1880 event (its date edited) and the 1931 one, with other whitespace.
    const existing = [
      { id: "a", quote: shared, date: "1880-07-27" },
      { id: "b", quote: "In  1931,\nrelations.", date: "1931" },
    ];
    expect(newCandidates(candidates, existing).map((c) => c.date)).toEqual(["1880"]);
    expect(newCandidates(candidates, []).length).toBe(3);
  });

  it("GIVEN a knowledge file THEN drafts are appended after its facts, everything above unchanged, and it still loads with the drafts apart", async () => {
    const original = readFileSync("knowledge/afghanistan-japan.yaml", "utf8");
    const fresh = seedDrafts.slice(0, 2).map((d) => ({ ...d, quote: `${d.quote} (new wording)` }));
    const merged = appendDrafts(original, fresh, "Drafts imported for a test");
    expect(merged.startsWith(original.trimEnd())).toBe(true);
    expect(merged).toContain("  # Drafts imported for a test\n  - id: ");
    expect(merged).toMatch(/\n    date: "1931"\n/);
    const dir = await mkdtemp(join(tmpdir(), "kizuna-draft-"));
    try {
      await writeFile(join(dir, "afghanistan-japan.yaml"), merged);
      const loaded = await loadKnowledge(dir);
      if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
      expect(loaded.knowledge.facts.map((f) => f.id)).toEqual(curated.facts.map((f) => f.id));
      expect(loaded.knowledge.drafts.map((f) => f.id)).toEqual(fresh.map((f) => f.id));
      expect(loaded.knowledge.drafts[0]?.draft).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
