/**
 * Helpers for testing pictures: the facts of the picture fixtures, and a pixel comparison of
 * two PNGs (decoded by the same canvas library the bot paints with).
 */
import { createCanvas, loadImage } from "@napi-rs/canvas";
import { loadKnowledge } from "../../src/knowledge/load.ts";
import type { Knowledge } from "../../src/knowledge/types.ts";

export const PICTURE_FIXTURES = "test/fixtures/knowledge/pictures";

/** The picture fixtures: Afghanistan–Japan (a frozen copy of the seed) and a relation written in Japanese. */
export async function pictureKnowledge(): Promise<Knowledge> {
  const loaded = await loadKnowledge(PICTURE_FIXTURES);
  if (!loaded.ok) throw new Error(`the picture fixtures must load: ${JSON.stringify(loaded.problems)}`);
  return loaded.knowledge;
}

export interface Pixels {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8ClampedArray;
}

export async function decodePng(png: Buffer): Promise<Pixels> {
  const image = await loadImage(png);
  const canvas = createCanvas(image.width, image.height);
  const ctx = canvas.getContext("2d");
  ctx.drawImage(image, 0, 0);
  const { data } = ctx.getImageData(0, 0, image.width, image.height);
  return { width: image.width, height: image.height, data };
}

/**
 * Share of pixels (0–1) whose colour differs by more than `threshold` in some channel; 1 when
 * the sizes differ. Anti-aliasing may differ by a few levels between processors, a changed
 * picture by far more.
 */
export function differingShare(a: Pixels, b: Pixels, threshold = 48): number {
  if (a.width !== b.width || a.height !== b.height) return 1;
  let differing = 0;
  for (let i = 0; i < a.data.length; i += 4) {
    for (let c = 0; c < 4; c++)
      if (Math.abs(a.data[i + c]! - b.data[i + c]!) > threshold) {
        differing++;
        break;
      }
  }
  return differing / (a.width * a.height);
}

/** Width and height from a PNG's IHDR chunk, after checking the signature. */
export function pngSize(png: Buffer): { width: number; height: number } {
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  if (!png.subarray(0, 8).equals(signature)) throw new Error("not a PNG: wrong signature");
  if (png.toString("latin1", 12, 16) !== "IHDR") throw new Error("not a PNG: no IHDR first");
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}
