import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { KnowledgeIndex } from "../../src/index/knowledge-index.ts";
import { parseDate } from "../../src/knowledge/dates.ts";
import { loadKnowledge } from "../../src/knowledge/load.ts";
import type { Fact, Knowledge } from "../../src/knowledge/types.ts";

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

  it("GIVEN facts THEN each fact's terms and field weights sit in the packed arrays at its ordinal", () => {
    const f = index.byId.get("bj-1908-kasato-maru")!;
    const { start, ids, weights } = index.factTerms;
    const terms = new Map<string, number>();
    for (let k = start[f.ordinal]!; k < start[f.ordinal + 1]!; k++)
      terms.set(index.terms[ids[k]!]!, weights[k]! / 10);
    // "Santos" is in the statement (1) and the places (1.2); "emigrants" in the statement and keywords.
    expect(terms.get("santo")).toBeCloseTo(2.2);
    expect(terms.get("emigr")).toBeCloseTo(2);
    expect(terms.get("kasato")).toBeCloseTo(1);
    for (const [term] of terms) expect([...index.postingsOf(term)]).toContain(f.ordinal);
  });
});

/** Every observable of an index, by fact id and term, to compare two builds. */
function snapshot(ix: KnowledgeIndex) {
  const { start, ids, weights } = ix.factTerms;
  const facts = ix.facts.map((f) => {
    const terms: string[] = [];
    for (let k = start[f.ordinal]!; k < start[f.ordinal + 1]!; k++)
      terms.push(`${ix.terms[ids[k]!]}=${weights[k]}`);
    return {
      id: f.fact.id,
      relation: f.relation.id,
      terms: terms.sort(),
      countries: [...f.countries].sort(),
      direction: [[...f.meaning.direction.agents].sort(), [...f.meaning.direction.targets].sort()],
      roles: f.meaning.roles.map((r) => `${r.role.name}=${r.holder ?? ""}`),
      names: [...f.meaning.names].sort(),
      hasNumber: f.hasNumber,
    };
  });
  const postings = Object.fromEntries(
    [...ix.terms].sort().map((t) => [t, [...ix.postingsOf(t)].map((o) => ix.facts[o]!.fact.id)]),
  );
  const vocabulary = Object.fromEntries([...ix.vocabulary].sort());
  return { facts, postings, vocabulary, people: [...ix.personWords.keys()].sort() };
}

describe("KnowledgeIndex built beside a previous one (reload)", () => {
  it("GIVEN facts kept, changed, removed and added THEN the same index as built from scratch, the kept facts' analysis reused", () => {
    const facts = [...knowledge.facts];
    const changedAt = facts.findIndex((f) => f.id === "bj-1908-kasato-maru");
    const removedAt = facts.findIndex((f) => f.id === "cp-1929-treaty-of-lima");
    const changed: Fact = {
      ...facts[changedAt]!,
      statement: "The Kasato Maru brought settlers to Santos harbour.",
    };
    const added: Fact = {
      ...facts[0]!,
      id: "bj-2008-centenary",
      date: parseDate("2008"),
      statement: "Crown Prince Naruhito visited Brazil for the centenary of immigration.",
      people: ["Naruhito"],
    };
    facts[changedAt] = changed;
    facts.splice(removedAt, 1);
    facts.push(added);
    facts.sort((a, b) => (a.date?.min ?? Infinity) - (b.date?.min ?? Infinity));
    const next: Knowledge = { ...knowledge, facts };

    const reused = KnowledgeIndex.build(next, index);
    const scratch = KnowledgeIndex.build(next);
    expect(snapshot(reused)).toEqual(snapshot(scratch));

    // Kept facts took their analysis from the previous index; changed and new ones did not.
    const kept = "bj-1895-treaty";
    expect(reused.byId.get(kept)!.countries).toBe(index.byId.get(kept)!.countries);
    expect(reused.postingsOf("santo").length).toBe(1);
    expect(reused.postingsOf("naruhito").length).toBe(1);
    // The removed fact's own words lead nowhere.
    expect(reused.postingsOf("lima")).toHaveLength(scratch.postingsOf("lima").length);
  });

  it("GIVEN the previous index's words as written THEN only those whose term is still indexed carry over", () => {
    const facts = knowledge.facts.filter((f) => f.id !== "bj-1908-kasato-maru");
    const reused = KnowledgeIndex.build({ ...knowledge, facts }, index);
    expect(index.surface.has("kasato")).toBe(true);
    expect(reused.surface.has("kasato")).toBe(false);
    expect(reused.documentFrequency("kasato")).toBe(0);
  });

  it("GIVEN a sliced build with a previous index THEN the same as the one-go build", async () => {
    const sliced = await KnowledgeIndex.buildAsync(knowledge, { sliceMs: 0, previous: index });
    expect(snapshot(sliced)).toEqual(snapshot(index));
  });
});
