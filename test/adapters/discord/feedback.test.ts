/**
 * End to end: feedback through the local fake Discord — the real bot and dispatcher, the
 * writer in its own thread, a real SQLite file (or the machine's PostgreSQL, in a database of
 * the test's own). Votes and the form, /gaps, deleting an answer, RECORD_QUESTIONS=off,
 * retention, and a database that goes away mid-run while every interaction is still answered.
 */
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PermissionFlagsBits } from "discord.js";
import { afterEach, describe, expect, it } from "vitest";
import { userHash } from "../../../src/feedback/records.ts";
import { startBotHarness, type BotHarness, type HarnessOptions } from "../../support/bot-harness.ts";
import { feedbackRows, holdSqliteLock } from "../../support/feedback.ts";
import {
  snowflake,
  type FakeMessage,
  type InteractionHandle,
  type JsonObject,
} from "../../support/fake-discord.ts";
import { createTestDatabase, type TestDatabase } from "../../support/postgres.ts";

const ESTABLISHED = "When were diplomatic relations established?";
const ESTABLISHED_FACT = "af-jp-1931-relations-established";
const ADMIN = { permissions: String(PermissionFlagsBits.ManageGuild) };
const EPHEMERAL = 64;
const SECRET = "the end-to-end tests' secret";
const RECORDING = { RECORD_QUESTIONS: "unanswered", FEEDBACK_SECRET: SECRET };
/** Writes soon and retries soon, and a lock fails fast: the tests need not wait. */
const QUICK: HarnessOptions["feedback"] = {
  writer: { flushMs: 20, busyTimeoutMs: 50, backoffMs: { min: 50, max: 200 } },
};

let current: BotHarness | undefined;
const cleanups: Array<() => Promise<unknown> | unknown> = [];

async function start(options: HarnessOptions): Promise<BotHarness> {
  current = await startBotHarness({ feedback: QUICK, ...options });
  return current;
}

afterEach(async () => {
  const h = current;
  current = undefined;
  await h?.stop();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  if (!h) return;
  expect(h.fake.unhandledRequests.map((r) => `${r.method} ${r.path}`)).toEqual([]);
  const unexpected = h.logs
    .records()
    .filter(
      (r) =>
        Number(r["level"]) >= 50 &&
        r["msg"] !== "feedback database file is damaged: moved it aside and started a fresh one",
    );
  expect(unexpected, "unexpected error logs").toEqual([]);
});

/** The answer's buttons by action: "kz:ask:up:<answer>", "kz:ask:down:<answer>", "kz:ask:del:<owner>". */
function answerButtons(message: FakeMessage): Record<string, string> {
  const ids = message.components
    .flatMap((row) => (Array.isArray(row["components"]) ? (row["components"] as JsonObject[]) : []))
    .map((c) => String(c["custom_id"] ?? ""))
    .filter((id) => id.startsWith("kz:ask:"));
  return Object.fromEntries(ids.map((id) => [id.split(":")[2]!, id]));
}

function textOf(message: FakeMessage): string {
  return [
    message.content,
    ...message.embeds.flatMap((e) => {
      const embed = e as {
        title?: string;
        description?: string;
        fields?: Array<{ name: string; value: string }>;
        footer?: { text: string };
      };
      return [
        embed.title,
        embed.description,
        ...(embed.fields ?? []).flatMap((f) => [f.name, f.value]),
        embed.footer?.text,
      ];
    }),
  ].join("\n");
}

const rows = (h: BotHarness) =>
  feedbackRows(
    h.config.databaseUrl
      ? { kind: "postgres", url: h.config.databaseUrl }
      : { kind: "sqlite", file: join(h.config.dataDir, "kizuna.sqlite") },
  );

const ask = (h: BotHarness, question: string, userId?: string) =>
  h.fake.slashCommand({ name: "ask", options: { question }, ...(userId ? { userId } : {}) }).final();

describe("votes", () => {
  it("WHEN a user presses 👍, then 👎 and says what is wrong THEN the vote is replaced, acknowledged privately, and /gaps shows it to admins only", async () => {
    const h = await start({ env: RECORDING });
    const shown = await ask(h, ESTABLISHED);
    const buttons = answerButtons(shown);
    expect(buttons["up"]).toMatch(/^kz:ask:up:[A-Za-z0-9_-]{11}$/);
    const answerId = buttons["up"]!.split(":")[3]!;
    expect(buttons["down"]).toBe(`kz:ask:down:${answerId}`);
    expect(buttons["del"]).toBe(`kz:ask:del:${h.fake.testerId}`);

    const voter = snowflake();
    const up = h.fake.button({ customId: buttons["up"]!, messageId: shown.id, userId: voter });
    expect(await up.waitCallback()).toMatchObject({ type: 4, data: { flags: EPHEMERAL } });
    expect((await up.final()).content).toMatch(/^Thanks — noted 👍/);

    const down = h.fake.button({ customId: buttons["down"]!, messageId: shown.id, userId: voter });
    expect(await down.modal()).toMatchObject({
      custom_id: `kz:ask:why:${answerId}`,
      title: "What is wrong?",
    });
    const sent = h.fake.submitModal(down, { comment: "It was 1930, not 1931 @everyone" });
    const thanks = await sent.final();
    expect(thanks).toMatchObject({ flags: EPHEMERAL });
    expect(thanks.content).toMatch(/^Thanks — noted 👎/);
    expect(textOf(h.fake.message(shown.id)!)).toBe(textOf(shown)); // the answer itself is untouched

    await h.feedback.flush();
    const { answers, votes } = await rows(h);
    expect(votes).toEqual([
      expect.objectContaining({
        answer_id: answerId,
        voter: userHash(SECRET, voter),
        value: -1,
        comment: "It was 1930, not 1931 @everyone",
        guild_id: h.fake.guildId,
      }),
    ]);
    expect(answers).toEqual([
      expect.objectContaining({
        id: answerId,
        question: ESTABLISHED,
        answered: 1,
        outcome: "fact",
        logged: 0,
      }),
    ]);
    expect(JSON.stringify({ answers, votes })).not.toContain(voter);

    const refused = await h.fake.slashCommand({ name: "gaps" }).final();
    expect(refused).toMatchObject({ flags: EPHEMERAL });
    expect(refused.content).toMatch(/^Only server admins/);
    const gaps = await h.fake.slashCommand({ name: "gaps", ...ADMIN }).final();
    expect(gaps.flags & EPHEMERAL).toBe(EPHEMERAL);
    const text = textOf(gaps);
    expect(text).toContain(`\`${ESTABLISHED_FACT}\` 👎 1 · 👍 0`);
    expect(text).toContain("It was 1930, not 1931 @\u200beveryone"); // shown, never pinging
    expect(text).not.toContain("Asked, not answered");
  });
});

describe("/gaps and 🗑", () => {
  it("WHEN paraphrases are asked by several people in slash and chat THEN they count as one question; 🗑 works for the asker and admins only; retention deletes them", async () => {
    const h = await start({ env: RECORDING });
    const [alice, bob, carol] = [snowflake(), snowflake(), snowflake()];
    await ask(h, "Who won the 2010 World Cup?", alice);
    const chat = h.fake.userMessage({
      content: "who won the world cup in 2010",
      mentionsBot: true,
      userId: bob,
    });
    const chatAnswer = await chat.reply();
    await ask(h, "Who won the 2010 World Cup?", carol);
    await ask(h, "relations between japan and brazil", alice);
    await h.feedback.flush(); // the writer's thread may still be starting on a busy machine

    const gaps = await h.fake.slashCommand({ name: "gaps", options: { days: 7 }, ...ADMIN }).final();
    const lines = textOf(gaps).split("\n");
    expect(lines.find((l) => l.startsWith("**3×**"))).toMatch(
      /^\*\*3×\*\* “Who won the 2010 World Cup\?” — 3 people · 2 wordings · 2010 · last \d{4}-\d\d-\d\d \d\d:\d\d$/,
    );
    expect(lines.find((l) => l.startsWith("**1×**"))).toMatch(/“relations between japan and brazil” — BR–JP/);
    expect(textOf(gaps)).toContain("Gaps — the last 7 days");

    // 🗑 on the chat answer: another member is refused privately; the asker deletes it.
    const del = answerButtons(chatAnswer)["del"]!;
    expect(del).toBe(`kz:ask:del:${bob}`);
    const other = await h.fake.button({ customId: del, messageId: chatAnswer.id, userId: carol }).final();
    expect(other).toMatchObject({ flags: EPHEMERAL });
    expect(other.content).toBe("Only the person who asked, or a server admin, can delete this answer.");
    expect(h.fake.message(chatAnswer.id)).toBeDefined();
    const own = h.fake.button({ customId: del, messageId: chatAnswer.id, userId: bob });
    expect((await own.waitCallback()).type).toBe(6);
    await expect.poll(() => h.fake.message(chatAnswer.id)).toBeUndefined();
    // 🗑 on a slash answer, by an admin who did not ask.
    const slashAnswer = await ask(h, "When did Ayub Khan visit Japan?", alice);
    const byAdmin = h.fake.button({
      customId: answerButtons(slashAnswer)["del"]!,
      messageId: slashAnswer.id,
      userId: carol,
      ...ADMIN,
    });
    expect((await byAdmin.waitCallback()).type).toBe(6);
    await expect.poll(() => h.fake.message(slashAnswer.id)).toBeUndefined();
    // A private answer has no 🗑 (its asker dismisses it), but can be voted on.
    const hidden = await h.fake
      .slashCommand({ name: "ask", options: { question: ESTABLISHED, private: true } })
      .final();
    expect(Object.keys(answerButtons(hidden)).sort()).toEqual(["down", "up"]);

    // Retention: 91 days later the questions are gone.
    expect(await h.feedback.purge(Date.now() + 91 * 86_400_000)).toMatchObject({ answers: 6 });
    const after = await h.fake.slashCommand({ name: "gaps", ...ADMIN }).final();
    expect(textOf(after)).toContain("Nothing to show");
  });

  it("WHEN RECORD_QUESTIONS=off THEN answers carry only 🗑, nothing is recorded, no database is created, and /gaps says recording is off", async () => {
    const h = await start({ env: { RECORD_QUESTIONS: "off" } });
    const unknown = await ask(h, "Who won the 2010 FIFA World Cup?");
    expect(Object.keys(answerButtons(unknown))).toEqual(["del"]);
    const chatAnswer = await h.fake.userMessage({ content: ESTABLISHED, mentionsBot: true }).reply();
    expect(Object.keys(answerButtons(chatAnswer))).toEqual(["del"]);
    // A vote crafted on a message the bot never gave buttons (an old one, or forged).
    const forged = "kz:ask:up:AAAAAAAAAAA";
    const crafted = await h.fake
      .button({
        customId: forged,
        messageId: snowflake(),
        messageComponents: [{ type: 1, components: [{ type: 2, style: 2, custom_id: forged, label: "x" }] }],
      })
      .final();
    expect(crafted.content).toBe("Votes are not recorded on this bot.");
    const gaps = await h.fake.slashCommand({ name: "gaps", ...ADMIN }).final();
    expect(textOf(gaps)).toMatch(/Recording is off \(RECORD_QUESTIONS=off\)/);
    expect(existsSync(join(h.config.dataDir, "kizuna.sqlite"))).toBe(false);
  });
});

describe("a database that goes away", () => {
  /** Asks through every path at once and checks each got its answer. */
  async function everythingAnswered(h: BotHarness): Promise<FakeMessage[]> {
    const slash = ["Who won the 2010 FIFA World Cup?", ESTABLISHED, "What is the capital of France?"].map(
      (q) => h.fake.slashCommand({ name: "ask", options: { question: q } }),
    );
    const chats = ["Brazil Japan relations?", "When did Ayub Khan visit Japan?"].map((q) =>
      h.fake.userMessage({ content: q, mentionsBot: true }),
    );
    const answers = [
      ...(await Promise.all(slash.map((s) => s.final()))),
      ...(await Promise.all(chats.map((c) => c.reply()))),
    ];
    for (const a of answers) expect(a.embeds.length).toBe(1);
    const vote: InteractionHandle = h.fake.button({
      customId: answerButtons(answers[1]!)["up"]!,
      messageId: answers[1]!.id,
    });
    expect((await vote.final()).content).toMatch(/^Thanks/);
    return answers;
  }

  it("WHEN the SQLite file is locked by another program mid-run THEN every interaction is answered, one warning is logged, and the records are written once it is free", async () => {
    const h = await start({ env: RECORDING });
    await ask(h, "Who won the 2010 FIFA World Cup?");
    await h.feedback.flush();
    expect((await rows(h)).answers).toHaveLength(1);

    const release = holdSqliteLock(join(h.config.dataDir, "kizuna.sqlite"));
    cleanups.push(release);
    await everythingAnswered(h);
    await expect.poll(() => h.feedback.health().available).toBe(false);
    // Reading goes on beside another program's write lock: the report shows what was written.
    const gaps = await h.fake.slashCommand({ name: "gaps", ...ADMIN }).final();
    expect(textOf(gaps)).toMatch(/\*\*1×\*\* “Who won the 2010 FIFA World Cup\?”/);

    release();
    await expect.poll(() => h.feedback.health().available, { timeout: 10_000 }).toBe(true);
    await h.feedback.flush();
    const { answers, votes } = await rows(h);
    expect(answers).toHaveLength(6);
    expect(votes).toHaveLength(1);
    expect(h.feedback.counts().dropped).toBe(0);
    expect(h.logs.find("feedback database unavailable; records wait, then are dropped")).toHaveLength(1);
    expect(h.logs.find("feedback database reachable again; recording resumed")).toHaveLength(1);
  });

  it("WHEN PostgreSQL refuses the bot's database mid-run THEN every interaction is answered, and recording resumes when it is back", async () => {
    const database: TestDatabase = await createTestDatabase();
    cleanups.push(() => database.drop());
    cleanups.push(() => database.restore().catch(() => undefined));
    const h = await start({ env: { ...RECORDING, DATABASE_URL: database.url } });
    await ask(h, "Who won the 2010 FIFA World Cup?");
    await h.feedback.flush();
    expect((await rows(h)).answers).toHaveLength(1);

    await database.cut();
    await everythingAnswered(h);
    await expect.poll(() => h.feedback.health().available).toBe(false);

    await database.restore();
    await expect.poll(() => h.feedback.health().available, { timeout: 15_000 }).toBe(true);
    await h.feedback.flush();
    expect((await rows(h)).answers).toHaveLength(6);
    const gaps = await h.fake.slashCommand({ name: "gaps", ...ADMIN }).final();
    expect(textOf(gaps)).toMatch(/\*\*2×\*\* “Who won the 2010 FIFA World Cup\?”/);
    expect(h.logs.lines.join("\n")).not.toContain(database.url);
  });

  it("WHEN the SQLite file is damaged at start THEN it is moved aside with an error naming it, and the bot answers and records on a fresh one", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "kizuna-damaged-"));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    writeFileSync(join(dataDir, "kizuna.sqlite"), "not a database at all\n".repeat(100));
    const h = await start({ env: { ...RECORDING, DATA_DIR: dataDir } });
    await everythingAnswered(h);
    await h.feedback.flush();
    expect((await rows(h)).answers).toHaveLength(5);
    const [error] = h.logs.find("feedback database file is damaged: moved it aside and started a fresh one");
    expect(error).toMatchObject({
      level: 50,
      file: join(dataDir, "kizuna.sqlite"),
      reason: "file is not a database",
    });
    expect(readdirSync(dataDir).some((f) => f.startsWith("kizuna.sqlite.corrupt-"))).toBe(true);
  });
});
