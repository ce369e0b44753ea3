import fc from "fast-check";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { answerQuestion, suggestFacts } from "../../src/engine/engine.ts";
import { KnowledgeIndex } from "../../src/index/knowledge-index.ts";
import { loadKnowledge } from "../../src/knowledge/load.ts";

// Two relations (Brazil–Japan, Chile–Peru) in fixture files: small enough to reason about,
// two relations so that scoping by countries is really tested.
const VALID = fileURLToPath(new URL("../fixtures/knowledge/valid/", import.meta.url));
let index: KnowledgeIndex;

beforeAll(async () => {
  const loaded = await loadKnowledge(VALID);
  if (!loaded.ok) throw new Error("the fixture must load");
  index = KnowledgeIndex.build(loaded.knowledge);
});

const ids = (q: string) => answerQuestion(index, q).facts.map((f) => f.id);

describe("answerQuestion — scope", () => {
  it("GIVEN two countries we hold a relation for THEN the answer comes from that relation, in either order", () => {
    expect(ids("When did Brazil and Japan sign a treaty?")).toEqual(["bj-1895-treaty"]);
    expect(ids("When did Japan and Brazil sign a treaty?")).toEqual(["bj-1895-treaty"]);
    expect(ids("When did Chile and Peru sign a treaty?")).toEqual(["cp-1929-treaty-of-lima"]);
  });

  it("GIVEN a pair we do not hold THEN it is refused as uncovered, never answered from another pair", () => {
    const a = answerQuestion(index, "When did Chile and Japan sign a treaty?");
    expect(a).toMatchObject({ answered: false, kind: "uncovered", facts: [] });
    expect([...(a.countries ?? [])].sort()).toEqual(["Chile", "Japan"]);
  });

  it("GIVEN a relation named by an alias THEN its facts are listed", () => {
    const a = answerQuestion(index, "Japan–Brazil relations");
    expect(a.kind).toBe("list");
    expect(a.facts.every((f) => f.relationId === "brazil-japan")).toBe(true);
  });
});

describe("answerQuestion — periods", () => {
  it("GIVEN a year, a month or a decade with nothing else THEN the facts of that period, in date order", () => {
    expect(ids("What happened in 1908?")).toEqual(["bj-1908-kasato-maru"]);
    expect(ids("What happened in January 1942?")).toEqual(["bj-1942-relations-broken"]);
    expect(ids("What happened between Brazil and Japan in the 1970s?")).toEqual(["bj-197x-investment"]);
    expect(ids("What happened between 1890 and 1930?")).toEqual([
      "bj-1895-treaty",
      "bj-1908-kasato-maru",
      "cp-1929-treaty-of-lima",
    ]);
  });

  it("GIVEN a misspelled question word THEN it is still a question word, not unknown content", () => {
    expect(ids("what happend in 1908")).toEqual(["bj-1908-kasato-maru"]);
  });

  it("GIVEN a period with no facts THEN it says so and offers the facts nearest in time", () => {
    const a = answerQuestion(index, "What happened between Brazil and Japan in 1960?");
    expect(a).toMatchObject({ answered: false, kind: "unknown" });
    expect(a.suggestions.map((f) => f.id)).toContain("bj-197x-investment");
  });

  it("GIVEN more facts than the list shows THEN 'and N more'", () => {
    const a = answerQuestion(index, "What happened before 2000?", { listLimit: 2 });
    expect(a.kind).toBe("list");
    expect(a.facts).toHaveLength(2);
    expect(a.more).toBe(3);
  });

  it("GIVEN an event instead of a date THEN it is resolved to the fact's date", () => {
    expect(ids("What happened between Brazil and Japan after the Kasato Maru arrived?")).toEqual([
      "bj-1908-kasato-maru",
      "bj-1942-relations-broken",
      "bj-197x-investment",
    ]);
  });
});

describe("answerQuestion — ranking and honesty", () => {
  it("GIVEN paraphrases, typos and lower case THEN the same fact", () => {
    for (const q of [
      "How many Japanese emigrants arrived on the Kasato Maru?",
      "kasato maru emigrants",
      "when did the kasatto maru arive",
    ])
      expect(ids(q), q).toEqual(["bj-1908-kasato-maru"]);
  });

  it("GIVEN a question the facts only partly cover THEN it is refused with the nearest facts", () => {
    const a = answerQuestion(index, "Who is the mayor of Santos?");
    expect(a.answered).toBe(false);
    expect(a.confidence).toBeLessThan(0.5);
  });

  it("GIVEN off-topic questions and gibberish THEN refused", () => {
    for (const q of ["Who won the 1998 World Cup?", "qwertyuiop asdfgh", "How do I bake bread?"])
      expect(answerQuestion(index, q).answered, q).toBe(false);
  });

  it("GIVEN a 'how many' question THEN a fact with a number wins over one without", () => {
    expect(ids("How many emigrants came to Brazil from Japan?")).toEqual(["bj-1908-kasato-maru"]);
  });

  it("GIVEN 'when' THEN an undated fact cannot answer it well", () => {
    const a = answerQuestion(index, "When did Brazil become home to the largest Japanese community?");
    expect(a.facts[0]?.id).not.toBe("bj-largest-community");
  });

  it("GIVEN an answer THEN it cites the fact's source and section", () => {
    const a = answerQuestion(index, "When did Brazil break off relations with Japan?");
    expect(a.facts.map((f) => f.id)).toEqual(["bj-1942-relations-broken"]);
    expect(a.citations).toEqual([
      {
        n: 1,
        source: expect.objectContaining({ id: "wikipedia-brazil-japan-relations" }),
        section: "History",
      },
    ]);
    expect(a.version).toBe(index.version);
  });

  it("GIVEN words that are names of Object's own properties THEN an ordinary refusal", () => {
    for (const q of [
      "constructor",
      "__proto__ toString",
      "what is the constructor of hasOwnProperty valueOf",
    ])
      expect(answerQuestion(index, q).answered, q).toBe(false);
  });

  it("PROPERTY: any string gives an Answer, never a throw", () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ maxLength: 300 }), fc.string({ unit: "binary", maxLength: 300 })),
        (s) => {
          const a = answerQuestion(index, s);
          expect(typeof a.answered).toBe("boolean");
          expect(a.question).toBe(s);
          if (a.answered) expect(a.facts.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("suggestFacts (autocomplete)", () => {
  it("GIVEN the start of a word THEN facts with words it begins", () => {
    expect(suggestFacts(index, "kasa").map((f) => f.id)[0]).toBe("bj-1908-kasato-maru");
    expect(suggestFacts(index, "treaty of li").map((f) => f.id)[0]).toBe("cp-1929-treaty-of-lima");
  });

  it("GIVEN nothing typed THEN the first facts, at most the limit", () => {
    expect(suggestFacts(index, "", 3)).toHaveLength(3);
    expect(suggestFacts(index, "   ", 25).length).toBeLessThanOrEqual(25);
  });
});
