import { describe, expect, it } from "vitest";
import { yearEnd, yearStart } from "../../src/knowledge/dates.ts";
import { intersect, parsePeriods } from "../../src/engine/periods.ts";
import { fold } from "../../src/text/normalize.ts";

const FOREVER = 8.64e15;
const utc = (y: number, m = 1, d = 1) => Date.UTC(y, m - 1, d);
/** Questions reach parsePeriods folded, as the question parser passes them. */
const parse = (question: string) => parsePeriods(fold(question));
const span = (question: string) => {
  const { period } = parse(question);
  return period && { min: period.min, max: period.max, label: period.label };
};
const years = (from: number, to: number, label: string) => ({
  min: yearStart(from),
  max: yearEnd(to),
  label,
});

describe("parsePeriods — single dates", () => {
  it("GIVEN 'in 1969' THEN the period is that year", () => {
    expect(span("What happened in 1969?")).toEqual(years(1969, 1969, "1969"));
  });

  it.each([
    ["in September 2022", "September 2022"],
    ["in sept 2022", "September 2022"],
    ["in Sep, 2022", "September 2022"],
  ])("GIVEN '%s' THEN the period is the month", (question, label) => {
    expect(span(question)).toEqual({ min: utc(2022, 9), max: utc(2022, 10) - 1, label });
  });

  it.each([["on 16 February 1907"], ["on February 16, 1907"], ["on the 16th feb 1907"]])(
    "GIVEN '%s' THEN the period is that day",
    (question) => {
      expect(span(question)).toEqual({
        min: utc(1907, 2, 16),
        max: utc(1907, 2, 17) - 1,
        label: "16 February 1907",
      });
    },
  );

  it.each([["in the 1970s"], ["in the 70s"], ["in the '70s"]])(
    "GIVEN '%s' THEN the period is 1970–1979",
    (q) => {
      expect(span(q)).toEqual(years(1970, 1979, "the 1970s"));
    },
  );

  it("GIVEN 'the 2000s' THEN it is the decade 2000–2009", () => {
    expect(span("the 2000s")).toEqual(years(2000, 2009, "the 2000s"));
  });

  it("GIVEN '2000 BCE' or '2000 BC' THEN the period is astronomical year -1999", () => {
    expect(span("contact in 2000 BCE")).toEqual(years(-1999, -1999, "2000 BCE"));
    expect(span("in 2000 BC")).toEqual(years(-1999, -1999, "2000 BCE"));
  });

  it("GIVEN a century THEN it spans years 1801–1900 for the 19th", () => {
    expect(span("in the 19th century")).toEqual(years(1801, 1900, "the 19th century"));
  });

  it("GIVEN a BCE century THEN it spans the right astronomical years", () => {
    expect(span("the 5th century bc")).toEqual(years(-499, -400, "the 5th century BCE"));
  });

  it("GIVEN numbers that are not years THEN no period is found", () => {
    for (const q of ["what happened in 12345", "in 1999.5", "102 artifacts", "about 781 emigrants"])
      expect(span(q), q).toBeUndefined();
  });

  it("GIVEN two years THEN the period is those two years, bounded by both", () => {
    expect(span("in 1969 and 1971")).toEqual(years(1969, 1971, "1969 and 1971"));
    expect(parse("in 1969 and 1971").period?.parts).toHaveLength(2);
  });
});

describe("parsePeriods — ranges", () => {
  it("GIVEN 'between 2002 and 2012' THEN both years are included", () => {
    expect(span("What happened between 2002 and 2012?")).toEqual(years(2002, 2012, "2002–2012"));
  });

  it("GIVEN 'from 1960 to 1980' THEN both years are included", () => {
    expect(span("from 1960 to 1980")).toEqual(years(1960, 1980, "1960–1980"));
  });

  it.each([["2002-2012"], ["2002–2012"], ["2002 - 2012"]])(
    "GIVEN '%s' THEN it is the range 2002–2012",
    (q) => {
      expect(span(q)).toEqual(years(2002, 2012, "2002–2012"));
    },
  );

  it("GIVEN decades as the ends THEN the range runs from the first decade's start to the last one's end", () => {
    expect(span("between the 1960s and the 1980s")).toEqual(years(1960, 1989, "the 1960s–the 1980s"));
  });
});

describe("parsePeriods — open bounds", () => {
  // Bounds on a date include the date itself: "after 1979" keeps what happened in 1979 (the
  // source often dates an event by the year of its cause); the engine ranks as usual.
  it("GIVEN 'before 1950' THEN it runs up to the end of 1950", () => {
    expect(span("before 1950")).toEqual({ min: -FOREVER, max: yearEnd(1950), label: "before 1950" });
  });

  it("GIVEN 'after 1950' THEN it starts with 1950", () => {
    expect(span("after 1950")).toEqual({ min: yearStart(1950), max: FOREVER, label: "after 1950" });
  });

  it("GIVEN 'since 2002' and 'until 2002' THEN 2002 itself is included", () => {
    expect(span("since 2002")).toEqual({ min: yearStart(2002), max: FOREVER, label: "since 2002" });
    expect(span("until 2002")).toEqual({ min: -FOREVER, max: yearEnd(2002), label: "until 2002" });
  });

  it("GIVEN 'by 1950' THEN it runs until the end of 1950", () => {
    expect(span("by 1950")).toEqual({ min: -FOREVER, max: yearEnd(1950), label: "by 1950" });
  });

  it("GIVEN 'after 2002 and before 2012' THEN the bounds intersect", () => {
    expect(span("after 2002 and before 2012")).toEqual({
      min: yearStart(2002),
      max: yearEnd(2012),
      label: "after 2002, before 2012",
    });
  });

  it("GIVEN a bound on a month THEN it is cut at month precision", () => {
    expect(span("before September 2022")?.max).toBe(utc(2022, 10) - 1);
    expect(span("since September 2022")?.min).toBe(utc(2022, 9));
  });

  it("GIVEN 'since when' THEN it is a question word, not an event anchor or a period", () => {
    expect(parse("since when do they have embassies?")).toMatchObject({ period: undefined, anchors: [] });
  });
});

describe("parsePeriods — named periods", () => {
  it.each([["during World War II"], ["in WW2"], ["in the second world war"], ["during ww ii"]])(
    "GIVEN '%s' THEN it is 1 September 1939 – 2 September 1945",
    (q) => {
      expect(span(q)).toEqual({ min: utc(1939, 9, 1), max: utc(1945, 9, 3) - 1, label: "World War II" });
    },
  );

  it("GIVEN 'after the second world war' THEN it starts the day after it ended", () => {
    expect(span("after the Second World War")).toEqual({
      min: utc(1945, 9, 3),
      max: FOREVER,
      label: "after World War II",
    });
  });

  it("GIVEN 'before the Cold War' THEN it ends before 1947", () => {
    expect(span("before the cold war")).toEqual({
      min: -FOREVER,
      max: yearStart(1947) - 1,
      label: "before the Cold War",
    });
  });

  it("GIVEN World War I THEN it is not mistaken for World War II", () => {
    expect(span("during the first world war")?.label).toBe("World War I");
  });
});

describe("parsePeriods — event anchors", () => {
  it("GIVEN 'after the Fall of Kabul' THEN an anchor is returned for the engine to resolve, with no period", () => {
    const parsed = parse("What happened after the Fall of Kabul?");
    expect(parsed.anchors).toEqual([{ direction: "after", phrase: "fall of kabul" }]);
    expect(parsed.period).toBeUndefined();
  });

  it("GIVEN 'since the Tokyo Conference, …' THEN the anchor stops at the punctuation", () => {
    expect(parse("since the Tokyo Conference, what did Japan give?").anchors).toEqual([
      { direction: "after", phrase: "tokyo conference" },
    ]);
  });

  it("GIVEN 'before the Soviet invasion in 1979' THEN the anchor stops at 'in' and the year is a period", () => {
    const parsed = parse("before the Soviet invasion in 1979");
    expect(parsed.anchors).toEqual([{ direction: "before", phrase: "soviet invasion" }]);
    expect(parsed.period?.label).toBe("1979");
  });

  it("GIVEN 'by' or 'up to' without a date THEN no anchor is made (they are too common)", () => {
    expect(parse("visited by the crown prince").anchors).toEqual([]);
    expect(parse("up to the king").anchors).toEqual([]);
  });
});

describe("parsePeriods — residual", () => {
  it("GIVEN dates in a question THEN they are blanked in the residual", () => {
    const text = fold("Who visited Japan in September 2022 and in the 1970s?");
    const { residual } = parsePeriods(text);
    expect(residual).not.toMatch(/2022|september|sept|1970/);
    expect(residual).toMatch(/^who visited japan\s+and\b/);
    expect(residual.trimEnd().endsWith("?")).toBe(true);
  });

  it("GIVEN a range and a named period THEN their words are gone from the residual", () => {
    expect(parse("visits between 2002 and 2012").residual.trim()).toBe("visits");
    expect(parse("neutral during World War II").residual.trim()).toBe("neutral");
  });

  it("GIVEN a question with no date THEN the residual is the text itself", () => {
    const text = fold("When were diplomatic relations established?");
    expect(parsePeriods(text)).toEqual({ period: undefined, anchors: [], residual: text });
  });
});

describe("intersect", () => {
  it("GIVEN overlapping periods THEN the overlap is kept and labels joined", () => {
    expect(intersect(years(1960, 1980, "a"), years(1970, 1990, "b"))).toEqual(years(1970, 1980, "a, b"));
  });

  it("GIVEN disjoint periods THEN the result is empty (min > max)", () => {
    const empty = intersect(years(1960, 1961, "a"), years(1970, 1971, "b"));
    expect(empty.min).toBeGreaterThan(empty.max);
  });
});

describe("parsePeriods — what a question means, not just its numbers", () => {
  it("GIVEN two periods THEN two parts, not everything between them", () => {
    const { period } = parse("what happened in the 1930s and the 2010s");
    expect(period?.parts?.map((p) => [p.min, p.max])).toEqual([
      [yearStart(1930), yearEnd(1939)],
      [yearStart(2010), yearEnd(2019)],
    ]);
    expect(period?.label).toBe("the 1930s and the 2010s");
  });

  it("GIVEN 'from X onwards' or 'from X to the present' THEN open-ended from X", () => {
    expect(span("What happened from 2002 onwards?")).toMatchObject({ min: yearStart(2002), max: FOREVER });
    expect(span("What happened from 1931 to the present?")).toMatchObject({
      min: yearStart(1931),
      max: FOREVER,
    });
  });

  it("GIVEN a range written backwards THEN the same range", () => {
    expect(span("between 2012 and 2002")).toEqual(years(2002, 2012, "2002–2012"));
    expect(span("2012-2002")).toEqual(years(2002, 2012, "2002–2012"));
  });

  it("GIVEN a day that does not exist or a 0th century THEN no such period is made up", () => {
    expect(span("on 2022-02-30")?.label).not.toMatch(/30|March/);
    expect(span("31 february 2022")?.label).not.toMatch(/31|March/);
    expect(span("in the 0th century")).toBeUndefined();
  });
});
