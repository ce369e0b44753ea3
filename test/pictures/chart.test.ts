import { beforeAll, describe, expect, it } from "vitest";
import {
  categoryOf,
  chartSpec,
  compactWhen,
  LABEL_CHARS,
  labelOf,
  shapeOf,
  shortLabel,
} from "../../src/pictures/chart.ts";
import type { Fact, Knowledge } from "../../src/knowledge/types.ts";
import { pictureKnowledge } from "../support/pictures.ts";

let knowledge: Knowledge;
const fact = (id: string): Fact => {
  const f = knowledge.facts.find((x) => x.id === id);
  if (!f) throw new Error(`no fact ${id}`);
  return f;
};

beforeAll(async () => {
  knowledge = await pictureKnowledge();
});

describe("shapeOf", () => {
  it("GIVEN a day, a month, a year THEN a point, a span, a span", () => {
    expect(shapeOf(fact("af-jp-1907-ayub-khan-visit"))).toBe("point");
    expect(shapeOf(fact("af-jp-1941-axis-diplomats-remain"))).toBe("span");
    expect(shapeOf(fact("af-jp-1931-relations-established"))).toBe("span");
  });

  it("GIVEN a decade, an interval, or a year the source words vaguely (early 1914, 紀元前2000年ごろ) THEN a wide bar", () => {
    expect(shapeOf(fact("bj-197x-investment"))).toBe("wide");
    expect(shapeOf(fact("af-jp-wwii-neutrality"))).toBe("wide");
    expect(shapeOf(fact("af-jp-1914-earthquake-donation"))).toBe("wide");
    expect(shapeOf(fact("bj-ancient"))).toBe("wide");
  });
});

describe("categoryOf", () => {
  it("GIVEN tags THEN the first colour group found, else other", () => {
    expect(categoryOf(fact("bj-1895-treaty"))).toBe("treaty");
    expect(categoryOf(fact("bj-1908-kasato-maru"))).toBe("visit");
    expect(categoryOf(fact("bj-war"))).toBe("other");
    expect(categoryOf({ ...fact("bj-war"), tags: ["visit", "embassy"] })).toBe("embassy");
  });
});

describe("labels", () => {
  it("GIVEN a long statement THEN its first clause, cut at a word under the limit", () => {
    expect(shortLabel("Japan closed its embassy in Kabul; the staff left for Tokyo.")).toBe(
      "Japan closed its embassy in Kabul",
    );
    const long = shortLabel(
      "Afghanistan and Japan officially established diplomatic relations after a long exchange of envoys and letters",
    );
    expect([...long].length).toBeLessThanOrEqual(LABEL_CHARS);
    expect(long).toMatch(/^Afghanistan and Japan officially established diplomatic.*…$/);
    expect(long).not.toMatch(/ …$/);
  });

  it("GIVEN Japanese with no spaces THEN it is cut anywhere, never splitting a character", () => {
    const label = shortLabel("日".repeat(100));
    expect([...label]).toHaveLength(LABEL_CHARS);
    expect(label.endsWith("…")).toBe(true);
  });

  it("GIVEN any locale THEN the label reads the statement (until facts carry Japanese statements)", () => {
    expect(labelOf(fact("bj-1895-treaty"), "ja")).toBe("日本とブラジルが修好通商航海条約に署名した");
    expect(labelOf(fact("bj-1895-treaty"), "en-US")).toBe(labelOf(fact("bj-1895-treaty"), "ja"));
  });

  it("GIVEN a date label THEN months are shortened, other wording kept", () => {
    expect(compactWhen("16 February 1907")).toBe("16 Feb 1907");
    expect(compactWhen("September 2022")).toBe("Sep 2022");
    expect(compactWhen("early 1914")).toBe("early 1914");
  });
});

describe("chartSpec", () => {
  it("GIVEN a relation's facts THEN dated ones only, in order, with title, period and a footer naming the relation and version", () => {
    const relation = knowledge.relations.find((r) => r.id === "afghanistan-japan")!;
    const facts = knowledge.facts.filter((f) => f.relationId === relation.id);
    const spec = chartSpec({ relation, facts, theme: "dark", version: "abc123", locale: "en-US" });
    expect(spec.items.length).toBe(facts.filter((f) => f.date).length);
    expect(spec.items.length).toBeLessThan(facts.length);
    expect(spec.title).toBe("Afghanistan–Japan relations");
    expect(spec.subtitle).toBe(`2000 BCE – 2025 · ${spec.items.length} dated facts`);
    expect(spec.footer).toBe("Afghanistan–Japan relations · knowledge abc123");
    expect(spec.items[0]).toMatchObject({
      id: "af-jp-2000bce-shinto-nuristani",
      when: "from 2000 BCE onwards",
    });
  });
});
