/**
 * Everything the feedback code reads from the answering engine, in one place: which facts an
 * answer showed and whether it answered (for votes and the question log), and the engine's
 * own analysis of a question (content terms, countries, period), which makes paraphrases of
 * one question fall into one group of the /gaps report.
 */
import type { Answer } from "../engine/types.ts";
import { parseQuestion } from "../engine/question.ts";
import { contentTerms } from "../engine/terms.ts";
import type { KnowledgeIndex } from "../index/knowledge-index.ts";

/** An answer as the feedback database records it. */
export interface AnswerSummary {
  readonly answered: boolean;
  /** The engine's kind of answer (fact, list, unknown, uncovered). */
  readonly outcome: string;
  /** The facts the answer showed, in order: what a vote on it is about. */
  readonly factIds: readonly string[];
  readonly version: string;
  /** The period the question was understood to ask about, as shown to users. */
  readonly period: string | null;
  /** The answer's relation's two countries (ISO codes, sorted); none when it has no one relation. */
  readonly countries: readonly string[];
  /** "I don't know" or "I hold no facts on X–Y": a question the question log is for. */
  readonly unanswered: boolean;
  /** An empty question ("???") is not a question anybody needs to see again. */
  readonly worthRecording: boolean;
}

export function summarizeAnswer(answer: Answer): AnswerSummary {
  // A "fact" answer shows its first fact only; a list shows them all.
  const shown = answer.kind === "fact" ? answer.facts.slice(0, 1) : answer.facts;
  return {
    answered: answer.answered,
    outcome: answer.kind,
    factIds: shown.map((f) => f.id),
    version: answer.version,
    period: answer.period?.label ?? null,
    countries: answer.relation ? answer.relation.parties.map((c) => c.code).sort() : [],
    unanswered: !answer.answered && (answer.kind === "unknown" || answer.kind === "uncovered"),
    worthRecording: answer.kind !== "empty",
  };
}

/** What a question asks, as the engine understands it. */
export interface QuestionAnalysis {
  /** Equal keys: the same question in other words. */
  readonly key: string;
  /** ISO codes of the countries named, sorted. */
  readonly countries: readonly string[];
  readonly period: string | null;
}

/** The best stand-in a near-miss (one typo, a synonym) has in the knowledge's vocabulary. */
const CLOSE_ENOUGH = 0.75;
const MAX_KEY = 400;
/** A word more than half the facts hold ("relations") tells no two questions apart. */
const COMMON_SHARE = 0.5;
const COMMON_MIN_FACTS = 10;

/**
 * The key is the question's content terms (stemmed, each replaced by the vocabulary's term
 * when it is one typo or a synonym away), its countries and its period: "When did Japan
 * recognize Afghanistan?" and "when was afghanistan recognized by japan" share it, and so
 * do "Brazil Japan relations?" and "relations between japan and brazil". Words most facts
 * hold are left out.
 */
export function analyzeQuestion(index: KnowledgeIndex, text: string): QuestionAnalysis {
  const q = parseQuestion(text, { personWords: index.personWords });
  const terms = new Set<string>();
  const facts = index.facts.length;
  const common = (term: string) =>
    facts >= COMMON_MIN_FACTS && index.documentFrequency(term) > facts * COMMON_SHARE;
  for (const t of contentTerms(index, q, new Set())) {
    if (index.vocabulary.has(t.term)) {
      if (!common(t.term)) terms.add(t.term);
      continue;
    }
    let best = t.term;
    let quality = CLOSE_ENOUGH;
    for (const [candidate, q] of t.expansions)
      if (q > quality || (q === quality && candidate < best)) [best, quality] = [candidate, q];
    terms.add(best);
  }
  for (const a of q.anchors) terms.add(`${a.direction}:${a.phrase}`);
  const countries = [...new Set(q.countries.map((c) => c.country.code))].sort();
  const period = q.period ? `${q.period.min}..${q.period.max}` : "";
  const key = `${[...terms].sort().join(" ")}|${countries.join(",")}|${period}`;
  return { key: key.slice(0, MAX_KEY), countries, period: q.period?.label ?? null };
}
