import { ComponentType, type APIEmbed } from "discord.js";
import fc from "fast-check";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { answerQuestion } from "../../src/engine/engine.ts";
import type { Answer } from "../../src/engine/types.ts";
import { KnowledgeIndex } from "../../src/index/knowledge-index.ts";
import type { Reply } from "../../src/replies/reply.ts";
import { loadKnowledge } from "../../src/knowledge/load.ts";
import type { Problem } from "../../src/knowledge/problems.ts";
import type { Fact, Knowledge, Relation } from "../../src/knowledge/types.ts";
import {
  answerReply,
  clampEmbed,
  COLORS,
  factReply,
  helpReply,
  noticeReply,
  relationsReply,
  reloadProgressReply,
  reloadReply,
  sourcesReply,
  TIMELINE_PAGE_SIZE,
  timelineReply,
  type TimelinePage,
} from "../../src/replies/messages.ts";
import { LIMITS } from "../../src/replies/safe.ts";
import { NOT_KNOWN } from "../../src/replies/text.ts";

const REPO_KNOWLEDGE = fileURLToPath(new URL("../../knowledge/", import.meta.url));
const WIKIPEDIA = "https://en.wikipedia.org/wiki/Afghanistan%E2%80%93Japan_relations";
const OWNER = "123456789012345678";
/** Mention forms Discord would turn into a ping or a link. */
const LIVE_MENTION = /@(?:everyone|here)|<@[!&]?\d+>|<#\d+>/i;

let knowledge: Knowledge;
let index: KnowledgeIndex;
let relations: readonly Relation[];
beforeAll(async () => {
  const loaded = await loadKnowledge(REPO_KNOWLEDGE);
  if (!loaded.ok) throw new Error("the repository knowledge must load");
  knowledge = loaded.knowledge;
  index = KnowledgeIndex.build(knowledge);
  relations = knowledge.relations;
});

const ask = (question: string) => answerQuestion(index, question);
const fact = (id: string): Fact => {
  const f = index.byId.get(id)?.fact;
  if (!f) throw new Error(`no fact ${id} in the repository knowledge`);
  return f;
};
const only = <T>(items: readonly T[] | undefined): T => {
  expect(items).toHaveLength(1);
  return items![0]!;
};
const embedOf = (reply: Reply): APIEmbed => only(reply.embeds);

function embedLength(e: APIEmbed): number {
  return (
    (e.title?.length ?? 0) +
    (e.description?.length ?? 0) +
    (e.footer?.text.length ?? 0) +
    (e.author?.name.length ?? 0) +
    (e.fields ?? []).reduce((n, f) => n + f.name.length + f.value.length, 0)
  );
}

/** Every Discord limit a reply can break; each failure says which one. */
function expectWithinDiscordLimits(reply: Reply): void {
  if (reply.content !== undefined)
    expect(reply.content.length, "content").toBeLessThanOrEqual(LIMITS.content);
  expect((reply.embeds ?? []).length, "embeds").toBeLessThanOrEqual(10);
  for (const e of reply.embeds ?? []) {
    expect(e.title?.length ?? 0, "embed title").toBeLessThanOrEqual(256);
    expect(e.description?.length ?? 0, "embed description").toBeLessThanOrEqual(4096);
    expect(e.footer?.text.length ?? 0, "embed footer").toBeLessThanOrEqual(2048);
    expect((e.fields ?? []).length, "embed fields").toBeLessThanOrEqual(25);
    for (const f of e.fields ?? []) {
      expect(f.name.length, "field name").toBeGreaterThan(0);
      expect(f.name.length, "field name").toBeLessThanOrEqual(256);
      expect(f.value.length, "field value").toBeGreaterThan(0);
      expect(f.value.length, "field value").toBeLessThanOrEqual(1024);
    }
    expect(embedLength(e), "embed total").toBeLessThanOrEqual(6000);
  }
  expect((reply.components ?? []).length, "action rows").toBeLessThanOrEqual(5);
  for (const row of reply.components ?? []) {
    expect(row.components.length, "components in a row").toBeLessThanOrEqual(5);
    for (const c of row.components) {
      if ("custom_id" in c) expect(c.custom_id.length, "custom id").toBeLessThanOrEqual(100);
      if (c.type === ComponentType.Button && "label" in c && c.label)
        expect(c.label.length, "button label").toBeLessThanOrEqual(80);
      if (c.type === ComponentType.StringSelect) {
        expect(row.components, "a select menu fills its row").toHaveLength(1);
        expect(c.options.length, "select options").toBeGreaterThan(0);
        expect(c.options.length, "select options").toBeLessThanOrEqual(25);
        expect(c.placeholder?.length ?? 0, "placeholder").toBeLessThanOrEqual(150);
        for (const o of c.options) {
          expect(o.label.length, "option label").toBeLessThanOrEqual(100);
          expect(o.value.length, "option value").toBeLessThanOrEqual(100);
          expect(o.description?.length ?? 0, "option description").toBeLessThanOrEqual(100);
        }
      }
    }
  }
}

/** A fact with statement and lists of any size, for limit tests (the loader caps real ones). */
function bigFact(id: string, size: number): Fact {
  const base = fact("af-jp-1907-ayub-khan-visit");
  return {
    ...base,
    id,
    statement: `${"Very long statement with **markdown** and @everyone inside. ".repeat(size)}`,
    people: Array.from({ length: size }, (_, i) => `Person number ${i} with a long name`),
    places: Array.from({ length: size }, (_, i) => `Place number ${i} with a long name`),
    quote: "Quoted\nline ".repeat(size * 20),
  };
}

describe("answerReply — a fact", () => {
  it("GIVEN a question with one answering fact THEN the embed shows the date in bold, the statement and a linked citation", () => {
    const reply = answerReply(ask("When were diplomatic relations established?"), relations);
    const e = embedOf(reply);
    expect(e.title).toBe("When were diplomatic relations established?");
    expect(e.color).toBe(COLORS.answer);
    expect(e.description).toBe(
      `**1931** — Afghanistan and Japan officially established diplomatic relations. [\\[1\\]](${WIKIPEDIA})`,
    );
    expect(e.fields).toEqual([
      { name: "Source", value: `[1] [Afghanistan–Japan relations](${WIKIPEDIA}) — Wikipedia, § Lead` },
    ]);
    expect(e.footer?.text).toBe(
      `Afghanistan–Japan relations · af-jp-1931-relations-established · knowledge ${index.version}`,
    );
    expect(reply.components).toEqual([]);
    expect(reply.ephemeral).toBe(false);
    expectWithinDiscordLimits(reply);
  });

  it("GIVEN a day-precise fact THEN the date reads at day precision", () => {
    const e = embedOf(answerReply(ask("When did Ayub Khan visit Japan?"), relations));
    expect(e.description).toMatch(/^\*\*16 February 1907\*\* — The Afghan general Ayub Khan visited Japan/);
    expect(e.description).toContain(`[\\[1\\]](${WIKIPEDIA})`);
  });

  it("GIVEN ephemeral = true THEN the reply is ephemeral", () => {
    expect(answerReply(ask("When were diplomatic relations established?"), relations, true).ephemeral).toBe(
      true,
    );
  });
});

describe("answerReply — a list", () => {
  it("GIVEN a period question THEN each fact is a bullet with its date and citation, the period in the footer", () => {
    const answer = ask("What happened in the 1970s?");
    expect(answer.kind).toBe("list");
    const e = embedOf(answerReply(answer, relations));
    const lines = e.description!.split("\n");
    expect(lines).toHaveLength(answer.facts.length);
    for (const line of lines)
      expect(line).toMatch(/^• \*\*\d{4}\*\* — .+ \[\\\[1\\\]\]\(https:\/\/en\.wikipedia\.org\/.+\)$/);
    expect(e.description).toContain("**1971** — Japan's Crown Prince Akihito");
    expect(e.footer?.text).toBe(`Afghanistan–Japan relations · the 1970s · knowledge ${index.version}`);
  });

  it("GIVEN more matching facts than shown THEN the last line points to /timeline", () => {
    const answer = ask("What happened since 1900?");
    expect(answer.more).toBeGreaterThan(0);
    const e = embedOf(answerReply(answer, relations));
    expect(e.description!.split("\n").at(-1)).toBe(`…and ${answer.more} more — see \`/timeline\`.`);
  });

  it("GIVEN facts from two sections THEN the sources field numbers both", () => {
    const answer = ask("What happened between 2002 and 2012?");
    expect(answer.citations.length).toBeGreaterThanOrEqual(2);
    const e = embedOf(answerReply(answer, relations));
    expect(e.fields?.[0]?.name).toBe("Sources");
    expect(e.fields?.[0]?.value.split("\n")).toEqual(
      answer.citations.map(
        (c) => `[${c.n}] [Afghanistan–Japan relations](${WIKIPEDIA}) — Wikipedia, § ${c.section}`,
      ),
    );
  });
});

describe("answerReply — no answer", () => {
  it("GIVEN a pair of countries we hold nothing on THEN it says so and lists what is covered", () => {
    const reply = answerReply(ask("What about Brazil and Japan?"), relations);
    const e = embedOf(reply);
    expect(e.color).toBe(COLORS.unknown);
    expect(e.description).toBe(
      `${NOT_KNOWN}\nI hold no facts on Brazil–Japan relations.\nI cover: Afghanistan–Japan relations.`,
    );
    expectWithinDiscordLimits(reply);
  });

  it("GIVEN a period with no facts THEN it says so and offers the nearest facts in a select menu", () => {
    const answer = ask("What happened in 1950?");
    expect(answer.kind).toBe("unknown");
    expect(answer.suggestions.length).toBeGreaterThan(0);
    const reply = answerReply(answer, relations);
    const e = embedOf(reply);
    expect(e.description).toBe(
      `${NOT_KNOWN}\nNothing I hold matches that in 1950.\nI cover: Afghanistan–Japan relations.`,
    );
    expect(e.fields?.[0]?.name).toBe("Nearest facts I hold");
    expect(e.fields?.[0]?.value.split("\n")).toHaveLength(answer.suggestions.length);
    const menu = only(only(reply.components).components);
    expect(menu).toMatchObject({ type: ComponentType.StringSelect, custom_id: "kz:fact:show" });
    if (menu.type !== ComponentType.StringSelect) throw new Error("expected a select menu");
    expect(menu.options.map((o) => o.value)).toEqual(answer.suggestions.map((f) => f.id));
    expect(menu.options[0]?.label).toMatch(/^During World War II · Afghanistan stayed neutral/);
    expectWithinDiscordLimits(reply);
  });

  it("GIVEN an empty question THEN it invites a question, titled 'Question'", () => {
    const e = embedOf(answerReply(ask(""), relations));
    expect(e.title).toBe("Question");
    expect(e.description).toBe(
      'Ask me about relations between countries, e.g. "When were diplomatic relations established?"\nI cover: Afghanistan–Japan relations.',
    );
  });

  it("GIVEN 40 suggestions (more than a select menu holds) THEN the menu keeps 25 and labels stay ≤ 100", () => {
    const answer: Answer = {
      ...ask("asdf qwer"),
      suggestions: Array.from({ length: 40 }, (_, i) => bigFact(`big-${i}`, 3)),
    };
    const reply = answerReply(answer, relations);
    expectWithinDiscordLimits(reply);
    const menu = only(only(reply.components).components);
    if (menu.type !== ComponentType.StringSelect) throw new Error("expected a select menu");
    expect(menu.options).toHaveLength(25);
  });
});

describe("replies — mentions in knowledge text never render as mentions", () => {
  const MENTIONS =
    "<@123456789012345678> <@!123456789012345678> <#123456789012345678> <@&123456789012345678> @everyone @here";

  it("GIVEN a fact whose date wording and statement hold mentions THEN the select menu's labels break them", () => {
    const base = fact("af-jp-1931-relations-established");
    const answer: Answer = {
      ...ask("asdf qwer"),
      suggestions: [{ ...base, when: "@here", statement: `${MENTIONS} met` }],
    };
    const menu = only(only(answerReply(answer, relations).components).components);
    if (menu.type !== ComponentType.StringSelect) throw new Error("expected a select menu");
    expect(menu.options[0]!.label).toContain("<@\u200b123456789012345678>");
    for (const o of menu.options) {
      expect(o.label).not.toMatch(LIVE_MENTION);
      expect(o.label.length).toBeLessThanOrEqual(LIMITS.selectLabel);
    }
  });

  it("GIVEN a period label with mentions THEN the footer breaks them", () => {
    const answered = ask("What happened in the 1970s?");
    expect(answered.answered).toBe(true);
    const reply = answerReply({ ...answered, period: { ...answered.period!, label: MENTIONS } }, relations);
    expect(embedOf(reply).footer?.text).toContain("@\u200beveryone");
    expect(embedOf(reply).footer?.text).not.toMatch(LIVE_MENTION);
  });
});

describe("answerReply — the echoed question is safe", () => {
  it("GIVEN @everyone, a user mention, a role mention and markdown THEN none of it pings or renders", () => {
    const reply = answerReply(
      ask(
        "@everyone <@123456789012345678> <@&234567890123456789> when did **Ayub Khan** visit _Japan_? @here",
      ),
      relations,
    );
    const title = embedOf(reply).title!;
    expect(title).not.toMatch(LIVE_MENTION);
    expect(title).toContain("\\*\\*Ayub Khan\\*\\*");
    expect(title).toContain("\\_Japan\\_");
  });

  it("GIVEN a 10 000-character question THEN the title is cut to 200 characters", () => {
    const e = embedOf(answerReply(ask("why ".repeat(2500)), relations));
    expect(e.title!.length).toBeLessThanOrEqual(200);
    expect(e.title!.endsWith("…")).toBe(true);
  });

  const anyQuestion = fc.oneof(
    { weight: 3, arbitrary: fc.string({ unit: "binary", maxLength: 300 }) },
    { weight: 2, arbitrary: fc.string({ unit: "grapheme", maxLength: 300 }) },
    { weight: 1, arbitrary: fc.string({ unit: "binary", minLength: 2000, maxLength: 10_000 }) },
    {
      weight: 3,
      arbitrary: fc
        .array(
          fc.constantFrom(
            "@everyone",
            "@here",
            "<@123456789012345678>",
            "<@!123456789012345678>",
            "<@&123456789012345678>",
            "when ",
            "Japan ",
            "Afghanistan ",
            "in the 1970s ",
            "after the Fall of Kabul ",
            "between 2002 and 2012 ",
            "2000 BCE ",
            "**",
            "`",
            "\u202e",
            "\u200b",
            "\u0000",
            "🇯🇵",
            "日本とアフガニスタンの関係",
            "افغانستان ",
            "\n",
          ),
          { maxLength: 40 },
        )
        .map((parts) => parts.join("")),
    },
  );

  it("PROPERTY: for any string, answerReply(answerQuestion(…)) never throws, stays within Discord limits and cannot ping", () => {
    fc.assert(
      fc.property(anyQuestion, (question) => {
        const reply = answerReply(answerQuestion(index, question), relations);
        expectWithinDiscordLimits(reply);
        const e = embedOf(reply);
        expect(`${e.title}\n${e.description}`).not.toMatch(/@everyone|@here|<@[!&]?\d/i);
      }),
      { numRuns: 200 },
    );
  });
});

describe("factReply", () => {
  it("GIVEN a fact with people, places and a quote THEN it shows all of them and the source with its license", () => {
    const f = fact("af-jp-1907-ayub-khan-visit");
    const reply = factReply(
      f,
      index.relationById.get(f.relationId),
      index.sourceById.get(f.sourceId),
      index.version,
    );
    const e = embedOf(reply);
    expect(e.title).toBe("16 February 1907");
    expect(e.description).toBe(f.statement);
    expect(e.fields?.map((x) => x.name)).toEqual(["Date", "Relation", "People", "Places", "Quote", "Source"]);
    expect(e.fields?.find((x) => x.name === "People")?.value).toBe("Ayub Khan, Tōgō Heihachirō");
    expect(
      e.fields
        ?.find((x) => x.name === "Quote")
        ?.value.split("\n")
        .every((l) => l.startsWith("> ")),
    ).toBe(true);
    expect(e.fields?.find((x) => x.name === "Source")?.value).toBe(
      `[Afghanistan–Japan relations](${WIKIPEDIA}) — Wikipedia, § Diplomacy (CC BY-SA 4.0)`,
    );
    expect(e.footer?.text).toBe(
      `af-jp-1907-ayub-khan-visit · visit, early-contact · knowledge ${index.version}`,
    );
    expectWithinDiscordLimits(reply);
  });

  it("GIVEN an undated fact without relation or source THEN it says so instead of a date", () => {
    const e = embedOf(factReply(fact("af-jp-ambassador-abdali"), undefined, undefined, "v1"));
    expect(e.title).toBe("Undated fact");
    expect(e.fields?.[0]).toEqual({ name: "Date", value: "Undated in the source", inline: true });
    expect(e.fields?.map((x) => x.name)).not.toContain("Source");
  });

  it("GIVEN a fact with a 'when' wording THEN that wording is the date shown", () => {
    expect(embedOf(factReply(fact("af-jp-1914-earthquake-donation"), undefined, undefined, "v1")).title).toBe(
      "Early 1914",
    );
  });

  it("GIVEN an oversized fact THEN every field is clamped within the limits and mentions are broken", () => {
    const reply = factReply(bigFact("huge", 200), relations[0], knowledge.sources[0], index.version);
    expectWithinDiscordLimits(reply);
    expect(JSON.stringify(reply)).not.toMatch(/@everyone/);
  });
});

describe("timelineReply", () => {
  const page = (p: number, pages: number, extra: Partial<TimelinePage> = {}): Reply => {
    const facts = knowledge.facts.slice((p - 1) * TIMELINE_PAGE_SIZE, p * TIMELINE_PAGE_SIZE);
    return timelineReply({
      relation: relations[0]!,
      facts,
      page: p,
      pages,
      total: knowledge.facts.length,
      pageId: (n) => `kz:timeline:page:${OWNER}:${n}:afghanistan-japan`,
      sources: index.sourceById,
      version: index.version,
      ...extra,
    });
  };
  const buttons = (reply: Reply) =>
    only(reply.components).components.map((c) => {
      if (c.type !== ComponentType.Button || !("custom_id" in c)) throw new Error("expected buttons");
      return { label: c.label, disabled: c.disabled, id: c.custom_id };
    });

  it("GIVEN the first of several pages THEN Previous is disabled and Next is enabled", () => {
    expect(buttons(page(1, 4))).toEqual([
      { label: "◀ Previous", disabled: true, id: `kz:timeline:page:${OWNER}:0:afghanistan-japan` },
      { label: "Next ▶", disabled: false, id: `kz:timeline:page:${OWNER}:2:afghanistan-japan` },
    ]);
  });

  it("GIVEN the last page THEN Next is disabled and Previous is enabled", () => {
    expect(buttons(page(4, 4)).map((b) => [b.label, b.disabled])).toEqual([
      ["◀ Previous", false],
      ["Next ▶", true],
    ]);
  });

  it("GIVEN a middle page THEN both buttons work", () => {
    expect(buttons(page(2, 4)).map((b) => b.disabled)).toEqual([false, false]);
  });

  it("GIVEN a single page THEN there are no buttons", () => {
    expect(page(1, 1).components).toEqual([]);
  });

  it("GIVEN a page THEN each fact is a bullet with its date and citation, the footer shows the page", () => {
    const reply = page(1, 4);
    const e = embedOf(reply);
    expect(e.title).toBe("Afghanistan–Japan relations");
    expect(e.description!.split("\n")).toHaveLength(TIMELINE_PAGE_SIZE);
    expect(e.description).toContain("• **From 2000 BCE onwards** — Evidence of a shared relationship");
    expect(e.description).toMatch(/\[\\\[1\\\]\]\(https:\/\/en\.wikipedia\.org/);
    expect(e.footer?.text).toBe(`page 1 of 4 · ${knowledge.facts.length} facts · knowledge ${index.version}`);
    expectWithinDiscordLimits(reply);
  });

  it("GIVEN a range THEN the title shows it; an open end shows as …", () => {
    expect(embedOf(page(1, 2, { from: "1960", to: "2022" })).title).toBe(
      "Afghanistan–Japan relations (1960 – 2022)",
    );
    expect(embedOf(page(1, 2, { from: "1960" })).title).toBe("Afghanistan–Japan relations (1960 – …)");
  });

  it("GIVEN a range typed with markdown or a mention THEN the title shows it inert", () => {
    const title = embedOf(page(1, 1, { from: "<@123456789012345678>", to: "**1980**" })).title;
    expect(title).not.toMatch(LIVE_MENTION);
    expect(title).toContain("\\*\\*1980\\*\\*");
  });

  it("GIVEN no facts in the period THEN it says so", () => {
    expect(embedOf(page(1, 1, { facts: [], total: 0 })).description).toBe("No facts in that period.");
  });
});

describe("relationsReply, sourcesReply, helpReply", () => {
  it("GIVEN the repository knowledge THEN relations list id, fact count and date span", () => {
    const reply = relationsReply(index);
    const e = embedOf(reply);
    expect(e.title).toBe("Relations I cover (1)");
    expect(e.description).toMatch(
      new RegExp(
        `^• \\*\\*Afghanistan–Japan relations\\*\\* \\(\`afghanistan-japan\`\\) — ${knowledge.facts.length} facts, from 2000 BCE onwards – \\d`,
      ),
    );
    expectWithinDiscordLimits(reply);
  });

  it("GIVEN the repository knowledge THEN sources show link, license and retrieval date", () => {
    const e = embedOf(sourcesReply(index));
    expect(e.title).toBe("Sources (1)");
    expect(e.description).toBe(
      `• [Afghanistan–Japan relations](${WIKIPEDIA}) — Wikipedia; license CC BY-SA 4.0; retrieved 2026-11-28`,
    );
  });

  it("GIVEN the command list THEN help lists each command and the relations, privately", () => {
    const reply = helpReply(
      [
        { name: "ask", description: "Ask a question" },
        { name: "timeline", description: "A relation's facts in date order" },
      ],
      index,
    );
    expect(reply.ephemeral).toBe(true);
    const e = embedOf(reply);
    expect(e.description).toContain("`/ask` — Ask a question");
    expect(e.description).toContain("`/timeline` — A relation's facts in date order");
    expect(e.description).toContain("Relations covered: Afghanistan–Japan relations.");
    expectWithinDiscordLimits(reply);
  });
});

describe("reloadReply", () => {
  it("GIVEN a successful reload THEN it shows versions, counts and the ids added, changed and removed", () => {
    const reply = reloadReply({
      ok: true,
      version: "bbbbbbbbbbbb",
      previousVersion: "aaaaaaaaaaaa",
      added: ["af-jp-new"],
      changed: [],
      removed: Array.from({ length: 12 }, (_, i) => `old-${i}`),
      facts: 31,
      ms: 12.4,
    });
    expect(reply.ephemeral).toBe(true);
    const e = embedOf(reply);
    expect(e.color).toBe(COLORS.ok);
    expect(e.title).toBe("Knowledge reloaded");
    expect(e.description!.split("\n")).toEqual([
      "Version **bbbbbbbbbbbb** (was aaaaaaaaaaaa), 31 facts, in 12 ms.",
      "Added 1: af-jp-new",
      "Changed 0",
      "Removed 12: old-0, old-1, old-2, old-3, old-4, old-5, old-6, old-7, old-8, old-9, …",
    ]);
  });

  it("GIVEN a refused reload THEN it lists each problem with file:line and says the previous version is kept", () => {
    const problems: Problem[] = [
      {
        file: "knowledge/afghanistan-japan.yaml",
        line: 42,
        factId: "af-jp-x",
        message: 'date "1931-13" is not a valid EDTF date',
      },
      { file: "knowledge/brazil-japan.yaml", message: "is not a text file (a NUL byte at offset 4)" },
    ];
    const reply = reloadReply({ ok: false, problems, keptVersion: "aaaaaaaaaaaa", ms: 3 });
    const e = embedOf(reply);
    expect(e.color).toBe(COLORS.error);
    expect(e.title).toBe("Reload refused: 2 problems");
    expect(e.description).toBe(
      [
        '• knowledge/afghanistan-japan.yaml:42: fact "af-jp-x": date "1931-13" is not a valid EDTF date',
        "• knowledge/brazil-japan.yaml: is not a text file (a NUL byte at offset 4)",
        "",
        "Kept the previous knowledge (version aaaaaaaaaaaa); answers go on as before.",
      ].join("\n"),
    );
    expect(reply.ephemeral).toBe(true);
  });

  it("GIVEN one problem THEN the title is singular", () => {
    const reply = reloadReply({
      ok: false,
      problems: [{ file: "knowledge", message: "x" }],
      keptVersion: "v",
      ms: 1,
    });
    expect(embedOf(reply).title).toBe("Reload refused: 1 problem");
  });

  it("GIVEN many long problems THEN the list is cut but 'kept the previous knowledge' always shows", () => {
    const problems: Problem[] = Array.from({ length: 40 }, (_, i) => ({
      file: `knowledge/${"deeply/nested/".repeat(8)}file-${i}.yaml`,
      line: i + 1,
      factId: `fact-${"x".repeat(70)}-${i}`,
      message: `unknown field "statment" (did you mean "statement"?); allowed: ${"field, ".repeat(30)}`,
    }));
    const reply = reloadReply({ ok: false, problems, keptVersion: "aaaaaaaaaaaa", ms: 3 });
    expectWithinDiscordLimits(reply);
    const description = embedOf(reply).description!;
    expect(description).toContain("…and 25 more (run `npm run check-knowledge`).");
    expect(
      description.endsWith("Kept the previous knowledge (version aaaaaaaaaaaa); answers go on as before."),
    ).toBe(true);
  });

  it("GIVEN a problem message with a mention THEN it cannot ping", () => {
    const reply = reloadReply({
      ok: false,
      problems: [{ file: "knowledge/@everyone.yaml", message: "<@123456789012345678>" }],
      keptVersion: "v",
      ms: 1,
    });
    expect(embedOf(reply).description).not.toMatch(LIVE_MENTION);
  });
});

describe("noticeReply and clampEmbed", () => {
  it("GIVEN a notice THEN it is private plain content within 2000 characters", () => {
    expect(noticeReply("Only admins may reload.")).toEqual({
      content: "Only admins may reload.",
      ephemeral: true,
    });
    expect(noticeReply("x".repeat(5000)).content).toHaveLength(2000);
  });

  it("GIVEN 30 short fields THEN clampEmbed keeps the first 25", () => {
    const clamped = clampEmbed({
      fields: Array.from({ length: 30 }, (_, i) => ({ name: `n${i}`, value: "v" })),
    });
    expect(clamped.fields?.map((f) => f.name)).toEqual(Array.from({ length: 25 }, (_, i) => `n${i}`));
  });

  it("GIVEN an embed over every limit THEN clampEmbed brings it within them", () => {
    const clamped = clampEmbed({
      title: "t".repeat(1000),
      description: "d".repeat(10_000),
      fields: Array.from({ length: 30 }, (_, i) => ({ name: `n${i}`.repeat(100), value: "v".repeat(50) })),
      footer: { text: "f".repeat(100) },
    });
    expectWithinDiscordLimits({ embeds: [clamped] });
    expect(clamped.title).toHaveLength(256);
    expect(clamped.description!.length).toBeGreaterThanOrEqual(100);
    expect(clamped.fields!.length).toBeGreaterThan(0);
  });
});

describe("reloadReply — a deployment of several processes", () => {
  const ok = {
    ok: true as const,
    version: "5bf5f1acd195",
    previousVersion: "aaaaaaaaaaaa",
    added: ["af-jp-new"],
    changed: [],
    removed: [],
    facts: 31,
    ms: 12.4,
  };

  it("GIVEN every process on the new version THEN it says so, counting them", () => {
    const ids = ["http@a:1-aaaa", "http@b:2-bbbb", "http@c:3-cccc", "gateway@d:4-dddd"];
    const e = embedOf(
      reloadReply(ok, {
        reached: true,
        version: ok.version,
        processes: ids.map((id) => ({ id, state: "ok" as const, version: ok.version })),
      }),
    );
    expect(e.title).toBe("Knowledge reloaded");
    expect(e.color).toBe(COLORS.ok);
    expect(e.description).toContain("Version **5bf5f1acd195**, **4 of 4** processes.");
  });

  it("GIVEN a process that refused it and one that did not answer THEN both are named with what they serve", () => {
    const e = embedOf(
      reloadReply(ok, {
        reached: true,
        version: ok.version,
        processes: [
          { id: "http@a:1-aaaa", state: "ok", version: ok.version },
          { id: "http@b:2-bbbb", state: "refused", version: "aaaaaaaaaaaa", reason: "knowledge/x.yaml: bad" },
          { id: "gateway@d:4-dddd", state: "silent", version: "aaaaaaaaaaaa" },
        ],
      }),
    );
    expect(e.title).toBe("Knowledge reloaded, not everywhere");
    expect(e.color).toBe(COLORS.unknown);
    expect(e.description).toContain("**1 of 3** processes");
    expect(e.description).toContain(
      "• http@b:2-bbbb refused it: knowledge/x.yaml: bad; it keeps serving aaaaaaaaaaaa",
    );
    expect(e.description).toContain(
      "• gateway@d:4-dddd did not answer in time; it keeps serving aaaaaaaaaaaa",
    );
  });

  it("GIVEN Redis unreachable THEN it says the other processes could not be reached", () => {
    const e = embedOf(reloadReply(ok, { reached: false, why: "Redis is unreachable: connect ECONNREFUSED" }));
    expect(e.title).toBe("Knowledge reloaded, not everywhere");
    expect(e.description).toMatch(
      /Could not reach every process\*\* \(Redis is unreachable: connect ECONNREFUSED\)/,
    );
  });

  it("GIVEN reload progress THEN the deferred reply says what is being done and how far", () => {
    expect(embedOf(reloadProgressReply({ phase: "reading", filesRead: 3, files: 10 })).description).toBe(
      "Reading the knowledge files: 3 of 10…",
    );
    expect(
      embedOf(reloadProgressReply({ phase: "indexing", factsIndexed: 500, facts: 10_000 })).description,
    ).toBe("Indexing: 500 of 10000 facts…");
    expect(
      embedOf(reloadProgressReply({ phase: "publishing", version: "5bf5f1acd195", done: 2, processes: 4 }))
        .description,
    ).toBe("Loading version 5bf5f1acd195 everywhere: 2 of 4 processes…");
  });
});
