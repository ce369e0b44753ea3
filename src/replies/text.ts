/**
 * Plain-text replies (the console, the CLI and the JSONL `answer` field): pure functions
 * from an Answer to the text a user reads.
 */
import { citationNumber } from "../engine/engine.ts";
import type { Answer, Citation } from "../engine/types.ts";
import { dateLabel, type Fact } from "../knowledge/types.ts";

export const NOT_KNOWN = "I don't know that from my sources.";

/** "16 February 1907: statement [1]" — or the bare statement for an undated fact. */
export function factLine(fact: Fact, n?: number): string {
  const label = dateLabel(fact);
  const cite = n ? ` [${n}]` : "";
  return label ? `${capitalize(label)}: ${fact.statement}${cite}` : `${fact.statement}${cite}`;
}

/** "[1] Afghanistan–Japan relations (Wikipedia), § Diplomacy — https://…" */
export function citationLine(c: Citation): string {
  return `[${c.n}] ${c.source.title} (${c.source.publisher}), § ${c.section} — ${c.source.url}`;
}

export function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** The answer as text, citations last. */
export function renderAnswerText(answer: Answer): string {
  const lines: string[] = [];
  switch (answer.kind) {
    case "fact":
      lines.push(factLine(answer.facts[0]!, citationNumber(answer.citations, answer.facts[0]!)));
      break;
    case "list": {
      const heading = answer.period ? capitalize(answer.period.label) : (answer.relation?.title ?? "Facts");
      lines.push(`${heading}${answer.relation && answer.period ? ` (${answer.relation.title})` : ""}:`);
      for (const f of answer.facts) lines.push(`• ${factLine(f, citationNumber(answer.citations, f))}`);
      if (answer.more > 0) lines.push(`…and ${answer.more} more.`);
      break;
    }
    case "uncovered":
      lines.push(
        `${NOT_KNOWN} I hold no facts on ${answer.countries?.join("–") ?? "those countries'"} relations.`,
      );
      break;
    case "empty":
      lines.push(
        `Ask me about relations between countries, e.g. "When were diplomatic relations established?"`,
      );
      break;
    case "unknown":
      lines.push(answer.period ? `${NOT_KNOWN} (Nothing matching in ${answer.period.label}.)` : NOT_KNOWN);
      break;
  }
  if (!answer.answered && answer.suggestions.length > 0) {
    lines.push("Nearest facts I hold:");
    for (const f of answer.suggestions) lines.push(`• ${factLine(f)}`);
  }
  for (const c of answer.citations) lines.push(citationLine(c));
  return lines.join("\n");
}

/** One JSON object per question for `ask --jsonl` (an interface other tools depend on). */
export interface AnswerRecord {
  question: string;
  answered: boolean;
  answer: string;
  date: string | null;
  citations: Array<{ source: string; title: string; section: string; url: string }>;
  factIds: string[];
}

export function toRecord(answer: Answer): AnswerRecord {
  return {
    question: answer.question,
    answered: answer.answered,
    answer: renderAnswerText(answer),
    date: answer.answered ? (answer.facts[0]?.date?.edtf ?? null) : null,
    citations: answer.citations.map((c) => ({
      source: c.source.id,
      title: c.source.title,
      section: c.section,
      url: c.source.url,
    })),
    factIds: answer.facts.map((f) => f.id),
  };
}
