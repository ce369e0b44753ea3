import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ComponentType } from "discord.js";
import { pino } from "pino";
import { beforeAll, describe, expect, it } from "vitest";
import { commands } from "../../src/commands/index.ts";
import { findRelation, parseBound, relationToken } from "../../src/commands/timeline.ts";
import { KnowledgeIndex } from "../../src/index/knowledge-index.ts";
import type { Actor } from "../../src/interactions/command.ts";
import type { Reply } from "../../src/replies/reply.ts";
import { Dispatcher } from "../../src/interactions/dispatcher.ts";
import { loadKnowledge } from "../../src/knowledge/load.ts";
import type { Knowledge } from "../../src/knowledge/types.ts";
import { KnowledgeStore } from "../../src/store/knowledge-store.ts";
import { UserError } from "../../src/errors.ts";
import { pngSize } from "../support/pictures.ts";

const OWNER: Actor = {
  id: "111111111111111111",
  name: "owner",
  isAdmin: false,
  guildId: "222222222222222222",
  locale: "en-US",
};
const OTHER: Actor = { ...OWNER, id: "333333333333333333", name: "other" };

let index: KnowledgeIndex;
let dispatcher: Dispatcher;

function dispatcherFor(knowledge: Knowledge): Dispatcher {
  const store = KnowledgeStore.fromIndex("knowledge", KnowledgeIndex.build(knowledge));
  return new Dispatcher(commands, { store, log: pino({ level: "silent" }), commands: [] });
}

beforeAll(async () => {
  const loaded = await loadKnowledge("knowledge");
  if (!loaded.ok) throw new Error("the repository knowledge must load");
  index = KnowledgeIndex.build(loaded.knowledge);
  dispatcher = dispatcherFor(loaded.knowledge);
});

const buttonIds = (reply: Reply) =>
  (reply.components ?? []).flatMap((row) =>
    row.components.flatMap((c) =>
      c.type === ComponentType.Button && "custom_id" in c && !c.disabled ? [c.custom_id] : [],
    ),
  );
const description = (reply: Reply) => reply.embeds?.[0]?.description ?? "";

describe("findRelation", () => {
  it("GIVEN an id, a title, an alias or the two countries in any order THEN it finds the relation", () => {
    for (const name of [
      "afghanistan-japan",
      "Afghanistan–Japan relations",
      "日本とアフガニスタンの関係",
      "Japan Afghanistan",
    ])
      expect(findRelation(index, name)?.id).toBe("afghanistan-japan");
  });

  it("GIVEN nothing and a single relation THEN it is the default", () => {
    expect(findRelation(index, undefined)?.id).toBe("afghanistan-japan");
  });

  it("GIVEN an unknown relation THEN a user error names it, escaped", () => {
    expect(() => findRelation(index, "Narnia **x**")).toThrow(UserError);
    expect(() => findRelation(index, "Narnia **x**")).toThrow(/Narnia \\\*\\\*x\\\*\\\*/);
  });
});

describe("parseBound", () => {
  it("GIVEN a year, an EDTF month, a decade or a month name THEN it gives the span", () => {
    expect(new Date(parseBound("from", "1960")!.min).getUTCFullYear()).toBe(1960);
    expect(new Date(parseBound("from", "2022-09")!.min).toISOString()).toBe("2022-09-01T00:00:00.000Z");
    expect(new Date(parseBound("to", "1970s")!.max).getUTCFullYear()).toBe(1979);
    expect(new Date(parseBound("to", "September 2022")!.max).toISOString()).toBe("2022-09-30T23:59:59.999Z");
  });

  it("GIVEN text that is not a date THEN a user error says what is accepted", () => {
    expect(() => parseBound("from", "soon")).toThrow(/from: “soon” is not a year, month or decade/);
  });
});

describe("/timeline", () => {
  it("GIVEN the relation THEN page 1 of several has a Next button owned by the invoker", async () => {
    const reply = await dispatcher.command("timeline", {}, OWNER);
    expect(reply.embeds?.[0]?.footer?.text).toMatch(/^page 1 of \d+/);
    const [next] = buttonIds(reply);
    expect(next).toMatch(new RegExp(`^kz:timeline:page:${OWNER.id}:2:`));
  });

  it("WHEN the owner presses Next THEN the message shows page 2; WHEN another user does THEN they are refused privately", async () => {
    const first = await dispatcher.command("timeline", {}, OWNER);
    const next = buttonIds(first)[0]!;
    const mine = await dispatcher.component(next, [], OWNER);
    expect("update" in mine && mine.update.embeds?.[0]?.footer?.text).toMatch(/^page 2 of/);
    expect(description("update" in mine ? mine.update : first)).not.toBe(description(first));
    const theirs = await dispatcher.component(next, [], OTHER);
    expect("reply" in theirs && theirs.reply.ephemeral).toBe(true);
    expect("reply" in theirs && theirs.reply.content).toMatch(/Only the person who ran this/);
  });

  it("GIVEN from and to THEN only facts in the range are listed and paging keeps the range", async () => {
    const reply = await dispatcher.command("timeline", { from: "1960", to: "1980" }, OWNER);
    expect(description(reply)).toContain("1969");
    expect(description(reply)).toContain("1979");
    expect(description(reply)).not.toContain("1959");
    expect(reply.embeds?.[0]?.title).toBe("Afghanistan–Japan relations (1960 – 1980)");
  });

  it("GIVEN from after to THEN a user error", async () => {
    const reply = await dispatcher.command("timeline", { from: "1990", to: "1980" }, OWNER);
    expect(reply).toMatchObject({ ephemeral: true, content: "from: must not be after to." });
  });

  it("GIVEN a relation with a long id and a range THEN every button id fits Discord's 100 characters and pages", async () => {
    const loaded = await loadKnowledge("knowledge");
    if (!loaded.ok) throw new Error("load");
    const long = "saint-vincent-and-the-grenadines-bosnia-and-herzegovina-relations";
    const relation = { ...loaded.knowledge.relations[0]!, id: long };
    const knowledge = {
      ...loaded.knowledge,
      relations: [relation],
      facts: loaded.knowledge.facts.map((f) => ({ ...f, relationId: long })),
    };
    const d = dispatcherFor(knowledge);
    const reply = await d.command("timeline", { from: "16 February 1000", to: "16 February 2025" }, OWNER);
    const ids = buttonIds(reply);
    expect(ids.map((id) => id.split(":")[2])).toEqual(["page", "picture"]);
    for (const id of ids) expect(id.length).toBeLessThanOrEqual(100);
    for (const id of ids) expect(id).toContain(relationToken(long));
    const next = await d.component(ids[0]!, [], OWNER);
    expect("update" in next && next.update.embeds?.[0]?.footer?.text).toMatch(/^page 2 of/);
  });
});

describe("/timeline over several relations", () => {
  let several: KnowledgeIndex;
  let multi: Dispatcher;
  beforeAll(async () => {
    const dir = await mkdtemp(join(tmpdir(), "kizuna-timeline-"));
    await cp("knowledge", dir, { recursive: true });
    await cp("test/fixtures/knowledge/confusable", dir, { recursive: true });
    const loaded = await loadKnowledge(dir);
    await rm(dir, { recursive: true, force: true });
    if (!loaded.ok) throw new Error("the fixtures must load");
    several = KnowledgeIndex.build(loaded.knowledge);
    multi = dispatcherFor(loaded.knowledge);
  });

  it("GIVEN one country that only one relation involves THEN that relation; GIVEN one that several do THEN a user error naming them", () => {
    expect(findRelation(several, "germany")?.id).toBe("germany-japan");
    expect(findRelation(several, "Pakistan")?.id).toBe("afghanistan-pakistan");
    expect(() => findRelation(several, "japan")).toThrow(
      /3 relations involve that country: `afghanistan-japan`, `germany-japan`, `mongolia-japan`/,
    );
  });

  it("GIVEN no relation and several loaded THEN one timeline of all, each fact labelled with its relation, paged", async () => {
    const reply = await multi.command("timeline", {}, OWNER);
    const embed = reply.embeds?.[0];
    expect(embed?.title).toBe("All relations");
    expect(embed?.description).toMatch(/24 January 1861.*Germany–Japan relations/s);
    expect(embed?.footer?.text).toMatch(/page 1 of \d+ · 48 facts/);
    const next = buttonIds(reply).find((id) => id.includes(":page:"));
    expect(next).toMatch(/:\*$/);
    const page2 = await multi.component(next!, [], OWNER);
    expect("update" in page2 && page2.update.embeds?.[0]?.title).toBe("All relations");
  });

  it("GIVEN a Japanese client THEN the headers, labels and statements are Japanese", async () => {
    const reply = await multi.command(
      "timeline",
      { relation: "afghanistan-japan" },
      { ...OWNER, locale: "ja" },
    );
    const embed = reply.embeds?.[0];
    expect(embed?.title).toBe("アフガニスタンと日本の関係");
    expect(embed?.description).toContain("紀元前2000年");
    expect(embed?.footer?.text).toMatch(/^1／\d+ページ · 30件 · 知識 /);
  });
});

describe("/timeline picture", () => {
  it("GIVEN picture:true THEN the reply attaches a PNG and its embed shows it", async () => {
    const reply = await dispatcher.command("timeline", { picture: true, from: "2000" }, OWNER);
    const [file] = reply.files ?? [];
    expect(file?.name).toBe("timeline-afghanistan-japan.png");
    expect(pngSize(file!.data).width).toBe(1200);
    expect(reply.embeds?.[0]).toMatchObject({
      title: "Afghanistan–Japan relations (2000 – …)",
      image: { url: "attachment://timeline-afghanistan-japan.png" },
    });
    expect(reply.embeds?.[0]?.footer?.text).toMatch(/^\d+ dated facts · .* · knowledge /);
  });

  it("GIVEN a period without dated facts THEN a notice, no picture", async () => {
    const reply = await dispatcher.command("timeline", { picture: true, from: "1800", to: "1850" }, OWNER);
    expect(reply).toMatchObject({
      ephemeral: true,
      content: "There are no dated facts in that period to draw.",
    });
    expect(reply.files).toBeUndefined();
  });

  it("GIVEN the 📈 Picture button of a text page THEN anyone gets the picture of that page's period, privately", async () => {
    const page = await dispatcher.command("timeline", { from: "1960", to: "1980" }, OWNER);
    const pictureId = buttonIds(page).find((id) => id.startsWith("kz:timeline:picture:"))!;
    const result = await dispatcher.component(pictureId, [], OTHER);
    const reply = "reply" in result ? result.reply : undefined;
    expect(reply?.ephemeral).toBe(true);
    expect(reply?.embeds?.[0]?.title).toBe("Afghanistan–Japan relations (1960 – 1980)");
    expect(pngSize(reply!.files![0]!.data).width).toBe(1200);
  });
});

describe("/timeline custom ids", () => {
  it("GIVEN a 40-character relation id, the widest bounds and a 20-digit user THEN every id fits in 100 characters", async () => {
    const loaded = await loadKnowledge("knowledge");
    if (!loaded.ok) throw new Error("load");
    const id = "afghanistan-japan-relations-1880-to-2040";
    const relation = { ...loaded.knowledge.relations[0]!, id };
    const d = dispatcherFor({
      ...loaded.knowledge,
      relations: [relation],
      facts: loaded.knowledge.facts.map((f) => ({ ...f, relationId: id })),
    });
    const user = { ...OWNER, id: "12345678901234567890" };
    const reply = await d.command("timeline", { from: "-1999", to: "2099" }, user);
    expect(reply.content ?? "").not.toMatch(/went wrong/);
    for (const button of buttonIds(reply)) expect(button.length).toBeLessThanOrEqual(100);
  });

  it("GIVEN a crafted page or bounds THEN the first page and no bounds, never NaN", async () => {
    const result = await dispatcher.component(
      `kz:timeline:page:${OWNER.id}:1.5:!!:??:afghanistan-japan`,
      [],
      OWNER,
    );
    const update = "update" in result ? result.update : undefined;
    expect(update?.embeds?.[0]?.title).toBe("Afghanistan–Japan relations");
    expect(update?.embeds?.[0]?.footer?.text).toMatch(/^page 1 of/);
  });
});
