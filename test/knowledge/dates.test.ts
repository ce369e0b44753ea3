import { describe, expect, it } from "vitest";
import {
  compareDates,
  dateInPeriod,
  DateError,
  parseDate,
  yearEnd,
  yearLabel,
  yearStart,
  type HistoricalDate,
  type Period,
} from "../../src/knowledge/dates.ts";

const utc = (y: number, m = 1, d = 1) => Date.UTC(y, m - 1, d);
const period = (label: string, min: number, max: number): Period => ({ min, max, label });

/** The DateError a date is refused with (fails the test if it parses). */
function refusal(text: string): DateError {
  try {
    parseDate(text);
  } catch (error) {
    if (error instanceof DateError) return error;
    throw error;
  }
  throw new Error(`expected "${text}" to be refused`);
}

describe("parseDate", () => {
  it("GIVEN a day WHEN parsed THEN it spans that day and reads '16 February 1907'", () => {
    const d = parseDate("1907-02-16");
    expect(d).toMatchObject({ edtf: "1907-02-16", precision: "day", label: "16 February 1907" });
    expect(d.min).toBe(utc(1907, 2, 16));
    expect(d.max).toBe(utc(1907, 2, 17) - 1);
  });

  it("GIVEN a month WHEN parsed THEN it spans the whole month and reads 'September 2022'", () => {
    const d = parseDate("2022-09");
    expect(d).toMatchObject({ precision: "month", label: "September 2022" });
    expect(d.min).toBe(utc(2022, 9, 1));
    expect(d.max).toBe(utc(2022, 10, 1) - 1);
  });

  it("GIVEN a year WHEN parsed THEN it spans the year and reads '1931'", () => {
    const d = parseDate("1931");
    expect(d).toMatchObject({ precision: "year", label: "1931", approximate: false, uncertain: false });
    expect([d.min, d.max]).toEqual([utc(1931), utc(1932) - 1]);
  });

  it.each([["197"], ["197X"]])(
    "GIVEN the decade %s THEN it reads 'the 1970s' and spans 1970–1979",
    (text) => {
      const d = parseDate(text);
      expect(d).toMatchObject({ precision: "decade", label: "the 1970s" });
      expect([d.min, d.max]).toEqual([utc(1970), utc(1980) - 1]);
    },
  );

  it("GIVEN a century with unspecified digits (19XX) THEN it reads 'the 1900s'", () => {
    expect(parseDate("19XX")).toMatchObject({ precision: "century", label: "the 1900s" });
  });

  it("GIVEN a season code 1914-40 THEN it reads 'the first half of 1914' and stays inside 1914", () => {
    const d = parseDate("1914-40");
    expect(d).toMatchObject({ precision: "season", label: "the first half of 1914" });
    expect(d.min).toBe(utc(1914));
    expect(d.max).toBeLessThan(utc(1914, 7, 2));
  });

  it("GIVEN spring (1914-21) THEN it reads 'spring 1914'", () => {
    expect(parseDate("1914-21").label).toBe("spring 1914");
  });

  it("GIVEN -1999 (astronomical year) THEN it reads '2000 BCE'", () => {
    const d = parseDate("-1999");
    expect(d).toMatchObject({ precision: "year", label: "2000 BCE" });
    expect(d.min).toBe(yearStart(-1999));
    expect(d.min).toBeLessThan(parseDate("0001").min);
  });

  it("GIVEN EDTF year 0 THEN it reads '1 BCE'", () => {
    expect(parseDate("0000").label).toBe("1 BCE");
  });

  it("GIVEN a BCE decade with unspecified digits THEN it reads as the years it covers, not 'the 1991s BCE'", () => {
    expect(parseDate("-199X").label).toBe("2000 BCE–1991 BCE");
  });

  it("GIVEN a closed interval THEN it reads 'lower – upper' and spans both ends", () => {
    const d = parseDate("1939/1945");
    expect(d).toMatchObject({ precision: "interval", label: "1939 – 1945" });
    expect([d.min, d.max]).toEqual([utc(1939), utc(1946) - 1]);
  });

  it("GIVEN an interval open at the end (2021-08/..) THEN it reads 'since August 2021' and never ends", () => {
    const d = parseDate("2021-08/..");
    expect(d).toMatchObject({ precision: "interval", label: "since August 2021" });
    expect(d.min).toBe(utc(2021, 8, 1));
    expect(d.max).toBe(8.64e15);
  });

  it("GIVEN an interval open at the start (../1950) THEN it reads 'until 1950'", () => {
    const d = parseDate("../1950");
    expect(d.label).toBe("until 1950");
    expect(d.min).toBe(-8.64e15);
    expect(d.max).toBe(utc(1951) - 1);
  });

  it("GIVEN approximate and uncertain qualifiers THEN the label says so", () => {
    expect(parseDate("1850~")).toMatchObject({ approximate: true, label: "c. 1850" });
    expect(parseDate("1850?")).toMatchObject({ uncertain: true, label: "1850 (uncertain)" });
  });

  it("GIVEN surrounding spaces THEN they are ignored", () => {
    expect(parseDate("  1931 ").label).toBe("1931");
  });

  it("GIVEN 29 February of a leap year THEN it is a real day", () => {
    expect(parseDate("2000-02-29").label).toBe("29 February 2000");
  });
});

describe("parseDate errors", () => {
  it("GIVEN month 13 THEN the reason names the text and shows valid examples", () => {
    expect(refusal("1931-13").message).toBe(
      '"1931-13" is not a valid EDTF date (e.g. 1931, 2022-09, 1907-02-16, 197X, -1999)',
    );
  });

  it("GIVEN 1931-02-29 (the parser would roll it over to 1 March) THEN it is refused as an impossible day", () => {
    expect(refusal("1931-02-29").message).toBe('"1931-02-29": February 1931 has no day 29');
  });

  it("GIVEN 1900-02-29 (not a leap year) and 31 April THEN both are refused", () => {
    expect(refusal("1900-02-29").message).toBe('"1900-02-29": February 1900 has no day 29');
    expect(refusal("1931-04-31").message).toBe('"1931-04-31": April 1931 has no day 31');
  });

  it("GIVEN an impossible day inside an interval THEN it is refused too", () => {
    expect(refusal("1931-02-30/1932").message).toBe('"1931-02-30/1932": February 1931 has no day 30');
  });

  it("GIVEN '2000 BCE' THEN the hint says how to write it in EDTF", () => {
    expect(refusal("2000 BCE").message).toBe(
      '"2000 BCE" is not EDTF; write 2000 BCE as "-1999" (EDTF counts 1 BCE as year 0)',
    );
    expect(refusal("44 BC").message).toContain('write 44 BCE as "-43"');
  });

  it("GIVEN '1931 AD' THEN the hint is to write the year alone, not a BCE conversion", () => {
    expect(refusal("1931 AD").message).toBe('"1931 AD" is not EDTF; write the year alone, e.g. "1931"');
  });

  it.each([[""], ["   "]])("GIVEN an empty date %j THEN it says the date is empty", (text) => {
    expect(refusal(text).message).toBe("the date is empty");
  });

  it("GIVEN a set of dates THEN it asks for one date or an interval", () => {
    expect(refusal("[1931,1932]").message).toBe(
      '"[1931,1932]" is a set of dates; give one date or an interval',
    );
  });

  it("GIVEN prose THEN it is refused with the EDTF examples", () => {
    expect(refusal("early 1914").message).toContain("is not a valid EDTF date");
  });
});

describe("compareDates", () => {
  const dates = (...texts: string[]) => texts.map(parseDate);

  it("GIVEN dates in any order WHEN sorted THEN the earliest start comes first", () => {
    const sorted = dates("2022-09", "-1999", "1907-02-16", "197X", "1931").sort(compareDates);
    expect(sorted.map((d) => d.edtf)).toEqual(["-1999", "1907-02-16", "1931", "197X", "2022-09"]);
  });

  it("GIVEN dates that start together THEN the more precise one comes first", () => {
    const sorted = dates("1931", "197X", "1931-01", "1931-01-01", "1970").sort(compareDates);
    expect(sorted.map((d) => d.edtf)).toEqual(["1931-01-01", "1931-01", "1931", "1970", "197X"]);
  });

  it("GIVEN the same date twice THEN they compare equal", () => {
    expect(compareDates(parseDate("1931"), parseDate("1931"))).toBe(0);
  });
});

describe("dateInPeriod", () => {
  const seventies = period("the 1970s", yearStart(1970), yearEnd(1979));
  const inside = (d: HistoricalDate, p: Period) => dateInPeriod(d, p);

  it("GIVEN a year inside a decade THEN it is in the period", () => {
    expect(inside(parseDate("1971"), seventies)).toBe(true);
  });

  it("GIVEN dates just outside THEN they are not", () => {
    expect(inside(parseDate("1969-12-31"), seventies)).toBe(false);
    expect(inside(parseDate("1980-01-01"), seventies)).toBe(false);
  });

  it("GIVEN a fuzzy date that overlaps the period THEN it counts", () => {
    expect(inside(parseDate("1939/1945"), period("1944", yearStart(1944), yearEnd(1944)))).toBe(true);
    expect(inside(parseDate("197X"), period("1975", yearStart(1975), yearEnd(1975)))).toBe(true);
  });

  it("GIVEN a month and a question about its year THEN the month is inside", () => {
    expect(inside(parseDate("2022-09"), period("2022", yearStart(2022), yearEnd(2022)))).toBe(true);
    expect(inside(parseDate("2022-09"), period("2021", yearStart(2021), yearEnd(2021)))).toBe(false);
  });

  it("GIVEN an open interval THEN every later period overlaps it", () => {
    expect(inside(parseDate("2021-08/.."), period("2030", yearStart(2030), yearEnd(2030)))).toBe(true);
    expect(inside(parseDate("2021-08/.."), period("2020", yearStart(2020), yearEnd(2020)))).toBe(false);
  });

  it("GIVEN a BCE date and a BCE period THEN they match", () => {
    expect(inside(parseDate("-1999"), period("2000 BCE", yearStart(-1999), yearEnd(-1999)))).toBe(true);
  });
});

describe("yearLabel", () => {
  it("GIVEN astronomical years THEN positive ones are plain and the rest are BCE", () => {
    expect([yearLabel(1931), yearLabel(1), yearLabel(0), yearLabel(-1999)]).toEqual([
      "1931",
      "1",
      "1 BCE",
      "2000 BCE",
    ]);
  });
});
