import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createCanvas } from "@napi-rs/canvas";
import { beforeAll, describe, expect, it } from "vitest";
import { parseDate } from "../../src/knowledge/dates.ts";
import type { Knowledge } from "../../src/knowledge/types.ts";
import { chartSpec, type ChartSpec, type Theme } from "../../src/pictures/chart.ts";
import { registerFonts, renderTimeline } from "../../src/pictures/draw.ts";
import { FONTS } from "../../src/pictures/layout.ts";
import { decodePng, differingShare, pictureKnowledge, pngSize } from "../support/pictures.ts";

/**
 * Reference pictures, checked in. After a deliberate change to the pictures, look at the new
 * ones and update them with `UPDATE_PICTURES=1 npx vitest run test/pictures/draw.test.ts`.
 */
const REFERENCE = "test/pictures/reference";
/** Share of pixels allowed to differ: anti-aliasing may vary a little between processors. */
const TOLERANCE = 0.005;

let knowledge: Knowledge;

beforeAll(async () => {
  knowledge = await pictureKnowledge();
});

function specOf(relationId: string, theme: Theme, period?: [string, string]): ChartSpec {
  const relation = knowledge.relations.find((r) => r.id === relationId)!;
  const from = period && parseDate(period[0]).min;
  const to = period && parseDate(period[1]).max;
  const facts = knowledge.facts.filter(
    (f) =>
      f.relationId === relationId &&
      f.date &&
      (from === undefined || f.date.max >= from) &&
      (to === undefined || f.date.min <= to),
  );
  return chartSpec({
    relation,
    facts,
    theme,
    // A fixed version: the footer shows it, and the references must not change with the fixture's hash.
    version: "0123456789ab",
    locale: relationId === "brazil-japan" ? "ja" : "en-US",
    from,
    to,
    period: period && `${period[0]} – ${period[1]}`,
  });
}

/** Compares with the checked-in reference; on a difference, the new picture is saved for a look. */
async function expectLikeReference(name: string, png: Buffer): Promise<void> {
  const path = join(REFERENCE, `${name}.png`);
  if (process.env.UPDATE_PICTURES) {
    mkdirSync(REFERENCE, { recursive: true });
    writeFileSync(path, png);
  }
  if (!existsSync(path))
    expect.fail(`${path} is missing: look at the picture, then run with UPDATE_PICTURES=1`);
  const share = differingShare(await decodePng(png), await decodePng(readFileSync(path)));
  if (share > TOLERANCE) {
    const actual = join(tmpdir(), `kizuna-picture-${name}.png`);
    writeFileSync(actual, png);
    expect.fail(
      `${name}: ${(share * 100).toFixed(2)} % of pixels differ from ${path}; this run's picture: ${actual}`,
    );
  }
}

describe("renderTimeline", () => {
  it("GIVEN a relation THEN a PNG of the layout's size, 1200 px wide", async () => {
    const { png, layout } = renderTimeline(specOf("afghanistan-japan", "dark"));
    expect(pngSize(png)).toEqual({ width: 1200, height: layout.height });
    expect(layout.height).toBeGreaterThan(300);
    expect(layout.height).toBeLessThan(1000);
  });

  for (const [name, relation, theme, period] of [
    ["afghanistan-japan-dark", "afghanistan-japan", "dark", undefined],
    ["afghanistan-japan-light", "afghanistan-japan", "light", undefined],
    ["afghanistan-japan-1960-1980-light", "afghanistan-japan", "light", ["1960", "1980"]],
    ["brazil-japan-ja-light", "brazil-japan", "light", undefined],
  ] as const)
    it(`GIVEN ${name} THEN the picture matches its reference`, async () => {
      const { png } = renderTimeline(specOf(relation, theme, period ? [...period] : undefined));
      await expectLikeReference(name, png);
    });

  it("GIVEN the other theme THEN the comparison tells the pictures apart", async () => {
    const dark = await decodePng(renderTimeline(specOf("afghanistan-japan", "dark")).png);
    const light = await decodePng(renderTimeline(specOf("afghanistan-japan", "light")).png);
    expect(differingShare(dark, light)).toBeGreaterThan(0.5);
  });

  it("GIVEN a dark and a light picture THEN each paints an opaque background (readable on either Discord theme)", async () => {
    for (const theme of ["dark", "light"] as const) {
      const { data } = await decodePng(renderTimeline(specOf("brazil-japan", theme)).png);
      for (let i = 3; i < data.length; i += 4 * 97) expect(data[i]).toBe(255);
    }
  });
});

describe("fonts", () => {
  /** The pixels of one glyph drawn in `font`. */
  function glyph(text: string, font: string): string {
    registerFonts();
    const canvas = createCanvas(40, 40);
    const ctx = canvas.getContext("2d");
    ctx.fillStyle = "#000";
    ctx.font = font;
    ctx.fillText(text, 4, 30);
    return Buffer.from(ctx.getImageData(0, 0, 40, 40).data).toString("base64");
  }

  it("GIVEN Japanese text THEN the label font draws each kanji as itself, not as a missing-glyph box", () => {
    // A font without the glyph draws the same box for every character: two different kanji
    // drawn alike would mean the Japanese font is not reached.
    expect(glyph("日", FONTS.label)).not.toBe(glyph("本", FONTS.label));
    expect(glyph("日", "13px KizunaSans")).toBe(glyph("本", "13px KizunaSans"));
  });

  it("GIVEN Latin with macrons (Tōgō) THEN the Latin font draws them", () => {
    expect(glyph("ō", FONTS.label)).not.toBe(glyph("o", FONTS.label));
  });
});
