import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { KnowledgeIndex } from "../../src/index/knowledge-index.ts";
import { parseDate } from "../../src/knowledge/dates.ts";
import { loadKnowledge } from "../../src/knowledge/load.ts";
import type { Knowledge } from "../../src/knowledge/types.ts";

const VALID = fileURLToPath(new URL("../fixtures/knowledge/valid/", import.meta.url));
let knowledge: Knowledge;
let index: KnowledgeIndex;

beforeAll(async () => {
  const loaded = await loadKnowledge(VALID);
  if (!loaded.ok) throw new Error("the fixture must load");
  knowledge = loaded.knowledge;
  index = KnowledgeIndex.build(knowledge);
});

const period = (edtf: string) => parseDate(edtf);
const ids = (facts: readonly { fact: { id: string } }[] | undefined) => facts?.map((f) => f.fact.id);

describe("KnowledgeIndex", () => {
  it("GIVEN the same knowledge THEN build and buildAsync give the same index", async () => {
    const sliced = await KnowledgeIndex.buildAsync(knowledge, { sliceMs: 0 });
    expect(ids(sliced.facts)).toEqual(ids(index.facts));
    for (const term of ["treati", "kasato", "emigr", "relat"]) {
      expect([...sliced.postingsOf(term)]).toEqual([...index.postingsOf(term)]);
      expect(sliced.documentFrequency(term)).toBe(index.documentFrequency(term));
    }
  });

  it("GIVEN a period THEN the dated facts overlapping it, in date order; over the limit THEN undefined", () => {
    expect(ids(index.factsInPeriod(period("1890/1930")))).toEqual([
      "bj-1895-treaty",
      "bj-1908-kasato-maru",
      "cp-1929-treaty-of-lima",
    ]);
    // A decade (197X) overlaps a year inside it.
    expect(ids(index.factsInPeriod(period("1975")))).toEqual(["bj-197x-investment"]);
    expect(index.factsInPeriod(period("1800/2000"), 2)).toBeUndefined();
  });

  it("GIVEN a term THEN the facts containing it (the inverted index), and the vocabulary knows its frequency", () => {
    expect([...index.postingsOf("treati")].map((o) => index.facts[o]!.fact.id).sort()).toEqual([
      "bj-1895-treaty",
      "cp-1929-treaty-of-lima",
    ]);
    expect(index.documentFrequency("treati")).toBe(2);
    expect(index.postingsOf("nosuchterm")).toHaveLength(0);
  });

  it("GIVEN countries THEN relations by pair (either order) and by country", () => {
    expect(index.relationByPair.get("BR-JP")?.id).toBe("brazil-japan");
    expect(index.relationsOf("PE").map((r) => r.id)).toEqual(["chile-peru"]);
    expect(
      index
        .factsOfCountry("CL")
        .map((f) => f.fact.id)
        .sort(),
    ).toEqual(["cp-1929-treaty-of-lima", "cp-pisco-dispute"]);
  });

  it("GIVEN a text naming a relation by title or alias THEN that relation and the words that named it", () => {
    expect(index.findRelationNamed("tell me about japan–brazil relations")?.relation.id).toBe("brazil-japan");
    expect(index.findRelationNamed("tell me about japan")).toBeUndefined();
  });

  it("GIVEN a period with no facts THEN the nearest in time, in date order", () => {
    expect(ids(index.nearestInTime(period("1960"), 2, () => true))).toEqual([
      "bj-1942-relations-broken",
      "bj-197x-investment",
    ]);
  });

  it("GIVEN facts THEN each records the countries it names and its destinations", () => {
    const treaty = index.byId.get("cp-1929-treaty-of-lima")!;
    expect([...treaty.countries].sort()).toEqual(["CL", "PE"]);
    const ship = index.byId.get("bj-1908-kasato-maru")!;
    expect(ship.hasNumber).toBe(true);
  });
});
