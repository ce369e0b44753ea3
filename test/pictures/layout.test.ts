import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { parseDate, yearStart } from "../../src/knowledge/dates.ts";
import type { Knowledge } from "../../src/knowledge/types.ts";
import { CATEGORIES, chartSpec, type ChartItem, type ChartSpec } from "../../src/pictures/chart.ts";
import { canvasMeasure } from "../../src/pictures/draw.ts";
import { layoutTimeline, MAX_ROWS, type Layout, type Measure, type Rect } from "../../src/pictures/layout.ts";
import { pictureKnowledge } from "../support/pictures.ts";

let knowledge: Knowledge;
let measure: Measure;

beforeAll(async () => {
  knowledge = await pictureKnowledge();
  measure = canvasMeasure();
});

function specOf(relationId: string, extra: Partial<ChartSpec> = {}): ChartSpec {
  const relation = knowledge.relations.find((r) => r.id === relationId)!;
  const facts = knowledge.facts.filter((f) => f.relationId === relationId);
  return { ...chartSpec({ relation, facts, theme: "dark", version: "test", locale: "en-US" }), ...extra };
}

const inside = (r: Rect, box: Rect) =>
  r.x >= box.x - 1e-6 &&
  r.y >= box.y - 1e-6 &&
  r.x + r.w <= box.x + box.w + 1e-6 &&
  r.y + r.h <= box.y + box.h + 1e-6;
const overlap = (a: Rect, b: Rect) =>
  a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

/** The promises a layout keeps whatever its facts: checked on every layout below. */
function expectSound(spec: ChartSpec, layout: Layout): void {
  expect(layout.markers.map((m) => m.id).sort()).toEqual(spec.items.map((i) => i.id).sort());
  for (const m of layout.markers)
    expect(inside(m.rect, layout.plot), `marker ${m.id} inside the plot`).toBe(true);
  for (const l of layout.labels)
    expect(inside(l.rect, layout.plot), `label ${l.id} inside the plot`).toBe(true);
  for (const [i, a] of layout.labels.entries())
    for (const b of layout.labels.slice(i + 1))
      expect(overlap(a.rect, b.rect), `labels ${a.id} and ${b.id} overlap`).toBe(false);
  expect(layout.unlabelled).toBe(spec.items.length - layout.labels.length);
}

describe("layoutTimeline", () => {
  it("GIVEN Afghanistan–Japan THEN every fact has its marker and label inside the plot, no label overlaps another or a marker", () => {
    const spec = specOf("afghanistan-japan");
    const layout = layoutTimeline(spec, measure);
    expectSound(spec, layout);
    expect(layout.unlabelled).toBe(0);
    for (const l of layout.labels)
      for (const m of layout.markers)
        expect(overlap(l.rect, m.rect), `label ${l.id} over marker ${m.id}`).toBe(false);
  });

  it("GIVEN a fact in 2000 BCE and the rest after 1880 THEN the axis breaks once, and the modern part keeps most of the width", () => {
    const layout = layoutTimeline(specOf("afghanistan-japan"), measure);
    expect(layout.segments).toHaveLength(2);
    expect(layout.breaks).toHaveLength(1);
    const [bce, modern] = layout.segments as [Layout["segments"][0], Layout["segments"][0]];
    expect(bce.t1).toBeLessThan(yearStart(0));
    expect(modern.t0).toBeGreaterThan(yearStart(1800));
    expect(modern.x1 - modern.x0).toBeGreaterThan(0.8 * layout.plot.w);
    expect(layout.ticks.map((t) => t.label)).toContain("2000 BCE");
  });

  it("GIVEN only modern facts THEN one unbroken axis", () => {
    const spec = specOf("afghanistan-japan");
    const modern = { ...spec, items: spec.items.filter((i) => i.min > yearStart(1800)) };
    expect(layoutTimeline(modern, measure).segments).toHaveLength(1);
  });

  it("GIVEN from and to THEN the axis runs exactly from one to the other", () => {
    const from = parseDate("1960").min;
    const to = parseDate("1980").max;
    const spec = specOf("afghanistan-japan");
    const inPeriod = { ...spec, from, to, items: spec.items.filter((i) => i.max >= from && i.min <= to) };
    const layout = layoutTimeline(inPeriod, measure);
    expect(layout.segments).toHaveLength(1);
    expect(layout.segments[0]).toMatchObject({ t0: from, t1: to });
    expect(layout.ticks[0]?.label).toBe("1960");
    expectSound(inPeriod, layout);
  });

  it("GIVEN a day, a year and a decade THEN a dot, a short bar and a wider one", () => {
    const layout = layoutTimeline(specOf("brazil-japan"), measure);
    const width = (id: string) => layout.markers.find((m) => m.id === id)!.rect.w;
    expect(width("bj-1908-kasato-maru")).toBe(10);
    expect(width("bj-2008-centenary")).toBeGreaterThanOrEqual(8);
    expect(width("bj-197x-investment")).toBeGreaterThan(5 * width("bj-2008-centenary"));
    expect(width("bj-early-1990")).toBeGreaterThanOrEqual(24);
  });

  it("GIVEN a period with months only THEN ticks are months", () => {
    const from = parseDate("2022-01").min;
    const to = parseDate("2022-12").max;
    const spec = specOf("afghanistan-japan");
    const layout = layoutTimeline(
      { ...spec, from, to, items: spec.items.filter((i) => i.max >= from && i.min <= to) },
      measure,
    );
    expect(layout.ticks.map((t) => t.label)).toContain("May 2022");
  });

  it("GIVEN any facts (any dates, BCE to far future, open intervals, any labels, any period) THEN the layout keeps its promises", () => {
    const item = fc.record({
      start: fc.integer({ min: -3000, max: 2200 }),
      years: fc.constantFrom(0, 0, 0, 1, 10, 100),
      shape: fc.constantFrom("point", "span", "wide") as fc.Arbitrary<ChartItem["shape"]>,
      category: fc.constantFrom(...CATEGORIES),
      label: fc.oneof(fc.string({ maxLength: 80 }), fc.constant("日本とブラジルの関係".repeat(5))),
      open: fc.constantFrom(false, false, false, true),
    });
    fc.assert(
      fc.property(
        fc.array(item, { minLength: 0, maxLength: 120 }),
        fc.option(fc.integer({ min: -3000, max: 2200 })),
        fc.option(fc.integer({ min: 0, max: 3000 })),
        (raw, fromYear, length) => {
          const items: ChartItem[] = raw.map((r, k) => ({
            id: `f${k}`,
            min: yearStart(r.start),
            max: r.open ? 8.64e15 : yearStart(r.start + r.years + 1) - 1,
            shape: r.shape,
            category: r.category,
            when: String(r.start),
            label: r.label,
          }));
          const from = fromYear === null ? undefined : yearStart(fromYear);
          const to = fromYear === null || length === null ? undefined : yearStart(fromYear + length + 1) - 1;
          // As /timeline chooses them: the facts that overlap the period.
          const shown = items.filter(
            (i) => (from === undefined || i.max >= from) && (to === undefined || i.min <= to),
          );
          const spec: ChartSpec = {
            to,
            title: "t",
            subtitle: "s",
            footer: "f",
            theme: "dark",
            items: shown,
            from,
          };
          const layout = layoutTimeline(spec, measure);
          expectSound(spec, layout);
          expect(layout.plot.h).toBeLessThanOrEqual(MAX_ROWS * 24);
        },
      ),
      { numRuns: 60 },
    );
  });
});
