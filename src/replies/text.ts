/**
 * Plain-text replies (the console, the CLI and the JSONL `answer` field): pure functions
 * from an Answer to the text a user reads, in the answer's language.
 */
import { citationNumber } from "../engine/engine.ts";
import type { Answer, Citation, Locale } from "../engine/types.ts";
import { dateLabelIn, statementIn, titleIn, type Fact } from "../knowledge/types.ts";
import { messagesFor } from "./i18n.ts";

export const NOT_KNOWN = messagesFor("en").notKnown;

/** "16 February 1907: statement [1]" — or the bare statement for an undated fact. */
export function factLine(fact: Fact, n?: number, locale: Locale = "en"): string {
  const label = dateLabelIn(fact, locale);
  const cite = n ? ` [${n}]` : "";
  const statement = statementIn(fact, locale);
  return label ? `${capitalize(label)}: ${statement}${cite}` : `${statement}${cite}`;
}

/** "[1] Afghanistan–Japan relations (Wikipedia), § Diplomacy — https://…" */
export function citationLine(c: Citation): string {
  return `[${c.n}] ${c.source.title} (${c.source.publisher}), § ${c.section} — ${c.source.url}`;
}

export function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** The answer's own lines, without its citations. */
function bodyLines(answer: Answer): string[] {
  const t = messagesFor(answer.locale);
  const lines: string[] = [];
  const line = (f: Fact) => {
    const relation = answer.relationOf?.get(f.id);
    const label = relation ? ` (${titleIn(relation, answer.locale)})` : "";
    return `${factLine(f, citationNumber(answer.citations, f), answer.locale)}${label}`;
  };
  switch (answer.kind) {
    case "fact":
      lines.push(line(answer.facts[0]!));
      break;
    case "list": {
      const relation = answer.relation ? titleIn(answer.relation, answer.locale) : undefined;
      const heading = answer.period ? capitalize(answer.period.label) : (relation ?? "Facts");
      lines.push(`${heading}${relation && answer.period ? ` (${relation})` : ""}:`);
      for (const f of answer.facts) lines.push(`• ${line(f)}`);
      if (answer.more > 0) lines.push(t.andMoreTimeline(answer.more));
      break;
    }
    case "count":
      lines.push(t.count(answer.count ?? answer.facts.length));
      for (const f of answer.facts) lines.push(`• ${line(f)}`);
      if (answer.more > 0) lines.push(t.andMoreTimeline(answer.more));
      break;
    case "ambiguous":
      lines.push(t.ambiguous);
      for (const f of answer.facts) lines.push(`• ${line(f)}`);
      break;
    case "parts":
      for (const part of answer.parts ?? [])
        lines.push(...bodyLines({ ...part, citations: answer.citations }));
      break;
    case "uncovered":
      lines.push(`${t.notKnown} ${t.uncovered(answer.countries?.join("–") ?? "")}`);
      break;
    case "empty":
      lines.push(t.empty);
      break;
    case "unknown":
      lines.push(answer.period ? `${t.notKnown} ${t.nothingIn(answer.period.label)}` : t.notKnown);
      if (answer.near)
        lines.push(t.nearMiss(factLine(answer.near.fact, undefined, answer.locale), answer.near.missing));
      break;
  }
  if (!answer.answered && answer.suggestions.length > 0 && answer.kind !== "parts") {
    lines.push(`${t.nearest}:`);
    for (const f of answer.suggestions) lines.push(`• ${factLine(f, undefined, answer.locale)}`);
  }
  return lines;
}

/** The answer as text, citations last. */
export function renderAnswerText(answer: Answer): string {
  return [...bodyLines(answer), ...answer.citations.map(citationLine)].join("\n");
}

/** One JSON object per question for `ask --jsonl` (an interface other tools depend on). */
export interface AnswerRecord {
  question: string;
  answered: boolean;
  answer: string;
  date: string | null;
  citations: Array<{ source: string; title: string; section: string; url: string }>;
  factIds: string[];
  /** Every fact given, with its date: the items of a list, a count, or each part's answer. */
  answers: Array<{ date: string | null; factIds: string[] }>;
  /** The language of `answer`. */
  locale: Locale;
}

export function toRecord(answer: Answer): AnswerRecord {
  const answers =
    answer.kind === "parts"
      ? (answer.parts ?? []).map((p) => ({
          date: p.answered ? (p.facts[0]?.date?.edtf ?? null) : null,
          factIds: p.facts.map((f) => f.id),
        }))
      : answer.facts.map((f) => ({ date: f.date?.edtf ?? null, factIds: [f.id] }));
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
    answers,
    locale: answer.locale,
  };
}
