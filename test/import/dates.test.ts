import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { findDates } from "../../src/import/dates.ts";

const one = (text: string, previous?: number) =>
  findDates(text, previous).map((d) => [d.text, d.edtf, d.when]);

describe("findDates", () => {
  it.each([
    ["In September 2022, Japan reopened the embassy.", [["September 2022", "2022-09", undefined]]],
    ["visited Japan in February 16, 2025.", [["February 16, 2025", "2025-02-16", undefined]]],
    ["visited Japan on 16 Feb 1907.", [["16 Feb 1907", "1907-02-16", undefined]]],
    ["arrived on 1907-02-16 at noon", [["1907-02-16", "1907-02-16", undefined]]],
    ["In early 1914, the King donated money", [["In early 1914", "1914", "early 1914"]]],
    ["Relations were restored in the spring of 1955.", [["the spring of 1955", "1955-21", undefined]]],
    ["Investment grew in the 1970s.", [["the 1970s", "197X", undefined]]],
    ["contact dating from 2000 BCE onwards.", [["from 2000 BCE onwards", "-1999", "from 2000 BCE onwards"]]],
    ["As of 2012, Japan is the second largest donor", [["As of 2012", "2012", "as of 2012"]]],
    [
      "Afghanistan was neutral during World War II, but",
      [["during World War II", "1939/1945", "during World War II"]],
    ],
    ["the war from 1939 to 1945 changed it", [["from 1939 to 1945", "1939/1945", undefined]]],
    ["Diplomatic relations were officially established in 1931", [["1931", "1931", undefined]]],
  ])("GIVEN %j THEN %j", (text, expected) => {
    expect(one(text)).toEqual(expected);
  });

  it("GIVEN 'the following year' THEN the year after the date before it, in this text or the one before", () => {
    expect(one("The ship came in 1908. The following year, another came.")).toEqual([
      ["1908", "1908", undefined],
      ["The following year", "1909", undefined],
    ]);
    expect(one("Two years later, a school opened.", 1950)).toEqual([["Two years later", "1952", undefined]]);
    expect(one("The following year, nothing.")).toEqual([]); // nothing to count from: no guess
  });

  it("GIVEN numbers that are not years (counts, money, thousands, percentages) THEN no date", () => {
    expect(one("102 artifacts, 1,000 people, $1999, 1500 km, 2000 people, 2.5 %, 1950%")).toEqual([]);
    expect(one("781 emigrants and 200,000 people")).toEqual([]);
  });

  it("GIVEN an impossible day THEN it is left out rather than guessed", () => {
    expect(one("on February 30, 1907")).toEqual([]);
  });

  it("GIVEN a date that qualifies another in its clause ('since 2002') THEN it is marked subordinate", () => {
    const dates = findDates("In June 2010, Karzai said so, in return for the aid given since 2002.");
    expect(dates.map((d) => [d.edtf, d.subordinate])).toEqual([
      ["2010-06", false],
      ["2002", true],
    ]);
    expect(findDates("The aid has flowed since 2002.").map((d) => d.subordinate)).toEqual([false]);
  });

  it("GIVEN any text THEN no throw, and every date found is inside the text with valid EDTF", () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 300 }),
        fc.option(fc.integer({ min: -3000, max: 2100 })),
        (text, previous) => {
          for (const d of findDates(text, previous ?? undefined)) {
            expect(text.slice(d.start, d.end)).toBe(d.text);
            expect(d.edtf).toMatch(/^-?[\dX]/);
          }
        },
      ),
    );
  });
});
