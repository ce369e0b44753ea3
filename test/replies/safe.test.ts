import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { knowledgeText, LIMITS, neutralizeMentions, truncate, userText } from "../../src/replies/safe.ts";

const ZWSP = "\u200b";
/** Mention forms Discord would turn into a ping or a link. */
const LIVE_MENTION = /@(?:everyone|here)|<@[!&]?\d+>|<#\d+>|<\/[\w-]+(?: [\w-]+)*:\d+>/i;

describe("truncate", () => {
  it("GIVEN text within the limit THEN it is unchanged", () => {
    expect(truncate("Japan", 5)).toBe("Japan");
  });

  it("GIVEN text over the limit THEN it is cut to exactly max characters ending in '…'", () => {
    expect(truncate("Afghanistan", 6)).toBe("Afgha…");
    expect(truncate("Afghanistan", 6)).toHaveLength(6);
  });

  it("GIVEN a cut through an emoji's surrogate pair THEN no half character is left", () => {
    const out = truncate("ab🎌🎌🎌", 4); // "ab" + the first half of 🎌 would be 3 units
    expect(out).toBe("ab…");
    expect(out).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
  });
});

describe("neutralizeMentions", () => {
  it("GIVEN @everyone and @here in any case THEN a zero-width space breaks them", () => {
    expect(neutralizeMentions("hi @everyone and @HERE")).toBe(`hi @${ZWSP}everyone and @${ZWSP}HERE`);
  });

  it("GIVEN user, nickname, role and channel mentions THEN none stays parsable", () => {
    const out = neutralizeMentions(
      "<@123456789012345678> <@!123456789012345678> <@&123456789012345678> <#123456789012345678>",
    );
    expect(out).not.toMatch(LIVE_MENTION);
    expect(out).toBe(
      `<@${ZWSP}123456789012345678> <@!${ZWSP}123456789012345678> <@&${ZWSP}123456789012345678> <#${ZWSP}123456789012345678>`,
    );
  });

  it("GIVEN a slash-command mention THEN it is broken too", () => {
    expect(neutralizeMentions("</timeline:123456789012345678>")).toBe(
      `</${ZWSP}timeline:123456789012345678>`,
    );
  });

  it("GIVEN ordinary text with @ and < THEN it is left alone", () => {
    expect(neutralizeMentions("mail me@example.com if 2 < 3")).toBe("mail me@example.com if 2 < 3");
  });
});

describe("userText", () => {
  it("GIVEN markdown in a question THEN it is escaped so it shows as typed", () => {
    expect(userText("when did *Japan* __close__ its `embassy`?", 200)).toBe(
      "when did \\*Japan\\* \\_\\_close\\_\\_ its \\`embassy\\`?",
    );
  });

  it("GIVEN @everyone hidden with a zero-width space THEN it is cleaned first and still cannot ping", () => {
    const out = userText(`@${ZWSP}every${ZWSP}one look`, 200);
    expect(out).toBe(`@${ZWSP}everyone look`);
    expect(out).not.toMatch(LIVE_MENTION);
  });

  it("GIVEN a role mention and bidi override THEN the override is gone and the role cannot ping", () => {
    const out = userText("\u202e<@&123456789012345678> when?", 200);
    expect(out).not.toMatch(LIVE_MENTION);
    expect(out).not.toContain("\u202e");
  });

  it("GIVEN long text THEN it is cut to max", () => {
    expect(userText("a".repeat(500), 200)).toHaveLength(200);
  });

  it("GIVEN 10 000 characters of CJK (escapeMarkdown is slow on those) THEN it still answers fast", () => {
    const started = performance.now();
    const out = userText("日本とアフガニスタンの関係*".repeat(700), 200);
    expect(performance.now() - started).toBeLessThan(300); // ~1 s before only the head was escaped
    expect(out).toHaveLength(200);
    expect(out.startsWith("日本とアフガニスタンの関係\\*")).toBe(true);
  });

  it("GIVEN a long text whose processed head ends inside an emoji THEN no half emoji is left", () => {
    // 797 zero-width spaces vanish in sanitize, so the head's last character would show.
    const out = userText(`${"\u200b".repeat(797)}ab🎌${"c".repeat(300)}`, 200);
    expect(out).toBe("ab");
  });

  it("PROPERTY: for any string, the output is at most max long and holds no live mention", () => {
    const mentionish = fc.constantFrom(
      "@everyone",
      "@here",
      "<@123456789012345678>",
      "<@&123456789012345678>",
      "*",
      "_",
      "`",
      "\u202e",
      "\u200b",
      "\n",
    );
    const input = fc.oneof(
      fc.string({ unit: "grapheme", maxLength: 300 }),
      fc.string({ unit: "binary", maxLength: 300 }),
      fc
        .array(fc.oneof(mentionish, fc.string({ maxLength: 5 })), { maxLength: 60 })
        .map((parts) => parts.join("")),
    );
    fc.assert(
      fc.property(input, fc.integer({ min: 1, max: 300 }), (s, max) => {
        const out = userText(s, max);
        expect(out.length).toBeLessThanOrEqual(max);
        expect(out).not.toMatch(LIVE_MENTION);
      }),
      { numRuns: 400 },
    );
  });
});

describe("knowledgeText", () => {
  it("GIVEN our own markdown THEN it is kept, but mentions are still broken and the length bounded", () => {
    expect(knowledgeText("**bold** @everyone", 100)).toBe(`**bold** @${ZWSP}everyone`);
    expect(knowledgeText("x".repeat(50), 10)).toHaveLength(10);
  });
});

describe("LIMITS", () => {
  it("GIVEN Discord's documented limits THEN the constants match them", () => {
    expect(LIMITS).toMatchObject({
      content: 2000,
      embedTitle: 256,
      embedDescription: 4096,
      fieldName: 256,
      fieldValue: 1024,
      footer: 2048,
      embedTotal: 6000,
      fields: 25,
      selectOptions: 25,
      selectLabel: 100,
      selectDescription: 100,
    });
  });
});
