import { describe, expect, it } from "vitest";
import { factMeaning } from "../../src/index/fact-meaning.ts";
import type { Fact, Relation } from "../../src/knowledge/types.ts";

const relation = {
  parties: [
    { code: "AF", name: "Afghanistan" },
    { code: "JP", name: "Japan" },
  ],
} as unknown as Relation;

function fact(statement: string): Fact {
  return { statement, people: [], places: [], keywords: [], tags: [] } as unknown as Fact;
}

describe("factMeaning — whose event a fact names", () => {
  it("GIVEN an event named by a country as an adjective or possessive THEN that country's", () => {
    expect(
      factMeaning(
        fact("After the Soviet invasion of Afghanistan, Japan closed its embassy in Kabul."),
        relation,
      ).eventActors,
    ).toEqual([["invas", "XSU"]]);
    expect(factMeaning(fact("They celebrated Japan's win in the war."), relation).eventActors).toEqual([
      ["win", "JP"],
    ]);
  });

  it("GIVEN a country as subject, a capital or an office THEN no event is given to it", () => {
    for (const s of [
      "Japan closed its embassy in Kabul.",
      "Afghan President Hamid Karzai visited Japan.",
      "The Japanese embassy in Kabul reopened.",
    ])
      expect(factMeaning(fact(s), relation).eventActors, s).toEqual([]);
  });
});
