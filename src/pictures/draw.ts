/**
 * Paints a timeline picture with @napi-rs/canvas (Skia, prebuilt, no system libraries) and
 * encodes it as PNG. The fonts come from npm packages, registered under our own family names,
 * so nothing depends on the fonts a machine happens to have: Inter for Latin text, Noto Sans JP
 * for what Inter lacks (Japanese) — Skia falls back along the family list glyph by glyph.
 */
import { createRequire } from "node:module";
import { createCanvas, GlobalFonts, type SKRSContext2D } from "@napi-rs/canvas";
import { CATEGORIES, type Category, type ChartSpec, type Theme } from "./chart.ts";
import { FONTS, layoutTimeline, type Layout, type Measure } from "./layout.ts";
import { encodePng } from "./png.ts";

const require = createRequire(import.meta.url);

/** The font files, from their npm packages, and the family names the layout's fonts use. */
export const FONT_FILES = {
  KizunaSans: "@expo-google-fonts/inter/400Regular/Inter_400Regular.ttf",
  KizunaSansBold: "@expo-google-fonts/inter/700Bold/Inter_700Bold.ttf",
  KizunaJP: "@expo-google-fonts/noto-sans-jp/400Regular/NotoSansJP_400Regular.ttf",
} as const;

let registered = false;

/** Registers the picture's fonts once per thread; throws when a font file is missing. */
export function registerFonts(): void {
  if (registered) return;
  for (const [family, file] of Object.entries(FONT_FILES)) {
    if (GlobalFonts.has(family)) continue;
    if (!GlobalFonts.registerFromPath(require.resolve(file), family))
      throw new Error(`pictures: the font ${file} could not be registered`);
  }
  registered = true;
}

interface Palette {
  readonly background: string;
  readonly text: string;
  readonly muted: string;
  readonly grid: string;
  readonly axis: string;
  readonly categories: Record<Category, string>;
}

/**
 * Both palettes paint an opaque background: Discord shows an image on either theme, so each
 * must read on its own. The dark one sits close to Discord's dark grey, the light one white.
 */
export const PALETTES: Record<Theme, Palette> = {
  dark: {
    background: "#2b2d31",
    text: "#f2f3f5",
    muted: "#b5bac1",
    grid: "#3f4248",
    axis: "#949ba4",
    categories: {
      treaty: "#c084fc",
      embassy: "#fbbf24",
      visit: "#60a5fa",
      aid: "#34d399",
      culture: "#f472b6",
      other: "#a1a9b8",
    },
  },
  light: {
    background: "#ffffff",
    text: "#1f2328",
    muted: "#5c6370",
    grid: "#e3e5e8",
    axis: "#6d7580",
    categories: {
      treaty: "#7e22ce",
      embassy: "#b45309",
      visit: "#1d4ed8",
      aid: "#047857",
      culture: "#be185d",
      other: "#5b6472",
    },
  },
};

const LEGEND_NAMES: Record<Category, string> = {
  treaty: "treaty",
  embassy: "embassy",
  visit: "visit",
  aid: "aid",
  culture: "culture",
  other: "other",
};

/** Text widths measured by the canvas itself, cached (labels repeat their dates). */
export function canvasMeasure(): Measure {
  registerFonts();
  const ctx = createCanvas(1, 1).getContext("2d");
  const cache = new Map<string, number>();
  return (text, font) => {
    const key = `${font}\u0000${text}`;
    let width = cache.get(key);
    if (width === undefined) {
      if (ctx.font !== font) ctx.font = font;
      width = ctx.measureText(text).width;
      if (cache.size > 20_000) cache.clear();
      cache.set(key, width);
    }
    return width;
  };
}

let sharedMeasure: Measure | undefined;

/** Lays out and paints a timeline, and encodes it as PNG (synchronous: run it in the worker). */
export function renderTimeline(spec: ChartSpec): { png: Buffer; layout: Layout } {
  sharedMeasure ??= canvasMeasure();
  const layout = layoutTimeline(spec, sharedMeasure);
  const canvas = createCanvas(layout.width, layout.height);
  paint(canvas.getContext("2d"), spec, layout);
  // The background is opaque, so the canvas's premultiplied pixels are the plain ones.
  return { png: encodePng(canvas.data(), layout.width, layout.height), layout };
}

function paint(ctx: SKRSContext2D, spec: ChartSpec, layout: Layout): void {
  const p = PALETTES[spec.theme];
  const { plot, axisY } = layout;
  ctx.fillStyle = p.background;
  ctx.fillRect(0, 0, layout.width, layout.height);
  ctx.textBaseline = "alphabetic";

  ctx.fillStyle = p.text;
  ctx.font = FONTS.title;
  ctx.fillText(spec.title, plot.x, 40);
  ctx.fillStyle = p.muted;
  ctx.font = FONTS.subtitle;
  ctx.fillText(spec.subtitle, plot.x, 64);
  legend(ctx, p, plot.x, 92);

  // Grid lines at the ticks, then the axis, one line per segment, with "//" at each break.
  ctx.lineWidth = 1;
  ctx.strokeStyle = p.grid;
  for (const t of layout.ticks) line(ctx, Math.round(t.x) + 0.5, plot.y, Math.round(t.x) + 0.5, axisY);
  ctx.strokeStyle = p.axis;
  ctx.lineWidth = 1.5;
  for (const s of layout.segments) line(ctx, s.x0, axisY, s.x1, axisY);
  for (const x of layout.breaks) {
    line(ctx, x - 6, axisY + 6, x - 1, axisY - 6);
    line(ctx, x + 1, axisY + 6, x + 6, axisY - 6);
  }
  ctx.fillStyle = p.muted;
  ctx.font = FONTS.tick;
  ctx.textAlign = "center";
  for (const t of layout.ticks) {
    line(ctx, t.x, axisY, t.x, axisY + 5);
    ctx.fillText(t.label, t.x, axisY + 20);
  }
  ctx.textAlign = "left";

  for (const m of layout.markers) {
    const colour = p.categories[m.category];
    const { x, y, w, h } = m.rect;
    ctx.fillStyle = colour;
    ctx.strokeStyle = colour;
    if (m.shape === "point") {
      ctx.beginPath();
      ctx.arc(x + w / 2, y + h / 2, h / 2, 0, Math.PI * 2);
      ctx.fill();
    } else if (m.shape === "span") {
      ctx.beginPath();
      ctx.roundRect(x, y, w, h, 3);
      ctx.fill();
    } else {
      // Vague or long dates: a faint bar with a dashed outline, wider than a year's.
      ctx.globalAlpha = 0.35;
      ctx.beginPath();
      ctx.roundRect(x, y, w, h, 4);
      ctx.fill();
      ctx.globalAlpha = 1;
      ctx.lineWidth = 1.5;
      ctx.setLineDash([4, 3]);
      ctx.stroke();
      ctx.setLineDash([]);
    }
  }

  for (const l of layout.labels) {
    const baseline = l.rect.y + l.rect.h / 2 + 4.5;
    ctx.fillStyle = p.muted;
    ctx.font = FONTS.when;
    ctx.fillText(l.when, l.rect.x, baseline);
    ctx.fillStyle = p.text;
    ctx.font = FONTS.label;
    ctx.fillText(l.text, l.rect.x + l.whenWidth, baseline);
  }

  ctx.fillStyle = p.muted;
  ctx.font = FONTS.footer;
  ctx.fillText(spec.footer, plot.x, layout.height - 14);
  const note = layout.unlabelled
    ? `${layout.unlabelled} label${layout.unlabelled === 1 ? "" : "s"} left out for room · Kizuna`
    : "Kizuna";
  ctx.textAlign = "right";
  ctx.fillText(note, plot.x + plot.w, layout.height - 14);
  ctx.textAlign = "left";
}

/** The colours and the three marker shapes, on one line. */
function legend(ctx: SKRSContext2D, p: Palette, x: number, y: number): void {
  ctx.font = FONTS.legend;
  for (const c of CATEGORIES) {
    ctx.fillStyle = p.categories[c];
    ctx.beginPath();
    ctx.roundRect(x, y - 9, 12, 10, 2);
    ctx.fill();
    ctx.fillStyle = p.muted;
    ctx.fillText(LEGEND_NAMES[c], x + 17, y);
    x += 17 + ctx.measureText(LEGEND_NAMES[c]).width + 16;
  }
  x += 16;
  ctx.fillStyle = p.muted;
  ctx.beginPath();
  ctx.arc(x + 5, y - 4, 5, 0, Math.PI * 2);
  ctx.fill();
  ctx.fillText("day", x + 15, y);
  x += 15 + ctx.measureText("day").width + 14;
  ctx.beginPath();
  ctx.roundRect(x, y - 9, 10, 10, 2);
  ctx.fill();
  ctx.fillText("month, year", x + 15, y);
  x += 15 + ctx.measureText("month, year").width + 14;
  ctx.globalAlpha = 0.35;
  ctx.beginPath();
  ctx.roundRect(x, y - 10, 24, 12, 3);
  ctx.fill();
  ctx.globalAlpha = 1;
  ctx.strokeStyle = p.muted;
  ctx.lineWidth = 1.5;
  ctx.setLineDash([4, 3]);
  ctx.stroke();
  ctx.setLineDash([]);
  ctx.fillText("decade, vague date", x + 29, y);
}

function line(ctx: SKRSContext2D, x0: number, y0: number, x1: number, y1: number): void {
  ctx.beginPath();
  ctx.moveTo(x0, y0);
  ctx.lineTo(x1, y1);
  ctx.stroke();
}
