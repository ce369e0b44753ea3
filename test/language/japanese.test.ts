import { describe, expect, it } from "vitest";
import { englishWordsIn, isJapanese, japaneseWords, usedAsVerb } from "../../src/language/japanese.ts";
import { japaneseDates } from "../../src/engine/question.ts";

describe("Japanese words", () => {
  it("GIVEN Japanese text THEN it is told from other scripts", () => {
    expect(isJapanese("日本の皇太子がアフガニスタンを訪問したのはいつ？")).toBe(true);
    expect(isJapanese("When did Japan visit?")).toBe(false);
    expect(isJapanese("روابط دیپلماتیک")).toBe(false);
  });

  it("GIVEN segmented words THEN glossary entries are joined, and never found inside longer words", () => {
    expect(japaneseWords("アフガニスタンの指導者").map((w) => w.word)).toContain("指導者");
    expect(englishWordsIn("最新の出来事")).not.toContain("come");
    expect(englishWordsIn("日本の皇太子がアフガニスタンを訪問した")).toEqual(["crown prince", "visit"]);
  });

  it("GIVEN a verbal noun followed by する/した THEN it is a verb", () => {
    const text = "訪問したのは";
    const visit = japaneseWords(text).find((w) => w.word === "訪問")!;
    expect(usedAsVerb(text, visit.end)).toBe(true);
    expect(usedAsVerb("訪問の", 2)).toBe(false);
  });

  it("GIVEN Japanese dates THEN the period parser's words", () => {
    expect(japaneseDates("1907年2月16日")).toContain("16 february 1907");
    expect(japaneseDates("1970年代に")).toContain("1970s");
    expect(japaneseDates("紀元前2000年")).toContain("2000 bce");
  });
});
