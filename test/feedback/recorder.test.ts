/**
 * The recorder as the bot uses it: answers and votes in, records written by the writer's own
 * thread into a real SQLite file, as RECORD_QUESTIONS says; what the database holds is read
 * back with a connection of the test's own.
 */
import { existsSync, rmSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { RecordQuestions } from "../../src/config.ts";
import { answerQuestion } from "../../src/engine/engine.ts";
import type { DatabaseTarget } from "../../src/feedback/database.ts";
import { FeedbackRecorder } from "../../src/feedback/recorder.ts";
import { userHash } from "../../src/feedback/records.ts";
import { KnowledgeIndex } from "../../src/index/knowledge-index.ts";
import type { Actor } from "../../src/interactions/command.ts";
import { loadKnowledge } from "../../src/knowledge/load.ts";
import { LogCapture } from "../support/bot-harness.ts";
import { feedbackRows } from "../support/feedback.ts";

const SECRET = "the recorder tests' secret";
const ASKER: Actor = {
  id: "111111111111111111",
  name: "a",
  isAdmin: false,
  guildId: "222222222222222222",
  locale: "en-US",
};
const VOTER: Actor = { ...ASKER, id: "333333333333333333" };
const DYING = new URL("../support/dying-feedback-writer.mjs", import.meta.url);

let index: KnowledgeIndex;
let dir: string;
let target: DatabaseTarget & { kind: "sqlite" };
const recorders: FeedbackRecorder[] = [];

beforeAll(async () => {
  const loaded = await loadKnowledge("knowledge");
  if (!loaded.ok) throw new Error("the repository knowledge must load");
  index = KnowledgeIndex.build(loaded.knowledge);
});

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "kizuna-recorder-"));
  target = { kind: "sqlite", file: join(dir, "kizuna.sqlite") };
});

afterEach(async () => {
  for (const r of recorders.splice(0)) await r.close();
  await rm(dir, { recursive: true, force: true });
});

function start(mode: RecordQuestions, extra: { entry?: URL; logs?: LogCapture } = {}) {
  const log = pino({ level: "debug" }, extra.logs ?? { write: () => undefined });
  const recorder = FeedbackRecorder.start({
    mode,
    target,
    secret: SECRET,
    retentionDays: 90,
    log,
    restartMs: 50,
    ...(extra.entry ? { entry: extra.entry } : {}),
  });
  recorders.push(recorder);
  return recorder;
}

const ask = (recorder: FeedbackRecorder, question: string, actor = ASKER) =>
  recorder.answered(answerQuestion(index, question), index, actor);

const rows = () => feedbackRows(target);

describe("GIVEN RECORD_QUESTIONS=unanswered (the default)", () => {
  it("WHEN questions are answered THEN the unanswered ones are logged with the engine's analysis; answered ones are kept only for votes; empty ones not at all", async () => {
    const recorder = start("unanswered");
    const unknown = ask(recorder, "Who won the 2010 FIFA World Cup?");
    const uncovered = ask(recorder, "relations between japan and brazil");
    const known = ask(recorder, "When were diplomatic relations established?");
    expect(ask(recorder, "???")).toBeUndefined();
    for (const id of [unknown, uncovered, known]) expect(id).toMatch(/^[A-Za-z0-9_-]{11}$/);
    await recorder.flush();

    const { answers, facts } = await rows();
    expect(answers).toEqual([
      expect.objectContaining({
        id: unknown,
        question: "Who won the 2010 FIFA World Cup?",
        answered: 0,
        outcome: "unknown",
        period: "2010",
        countries: "",
        logged: 1,
        guild_id: ASKER.guildId,
        asker: userHash(SECRET, ASKER.id),
        version: index.version,
      }),
      expect.objectContaining({ id: uncovered, outcome: "uncovered", countries: "BR,JP", logged: 1 }),
      expect.objectContaining({ id: known, answered: 1, outcome: "fact", logged: 0, asker: null }),
    ]);
    expect(answers[0]!.group_key).toContain("cup");
    expect(facts).toEqual([{ answer_id: known, position: 0, fact_id: "af-jp-1931-relations-established" }]);
    expect(recorder.counts()).toMatchObject({ written: 3, dropped: 0, pending: 0 });
  });

  it("WHEN a vote comes THEN a 👎's comment is cleaned and cut to 500 characters, a 👍 has none, and crafted answer ids are ignored", async () => {
    const recorder = start("unanswered");
    const known = ask(recorder, "When were diplomatic relations established?")!;
    recorder.vote({
      answerId: known,
      actor: VOTER,
      up: false,
      comment: `wrong\u0000 \u202eyear ${"x".repeat(6_000)}`,
    });
    recorder.vote({ answerId: known, actor: ASKER, up: true, comment: "ignored" });
    const emoji = { ...VOTER, id: "444444444444444444" };
    recorder.vote({ answerId: known, actor: emoji, up: false, comment: `${"z".repeat(499)}😀` });
    recorder.vote({ answerId: "../../etc/passwd", actor: ASKER, up: false });
    recorder.vote({ answerId: `${known}x`, actor: ASKER, up: false });
    await recorder.flush();
    const { votes } = await rows();
    expect(votes).toHaveLength(3);
    // Cut at 500 without splitting the emoji in two.
    expect(votes.find((v) => v.voter === userHash(SECRET, emoji.id))?.comment).toBe("z".repeat(499));
    const down = votes.find((v) => v.value === -1 && v.voter === userHash(SECRET, VOTER.id))!;
    expect(down.comment!.length).toBe(500);
    expect(down.comment!.startsWith("wrong year xxx")).toBe(true);
    expect(votes.find((v) => v.value === 1)).toMatchObject({
      comment: null,
      voter: userHash(SECRET, ASKER.id),
    });
    const report = await recorder.report(30, ASKER.guildId);
    expect(report.disliked).toEqual([
      {
        factId: "af-jp-1931-relations-established",
        down: 2,
        up: 1,
        comments: expect.arrayContaining([down.comment, "z".repeat(499)]),
      },
    ]);
  });
});

describe("GIVEN RECORD_QUESTIONS=all", () => {
  it("WHEN a question is answered THEN it is logged too", async () => {
    const recorder = start("all");
    ask(recorder, "When were diplomatic relations established?");
    await recorder.flush();
    expect((await rows()).answers).toEqual([
      // Logged, but not analysed for grouping: /gaps groups only what was not answered.
      expect.objectContaining({
        answered: 1,
        logged: 1,
        asker: userHash(SECRET, ASKER.id),
        countries: "AF,JP",
        group_key: null,
      }),
    ]);
  });
});

describe("GIVEN RECORD_QUESTIONS=off", () => {
  it("WHEN questions are asked and votes crafted THEN no ids are given, nothing is recorded and no database is created", async () => {
    const recorder = start("off");
    expect(recorder.votes).toBe(false);
    expect(ask(recorder, "Who won the 2010 FIFA World Cup?")).toBeUndefined();
    recorder.vote({ answerId: "AAAAAAAAAAA", actor: VOTER, up: false, comment: "x" });
    await expect(recorder.flush()).rejects.toThrow(/not running/);
    expect(existsSync(target.file)).toBe(false);
    expect(recorder.health()).toMatchObject({ recording: "off", dropped: 0 });
  });

  it("WHEN a database from before exists THEN nothing is added, and retention still deletes what is old", async () => {
    const before = start("unanswered");
    ask(before, "Who won the 2010 FIFA World Cup?");
    await before.flush();
    await before.close();
    const recorder = start("off");
    ask(recorder, "What is the capital of France?");
    expect(await recorder.purge(Date.now() + 91 * 86_400_000)).toEqual({ answers: 1, votes: 0 });
    expect((await rows()).answers).toEqual([]);
  });
});

describe("GIVEN the writer's thread dies", () => {
  it("WHEN records come meanwhile THEN they are dropped and counted, the thread is started again, and recording resumes", async () => {
    const logs = new LogCapture();
    writeFileSync(`${target.file}.die`, "");
    const recorder = start("unanswered", { entry: DYING, logs });
    ask(recorder, "Who won the 2010 FIFA World Cup?");
    await expect
      .poll(() => logs.find("the feedback writer stopped; starting it again shortly").length)
      .toBeGreaterThan(0);
    rmSync(`${target.file}.die`);
    ask(recorder, "What is the capital of France?"); // may arrive while no thread runs: counted if lost
    await expect.poll(() => recorder.health().available, { timeout: 10_000 }).toBe(true);
    ask(recorder, "How many Afghan students study in Japan?");
    await recorder.flush();
    const questions = (await rows()).answers.map((a) => a.question);
    expect(questions).toContain("How many Afghan students study in Japan?");
    expect(questions).not.toContain("Who won the 2010 FIFA World Cup?");
    expect(recorder.counts().dropped + questions.length).toBe(3);
  });
});
