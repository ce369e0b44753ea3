/**
 * The shapes of answers: one fact, a count, every match, several parts, two relations side by
 * side, and a refusal that says what it does hold. Over the real knowledge, and over it plus
 * invented relations that share its names (test/fixtures/knowledge/confusable).
 */
import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { answerQuestion } from "../../src/engine/engine.ts";
import { KnowledgeIndex } from "../../src/index/knowledge-index.ts";
import { loadKnowledge } from "../../src/knowledge/load.ts";
import { renderAnswerText, toRecord } from "../../src/replies/text.ts";

const KNOWLEDGE = fileURLToPath(new URL("../../knowledge", import.meta.url));
const CONFUSABLE = fileURLToPath(new URL("../fixtures/knowledge/confusable", import.meta.url));

let real: KnowledgeIndex;
let several: KnowledgeIndex;
let dir: string;

async function build(path: string): Promise<KnowledgeIndex> {
  const loaded = await loadKnowledge(path);
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
  return KnowledgeIndex.build(loaded.knowledge);
}

beforeAll(async () => {
  real = await build(KNOWLEDGE);
  dir = await mkdtemp(join(tmpdir(), "kizuna-answers-"));
  await cp(KNOWLEDGE, dir, { recursive: true });
  await cp(CONFUSABLE, dir, { recursive: true });
  several = await build(dir);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const ids = (index: KnowledgeIndex, q: string) => answerQuestion(index, q).facts.map((f) => f.id);

describe("counts and lists", () => {
  it("GIVEN 'how many' of a kind of person THEN the count and every matching fact, dated and cited", () => {
    const a = answerQuestion(real, "How many Afghan heads of state or government visited Japan?");
    expect(a.kind).toBe("count");
    expect(a.count).toBe(3);
    expect(a.facts.map((f) => f.id)).toEqual([
      "af-jp-1959-daoud-khan-visit",
      "af-jp-1969-zahir-shah-visit",
      "af-jp-2010-karzai-state-visit",
    ]);
    expect(renderAnswerText(a)).toMatch(/^3:\n• 1959: .*\[1\]/);
  });

  it("GIVEN 'how many' of a thing one fact numbers THEN that fact", () => {
    const a = answerQuestion(real, "How many artifacts were returned to the National Museum of Afghanistan?");
    expect(a.kind).toBe("fact");
    expect(a.facts[0]?.statement).toContain("102");
  });

  it("GIVEN a plural question THEN every match in date order; two equally good facts both answer", () => {
    expect(ids(real, "Which Afghan leaders visited Japan?")).toEqual([
      "af-jp-1959-daoud-khan-visit",
      "af-jp-1969-zahir-shah-visit",
      "af-jp-2010-karzai-state-visit",
    ]);
    expect(ids(real, "When did Japan close its embassy in Kabul?")).toEqual([
      "af-jp-1979-embassy-closed",
      "af-jp-2021-embassy-closed",
    ]);
  });

  it("GIVEN 'the most recent' or 'the earliest' with no topic THEN the latest or earliest fact", () => {
    expect(ids(real, "What is the most recent news between the two countries?")).toEqual([
      "af-jp-2025-taliban-visit",
    ]);
    expect(ids(real, "What was the earliest event?")).toEqual(["af-jp-2000bce-shinto-nuristani"]);
  });
});

describe("a question of several parts", () => {
  it("GIVEN two questions in one THEN each part is answered and cited; the record lists both", () => {
    const a = answerQuestion(real, "When did Ayub Khan visit Japan, and when did Daoud Khan?");
    expect(a.kind).toBe("parts");
    expect(a.parts?.map((p) => p.facts[0]?.id)).toEqual([
      "af-jp-1907-ayub-khan-visit",
      "af-jp-1959-daoud-khan-visit",
    ]);
    expect(toRecord(a).answers).toEqual([
      { date: "1907-02-16", factIds: ["af-jp-1907-ayub-khan-visit"] },
      { date: "1959", factIds: ["af-jp-1959-daoud-khan-visit"] },
    ]);
  });

  it("GIVEN a later part that does not say which relation THEN it keeps the first part's", () => {
    const a = answerQuestion(
      several,
      "When did Japan close its Kabul embassy after the Soviet invasion? And when did it reopen it?",
    );
    expect(a.parts?.[1]?.facts[0]?.id).toBe("af-jp-2022-09-embassy-reopened");
  });
});

describe("the right person, place and direction", () => {
  it("GIVEN a person the knowledge does not hold THEN a refusal naming what it does hold", () => {
    const a = answerQuestion(real, "When did Queen Elizabeth visit Japan?");
    expect(a.answered).toBe(false);
    expect(a.near?.fact.id).toBe("af-jp-1969-zahir-shah-visit");
    expect(renderAnswerText(a)).toContain("— but nothing about Queen Elizabeth.");
  });

  it("GIVEN a person the knowledge holds, but not in that event THEN no answer", () => {
    expect(answerQuestion(real, "When did King Amanullah visit Japan?").answered).toBe(false);
    expect(answerQuestion(real, "When did President Ghani visit Japan?").answered).toBe(false);
  });

  it("GIVEN the reverse direction THEN no answer", () => {
    expect(answerQuestion(real, "When did the Japanese prime minister visit Afghanistan?").answered).toBe(
      false,
    );
    expect(answerQuestion(real, "When did Afghanistan close its embassy in Tokyo?").answered).toBe(false);
    expect(ids(real, "When did Japan give money to Afghanistan?")).not.toContain(
      "af-jp-1914-earthquake-donation",
    );
  });
});

describe("several relations", () => {
  it("GIVEN a question that fits two relations equally THEN both, each labelled", () => {
    const a = answerQuestion(several, "When did the crown prince visit?");
    expect(a.kind).toBe("ambiguous");
    expect(new Set(a.facts.map((f) => f.relationId))).toEqual(
      new Set(["afghanistan-japan", "germany-japan"]),
    );
    expect(renderAnswerText(a)).toMatch(/\(Afghanistan–Japan relations\)[\s\S]*\(Germany–Japan relations\)/);
  });

  it("GIVEN a question that names what tells them apart THEN one relation's fact", () => {
    expect(ids(several, "When did Ayub Khan visit Japan?")).toEqual(["af-jp-1907-ayub-khan-visit"]);
    expect(ids(several, "When did President Ayub Khan visit Kabul?")).toEqual(["ap-1961-ayub-khan-visit"]);
    expect(answerQuestion(several, "When did Ayub Khan visit Germany?").answered).toBe(false);
  });
});

describe("Japanese", () => {
  it("GIVEN a Japanese question THEN the fact found through its Japanese statement, answered in Japanese", () => {
    const a = answerQuestion(real, "日本の皇太子がアフガニスタンを訪問したのはいつ？");
    expect(a.locale).toBe("ja");
    expect(renderAnswerText(a)).toMatch(
      /^1971年: 日本の明仁皇太子と美智子妃がアフガニスタンを訪問した。 \[1\]\n\[1\] Afghanistan–Japan relations/,
    );
  });

  it("GIVEN an English question from a Japanese client THEN the answer in Japanese; unknown in Japanese", () => {
    expect(
      renderAnswerText(answerQuestion(real, "When did Ayub Khan visit Japan?", { locale: "ja" })),
    ).toMatch(/^1907年2月16日: /);
    expect(renderAnswerText(answerQuestion(real, "カブールの人口は？"))).toMatch(
      /^手元の出典からはわかりません。/,
    );
  });
});
