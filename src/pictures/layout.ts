/**
 * Where everything of a timeline picture goes, in pixels: the time axis (broken where a long
 * empty stretch would flatten the rest, as 2000 BCE would), its ticks, and for each fact a
 * marker and a label packed in rows so that no two labels overlap. Pure: text widths come
 * from the `measure` function the caller passes (the canvas's own, in draw.ts), so the
 * geometry can be checked without painting anything.
 */
import { monthStart, yearLabel, yearOf, yearStart } from "../knowledge/dates.ts";
import type { Category, ChartItem, ChartSpec, MarkerShape } from "./chart.ts";

export interface Rect {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

/** Text width in pixels for a CSS font ("13px KizunaSans"). */
export type Measure = (text: string, font: string) => number;

/** The fonts the picture uses; draw.ts registers the families. */
export const FONTS = {
  title: "bold 22px KizunaSansBold, KizunaJP",
  subtitle: "14px KizunaSans, KizunaJP",
  when: "bold 12px KizunaSansBold, KizunaJP",
  label: "13px KizunaSans, KizunaJP",
  tick: "12px KizunaSans, KizunaJP",
  legend: "12px KizunaSans, KizunaJP",
  footer: "12px KizunaSans, KizunaJP",
} as const;

export const WIDTH = 1200;
const MARGIN = 24;
const PLOT_TOP = 112;
export const ROW_HEIGHT = 24;
/** Rows of markers at most: a taller picture is hard to read in a chat. */
export const MAX_ROWS = 28;
const MIN_ROWS = 4;
const AXIS_SPACE = 40;
const FOOTER_SPACE = 34;
const BREAK_WIDTH = 18;
/** Widest label, in pixels (the text is cut to fit). */
const LABEL_MAX = 400;
const LABEL_GAP = 6;
/** A label shorter than this (beyond its date) says too little: the marker goes alone. */
const MIN_LABEL_TEXT = 56;
/** Labels go right of their marker while that leaves this much room, else left of it. */
const MIN_RIGHT_ROOM = 300;
const ITEM_GAP = 10;
const MIN_WIDTH: Record<MarkerShape, number> = { point: 10, span: 8, wide: 24 };
export const MARKER_HEIGHT: Record<MarkerShape, number> = { point: 10, span: 10, wide: 14 };

/** An open end of an interval ("since 2021") is stored as the largest instant JavaScript has. */
const OPEN = 8e15;
const YEAR = 365.2425 * 864e5;

export interface Segment {
  /** The instants the segment shows, and where. */
  readonly t0: number;
  readonly t1: number;
  readonly x0: number;
  readonly x1: number;
}

export interface PlacedMarker {
  readonly id: string;
  readonly category: Category;
  readonly shape: MarkerShape;
  readonly rect: Rect;
}

export interface PlacedLabel {
  readonly id: string;
  readonly when: string;
  readonly text: string;
  /** The whole label ("1907 · Ayub Khan visited…"): `when` drawn first, then `text`. */
  readonly rect: Rect;
  readonly whenWidth: number;
}

export interface Tick {
  readonly x: number;
  readonly label: string;
}

export interface Layout {
  readonly width: number;
  readonly height: number;
  /** Markers and labels all lie inside it. */
  readonly plot: Rect;
  readonly axisY: number;
  readonly segments: readonly Segment[];
  /** Centres of the axis breaks. */
  readonly breaks: readonly number[];
  readonly ticks: readonly Tick[];
  readonly markers: readonly PlacedMarker[];
  readonly labels: readonly PlacedLabel[];
  /** Facts whose label found no room (their markers are drawn all the same). */
  readonly unlabelled: number;
}

/** A fact's drawn extent: an open end stops at the other end (it is drawn to the axis's end). */
function extent(item: ChartItem): [number, number] {
  const lo = item.min > -OPEN ? item.min : item.max;
  const hi = item.max < OPEN ? item.max : lo;
  return [lo, hi];
}

/**
 * The axis as one to three segments. A gap between facts longer than 40 % of the whole span
 * (and longer than 50 years) becomes a break: without it, one fact of 2000 BCE would squeeze
 * a century of modern facts into a few pixels.
 */
export function axisSegments(spec: ChartSpec, left: number, right: number): Segment[] {
  const spans = spec.items.map(extent).sort((a, b) => a[0] - b[0]);
  let lo = spec.from ?? Math.min(...spans.map((s) => s[0]));
  let hi = spec.to ?? Math.max(...spans.map((s) => s[1]));
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) {
    // No dated fact: an axis around the period asked for, or around now.
    const now = Date.now();
    lo = Number.isFinite(lo) ? lo : Number.isFinite(hi) ? hi - 10 * YEAR : now - 10 * YEAR;
    hi = Number.isFinite(hi) ? hi : lo + 10 * YEAR;
  }
  // Clusters of facts, and the gaps between them.
  const clusters: [number, number][] = [];
  for (const [a, b] of spans) {
    const [ca, cb] = [Math.max(a, lo), Math.min(b, hi)];
    const last = clusters.at(-1);
    if (last && ca <= last[1]) last[1] = Math.max(last[1], cb);
    else clusters.push([ca, Math.max(ca, cb)]);
  }
  const total = hi - lo;
  const gaps = clusters
    .slice(1)
    .map((c, i) => ({ i, size: c[0] - clusters[i]![1] }))
    .filter((g) => g.size > 0.4 * total && g.size > 50 * YEAR)
    .sort((a, b) => b.size - a.size)
    .slice(0, 2)
    .sort((a, b) => a.i - b.i);
  const pieces: [number, number][] = [];
  let start = lo;
  for (const g of gaps) {
    pieces.push([start, clusters[g.i]![1]]);
    start = clusters[g.i + 1]![0];
  }
  pieces.push([start, hi]);
  // Each piece shows a little time on either side, so a marker at its edge is not cut, except
  // at a bound the reader asked for.
  const minSpan = Math.min(10 * YEAR, Math.max(YEAR, total * 0.02));
  const padded = pieces.map(([a, b], k) => {
    const grow = Math.max(0, minSpan - (b - a)) / 2;
    const pad = (b - a + 2 * grow) * 0.03;
    const first = k === 0;
    const last = k === pieces.length - 1;
    return [
      first && spec.from !== undefined ? a : a - grow - pad,
      last && spec.to !== undefined ? b : b + grow + pad,
    ] as [number, number];
  });
  const width = right - left - BREAK_WIDTH * (padded.length - 1);
  const sum = padded.reduce((s, [a, b]) => s + (b - a), 0);
  // A piece gets at least 12 % of the width, however short, so its facts can be read.
  const raw = padded.map(([a, b]) => Math.max((b - a) / sum, padded.length > 1 ? 0.12 : 1));
  const norm = raw.reduce((s, w) => s + w, 0);
  let x = left;
  return padded.map(([a, b], k) => {
    const w = (width * raw[k]!) / norm;
    const segment = { t0: a, t1: b, x0: x, x1: x + w };
    x += w + BREAK_WIDTH;
    return segment;
  });
}

/** The x of an instant: in its segment, or at the edge of the nearest one. */
export function xOf(segments: readonly Segment[], t: number): number {
  for (const s of segments)
    if (t <= s.t1) return t < s.t0 ? s.x0 : s.x0 + ((t - s.t0) / (s.t1 - s.t0)) * (s.x1 - s.x0);
  const last = segments.at(-1)!;
  return last.x1;
}

const STEPS = [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000];
const MONTH_STEPS = [1, 2, 3, 6];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const MIN_TICK_GAP = 80;

/** Round years (or months, for short spans), at least 80 px apart, numbered as people count them (BCE too). */
export function ticksOf(segment: Segment): Tick[] {
  const px = segment.x1 - segment.x0;
  const years = (segment.t1 - segment.t0) / YEAR;
  const ticks: Tick[] = [];
  const at = (t: number, label: string) => {
    if (t >= segment.t0 && t <= segment.t1) ticks.push({ x: xOf([segment], t), label });
  };
  if ((px / years) * 1 >= MIN_TICK_GAP * 2 && years < 6) {
    const step = MONTH_STEPS.find((m) => (px / (years * 12)) * m >= MIN_TICK_GAP) ?? 12;
    const first = new Date(segment.t0);
    let month = first.getUTCFullYear() * 12 + first.getUTCMonth();
    for (; ; month++) {
      const t = monthStart(Math.floor(month / 12), month % 12);
      if (t > segment.t1) break;
      if (month % step === 0) at(t, `${MONTHS[month % 12]} ${yearLabel(Math.floor(month / 12))}`);
    }
    return ticks;
  }
  const step = STEPS.find((s) => (px / years) * s >= MIN_TICK_GAP) ?? 10_000;
  const first = yearOf(segment.t0);
  const last = yearOf(segment.t1);
  // Labels count years as written: 2000 BCE is year -1999, so BCE ticks fall on round BCE
  // numbers (1 - year), common-era ticks on round years.
  for (let bce = Math.floor((1 - first) / step) * step; bce >= Math.max(step, 1 - last); bce -= step)
    at(yearStart(1 - bce), yearLabel(1 - bce));
  for (let y = Math.max(step, Math.ceil(first / step) * step); y <= last; y += step)
    at(yearStart(y), yearLabel(y));
  return ticks;
}

/** Ticks whose labels would touch the one before (at a break, two segments' ends meet) are left out. */
function apart(ticks: readonly Tick[], measure: Measure): Tick[] {
  const out: Tick[] = [];
  let end = -Infinity;
  for (const t of ticks) {
    const half = measure(t.label, FONTS.tick) / 2;
    if (t.x - half < end + 12) continue;
    out.push(t);
    end = t.x + half;
  }
  return out;
}

/** Cuts `text` so that it measures at most `max` pixels, ending in "…". */
export function fitText(text: string, font: string, max: number, measure: Measure): string {
  if (measure(text, font) <= max) return text;
  const chars = [...text];
  let lo = 0;
  let hi = chars.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (measure(`${chars.slice(0, mid).join("")}…`, font) <= max) lo = mid;
    else hi = mid - 1;
  }
  return lo === 0 ? "" : `${chars.slice(0, lo).join("").trimEnd()}…`;
}

type Interval = [number, number];
const free = (row: readonly Interval[], [a, b]: Interval) => row.every(([c, d]) => b <= c || a >= d);

/** Pixels free in a row from `from` rightwards, up to `limit` (what is taken is padded already). */
function spaceRight(row: readonly Interval[], from: number, limit: number): number {
  let end = limit;
  for (const [c, d] of row) if (d > from) end = Math.min(end, Math.max(c, from) - ITEM_GAP / 2);
  return end - from;
}

/** Pixels free in a row from `from` leftwards, down to `limit`. */
function spaceLeft(row: readonly Interval[], from: number, limit: number): number {
  let start = limit;
  for (const [c, d] of row) if (c < from) start = Math.max(start, Math.min(d, from) + ITEM_GAP / 2);
  return from - start;
}

/** Places everything. */
export function layoutTimeline(spec: ChartSpec, measure: Measure): Layout {
  const left = MARGIN;
  const right = WIDTH - MARGIN;
  const segments = axisSegments(spec, left, right);
  const items = [...spec.items].sort((a, b) => extent(a)[0] - extent(b)[0] || a.id.localeCompare(b.id));
  // Per row, what is taken: by markers with their labels, and by labels alone (a marker that
  // finds no free row may overlap other markers, never a label).
  const rows: Interval[][] = Array.from({ length: MAX_ROWS }, () => []);
  const labelRows: Interval[][] = Array.from({ length: MAX_ROWS }, () => []);
  const markers: PlacedMarker[] = [];
  const labels: PlacedLabel[] = [];
  const whenWidths = new Map<string, number>();
  const whenWidth = (w: string) => {
    let width = whenWidths.get(w);
    if (width === undefined) whenWidths.set(w, (width = measure(`${w} `, FONTS.when)));
    return width;
  };
  let used = 0;
  for (const item of items) {
    const [lo, hi] = extent(item);
    // Drawn from the start to the end of its span, at least its shape's width, kept inside the plot.
    let x0 = xOf(segments, lo);
    let x1 = item.max >= OPEN ? right : xOf(segments, hi);
    if (item.min <= -OPEN) x0 = left;
    const min = MIN_WIDTH[item.shape];
    if (x1 - x0 < min) {
      const mid = (x0 + x1) / 2;
      [x0, x1] = [mid - min / 2, mid + min / 2];
    }
    if (x0 < left) [x0, x1] = [left, left + (x1 - x0)];
    if (x1 > right) [x0, x1] = [Math.max(left, right - (x1 - x0)), right];

    // The label goes right of the marker, or left when the right has no room: in the first row
    // from the top where the marker's place is free and the whole label fits beside it; when
    // every row is taken there, in the row with the most room, cut short.
    const ww = whenWidth(item.when);
    const rightRoom = right - x1 - LABEL_GAP;
    const onRight = rightRoom >= Math.min(LABEL_MAX, MIN_RIGHT_ROOM) || rightRoom >= x0 - LABEL_GAP - left;
    const wanted = Math.min(LABEL_MAX, ww + measure(item.label, FONTS.label));
    let row = -1;
    let best = { row: -1, space: ww + MIN_LABEL_TEXT };
    for (let r = 0; r < MAX_ROWS; r++) {
      const taken = rows[r]!;
      if (!free(taken, [x0 - ITEM_GAP / 2, x1 + ITEM_GAP / 2])) continue;
      const space = Math.min(
        LABEL_MAX,
        onRight ? spaceRight(taken, x1 + LABEL_GAP, right) : spaceLeft(taken, x0 - LABEL_GAP, left),
      );
      if (space >= wanted) {
        best = { row: r, space };
        break;
      }
      if (space > best.space) best = { row: r, space };
    }
    let text = "";
    let labelW = 0;
    let lx = 0;
    if (best.row >= 0) {
      // Text is measured only for the row it goes to: dense pictures skip most labels cheaply.
      text = fitText(item.label, FONTS.label, best.space - ww, measure);
      if (text) {
        row = best.row;
        labelW = ww + measure(text, FONTS.label);
        lx = onRight ? x1 + LABEL_GAP : x0 - LABEL_GAP - labelW;
      }
    }
    const withLabel = row >= 0;
    if (!withLabel) {
      // No room for a label: the marker alone, in a free row, or else over other markers.
      const bare: Interval = [x0 - 2, x1 + 2];
      row = rows.findIndex((r) => free(r, bare));
      if (row < 0) {
        // Every row is taken there: over the fewest markers, never over a label.
        let fewest = Infinity;
        for (let r = 0; r < MAX_ROWS; r++) {
          if (!free(labelRows[r]!, bare)) continue;
          const over = rows[r]!.reduce((n, [c, d]) => (bare[1] > c && bare[0] < d ? n + 1 : n), 0);
          if (over < fewest) [fewest, row] = [over, r];
        }
      }
      if (row < 0) row = MAX_ROWS - 1;
      rows[row]!.push(bare);
    } else {
      rows[row]!.push([Math.min(x0, lx) - ITEM_GAP / 2, Math.max(x1, lx + labelW) + ITEM_GAP / 2]);
      labelRows[row]!.push([lx - 1, lx + labelW + 1]);
    }
    used = Math.max(used, row + 1);
    const y = PLOT_TOP + row * ROW_HEIGHT + ROW_HEIGHT / 2;
    const h = MARKER_HEIGHT[item.shape];
    markers.push({
      id: item.id,
      category: item.category,
      shape: item.shape,
      rect: { x: x0, y: y - h / 2, w: x1 - x0, h },
    });
    if (withLabel)
      labels.push({
        id: item.id,
        when: item.when,
        text,
        rect: { x: lx, y: y - ROW_HEIGHT / 2 + 3, w: labelW, h: ROW_HEIGHT - 6 },
        whenWidth: ww,
      });
  }
  const rowsShown = Math.max(MIN_ROWS, used);
  const plot = { x: left, y: PLOT_TOP, w: right - left, h: rowsShown * ROW_HEIGHT };
  const axisY = plot.y + plot.h + 8;
  return {
    width: WIDTH,
    height: axisY + AXIS_SPACE + FOOTER_SPACE,
    plot,
    axisY,
    segments,
    breaks: segments.slice(1).map((s) => s.x0 - BREAK_WIDTH / 2),
    ticks: apart(segments.flatMap(ticksOf), measure),
    markers,
    labels,
    unlabelled: items.length - labels.length,
  };
}
