import { describe, expect, it } from "vitest";
import { encodePng } from "../../src/pictures/png.ts";
import { decodePng, pngSize } from "../support/pictures.ts";

describe("encodePng", () => {
  it("GIVEN RGBA pixels THEN a PNG that decodes (by Skia) to exactly those pixels", async () => {
    const width = 3;
    const height = 2;
    // Red, green, blue / white, black, a grey: any swap of channels or rows shows.
    const rgba = new Uint8Array([
      255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255, 255, 255, 255, 255, 0, 0, 0, 255, 43, 45, 49, 255,
    ]);
    const png = encodePng(rgba, width, height);
    expect(pngSize(png)).toEqual({ width, height });
    const decoded = await decodePng(png);
    expect([...decoded.data]).toEqual([...rgba]);
  });

  it("GIVEN a buffer of the wrong size THEN it says so", () => {
    expect(() => encodePng(new Uint8Array(10), 2, 2)).toThrow("png: 10 bytes is not 2×2 RGBA");
  });
});
