import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { clauses, readArticle, sentences } from "../../src/import/article.ts";

describe("readArticle", () => {
  it("GIVEN the seed article THEN passages under Lead, Diplomacy and Culture; its metadata, infobox and See also left out", () => {
    const passages = readArticle(readFileSync("knowledge/sources/afghanistan-japan-relations.txt", "utf8"));
    expect([...new Set(passages.map((p) => p.section))]).toEqual(["Lead", "Diplomacy", "Culture"]);
    const text = passages.map((p) => p.text).join("\n");
    expect(text).not.toMatch(/Source:|License:|Flagvariant1|Embassy of Afghanistan, Tokyo$/m);
    expect(passages[1]?.text).toMatch(/^Diplomatic relations between Afghanistan and Japan/);
  });

  it("GIVEN Markdown (underlined title, ## and ### headings, wrapped lines, list items) THEN each passage knows its heading, lines joined", () => {
    const passages = readArticle(readFileSync("test/fixtures/import/brazil-japan-article.md", "utf8"));
    expect([...new Set(passages.map((p) => p.section))]).toEqual([
      "Lead",
      "Migration",
      "The war years",
      "Visits",
      "Trade",
    ]);
    expect(passages.find((p) => p.text.startsWith("Brazil and Japan signed"))?.text).toBe(
      "Brazil and Japan signed their first treaty, a Treaty of Friendship, Commerce and Navigation, on 5 Nov 1895. Relations have been close ever since.",
    );
    expect(passages.filter((p) => p.section === "Visits")).toHaveLength(3);
  });
});

describe("sentences and clauses", () => {
  it("GIVEN abbreviations, initials and decades before a full stop THEN only real sentence ends split", () => {
    expect(
      sentences(
        "Gen. Ayub Khan met J. Smith in Jan. 1907 in the U.S. capital. It grew in the 1970s. Then 日本。次",
      ),
    ).toEqual([
      "Gen. Ayub Khan met J. Smith in Jan. 1907 in the U.S. capital.",
      "It grew in the 1970s.",
      "Then 日本。",
      "次",
    ]);
  });

  it("GIVEN a sentence joining two events with a dash THEN two clauses, each exact text", () => {
    const s =
      "In 1969, King Zahir Shah and Queen Humaira visited Japan - in 1971, Crown Prince Akihito visited Afghanistan.";
    expect(clauses(s)).toEqual([
      "In 1969, King Zahir Shah and Queen Humaira visited Japan",
      "in 1971, Crown Prince Akihito visited Afghanistan.",
    ]);
    expect(clauses("The Russo-Japanese War ended")).toEqual(["The Russo-Japanese War ended"]);
  });
});
