/**
 * End to end over HTTP: the real worker (startHttpWorker + the runtime every transport shares)
 * on 127.0.0.1, and the local fake Discord POSTing signed interactions to it as Discord does
 * with an Interactions Endpoint URL, then taking its edits and follow-ups over REST.
 */
import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PermissionFlagsBits } from "discord.js";
import { afterEach, describe, expect, it } from "vitest";
import { defineCommand } from "../../../src/interactions/command.ts";
import { noticeReply } from "../../../src/replies/messages.ts";
import { generateKnowledge, KNOWLEDGE_DIR, loadRealKnowledge } from "../../bench/generate.ts";
import { writeKnowledgeFiles } from "../../bench/knowledge-files.ts";
import {
  startWorkerHarness,
  type WorkerHarness,
  type WorkerHarnessOptions,
} from "../../support/worker-harness.ts";
import type { JsonObject, Signing } from "../../support/fake-discord.ts";

const EPHEMERAL = 64;
const ESTABLISHED = "When were diplomatic relations established?";

let current: WorkerHarness | undefined;
async function start(options: WorkerHarnessOptions = {}): Promise<WorkerHarness> {
  current = await startWorkerHarness(options);
  return current;
}
afterEach(async () => {
  await current?.stop();
  current = undefined;
});

const embedText = (data: JsonObject | undefined) =>
  JSON.stringify((data?.["embeds"] as unknown[] | undefined) ?? []) + String(data?.["content"] ?? "");

/** The text of the last edit of an interaction's reply matching `pattern`, once it came. */
async function editMatching(h: WorkerHarness, token: string, pattern: RegExp): Promise<string> {
  for (let waited = 0; waited < 15_000; waited += 20) {
    const edits = h.fake.requests.filter(
      (r) => r.method === "PATCH" && r.path.includes(token) && r.status === 200,
    );
    const text = edits.map((r) => embedText(r.body as JsonObject)).find((t) => pattern.test(t));
    if (text !== undefined) return text;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`no edit matching ${pattern}`);
}

/** A command whose reply takes `ms`, reporting progress every `stepMs` on the way. */
function slowCommand(ms: number, stepMs = 0, privateReply = false) {
  return defineCommand({
    data: { name: "slow", description: "Takes its time" },
    ...(privateReply ? { privacy: { always: true } as const } : {}),
    async execute({ progress }) {
      const started = Date.now();
      let step = 0;
      while (Date.now() - started < ms) {
        await new Promise((r) => setTimeout(r, stepMs || ms));
        if (stepMs) progress(noticeReply(`step ${++step}`));
      }
      return { ...noticeReply("finally"), ephemeral: privateReply };
    },
  });
}

describe("HTTP worker — Discord's checks", () => {
  it("GIVEN a signed PING THEN it answers PONG", async () => {
    const h = await start();
    expect(await h.fake.postRaw(h.endpoint, JSON.stringify({ id: "1", type: 1 }))).toEqual({
      status: 200,
      body: { type: 1 },
    });
  });

  it.each<Signing>(["none", "forged", "stale", "other-key"])(
    "GIVEN a %s signature THEN 401, and nothing runs, answers or logs an interaction",
    async (signing) => {
      const h = await start();
      const ping = await h.fake.postRaw(h.endpoint, JSON.stringify({ id: "1", type: 1 }), signing);
      expect(ping.status).toBe(401);
      const handle = h.fake.slashCommand({ name: "ask", options: { question: ESTABLISHED }, signing });
      const delivery = await handle.delivery!;
      expect(delivery.status).toBe(401);
      expect(h.fake.requests.filter((r) => r.path.includes(handle.token))).toEqual([]);
      expect(h.logs.find("interaction")).toEqual([]);
    },
  );

  it("GIVEN the same signed interaction twice (a replay) THEN the second gets 401 and runs nothing", async () => {
    const h = await start();
    const first = h.fake.slashCommand({ name: "ask", options: { question: ESTABLISHED } });
    expect((await first.delivery!).status).toBe(200);
    const again = await h.fake.postRaw(h.endpoint, JSON.stringify(first.payload));
    expect(again.status).toBe(401);
    expect(h.logs.find("interaction")).toHaveLength(1);
  });

  it("GIVEN other methods, paths, an oversized body or bad JSON THEN 405, 404, 413, 400", async () => {
    const h = await start();
    const get = await fetch(h.endpoint);
    expect(get.status).toBe(405);
    expect(get.headers.get("allow")).toBe("POST");
    expect((await fetch(`${h.worker.url}/elsewhere`, { method: "POST" })).status).toBe(404);
    const big = await fetch(h.endpoint, { method: "POST", body: "x".repeat(300 * 1024) }).catch(
      () => undefined,
    );
    // The worker answers 413 and closes; a client still sending may see the socket close instead.
    if (big) expect(big.status).toBe(413);
    expect((await h.fake.postRaw(h.endpoint, "{not json")).status).toBe(400);
    const health = await fetch(`${h.worker.url}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: "ok" });
  });
});

describe("HTTP worker — forms and deletions", () => {
  const form = defineCommand({
    data: { name: "form", description: "opens a form" },
    execute: () => ({
      content: "press",
      components: [
        { type: 1, components: [{ type: 2, style: 2, label: "Open", custom_id: "kz:form:open" }] },
      ],
    }),
    components: {
      open: () => ({
        modal: {
          custom_id: "kz:form:sent:x",
          title: "Tell us",
          components: [{ type: 1, components: [{ type: 4, custom_id: "text", label: "Text", style: 2 }] }],
        },
      }),
    },
    modals: { sent: ({ args, fields }) => ({ reply: { content: `${args[0]}:${fields.get("text")}` } }) },
  });

  it("GIVEN a button that opens a form THEN callback 9 with the form; its submission reaches the command", async () => {
    const h = await start({ extraCommands: [form] });
    const message = await h.fake.slashCommand({ name: "form" }).final();
    const open = h.fake.button({ customId: "kz:form:open", messageId: message.id });
    const opened = await open.callback;
    expect(opened.type).toBe(9);
    const sent = h.fake.submitModal(open, { text: "hello" });
    const answer = await sent.callback;
    expect(answer.type).toBe(4);
    expect(answer.data?.["content"]).toBe("x:hello");
    expect(Number(answer.data?.["flags"]) & EPHEMERAL).toBe(EPHEMERAL);
  });

  it("GIVEN the asker's 🗑 under an answer THEN the answer is deleted; anyone else's press is refused", async () => {
    const h = await start();
    const answer = await h.fake.slashCommand({ name: "ask", options: { question: ESTABLISHED } }).final();
    const del = answer.components
      .flatMap((r) => (r as { components: Array<{ custom_id?: string }> }).components)
      .map((c) => c.custom_id ?? "")
      .find((id) => id.startsWith("kz:ask:del:"));
    expect(del).toBeDefined();
    const stranger = h.fake.button({ customId: del!, messageId: answer.id, userId: "300000000000000042" });
    expect(Number((await stranger.callback).data?.["flags"]) & EPHEMERAL).toBe(EPHEMERAL);
    expect(h.fake.message(answer.id)).toBeDefined();
    const press = h.fake.button({ customId: del!, messageId: answer.id });
    expect((await press.callback).type).toBe(6);
    for (let waited = 0; waited < 5_000 && h.fake.message(answer.id); waited += 25)
      await new Promise((r) => setTimeout(r, 25));
    expect(h.fake.message(answer.id)).toBeUndefined();
  });
});

describe("HTTP worker — the same commands as the gateway bot", () => {
  it("GIVEN /ask THEN the HTTP response is the answer, with its date and source, pinging nobody", async () => {
    const h = await start();
    const handle = h.fake.slashCommand({ name: "ask", options: { question: ESTABLISHED } });
    const callback = await handle.callback;
    expect(callback.type).toBe(4);
    expect(embedText(callback.data)).toMatch(/1931/);
    expect(callback.data?.["allowed_mentions"]).toEqual({ parse: [] });
    expect((await handle.final()).flags & EPHEMERAL).toBe(0);
    const [line] = h.logs.find("interaction", { command: "ask", outcome: "ok" });
    expect(line).toBeDefined();
  });

  it("GIVEN /ask private:true THEN only the asker sees it", async () => {
    const h = await start();
    const callback = await h.fake.slashCommand({
      name: "ask",
      options: { question: ESTABLISHED, private: true },
    }).callback;
    expect(Number(callback.data?.["flags"]) & EPHEMERAL).toBe(EPHEMERAL);
  });

  it("GIVEN typing in /ask THEN autocomplete offers the words typed and matching facts", async () => {
    const h = await start();
    const choices = await h.fake
      .autocomplete({ name: "ask", options: { question: "embassy kab" } })
      .choices();
    expect(choices[0]).toEqual({ name: "embassy kab", value: "embassy kab" });
    expect(choices.some((c) => String(c.value).startsWith("fact:"))).toBe(true);
  });

  it("GIVEN /timeline THEN its ▶ button pages the message for its owner and refuses anyone else", async () => {
    const h = await start();
    const timeline = h.fake.slashCommand({ name: "timeline", options: {} });
    const page1 = await timeline.final();
    // Read now: the fake edits the message object in place.
    const footer = (m: { embeds: JsonObject[] }) => String((m.embeds[0]?.["footer"] as JsonObject)["text"]);
    expect(footer(page1)).toMatch(/^page 1 of /);
    const next = (
      page1.components[0] as { components: Array<{ custom_id: string; disabled?: boolean }> }
    ).components.find((c) => !c.disabled && c.custom_id.includes(":page:"));
    expect(next).toBeDefined();
    const press = h.fake.button({ customId: next!.custom_id, messageId: page1.id });
    expect((await press.callback).type).toBe(7);
    expect(footer(await press.final())).toMatch(/^page 2 of /);
    const stranger = h.fake.button({
      customId: (h.fake.message(page1.id)!.components[0] as { components: Array<{ custom_id: string }> })
        .components[0]!.custom_id,
      messageId: page1.id,
      userId: "300000000000000042",
    });
    const refusal = await stranger.callback;
    expect(refusal.type).toBe(4);
    expect(Number(refusal.data?.["flags"]) & EPHEMERAL).toBe(EPHEMERAL);
  });

  it("GIVEN a command slower than the deferral THEN the response defers and the answer is edited in over REST", async () => {
    const h = await start({ extraCommands: [slowCommand(300)], deferAfterMs: 50 });
    const handle = h.fake.slashCommand({ name: "slow" });
    expect((await handle.callback).type).toBe(5);
    expect((await handle.final()).content).toBe("finally");
    const edit = h.fake.requests.find((r) => r.method === "PATCH" && r.path.includes(handle.token));
    expect(edit?.path).toMatch(/\/messages\/@original$/);
    expect(edit?.authorization).toBeUndefined();
  });

  it("GIVEN /timeline picture:true THEN the response defers at once and the PNG is edited in over REST", async () => {
    const h = await start();
    const handle = h.fake.slashCommand({ name: "timeline", options: { picture: true } });
    const delivery = await handle.delivery!;
    expect(delivery.status).toBe(200);
    expect((delivery.response as JsonObject)["type"]).toBe(5);
    for (let waited = 0; waited < 15_000; waited += 50) {
      const edit = h.fake.requests.find(
        (r) => r.method === "PATCH" && r.path.includes(handle.token) && r.uploads.length > 0,
      );
      if (edit) {
        expect(edit.uploads[0]?.name).toMatch(/^timeline-afghanistan-japan\.png$/);
        expect(JSON.stringify(edit.body)).toContain("attachment://timeline-afghanistan-japan.png");
        return;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error("no edit with the picture");
  });

  it("GIVEN a slow private command THEN even the deferral is private", async () => {
    const h = await start({ extraCommands: [slowCommand(200, 0, true)], deferAfterMs: 30 });
    const handle = h.fake.slashCommand({ name: "slow" });
    const callback = await handle.callback;
    expect(callback).toEqual({ type: 5, data: { flags: EPHEMERAL } });
    expect((await handle.final()).flags & EPHEMERAL).toBe(EPHEMERAL);
  });

  it("GIVEN a slow command reporting progress THEN the deferred reply shows it, spaced, and ends with the answer", async () => {
    const h = await start({ extraCommands: [slowCommand(900, 40)], deferAfterMs: 30, progressEveryMs: 250 });
    const handle = h.fake.slashCommand({ name: "slow" });
    await editMatching(h, handle.token, /finally/);
    const edits = h.fake.requests.filter((r) => r.method === "PATCH" && r.path.includes(handle.token));
    const texts = edits.map((r) => embedText(r.body as JsonObject));
    expect(texts.at(-1)).toMatch(/finally/);
    const steps = texts.slice(0, -1);
    expect(steps.length).toBeGreaterThanOrEqual(2);
    expect(steps.every((t) => /step \d+/.test(t))).toBe(true);
    // ~20 reports in 900 ms at most one edit per 250 ms: a handful.
    expect(steps.length).toBeLessThanOrEqual(5);
    for (let i = 1; i < steps.length; i++)
      expect(edits[i]!.at - edits[i - 1]!.at).toBeGreaterThanOrEqual(200);
  });

  it("GIVEN /reload from an admin THEN the deferred reply shows the reload's progress, then the result", async () => {
    const h = await start({ deferAfterMs: 1, progressEveryMs: 1 });
    // A few thousand facts in a few hundred files, all touched: a reload long enough to report on.
    const real = await loadRealKnowledge();
    const bench = generateKnowledge(2_000, { real });
    const generated = await mkdtemp(join(tmpdir(), "kizuna-generated-"));
    const skip = new Set(real.relations.map((r) => r.id));
    await writeKnowledgeFiles(bench.knowledge, generated, KNOWLEDGE_DIR, skip);
    await cp(generated, h.knowledgeDir, { recursive: true });
    await rm(generated, { recursive: true, force: true });
    const handle = h.fake.slashCommand({
      name: "reload",
      permissions: String(PermissionFlagsBits.ManageGuild),
    });
    expect(await handle.callback).toEqual({ type: 5, data: { flags: EPHEMERAL } });
    await editMatching(h, handle.token, /Knowledge reloaded/);
    const edits = h.fake.requests
      .filter((r) => r.method === "PATCH" && r.path.includes(handle.token))
      .map((r) => embedText(r.body as JsonObject));
    expect(
      edits.some((t) => /Reading the knowledge files: \d+ of \d+|Indexing: \d+ of \d+ facts/.test(t)),
    ).toBe(true);
  });

  it("GIVEN /reload from a member without Manage Server THEN it is refused on our side", async () => {
    const h = await start();
    const callback = await h.fake.slashCommand({ name: "reload", permissions: "0" }).callback;
    expect(embedText(callback.data)).toMatch(/Only server admins/);
  });

  it("GIVEN a shutdown with a slow command in flight THEN its answer still arrives", async () => {
    const h = await start({ extraCommands: [slowCommand(400)], deferAfterMs: 50 });
    const handle = h.fake.slashCommand({ name: "slow" });
    expect((await handle.callback).type).toBe(5);
    await h.worker.close(5_000);
    expect((await handle.final()).content).toBe("finally");
  });
});
