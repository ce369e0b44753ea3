import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  editDistance,
  fold,
  isKanaFunctionWord,
  isStopWord,
  sanitize,
  stem,
  terms,
  words,
} from "../../src/text/normalize.ts";

describe("fold", () => {
  it("GIVEN Latin diacritics (Tōgō Heihachirō) THEN they fold to plain lower-case letters", () => {
    expect(fold("Tōgō Heihachirō")).toBe("togo heihachiro");
    expect(fold("Ayub Khán, São Paulo, Zürich")).toBe("ayub khan, sao paulo, zurich");
  });

  it("GIVEN katakana names with and without long-vowel marks THEN they fold alike; other ー stays", () => {
    expect(fold("ダーウード")).toBe(fold("ダウード"));
    expect(fold("タリバーン")).toBe("タリバン");
    expect(fold("ー")).toBe("ー");
  });

  it("GIVEN typographic apostrophes THEN they become a plain apostrophe", () => {
    expect(fold("Japan’s ‘ally’ `x´")).toBe("japan's 'ally' 'x'");
  });

  it("GIVEN full-width Latin THEN it folds to ASCII", () => {
    expect(fold("ＪＡＰＡＮ")).toBe("japan");
  });

  it("GIVEN kana with voicing marks and Persian script THEN they are kept as written", () => {
    expect(fold("ガイジン")).toBe("ガイジン");
    expect(fold("افغانستان")).toBe("افغانستان");
  });
});

describe("words", () => {
  it("GIVEN English text THEN it yields folded word tokens, possessives dropped, hyphens split", () => {
    expect(words("Afghanistan's king met Tōgō; the Russo-Japanese War!")).toEqual([
      "afghanistan",
      "king",
      "met",
      "togo",
      "the",
      "russo",
      "japanese",
      "war",
    ]);
  });

  it("GIVEN Japanese without spaces (日本とアフガニスタンの関係) THEN it is segmented into words", () => {
    expect(words("日本とアフガニスタンの関係")).toEqual(["日本", "と", "アフガニスタン", "の", "関係"]);
  });

  it("GIVEN only punctuation and emoji THEN there are no words", () => {
    expect(words("?!… 🎌 -- ")).toEqual([]);
  });
});

describe("terms", () => {
  it("GIVEN a question THEN question and function words are dropped and the rest stemmed", () => {
    expect(terms("When were the diplomatic relations established?")).toEqual([
      "diplomat",
      "relat",
      "establish",
    ]);
  });

  it("GIVEN Japanese THEN single-hiragana particles are dropped like stop words", () => {
    expect(terms("日本とアフガニスタンの関係")).toEqual(["日本", "アフガニスタン", "関係"]);
  });

  it("GIVEN domain words like 'first' and 'after' THEN they are kept (they carry meaning here)", () => {
    expect(terms("first visit after the war")).toEqual(["first", "visit", "after", "war"]);
  });
});

describe("isKanaFunctionWord", () => {
  it("GIVEN short all-hiragana tokens (particles, endings) THEN they are function words", () => {
    for (const w of ["と", "の", "は", "いつ", "された"]) expect(isKanaFunctionWord(w), w).toBe(true);
  });

  it("GIVEN kanji, katakana, longer hiragana or Latin THEN they are not", () => {
    for (const w of ["日本", "アフガニスタン", "ありがとう", "to", "関係の"])
      expect(isKanaFunctionWord(w), w).toBe(false);
  });
});

describe("isStopWord and stem", () => {
  it("GIVEN common function words THEN they are stop words; content words are not", () => {
    for (const w of ["the", "when", "did", "what", "us", "tell"]) expect(isStopWord(w), w).toBe(true);
    for (const w of ["japan", "treaty", "first", "relations", "after"]) expect(isStopWord(w), w).toBe(false);
  });

  it("GIVEN inflected forms THEN they share a stem", () => {
    expect(stem("visited")).toBe(stem("visits"));
    expect(stem("established")).toBe(stem("establishing"));
    expect(stem("relations")).toBe("relat");
  });

  it("GIVEN short words, digits or other scripts THEN they are left alone", () => {
    expect([stem("war"), stem("1931"), stem("関係"), stem("x2")]).toEqual(["war", "1931", "関係", "x2"]);
  });
});

describe("sanitize", () => {
  it("GIVEN control characters THEN they are removed", () => {
    expect(sanitize("Ja\u0000pa\u0007n\u001b[31m")).toBe("Japan[31m");
  });

  it("GIVEN zero-width and soft-hyphen characters THEN they are removed (they hide text)", () => {
    expect(sanitize("@\u200beveryone J\u00adap\u200dan\ufeff")).toBe("@everyone Japan");
  });

  it("GIVEN bidi overrides, isolates and the Arabic letter mark THEN they are removed", () => {
    expect(sanitize("a\u202eb\u202cc\u2066d\u2069e\u200ff\u061cg")).toBe("abcdefg");
  });

  it("GIVEN runs of whitespace and line breaks THEN they collapse to one space and ends are trimmed", () => {
    expect(sanitize("  when\n\n did\t Japan \r\n ")).toBe("when did Japan");
  });

  it("GIVEN emoji, RTL text and CJK THEN they are kept", () => {
    expect(sanitize("🇯🇵 日本 افغانستان 👍🏽")).toBe("🇯🇵 日本 افغانستان 👍🏽");
  });

  it("PROPERTY: the result has no control, zero-width or bidi characters and no outer spaces", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 200 }), (s) => {
        const out = sanitize(s);
        expect(out).not.toMatch(
          /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/,
        );
        expect(out).toBe(out.trim());
        expect(sanitize(out)).toBe(out);
      }),
      { numRuns: 300 },
    );
  });
});

describe("editDistance", () => {
  it("GIVEN classic pairs THEN it counts insertions, deletions and substitutions", () => {
    expect(editDistance("kitten", "sitting")).toBe(3);
    expect(editDistance("statment", "statement")).toBe(1);
    expect(editDistance("", "abc")).toBe(3);
    expect(editDistance("japan", "japan")).toBe(0);
  });

  it("GIVEN a swap of two letters THEN it costs two (Levenshtein, not Damerau)", () => {
    expect(editDistance("khan", "kahn")).toBe(2);
  });

  it("GIVEN a bound THEN anything further away reports bound + 1", () => {
    expect(editDistance("abc", "xyzabcdef", 2)).toBe(3);
    expect(editDistance("afghanistan", "japan", 2)).toBe(3);
    expect(editDistance("statment", "statement", 2)).toBe(1);
  });

  it("PROPERTY: symmetric, zero only for equal strings, at most the longer length", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 }), (a, b) => {
        const d = editDistance(a, b);
        expect(editDistance(b, a)).toBe(d);
        expect(d === 0).toBe(a === b);
        expect(d).toBeLessThanOrEqual(Math.max(a.length, b.length));
        expect(d).toBeGreaterThanOrEqual(Math.abs(a.length - b.length));
      }),
      { numRuns: 300 },
    );
  });
});
