/**
 * One place per kind of question: how it is recognized (English and Japanese patterns),
 * which facts can answer it at all, what it prefers among equals, and what shape its
 * answer takes (one fact, a count of facts, or every fact that matches). Adding a kind of
 * question is an entry here and, for a new shape of answer, one renderer in src/replies.
 */
import type { IndexedFact, KnowledgeIndex } from "../index/knowledge-index.ts";

export type Intent = "when" | "who" | "where" | "why" | "how-many" | "which" | "list" | "what";

/** What a question needs to be judged against a fact (see question.ts). */
export interface IntentQuestion {
  readonly intent: Intent;
  readonly asksForPerson: boolean;
  readonly asksForNow: boolean;
  readonly plural: boolean;
  /** "How many times / visits / leaders": the answer is a number of facts, not a number in one. */
  readonly countsFacts: boolean;
}

/** The shape of an answer: one fact, how many facts match (and which), or all that match. */
export type AnswerShape = "fact" | "count" | "list";

export interface IntentSpec {
  readonly intent: Intent;
  /** Matched against the folded question; the first intent whose pattern matches wins. */
  readonly pattern: RegExp;
  /** 0..1: how far a fact can answer this kind of question at all ("when" needs a date). */
  fit(q: IntentQuestion, f: IndexedFact, index: KnowledgeIndex): number;
  /** A small preference among facts that answer equally well. */
  bonus(f: IndexedFact): number;
  shape(q: IntentQuestion): AnswerShape;
}

/** How recent a dated fact must be to answer a question about "now": five years before the newest. */
const RECENT_MS = 5 * 365.25 * 86_400_000;

/** What every kind of question asks of a fact, besides its own need. */
function common(q: IntentQuestion, f: IndexedFact, index: KnowledgeIndex): number {
  // "Who was the ambassador?" wants a person's name; a fact naming nobody cannot say.
  if (q.asksForPerson && f.fact.people.length === 0) return 0.4;
  // "Who is the current …": an event decades old does not say who it is now.
  if (q.asksForNow && f.fact.date && f.fact.date.max < index.latestDate - RECENT_MS) return 0.5;
  return 1;
}

const one = (): AnswerShape => "fact";

export const INTENTS: readonly IntentSpec[] = [
  {
    intent: "how-many",
    pattern:
      /\bhow (?:many|much)\b|\bnumber of\b|\bhow large\b|\bhow often\b|いくつ|何人|何個|何回|何度|何件|何か国|どのくらい|どれくらい/,
    // "How many artifacts were returned" needs a fact that holds the number; "how many
    // times" and "how many leaders" count the facts that match.
    fit: (q, f, index) => (q.countsFacts || f.hasNumber ? 1 : 0.4) * common(q, f, index),
    bonus: (f) => (f.hasNumber ? 0.1 : 0),
    shape: (q) => (q.countsFacts ? "count" : "fact"),
  },
  {
    intent: "when",
    pattern:
      /いつ|何年|何月|何日|\bwhen\b|\b(?:what|which) (?:year|date|month|day|decade|century)\b|\bhow long ago\b|\bsince when\b|\bin what year\b/,
    // An undated fact cannot say when, however well it matches.
    fit: (q, f, index) => (f.fact.date ? 1 : 0.4) * common(q, f, index),
    bonus: (f) => (f.fact.date ? 0.05 : -0.1),
    shape: one,
  },
  {
    intent: "why",
    pattern: /なぜ|どうして|理由|\bwhy\b|\bwhat (?:caused|was the reason)\b|\breason\b|\bhow come\b/,
    fit: (q, f, index) => common(q, f, index),
    bonus: () => 0,
    shape: one,
  },
  {
    intent: "which",
    pattern:
      /\bwhich\b|\bwhat (?!happened|happens|occurred|took place|went on|else)\w+ (?:did|were|was|have|has)\b|どの|どんな/,
    fit: (q, f, index) => common(q, f, index),
    bonus: (f) => (f.fact.people.length > 0 ? 0.02 : 0),
    shape: (q) => (q.plural ? "list" : "fact"),
  },
  {
    intent: "who",
    pattern: /\bwho(?:m|se)?\b|誰|だれ|どなた/,
    // A fact naming nobody answers "who" only through a country or a group ("the British").
    fit: (q, f, index) => (f.fact.people.length > 0 ? 1 : 0.7) * common(q, f, index),
    bonus: (f) => (f.fact.people.length > 0 ? 0.05 : 0),
    shape: (q) => (q.plural ? "list" : "fact"),
  },
  {
    intent: "where",
    pattern: /\bwhere\b|どこ/,
    fit: (q, f, index) => common(q, f, index),
    bonus: (f) => (f.fact.places.length > 0 ? 0.05 : 0),
    shape: one,
  },
  {
    intent: "list",
    pattern:
      /\bwhat (?:else )?(?:happened|happens|occurred|took place|went on)\b|\b(?:list|timeline|chronology|all (?:the )?(?:events|facts))\b|何が(?:あった|起き|起こ)|出来事/,
    fit: (q, f, index) => common(q, f, index),
    bonus: () => 0,
    shape: () => "list",
  },
];

const WHAT: IntentSpec = {
  intent: "what",
  pattern: /$^/,
  fit: (q, f, index) => common(q, f, index),
  bonus: () => 0,
  shape: (q) => (q.plural ? "list" : "fact"),
};

/** The kind of a folded question. */
export function intentOf(folded: string): IntentSpec {
  return INTENTS.find((i) => i.pattern.test(folded)) ?? WHAT;
}

/** The spec of an intent. */
export function specOf(intent: Intent): IntentSpec {
  return INTENTS.find((i) => i.intent === intent) ?? WHAT;
}
