import { ButtonStyle, ComponentType } from "discord.js";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { answerQuestion } from "../../src/engine/engine.ts";
import { KnowledgeIndex } from "../../src/index/knowledge-index.ts";
import { loadKnowledge } from "../../src/knowledge/load.ts";
import type { Knowledge } from "../../src/knowledge/types.ts";
import { answerReply, noticeReply, reloadReply, timelineReply } from "../../src/replies/messages.ts";
import { markdownToText, renderReplyText } from "../../src/replies/render-text.ts";
import { userText } from "../../src/replies/safe.ts";

const REPO_KNOWLEDGE = fileURLToPath(new URL("../../knowledge/", import.meta.url));
const WIKIPEDIA = "https://en.wikipedia.org/wiki/Afghanistan%E2%80%93Japan_relations";

let knowledge: Knowledge;
let index: KnowledgeIndex;
beforeAll(async () => {
  const loaded = await loadKnowledge(REPO_KNOWLEDGE);
  if (!loaded.ok) throw new Error("the repository knowledge must load");
  knowledge = loaded.knowledge;
  index = KnowledgeIndex.build(knowledge);
});

describe("markdownToText", () => {
  it("GIVEN a linked citation number THEN it becomes a plain [n]", () => {
    expect(markdownToText(`statement [\\[1\\]](${WIKIPEDIA})`)).toBe("statement [1]");
  });

  it("GIVEN a link THEN it becomes 'text <url>'", () => {
    expect(markdownToText(`[Afghanistan–Japan relations](${WIKIPEDIA})`)).toBe(
      `Afghanistan–Japan relations <${WIKIPEDIA}>`,
    );
  });

  it("GIVEN bold and italic THEN the marks are dropped", () => {
    expect(markdownToText("**1931** — *Ask* me")).toBe("1931 — Ask me");
  });

  it("GIVEN escaped markdown and zero-width spaces THEN the text reads as typed", () => {
    expect(markdownToText(userText("when did *Japan* _close_ it? @everyone", 200))).toBe(
      "when did *Japan* _close_ it? @everyone",
    );
  });
});

describe("renderReplyText", () => {
  it("GIVEN an answer reply THEN the console shows title, dated statement with [1], source with URL and footer", () => {
    const text = renderReplyText(
      answerReply(answerQuestion(index, "When were diplomatic relations established?"), knowledge.relations),
    );
    expect(text).toBe(
      [
        "== When were diplomatic relations established? ==",
        "1931 — Afghanistan and Japan officially established diplomatic relations. [1]",
        "Source:",
        `  [1] Afghanistan–Japan relations <${WIKIPEDIA}> — Wikipedia, § Lead`,
        `(Afghanistan–Japan relations · af-jp-1931-relations-established · knowledge ${index.version})`,
      ].join("\n"),
    );
  });

  it("GIVEN an ephemeral notice THEN it says only you can see it", () => {
    expect(renderReplyText(noticeReply("Only admins may reload."))).toBe(
      "(only you can see this)\nOnly admins may reload.",
    );
  });

  it("GIVEN a timeline page THEN only the enabled buttons are listed, with the console hint", () => {
    const reply = timelineReply({
      relation: knowledge.relations[0]!,
      facts: knowledge.facts.slice(0, 2),
      page: 1,
      pages: 3,
      total: knowledge.facts.length,
      pageId: (n) => `kz:timeline:page:123456789012345678:${n}`,
      sources: index.sourceById,
      version: index.version,
    });
    const lines = renderReplyText(reply).split("\n");
    expect(lines.at(-1)).toBe(
      "[Next ▶]  — buttons in Discord; here, add page:N or picture:true to the command",
    );
    expect(lines.join("\n")).not.toContain("Previous");
  });

  it("GIVEN a row with every button disabled THEN no button line is printed", () => {
    const text = renderReplyText({
      content: "x",
      components: [
        {
          type: ComponentType.ActionRow,
          components: [
            {
              type: ComponentType.Button,
              style: ButtonStyle.Secondary,
              label: "Next",
              custom_id: "kz:x:y",
              disabled: true,
            },
          ],
        },
      ],
    });
    expect(text).toBe("x");
  });

  it("GIVEN a refused reload THEN the problems and the kept version are readable as text", () => {
    const text = renderReplyText(
      reloadReply({
        ok: false,
        problems: [
          { file: "knowledge/a.yaml", line: 3, factId: "f", message: "statement must not be empty" },
        ],
        keptVersion: "abc123abc123",
        ms: 1,
      }),
    );
    expect(text).toBe(
      [
        "(only you can see this)",
        "== Reload refused: 1 problem ==",
        '• knowledge/a.yaml:3: fact "f": statement must not be empty',
        "",
        "Kept the previous knowledge (version abc123abc123); answers go on as before.",
      ].join("\n"),
    );
  });
});
