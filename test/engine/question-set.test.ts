/**
 * Question sets: questions written the way users ask (paraphrases, phrasal verbs, typos, lower
 * case, counts, lists, several questions in one, wrong-person and wrong-direction traps,
 * Japanese, two relations that share names), answered by the real engine over real
 * knowledge files. Every item must pass — any regression fails the test:
 * - answerable: answered, and (if `dates`) one date starts the record's `date` or stands in the
 *   answer text, and (if `keywords`) every group has a member in the answer text (case and
 *   accents ignored);
 * - unanswerable: not answered;
 * - `hard`: what the engine cannot do yet (README, "What it cannot do yet"): it may say it does
 *   not know, but an answer must be the right one — never a wrong answer with a real citation.
 */
import { cp, mkdtemp, rm } from "node:fs/promises";
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { answerQuestion } from "../../src/engine/engine.ts";
import { KnowledgeIndex } from "../../src/index/knowledge-index.ts";
import { loadKnowledge } from "../../src/knowledge/load.ts";
import { toRecord, type AnswerRecord } from "../../src/replies/text.ts";

interface Item {
  q: string;
  answerable: boolean;
  dates?: string[];
  keywords?: string[][];
  kind: string;
  hard?: boolean;
}

interface Result {
  item: Item;
  record: AnswerRecord;
  pass: boolean;
  why: string;
}

const KNOWLEDGE = fileURLToPath(new URL("../../knowledge", import.meta.url));
const CONFUSABLE = fileURLToPath(new URL("../fixtures/knowledge/confusable", import.meta.url));

function readItems(file: string): Item[] {
  return readFileSync(fileURLToPath(new URL(file, import.meta.url)), "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line, i) => {
      try {
        return JSON.parse(line) as Item;
      } catch (error) {
        throw new Error(`${file} line ${i + 1}: ${(error as Error).message}`);
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

/** Right: the answer the item expects (whatever the item's kind). */
function right(item: Item, record: AnswerRecord): { pass: boolean; why: string } {
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

function score(item: Item, record: AnswerRecord): { pass: boolean; why: string } {
  const verdict = right(item, record);
  // A hard item may be refused; answered, it must be answered right.
  if (item.hard && !record.answered) return { pass: true, why: "" };
  return verdict;
}

function describeFailure(r: Result): string {
  const got = `answered=${r.record.answered} date=${r.record.date ?? "null"} answer=${JSON.stringify(r.record.answer.slice(0, 160))}`;
  return `  [${r.item.kind}] ${JSON.stringify(r.item.q.length > 120 ? `${r.item.q.slice(0, 120)}…` : r.item.q)}\n    why: ${r.why}\n    got: ${got}`;
}

async function indexOf(...dirs: string[]): Promise<KnowledgeIndex> {
  let dir = dirs[0]!;
  if (dirs.length > 1) {
    dir = await mkdtemp(join(tmpdir(), "kizuna-questions-"));
    for (const d of dirs) await cp(d, dir, { recursive: true });
    temp.push(dir);
  }
  const loaded = await loadKnowledge(dir);
  if (!loaded.ok) throw new Error(`knowledge invalid: ${JSON.stringify(loaded.problems, null, 2)}`);
  return KnowledgeIndex.build(loaded.knowledge);
}
const temp: string[] = [];
afterAll(async () => {
  for (const dir of temp) await rm(dir, { recursive: true, force: true });
});

const SETS = [
  { file: "./questions.jsonl", knowledge: [KNOWLEDGE], min: 300, refusals: 60 },
  { file: "./questions-ja.jsonl", knowledge: [KNOWLEDGE], min: 40, refusals: 10 },
  { file: "./questions-relations.jsonl", knowledge: [KNOWLEDGE, CONFUSABLE], min: 20, refusals: 5 },
] as const;

describe.each(SETS)("question set $file", ({ file, knowledge, min, refusals }) => {
  const items = readItems(file);

  it("is well formed and large enough", () => {
    expect(items.length).toBeGreaterThanOrEqual(min);
    expect(items.filter((i) => !i.answerable).length).toBeGreaterThanOrEqual(refusals);
    for (const item of items) {
      expect(typeof item.q, JSON.stringify(item)).toBe("string");
      expect(typeof item.answerable, JSON.stringify(item)).toBe("boolean");
      expect(typeof item.kind, JSON.stringify(item)).toBe("string");
      if (!item.answerable)
        expect(item.dates ?? item.keywords ?? item.hard, JSON.stringify(item)).toBeUndefined();
    }
  });

  it("answers every item as it should (hard items may be refused, never answered wrong)", async () => {
    const index = await indexOf(...knowledge);
    const results: Result[] = items.map((item) => {
      const record = toRecord(answerQuestion(index, item.q));
      return { item, record, ...score(item, record) };
    });
    const failures = results.filter((r) => !r.pass);
    expect(failures.map(describeFailure).join("\n"), `${failures.length} of ${results.length} failed`).toBe(
      "",
    );
  });
});
