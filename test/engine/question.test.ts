import { describe, expect, it } from "vitest";
import { parseQuestion } from "../../src/engine/question.ts";

const codes = (q: string, personWords?: Map<string, Set<string>>) =>
  parseQuestion(q, personWords ? { personWords } : {})
    .countries.map((c) => c.country.code)
    .sort();

describe("parseQuestion — intent", () => {
  it.each([
    ["When were relations established?", "when"],
    ["In what year did Ayub Khan visit Japan?", "when"],
    ["Who hosted Ayub Khan?", "who"],
    ["Where was the treaty arranged?", "where"],
    ["Why were relations delayed?", "why"],
    ["How many artifacts were returned?", "how-many"],
    ["What happened in 1969?", "list"],
    ["What did Karzai say?", "what"],
    ["日本とアフガニスタンの国交はいつ樹立されましたか", "when"],
  ])("GIVEN %j THEN intent %s", (q, intent) => {
    expect(parseQuestion(q).intent).toBe(intent);
  });
});

describe("parseQuestion — countries", () => {
  it("GIVEN names, demonyms, native scripts and typos THEN the countries", () => {
    expect(codes("When did Japan and Brazil sign a treaty?")).toEqual(["BR", "JP"]);
    expect(codes("Who is the Afghan ambassador?")).toEqual(["AF"]);
    expect(codes("日本とアフガニスタンの関係")).toEqual(["AF", "JP"]);
    expect(codes("When did Japan and Afganistan establish relations?")).toEqual(["AF", "JP"]);
  });

  it("GIVEN 'US' in capitals THEN the United States; 'us' in lower case is a pronoun", () => {
    expect(codes("When did the US and Japan sign a treaty?")).toEqual(["JP", "US"]);
    expect(codes("tell us about Japan")).toEqual(["JP"]);
  });

  it("GIVEN a person's name that is also a country THEN the person when the rest of the name or its accents say so", () => {
    const people = new Map([["togo", new Set(["heihachiro"])]]);
    expect(codes("Who was Togo Heihachiro?", people)).toEqual([]);
    expect(codes("What did Tōgō think of the war?", people)).toEqual([]);
    expect(codes("When did Togo and Japan sign a treaty?", people)).toEqual(["JP", "TG"]);
  });

  it("GIVEN Discord mentions THEN they are not content", () => {
    const q = parseQuestion(
      "@everyone <@123456789012345678> when were relations established? <#123456789012345678>",
    );
    expect(q.text).toBe("when were relations established?");
  });
});

describe("parseQuestion — what is asked for", () => {
  it("GIVEN who acts toward whom THEN the actor's and the target's countries are told apart", () => {
    const king = parseQuestion("When did the Afghan king visit Japan?").direction;
    expect([...king.agents]).toEqual(["AF"]);
    expect([...king.targets]).toEqual(["JP"]);
    const royals = parseQuestion("Which Japanese royals visited Afghanistan?").direction;
    expect([...royals.agents]).toEqual(["JP"]);
    expect([...royals.targets]).toEqual(["AF"]);
    const money = parseQuestion("When did Japan give money to Afghanistan?").direction;
    expect([...money.agents]).toEqual(["JP"]);
    expect([...money.targets]).toEqual(["AF"]);
  });

  it("GIVEN 'who was the ambassador' THEN a person is asked for; GIVEN 'who pressured … the diplomats' THEN not", () => {
    expect(parseQuestion("Who was Japan's ambassador in 2004?").asksForPerson).toBe(true);
    expect(parseQuestion("What is the name of the Japanese ambassador?").asksForPerson).toBe(true);
    expect(parseQuestion("Who pressured Afghanistan to expel the Axis diplomats?").asksForPerson).toBe(false);
  });

  it("GIVEN 'current' or 'now' THEN the present is asked for", () => {
    expect(parseQuestion("Who is the current ambassador?").asksForNow).toBe(true);
    expect(parseQuestion("Who was the ambassador in 2004?").asksForNow).toBe(false);
  });

  it("GIVEN any input THEN it is cut to 500 characters and never throws", () => {
    expect(parseQuestion("x".repeat(10_000)).text.length).toBe(500);
    expect(parseQuestion("\u0000\u202e\u200b").text).toBe("");
  });
});
