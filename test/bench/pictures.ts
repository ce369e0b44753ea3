/**
 * The timeline picture's bench row: how long a picture takes to paint at 30 and 500 facts,
 * as a user waits for it after the deferral — the request to the worker thread, layout, paint,
 * PNG encoding and the trip back — and how long the event loop is held meanwhile (it should
 * stay free: the painting is in the worker). Each picture has its own cache key, so every one
 * is painted. Facts are the synthetic bench facts (mixed precisions over 2 500 years).
 *
 * `node --import tsx test/bench/pictures.ts [--runs N]` runs it alone; `npm run bench` includes it.
 */
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import type { Fact } from "../../src/knowledge/types.ts";
import { chartSpec } from "../../src/pictures/chart.ts";
import { renderTimeline } from "../../src/pictures/draw.ts";
import { PictureRenderer } from "../../src/pictures/renderer.ts";
import { generateKnowledge } from "./generate.ts";
import { isMainModule, summarize } from "./runtime.ts";

export interface PictureBenchRow {
  readonly facts: number;
  readonly runs: number;
  /** Worker round trip per picture, ms. */
  readonly p50_ms: number;
  readonly p99_ms: number;
  readonly max_ms: number;
  /** The same picture painted on the calling thread (layout + paint + PNG), p50, ms. */
  readonly inline_p50_ms: number;
  /** Longest event-loop block while pictures were painted in the worker, ms. */
  readonly loop_block_ms: number;
  readonly png_kb: number;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

export async function runPictureBenchmark(
  options: { sizes?: readonly number[]; runs?: number } = {},
): Promise<PictureBenchRow[]> {
  const sizes = options.sizes ?? [30, 500];
  const runs = options.runs ?? 100;
  const { knowledge } = generateKnowledge(2_000, { seed: "kizuna-bench-pictures" });
  const dated = knowledge.facts.filter((f) => f.date);
  const relation = knowledge.relations[0]!;
  const renderer = new PictureRenderer({ maxEntries: 1 });
  const rows: PictureBenchRow[] = [];
  try {
    for (const size of sizes) {
      // An evenly spread sample, so 30 facts cover the same centuries as 500.
      const facts: Fact[] = Array.from(
        { length: size },
        (_, i) => dated[Math.floor((i * dated.length) / size)]!,
      );
      const spec = (k: number) =>
        chartSpec({ relation, facts, theme: k % 2 ? "light" : "dark", version: `bench-${k}`, locale: "en" });
      // Warm-up: the worker's start, font registration and JIT are not what a user waits for twice.
      for (let k = 0; k < 5; k++)
        await renderer.render(
          { version: `warm-${size}-${k}`, relationId: relation.id, theme: "dark", locale: "en" },
          () => spec(k),
        );
      const times: number[] = [];
      const loop = monitorEventLoopDelay({ resolution: 1 });
      loop.enable();
      let bytes = 0;
      for (let k = 0; k < runs; k++) {
        const started = performance.now();
        const png = await renderer.render(
          {
            version: `run-${size}-${k}`,
            relationId: relation.id,
            theme: k % 2 ? "light" : "dark",
            locale: "en",
          },
          () => spec(k),
        );
        times.push(performance.now() - started);
        bytes = png.length;
      }
      loop.disable();
      const inline: number[] = [];
      for (let k = 0; k < Math.min(runs, 30); k++) {
        const started = performance.now();
        renderTimeline(spec(k));
        inline.push(performance.now() - started);
      }
      const worker = summarize(times);
      rows.push({
        facts: size,
        runs,
        p50_ms: round2(worker.p50),
        p99_ms: round2(worker.p99),
        max_ms: round2(worker.max),
        inline_p50_ms: round2(summarize(inline).p50),
        loop_block_ms: round2(loop.max / 1e6),
        png_kb: Math.round(bytes / 1024),
      });
    }
  } finally {
    await renderer.close();
  }
  return rows;
}

if (isMainModule(import.meta.url)) {
  const { values } = parseArgs({ options: { runs: { type: "string" } } });
  const rows = await runPictureBenchmark({ runs: values.runs ? Number(values.runs) : undefined });
  console.log(JSON.stringify(rows, null, 2));
}
