/**
 * Evaluation set: questions written independently from the source article (not from the
 * knowledge file's wording), answered by the real engine over the repository's real knowledge.
 * Scoring matches the external scorer:
 * - answerable: answered, and (if `dates`) one date is a prefix of the record's `date` or appears
 *   as a standalone number in the answer text, and (if `keywords`) every group has a member
 *   contained in the answer text (case- and accent-insensitive);
 * - unanswerable: not answered.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { answerQuestion } from "../../src/engine/engine.ts";
import { KnowledgeIndex } from "../../src/index/knowledge-index.ts";
import { loadKnowledge } from "../../src/knowledge/load.ts";
import { toRecord, type AnswerRecord } from "../../src/replies/text.ts";

/** Minimum share of items that must pass. */
const THRESHOLD = 0.9;

interface Item {
  q: string;
  answerable: boolean;
  dates?: string[];
  keywords?: string[][];
  kind: string;
}

interface Result {
  item: Item;
  record: AnswerRecord;
  pass: boolean;
  why: string;
}

const QUESTIONS = fileURLToPath(new URL("./questions.jsonl", import.meta.url));
const KNOWLEDGE = fileURLToPath(new URL("../../knowledge", import.meta.url));

function readItems(): Item[] {
  return readFileSync(QUESTIONS, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line, i) => {
      try {
        return JSON.parse(line) as Item;
      } catch (error) {
        throw new Error(`questions.jsonl line ${i + 1}: ${(error as Error).message}`);
      }
    });
}

/** Lower case, accents removed. */
function fold(s: string): string {
  return s.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function dateMatches(date: string, record: AnswerRecord): boolean {
  if (record.date?.startsWith(date)) return true;
  return new RegExp(`(?<![0-9])${escapeRegExp(date)}(?![0-9])`).test(record.answer);
}

function score(item: Item, record: AnswerRecord): { pass: boolean; why: string } {
  if (!item.answerable)
    return record.answered
      ? { pass: false, why: "answered an unanswerable question" }
      : { pass: true, why: "" };
  if (!record.answered) return { pass: false, why: "not answered" };
  if (item.dates && item.dates.length > 0 && !item.dates.some((d) => dateMatches(d, record)))
    return { pass: false, why: `date not one of ${item.dates.join(", ")}` };
  const text = fold(record.answer);
  for (const group of item.keywords ?? []) {
    if (!group.some((k) => text.includes(fold(k))))
      return { pass: false, why: `missing one of [${group.join(", ")}]` };
  }
  return { pass: true, why: "" };
}

function describeFailure(r: Result): string {
  const got = `answered=${r.record.answered} date=${r.record.date ?? "null"} answer=${JSON.stringify(r.record.answer.slice(0, 150))}`;
  return `  [${r.item.kind}] ${JSON.stringify(r.item.q.length > 120 ? `${r.item.q.slice(0, 120)}…` : r.item.q)}\n    why: ${r.why}\n    got: ${got}`;
}

function perKind(results: readonly Result[]): string {
  const kinds = new Map<string, { pass: number; total: number }>();
  for (const r of results) {
    const k = kinds.get(r.item.kind) ?? { pass: 0, total: 0 };
    k.total++;
    if (r.pass) k.pass++;
    kinds.set(r.item.kind, k);
  }
  return [...kinds.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([kind, { pass, total }]) => `  ${kind.padEnd(24)} ${pass}/${total}`)
    .join("\n");
}

const items = readItems();
const loaded = await loadKnowledge(KNOWLEDGE);
if (!loaded.ok) throw new Error(`knowledge invalid: ${JSON.stringify(loaded.problems, null, 2)}`);
const index = KnowledgeIndex.build(loaded.knowledge);
const results: Result[] = items.map((item) => {
  const record = toRecord(answerQuestion(index, item.q));
  return { item, record, ...score(item, record) };
});

describe("question set (test/engine/questions.jsonl)", () => {
  it("is well formed and large enough", () => {
    expect(items.length).toBeGreaterThanOrEqual(150);
    expect(items.filter((i) => !i.answerable).length).toBeGreaterThanOrEqual(40);
    for (const item of items) {
      expect(typeof item.q, JSON.stringify(item)).toBe("string");
      expect(typeof item.answerable, JSON.stringify(item)).toBe("boolean");
      expect(typeof item.kind, JSON.stringify(item)).toBe("string");
      if (!item.answerable) expect(item.dates ?? item.keywords, JSON.stringify(item)).toBeUndefined();
    }
  });

  it(`answers at least ${THRESHOLD * 100}% of the items correctly`, () => {
    const failures = results.filter((r) => !r.pass);
    const accuracy = (results.length - failures.length) / results.length;
    const report =
      `accuracy ${(accuracy * 100).toFixed(1)}% (${results.length - failures.length}/${results.length})\n` +
      `per kind:\n${perKind(results)}\n` +
      `failures (${failures.length}):\n${failures.map(describeFailure).join("\n")}`;
    if (accuracy < THRESHOLD) console.log(report);
    expect(accuracy, `accuracy below ${THRESHOLD}; see the report printed above`).toBeGreaterThanOrEqual(
      THRESHOLD,
    );
  });

  it("never answers a question about another pair of countries", () => {
    const wrong = results.filter((r) => r.item.kind === "refusal-other-pair" && r.record.answered);
    expect(wrong.map(describeFailure).join("\n")).toBe("");
  });
});
