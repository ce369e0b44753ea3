import { beforeAll, describe, expect, it } from "vitest";
import { answerQuestion } from "../../src/engine/engine.ts";
import { analyzeQuestion, summarizeAnswer } from "../../src/feedback/question-key.ts";
import { KnowledgeIndex } from "../../src/index/knowledge-index.ts";
import { loadKnowledge } from "../../src/knowledge/load.ts";

let index: KnowledgeIndex;

beforeAll(async () => {
  const loaded = await loadKnowledge("knowledge");
  if (!loaded.ok) throw new Error("the repository knowledge must load");
  index = KnowledgeIndex.build(loaded.knowledge);
});

const key = (q: string) => analyzeQuestion(index, q).key;

describe("analyzeQuestion", () => {
  it.each([
    ["Who won the 2010 World Cup?", "who won the world cup in 2010"],
    ["WHO WON THE WORLD CUP IN 2010???", "Who won the world cup, 2010"],
    ["What about Brazil and Japan?", "relations between japan and brazil"],
    ["Brazil–Japan relations?", "japan brazil"],
    ["What is the capital of France?", "capital of france?"],
    ["How many Afghan students are in Japan?", "how many students from afghanistan are in japan"],
  ])("GIVEN %j and %j THEN they are one question", (a, b) => {
    expect(key(a)).toBe(key(b));
  });

  it.each([
    ["Who won the 2010 World Cup?", "Who won the 2014 World Cup?"],
    ["What about Brazil and Japan?", "What about Brazil and Korea?"],
    ["What is the capital of France?", "What is the capital of Spain?"],
    ["capital of france", "population of france"],
  ])("GIVEN %j and %j THEN they are different questions", (a, b) => {
    expect(key(a)).not.toBe(key(b));
  });

  it("THEN it gives the countries and the period understood", () => {
    expect(analyzeQuestion(index, "Japan and Brazil in the 1990s?")).toMatchObject({
      countries: ["BR", "JP"],
      period: "the 1990s",
    });
    expect(analyzeQuestion(index, "")).toMatchObject({ countries: [], period: null });
  });

  it("GIVEN any text THEN the key is bounded", () => {
    expect(key("word ".repeat(2_000)).length).toBeLessThanOrEqual(400);
    expect(key(`${"α".repeat(3_000)} ${"x1 ".repeat(500)}`).length).toBeLessThanOrEqual(400);
  });
});

describe("summarizeAnswer", () => {
  it("GIVEN a fact, a list, a miss and an empty question THEN it records what was shown and whether it belongs in the question log", () => {
    expect(
      summarizeAnswer(answerQuestion(index, "When were diplomatic relations established?")),
    ).toMatchObject({
      answered: true,
      outcome: "fact",
      factIds: ["af-jp-1931-relations-established"],
      countries: ["AF", "JP"],
      unanswered: false,
      worthRecording: true,
      version: index.version,
    });
    const list = summarizeAnswer(answerQuestion(index, "What happened in the 1970s?"));
    expect(list.outcome).toBe("list");
    expect(list.factIds.length).toBeGreaterThan(1);
    expect(list.period).toBe("the 1970s");
    expect(summarizeAnswer(answerQuestion(index, "Who won the 2010 World Cup?"))).toMatchObject({
      answered: false,
      outcome: "unknown",
      factIds: [],
      unanswered: true,
    });
    expect(summarizeAnswer(answerQuestion(index, "What about Brazil and Japan?"))).toMatchObject({
      outcome: "uncovered",
      unanswered: true,
    });
    expect(summarizeAnswer(answerQuestion(index, "???"))).toMatchObject({
      worthRecording: false,
      unanswered: false,
    });
  });
});
