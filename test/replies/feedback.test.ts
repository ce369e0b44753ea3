import { ButtonStyle, ComponentType, type APIEmbed } from "discord.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { GapsReport, UnansweredGroup } from "../../src/feedback/report.ts";
import type { FeedbackHealth } from "../../src/feedback/types.ts";
import { gapsReply, voteThanksReply, whyModal, withAnswerActions } from "../../src/replies/feedback.ts";
import type { Reply } from "../../src/replies/reply.ts";

const OWNER = "123456789012345678";
const ANSWER = "AbCdEfGhIjK";
const HEALTH: FeedbackHealth = { recording: "unanswered", retentionDays: 90, available: true, dropped: 0 };
const LIVE_MENTION = /@(?:everyone|here)|<@[!&]?\d+>|<#\d+>/i;

const group = (fields: Partial<UnansweredGroup> = {}): UnansweredGroup => ({
  question: "Who won the 2010 World Cup?",
  count: 3,
  lastAsked: "2026-11-30T05:56:12.345Z",
  askers: 2,
  wordings: 2,
  countries: [],
  period: "2010",
  ...fields,
});

const embedOf = (reply: Reply): APIEmbed => reply.embeds![0]!;
const size = (e: APIEmbed) =>
  (e.title?.length ?? 0) +
  (e.description?.length ?? 0) +
  (e.footer?.text.length ?? 0) +
  (e.fields ?? []).reduce((n, f) => n + f.name.length + f.value.length, 0);

describe("withAnswerActions", () => {
  it("GIVEN an answer id and an owner THEN one row of 👍 👎 🗑 under what was there, the custom ids within Discord's 100", () => {
    const select = { type: ComponentType.ActionRow, components: [] } as never;
    const reply = withAnswerActions(
      { content: "x", components: [select] },
      { answerId: ANSWER, ownerId: OWNER },
    );
    expect(reply.components).toHaveLength(2);
    expect(reply.components![0]).toBe(select);
    expect(reply.components![1]).toEqual({
      type: ComponentType.ActionRow,
      components: [
        {
          type: ComponentType.Button,
          style: ButtonStyle.Secondary,
          custom_id: `kz:ask:up:${ANSWER}`,
          emoji: { name: "👍" },
        },
        {
          type: ComponentType.Button,
          style: ButtonStyle.Secondary,
          custom_id: `kz:ask:down:${ANSWER}`,
          emoji: { name: "👎" },
        },
        {
          type: ComponentType.Button,
          style: ButtonStyle.Secondary,
          custom_id: `kz:ask:del:${OWNER}`,
          emoji: { name: "🗑" },
        },
      ],
    });
  });

  it("GIVEN only an owner, only an answer id, or neither THEN only what applies", () => {
    const ids = (reply: Reply) =>
      (reply.components ?? []).flatMap((r) => r.components.map((c) => ("custom_id" in c ? c.custom_id : "")));
    expect(ids(withAnswerActions({ content: "x" }, { ownerId: OWNER }))).toEqual([`kz:ask:del:${OWNER}`]);
    expect(ids(withAnswerActions({ content: "x" }, { answerId: ANSWER }))).toEqual([
      `kz:ask:up:${ANSWER}`,
      `kz:ask:down:${ANSWER}`,
    ]);
    const plain = { content: "x" };
    expect(withAnswerActions(plain, {})).toBe(plain);
  });
});

describe("whyModal and voteThanksReply", () => {
  it("THEN the form asks one optional paragraph of at most 500 characters, within Discord's limits", () => {
    const modal = whyModal(ANSWER);
    expect(modal.custom_id).toBe(`kz:ask:why:${ANSWER}`);
    expect(modal.title.length).toBeLessThanOrEqual(45);
    expect(modal.components).toEqual([
      expect.objectContaining({
        type: ComponentType.Label,
        label: "What is wrong with this answer?",
        component: expect.objectContaining({
          type: ComponentType.TextInput,
          custom_id: "comment",
          required: false,
          max_length: 500,
        }),
      }),
    ]);
  });

  it("THEN thanks are private", () => {
    expect(voteThanksReply(true)).toMatchObject({ ephemeral: true, content: expect.stringMatching(/👍/) });
    expect(voteThanksReply(false)).toMatchObject({ ephemeral: true, content: expect.stringMatching(/👎/) });
  });
});

describe("gapsReply", () => {
  const view = { days: 30, health: HEALTH, scope: "this server only" };

  it("GIVEN groups and disliked facts THEN counts, people, wordings, what was understood, and comments, privately", () => {
    const report: GapsReport = {
      unanswered: [
        group(),
        group({
          question: "Brazil Japan?",
          count: 1,
          askers: 1,
          wordings: 1,
          countries: ["BR", "JP"],
          period: null,
        }),
      ],
      disliked: [
        {
          factId: "af-jp-1931",
          down: 2,
          up: 1,
          comments: ["wrong year", "**bold** <@123456789012345678>", "third"],
        },
      ],
    };
    const reply = gapsReply(report, view);
    expect(reply.ephemeral).toBe(true);
    const e = embedOf(reply);
    expect(e.title).toBe("Gaps — the last 30 days");
    expect(e.fields).toEqual([
      {
        name: "Asked, not answered",
        value:
          "**3×** “Who won the 2010 World Cup?” — 2 people · 2 wordings · 2010 · last 2026-11-30 05:56\n" +
          "**1×** “Brazil Japan?” — BR–JP · last 2026-11-30 05:56",
      },
      {
        name: "Facts with the most 👎",
        value:
          "`af-jp-1931` 👎 2 · 👍 1\n  › “wrong year”\n  › “\\*\\*bold\\*\\* <@\u200b123456789012345678>”",
      },
    ]);
    expect(e.footer?.text).toBe("Recording unanswered questions, kept 90 days · this server only");
  });

  it("GIVEN nothing, recording off, and records that could not be written THEN it says so", () => {
    const e = embedOf(
      gapsReply(
        { unanswered: [], disliked: [] },
        { ...view, days: 1, health: { ...HEALTH, recording: "off", dropped: 12 } },
      ),
    );
    expect(e.description).toBe("Nothing to show: no unanswered questions and no 👎 in the last 1 day.");
    expect(e.title).toBe("Gaps — the last 1 day");
    expect(e.footer?.text).toBe(
      "Recording is off (RECORD_QUESTIONS=off) · this server only · 12 records could not be written (database unavailable)",
    );
  });

  it("GIVEN more than fits THEN whole lines are shown and the rest counted", () => {
    const many = Array.from({ length: 100 }, (_, i) =>
      group({ question: `question number ${i} ${"x".repeat(200)}` }),
    );
    const value = embedOf(gapsReply({ unanswered: many, disliked: [] }, view)).fields![0]!.value;
    expect(value.length).toBeLessThanOrEqual(1024);
    expect(value).toMatch(/\n…and \d+ more \(`npm run gaps`\)$/);
    expect(
      value
        .split("\n")
        .slice(0, -1)
        .every((l) => l.startsWith("**3×**")),
    ).toBe(true);
  });

  it("PROPERTY: for any questions, fact ids and comments, the report stays within Discord's limits and cannot ping", () => {
    const text = fc.oneof(
      fc.string({ unit: "binary", maxLength: 2_000 }),
      fc.constantFrom("@everyone", "@here", "<@&123456789012345678>", "`", "\u202e"),
    );
    fc.assert(
      fc.property(
        fc.array(fc.record({ question: text, count: fc.nat(), askers: fc.nat(), wordings: fc.nat() }), {
          maxLength: 30,
        }),
        fc.array(
          fc.record({
            factId: text,
            down: fc.nat(),
            up: fc.nat(),
            comments: fc.array(text, { maxLength: 5 }),
          }),
          {
            maxLength: 30,
          },
        ),
        (groups, disliked) => {
          const e = embedOf(gapsReply({ unanswered: groups.map((g) => group(g)), disliked }, view));
          expect(size(e)).toBeLessThanOrEqual(6000);
          for (const f of e.fields ?? []) {
            expect(f.value.length).toBeLessThanOrEqual(1024);
            expect(f.value).not.toMatch(LIVE_MENTION);
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});
