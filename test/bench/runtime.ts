/** Small process helpers the bench scripts share. */
import { realpathSync } from "node:fs";
import { pathToFileURL } from "node:url";
import v8 from "node:v8";
import vm from "node:vm";

/** global.gc when Node runs with --expose-gc, else enabled at run time (a V8 flag + a fresh context). */
export function findGc(): (() => void) | undefined {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (existing) return existing;
  try {
    v8.setFlagsFromString("--expose-gc");
    const gc = vm.runInNewContext("gc") as unknown;
    return typeof gc === "function" ? (gc as () => void) : undefined;
  } catch {
    return undefined;
  }
}

/** True when the module at `moduleUrl` is the script Node was started with (not an import). */
export function isMainModule(moduleUrl: string): boolean {
  try {
    return process.argv[1] !== undefined && moduleUrl === pathToFileURL(realpathSync(process.argv[1])).href;
  } catch {
    return false;
  }
}

export interface LatencySummary {
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly mean: number;
  readonly n: number;
}

/** Nearest-rank percentiles. */
export function summarize(samples: readonly number[]): LatencySummary {
  if (samples.length === 0) return { p50: NaN, p99: NaN, max: NaN, mean: NaN, n: 0 };
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) =>
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
  return {
    p50: at(0.5),
    p99: at(0.99),
    max: sorted[sorted.length - 1]!,
    mean: sorted.reduce((s, x) => s + x, 0) / sorted.length,
    n: sorted.length,
  };
}
