import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { answerQuestion } from "../../src/engine/engine.ts";
import { KnowledgeIndex } from "../../src/index/knowledge-index.ts";
import { loadKnowledge } from "../../src/knowledge/load.ts";
import type { Fact } from "../../src/knowledge/types.ts";
import {
  capitalize,
  citationLine,
  factLine,
  NOT_KNOWN,
  renderAnswerText,
  toRecord,
} from "../../src/replies/text.ts";

const REPO_KNOWLEDGE = fileURLToPath(new URL("../../knowledge/", import.meta.url));
const WIKIPEDIA = "https://en.wikipedia.org/wiki/Afghanistan%E2%80%93Japan_relations";

let index: KnowledgeIndex;
beforeAll(async () => {
  const loaded = await loadKnowledge(REPO_KNOWLEDGE);
  if (!loaded.ok) throw new Error("the repository knowledge must load");
  index = KnowledgeIndex.build(loaded.knowledge);
});
const ask = (q: string) => answerQuestion(index, q);
const fact = (id: string): Fact => {
  const f = index.byId.get(id)?.fact;
  if (!f) throw new Error(`no fact ${id}`);
  return f;
};

describe("factLine", () => {
  it("GIVEN a dated fact and a citation number THEN it reads 'Date: statement [n]'", () => {
    expect(factLine(fact("af-jp-1931-relations-established"), 1)).toBe(
      "1931: Afghanistan and Japan officially established diplomatic relations. [1]",
    );
  });

  it("GIVEN a fact with a 'when' wording THEN the wording is the date, capitalized", () => {
    expect(factLine(fact("af-jp-1914-earthquake-donation"))).toMatch(
      /^Early 1914: Afghanistan's King Habibullah Khan/,
    );
  });

  it("GIVEN an undated fact without a number THEN it is the bare statement", () => {
    expect(factLine(fact("af-jp-ambassador-abdali"))).toBe(fact("af-jp-ambassador-abdali").statement);
  });
});

describe("citationLine and capitalize", () => {
  it("GIVEN a citation THEN it names title, publisher, section and URL", () => {
    const [citation] = ask("When were diplomatic relations established?").citations;
    expect(citationLine(citation!)).toBe(
      `[1] Afghanistan–Japan relations (Wikipedia), § Lead — ${WIKIPEDIA}`,
    );
  });

  it("GIVEN text THEN only the first letter is raised", () => {
    expect([capitalize("the 1970s"), capitalize(""), capitalize("ébène")]).toEqual([
      "The 1970s",
      "",
      "Ébène",
    ]);
  });
});

describe("renderAnswerText", () => {
  it("GIVEN a one-fact answer THEN it is the dated line and its citation", () => {
    expect(renderAnswerText(ask("When were diplomatic relations established?"))).toBe(
      [
        "1931: Afghanistan and Japan officially established diplomatic relations. [1]",
        `[1] Afghanistan–Japan relations (Wikipedia), § Lead — ${WIKIPEDIA}`,
      ].join("\n"),
    );
  });

  it("GIVEN a period list THEN a heading names the period and relation, then one bullet per fact", () => {
    const answer = ask("What happened in the 1970s?");
    const lines = renderAnswerText(answer).split("\n");
    expect(lines[0]).toBe("The 1970s (Afghanistan–Japan relations):");
    expect(lines.filter((l) => l.startsWith("• "))).toHaveLength(answer.facts.length);
    expect(lines).toContain(
      "• 1971: Japan's Crown Prince Akihito and Princess Michiko visited Afghanistan. [1]",
    );
    expect(lines.at(-1)).toBe(`[1] Afghanistan–Japan relations (Wikipedia), § Diplomacy — ${WIKIPEDIA}`);
  });

  it("GIVEN a list with more facts than shown THEN it says how many more", () => {
    const answer = ask("What happened since 1900?");
    expect(answer.more).toBeGreaterThan(0);
    expect(renderAnswerText(answer)).toContain(`…and ${answer.more} more.`);
  });

  it("GIVEN an uncovered pair of countries THEN it says it holds nothing on them", () => {
    expect(renderAnswerText(ask("What about Brazil and Japan?"))).toBe(
      `${NOT_KNOWN} I hold no facts on Brazil–Japan relations.`,
    );
  });

  it("GIVEN an unknown answer in a period THEN it says nothing matches then and offers the nearest facts", () => {
    const answer = ask("What happened in 1950?");
    const lines = renderAnswerText(answer).split("\n");
    expect(lines[0]).toBe(`${NOT_KNOWN} Nothing I hold matches that in 1950.`);
    expect(lines[1]).toBe("Nearest facts I hold:");
    expect(lines.slice(2)).toEqual(answer.suggestions.map((f) => `• ${factLine(f)}`));
  });

  it("GIVEN an empty question THEN it gives an example question", () => {
    expect(renderAnswerText(ask("   "))).toBe(
      'Ask me about relations between countries, e.g. "When were diplomatic relations established?"',
    );
  });
});

describe("toRecord", () => {
  it("GIVEN an answered question THEN the record carries text, EDTF date, citations and fact ids", () => {
    const answer = ask("When did Ayub Khan visit Japan?");
    expect(toRecord(answer)).toEqual({
      question: "When did Ayub Khan visit Japan?",
      answered: true,
      answer: renderAnswerText(answer),
      date: "1907-02-16",
      citations: [
        {
          source: "wikipedia-afghanistan-japan-relations",
          title: "Afghanistan–Japan relations",
          section: "Diplomacy",
          url: WIKIPEDIA,
        },
      ],
      factIds: ["af-jp-1907-ayub-khan-visit"],
      answers: [{ date: "1907-02-16", factIds: ["af-jp-1907-ayub-khan-visit"] }],
      locale: "en",
    });
  });

  it("GIVEN an unanswered question THEN date is null and there are no citations or facts", () => {
    const record = toRecord(ask("What about Brazil and Japan?"));
    expect(record).toMatchObject({ answered: false, date: null, citations: [], factIds: [] });
    expect(JSON.parse(JSON.stringify(record))).toEqual(record);
  });
});
