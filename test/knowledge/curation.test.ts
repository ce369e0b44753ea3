import { describe, expect, it } from "vitest";
import { quoteFound, strayYears } from "../../src/knowledge/curation.ts";
import { parseDate } from "../../src/knowledge/dates.ts";
import type { Fact } from "../../src/knowledge/types.ts";

const fact = (statement: string, date: string | null, quote?: string): Fact => ({
  id: "x",
  relationId: "r",
  date: date ? parseDate(date) : null,
  statement,
  people: [],
  places: [],
  tags: [],
  keywords: [],
  sourceId: "s",
  section: "S",
  quote,
  file: "f.yaml",
  line: 1,
});

describe("quoteFound", () => {
  const text = "Tokyo still hosts Shaida Mohammad Abdali,   who was nominated by\nPresident Ashraf Ghani. Japan’s readiness – to provide aid.";
  it("GIVEN the words of the text, whatever the whitespace, quote marks and dashes THEN found", () => {
    expect(quoteFound("who was nominated by President Ashraf Ghani", text)).toBe(true);
    expect(quoteFound("Japan's readiness - to provide aid", text)).toBe(true);
    expect(quoteFound("Tokyo still hosts [...] President Ashraf Ghani", text)).toBe(true);
  });
  it("GIVEN other words, or parts in another order THEN not found", () => {
    expect(quoteFound("who was appointed by President Ashraf Ghani", text)).toBe(false);
    expect(quoteFound("President Ashraf Ghani [...] Tokyo still hosts", text)).toBe(false);
  });
});

describe("strayYears", () => {
  it("GIVEN years inside the date, or in the quote THEN none; another year THEN it", () => {
    expect(strayYears(fact("Japan reopened its embassy in 2022.", "2022-09"))).toEqual([]);
    expect(strayYears(fact("Aid since 2002.", "2010-06", "the aid … since 2002."))).toEqual([]);
    expect(strayYears(fact("A year after 2021, Japan reopened it.", "2022-09"))).toEqual([2021]);
    expect(strayYears(fact("Contact from 2000 BCE onwards.", "-1999"))).toEqual([]);
    expect(strayYears(fact("In 1907 he visited Japan.", "1880"))).toEqual([1907]);
  });
});
