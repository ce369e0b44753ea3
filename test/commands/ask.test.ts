/**
 * /ask's buttons and form, through the dispatcher: with recording (a real recorder writing a
 * SQLite file in a temporary folder) and without.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chat, commands } from "../../src/commands/index.ts";
import { openDatabase } from "../../src/feedback/database.ts";
import { FeedbackRecorder } from "../../src/feedback/recorder.ts";
import { KnowledgeIndex } from "../../src/index/knowledge-index.ts";
import type { Actor } from "../../src/interactions/command.ts";
import { Dispatcher } from "../../src/interactions/dispatcher.ts";
import { loadKnowledge } from "../../src/knowledge/load.ts";
import type { Reply } from "../../src/replies/reply.ts";
import { KnowledgeStore } from "../../src/store/knowledge-store.ts";

const ASKER: Actor = {
  id: "111111111111111111",
  name: "m",
  isAdmin: false,
  guildId: "222222222222222222",
  locale: "en-US",
};
const OTHER: Actor = { ...ASKER, id: "999999999999999999" };
const ADMIN: Actor = { ...OTHER, isAdmin: true };
const log = pino({ level: "silent" });

let store: KnowledgeStore;
let dir: string;
let recorder: FeedbackRecorder;
let plain: Dispatcher;
let recording: Dispatcher;

beforeAll(async () => {
  const loaded = await loadKnowledge("knowledge");
  if (!loaded.ok) throw new Error("the repository knowledge must load");
  store = KnowledgeStore.fromIndex("knowledge", KnowledgeIndex.build(loaded.knowledge));
  dir = await mkdtemp(join(tmpdir(), "kizuna-ask-"));
  recorder = FeedbackRecorder.start({
    mode: "unanswered",
    target: { kind: "sqlite", file: join(dir, "kizuna.sqlite") },
    secret: "the ask tests' secret value",
    retentionDays: 90,
    log,
  });
  plain = new Dispatcher(commands, { store, log, commands: [] }, { chat });
  recording = new Dispatcher(commands, { store, log, commands: [], feedback: recorder }, { chat });
});

afterAll(async () => {
  await recorder.close();
  await rm(dir, { recursive: true, force: true });
});

const ids = (reply: Reply | null) =>
  (reply?.components ?? []).flatMap((row) =>
    row.components.map((c) => ("custom_id" in c ? c.custom_id : "")),
  );

describe("the buttons under an answer", () => {
  it("GIVEN recording THEN /ask and chat answers carry 👍 👎 🗑; a private one no 🗑; a picked fact only 🗑", async () => {
    const asked = ids(
      await recording.command("ask", { question: "When were relations established?" }, ASKER),
    );
    expect(asked).toEqual([
      expect.stringMatching(/^kz:ask:up:[\w-]{11}$/),
      expect.stringMatching(/^kz:ask:down:[\w-]{11}$/),
      `kz:ask:del:${ASKER.id}`,
    ]);
    expect(ids(await recording.chat("When were relations established?", ASKER))).toHaveLength(3);
    const hidden = ids(
      await recording.command("ask", { question: "When were relations established?", private: true }, ASKER),
    );
    expect(hidden.map((id) => id.split(":")[2])).toEqual(["up", "down"]);
    const picked = ids(
      await recording.command("ask", { question: "fact:af-jp-1931-relations-established" }, ASKER),
    );
    expect(picked).toEqual([`kz:ask:del:${ASKER.id}`]);
    // An unknown answer keeps its menu of nearest facts first.
    const unknown = ids(await recording.command("ask", { question: "Who won the 2010 World Cup?" }, ASKER));
    expect(unknown[0]).toBe("kz:fact:show");
    expect(unknown.slice(1).map((id) => id.split(":")[2])).toEqual(["up", "down", "del"]);
  });

  it("GIVEN 🗑 THEN the asker and admins may delete the answer, anyone else is refused privately", async () => {
    const del = `kz:ask:del:${ASKER.id}`;
    expect(await plain.component(del, [], ASKER)).toEqual({ delete: true });
    expect(await plain.component(del, [], ADMIN)).toEqual({ delete: true });
    expect(await plain.component(del, [], OTHER)).toEqual({
      reply: {
        content: "Only the person who asked, or a server admin, can delete this answer.",
        ephemeral: true,
      },
    });
  });

  it("GIVEN 👍 or 👎 without recording THEN votes are refused politely", async () => {
    for (const id of ["kz:ask:up:AAAAAAAAAAA", "kz:ask:down:AAAAAAAAAAA"])
      expect(await plain.component(id, [], ASKER)).toEqual({
        reply: { content: "Votes are not recorded on this bot.", ephemeral: true },
      });
    expect(await plain.modalSubmit("kz:ask:why:AAAAAAAAAAA", new Map(), ASKER)).toEqual({
      reply: { content: "Votes are not recorded on this bot.", ephemeral: true },
    });
  });

  it("GIVEN crafted answer ids THEN the button and the form refuse them", async () => {
    for (const id of [
      "kz:ask:up:",
      "kz:ask:up:short",
      "kz:ask:down:../../../etc",
      "kz:ask:up:AAAAAAAAAAAA",
    ]) {
      expect(await recording.component(id, [], ASKER)).toEqual({
        reply: { content: "That button no longer works; ask again.", ephemeral: true },
      });
    }
    expect(await recording.modalSubmit("kz:ask:why:nope", new Map([["comment", "x"]]), ASKER)).toEqual({
      reply: { content: "That button no longer works; ask again.", ephemeral: true },
    });
  });

  it("GIVEN 👎 THEN the form opens; sending it (6 000 characters, control characters) records a cleaned comment of 500", async () => {
    const reply = await recording.command("ask", { question: "When were relations established?" }, ASKER);
    const answerId = ids(reply)[0]!.split(":")[3]!;
    const opened = await recording.component(`kz:ask:down:${answerId}`, [], OTHER);
    expect(opened).toMatchObject({ modal: { custom_id: `kz:ask:why:${answerId}`, title: "What is wrong?" } });
    const sent = await recording.modalSubmit(
      `kz:ask:why:${answerId}`,
      new Map([["comment", `\u0000wrong\u202e ${"y".repeat(6_000)}`]]),
      OTHER,
    );
    expect(sent).toMatchObject({
      reply: { ephemeral: true, content: expect.stringMatching(/^Thanks — noted 👎/) },
    });
    await recorder.flush();
    const open = await openDatabase({ kind: "sqlite", file: join(dir, "kizuna.sqlite") });
    try {
      const vote = await open.db
        .selectFrom("votes")
        .selectAll()
        .where("answer_id", "=", answerId)
        .executeTakeFirstOrThrow();
      expect(vote.value).toBe(-1);
      expect(vote.comment).toHaveLength(500);
      expect(vote.comment!.startsWith("wrong yyy")).toBe(true);
    } finally {
      await open.close();
    }
  });
});
