/**
 * Which facts a question can be answered from: the relation it names, the relation of
 * the two countries it names, the relations of the one country it names — or all.
 */
import type { IndexedFact, KnowledgeIndex } from "../index/knowledge-index.ts";
import { pairKey } from "../index/knowledge-index.ts";
import type { Relation } from "../knowledge/types.ts";

export interface Scope {
  readonly relations: readonly Relation[];
  /** The facts in scope, or null for all of them (never copied). */
  readonly facts: readonly IndexedFact[] | null;
  /** Membership test for `facts`, for candidates found through the inverted index. */
  readonly member: (f: IndexedFact) => boolean;
  /** Countries every answering fact must involve (named, but not a party of its relation). */
  readonly required: readonly string[];
  /** The question names two or more countries and no relation we hold joins them. */
  readonly uncovered: boolean;
  /** For an uncovered pair: facts of the relations of the countries named, for suggestions. */
  readonly fallback: readonly IndexedFact[];
  /** The question named the relation itself (its title or an alias). */
  readonly named: boolean;
}

const ALL = () => true;

/** The scope of a relation named by its title or an alias. */
export function namedScope(index: KnowledgeIndex, relation: Relation): Scope {
  return {
    relations: [relation],
    facts: index.byRelation.get(relation.id) ?? [],
    member: (f) => f.relation === relation,
    required: [],
    uncovered: false,
    fallback: [],
    named: true,
  };
}

/** The scope the countries named in a question give. */
export function countryScope(index: KnowledgeIndex, codes: readonly string[]): Scope {
  const base = { required: [] as string[], uncovered: false, fallback: [], named: false };
  if (codes.length >= 2) {
    const pairs: Relation[] = [];
    for (let i = 0; i < codes.length; i++)
      for (let j = i + 1; j < codes.length; j++) {
        const r = index.relationByPair.get(pairKey(codes[i]!, codes[j]!));
        if (r) pairs.push(r);
      }
    if (pairs.length > 0) {
      const parties = new Set(pairs.flatMap((r) => r.parties.map((p) => p.code)));
      const set = new Set(pairs);
      return {
        ...base,
        relations: pairs,
        facts: pairs.flatMap((r) => index.byRelation.get(r.id) ?? []),
        member: (f) => set.has(f.relation),
        required: codes.filter((c) => !parties.has(c)),
      };
    }
    // No relation joins them: facts of a relation of one of them may still be about the
    // other ("the Soviet invasion"), but only if they name it.
    const near = [...new Set(codes.flatMap((c) => index.relationsOf(c)))];
    const fallback = [...new Set(codes.flatMap((c) => index.factsOfCountry(c)))];
    const namesAll = (f: IndexedFact) => codes.every((c) => f.countries.has(c));
    const nearSet = new Set(near);
    return {
      ...base,
      relations: near,
      facts: fallback.filter(namesAll),
      member: (f) => nearSet.has(f.relation) && namesAll(f),
      uncovered: true,
      fallback,
    };
  }
  if (codes.length === 1) {
    const code = codes[0]!;
    const relations = index.relationsOf(code);
    if (relations.length > 0)
      return {
        ...base,
        relations,
        facts: index.factsOfCountry(code),
        member: (f) => f.relation.parties.some((p) => p.code === code),
      };
    // A country we hold no relation of may still be named in facts ("after the United States").
    return { ...base, relations: [], facts: null, member: ALL, required: [code] };
  }
  return { ...base, relations: index.knowledge.relations, facts: null, member: ALL };
}
