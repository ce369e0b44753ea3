import { describe, expect, it } from "vitest";
import { gazetteer, Gazetteer } from "../../src/text/countries.ts";

const g = gazetteer();
const codeOf = (name: string) => g.resolve(name)?.code;
const found = (text: string) => g.find(text).map((m) => m.country.code);

describe("Gazetteer.resolve", () => {
  it("GIVEN common names in any case THEN they resolve to the country", () => {
    expect(g.resolve("Japan")).toEqual({ code: "JP", name: "Japan" });
    expect(g.resolve("  afghanistan ")).toEqual({ code: "AF", name: "Afghanistan" });
    expect(codeOf("United Kingdom")).toBe("GB");
  });

  it("GIVEN demonyms (Afghan, Japanese, Brazilian) THEN they resolve to the country", () => {
    expect([codeOf("Afghan"), codeOf("Japanese"), codeOf("Brazilian")]).toEqual(["AF", "JP", "BR"]);
  });

  it("GIVEN ISO codes THEN they resolve; three letters that are not our codes do not", () => {
    expect([codeOf("JP"), codeOf("af"), codeOf("BR")]).toEqual(["JP", "AF", "BR"]);
    expect(codeOf("XYZ")).toBeUndefined();
  });

  it("GIVEN a historical state THEN it has its own X-code (Soviet Union, USSR)", () => {
    expect(g.resolve("Soviet Union")).toEqual({ code: "XSU", name: "Soviet Union" });
    expect([codeOf("USSR"), codeOf("Soviets"), codeOf("Ottoman Empire")]).toEqual(["XSU", "XSU", "XOT"]);
  });

  it("GIVEN former and informal names THEN they resolve to today's state", () => {
    expect([codeOf("Persia"), codeOf("Burma"), codeOf("Britain"), codeOf("Nippon")]).toEqual([
      "IR",
      "MM",
      "GB",
      "JP",
    ]);
  });

  it("GIVEN Japanese and Persian script names THEN they resolve", () => {
    expect([codeOf("日本"), codeOf("アフガニスタン")]).toEqual(["JP", "AF"]);
    expect([codeOf("ژاپن"), codeOf("افغانستان")]).toEqual(["JP", "AF"]);
  });

  it("GIVEN names that are no country THEN nothing resolves", () => {
    for (const name of ["Atlantis", "Kabul", "relations", ""]) expect(g.resolve(name), name).toBeUndefined();
  });

  it("GIVEN byId THEN a code gives the country back", () => {
    expect(g.byId("XSU")?.name).toBe("Soviet Union");
    expect(g.byId("ZZ")).toBeUndefined();
  });
});

describe("Gazetteer.find", () => {
  it("GIVEN 'Japan and Brazil' THEN both are found, in order of mention", () => {
    expect(g.find("What about Japan and Brazil?")).toEqual([
      { country: { code: "JP", name: "Japan" }, phrase: "japan" },
      { country: { code: "BR", name: "Brazil" }, phrase: "brazil" },
    ]);
  });

  it("GIVEN demonyms in a question THEN the countries are found", () => {
    expect(found("tell me about Japanese and Afghan ties")).toEqual(["JP", "AF"]);
  });

  it("GIVEN multi-word names THEN the longest name wins (United Kingdom, not a word of it)", () => {
    expect(g.find("the United Kingdom and the United States")).toEqual([
      { country: { code: "GB", name: "United Kingdom" }, phrase: "united kingdom" },
      { country: { code: "US", name: "United States" }, phrase: "united states" },
    ]);
  });

  it("GIVEN the same country twice THEN it is listed once", () => {
    expect(found("Japan, Japanese, JAPAN and 日本")).toEqual(["JP"]);
  });

  it("GIVEN 'us', 'in' and other short words that are codes THEN no country is found", () => {
    expect(found("tell us what happened in the war")).toEqual([]);
    expect(found("Is it true? Me too. Go so my way, do be at no")).toEqual([]);
  });

  it("GIVEN 'US' and 'IN' in capitals inside a sentence THEN they are still not taken as countries", () => {
    // Questions are folded before lookup, so capitals cannot tell "US" from "us".
    expect(found("WHAT DID US DIPLOMATS DO IN 1950")).toEqual([]);
  });

  it("GIVEN Japanese text without spaces THEN the country names inside it are found", () => {
    expect(found("日本とアフガニスタンの関係")).toEqual(["AF", "JP"]);
  });

  it("GIVEN Persian text THEN the country names are found", () => {
    expect(found("روابط دیپلماتیک میان افغانستان و جاپان")).toEqual(["AF", "JP"]);
  });

  it("GIVEN a historical state in a question THEN it is found beside today's", () => {
    expect(found("the Soviet invasion of Afghanistan")).toEqual(["XSU", "AF"]);
  });

  it("GIVEN text that names no country THEN nothing is found", () => {
    expect(found("When were diplomatic relations established?")).toEqual([]);
    expect(found("")).toEqual([]);
  });
});

describe("gazetteer()", () => {
  it("GIVEN repeated calls THEN the same instance is shared", () => {
    expect(gazetteer()).toBe(g);
    expect(g).toBeInstanceOf(Gazetteer);
  });

  it("GIVEN a gazetteer built from custom entries THEN only those are known", () => {
    const small = new Gazetteer([{ code: "XAT", name: "Atlantis", names: ["Atlantis", "Atlantean"] }]);
    expect(small.resolve("Atlantean")).toEqual({ code: "XAT", name: "Atlantis" });
    expect(small.resolve("Japan")).toBeUndefined();
  });
});
