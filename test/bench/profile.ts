/**
 * CPU profiling for the bench (`--cpu-prof`): the V8 sampling profiler through the
 * inspector, and a summary of self / inclusive time per function with its source line.
 *
 * Sample timestamps are V8 monotonic microseconds, the same clock as
 * `process.hrtime.bigint() / 1000n`: a profile can be cut to the stretches during which the
 * event loop was blocked (see `hotFunctions`' `at` filter and `monotonicMicros`).
 */
import { Session } from "node:inspector";
import { findSourceMap } from "node:module";
import { pathToFileURL } from "node:url";

export interface CpuProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}

export interface CpuProfile {
  nodes: CpuProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface HotFunction {
  readonly fn: string;
  readonly self_ms: number;
  readonly total_ms: number;
  readonly self_share: number;
  readonly total_share: number;
}

/** Now on the profile's clock (µs). */
export function monotonicMicros(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

export function profileStart(intervalUs = 200): Session {
  const session = new Session();
  session.connect();
  session.post("Profiler.enable");
  session.post("Profiler.setSamplingInterval", { interval: intervalUs });
  session.post("Profiler.start");
  return session;
}

export function profileStop(session: Session): Promise<CpuProfile> {
  return new Promise((resolve, reject) => {
    session.post("Profiler.stop", (error, result) => {
      session.disconnect();
      if (error) reject(error);
      else resolve((result as { profile: CpuProfile }).profile);
    });
  });
}

/**
 * The source line of a profiled function: tsx compiles each file to one line with a source
 * map, so the profile's own line numbers are all 1. Only works in the process that ran the
 * code (the source maps are that process's).
 */
function originalLine(f: CpuProfileNode["callFrame"]): number {
  try {
    const entry = f.url.startsWith("file:")
      ? findSourceMap(f.url)?.findEntry(f.lineNumber, f.columnNumber)
      : undefined;
    if (entry && "originalLine" in entry && typeof entry.originalLine === "number")
      return entry.originalLine + 1;
  } catch {
    // no source map: fall back to the generated line
  }
  return f.lineNumber + 1;
}

const round = (n: number, digits: number) => Number(n.toFixed(digits));

/**
 * Self and inclusive time per function (recursion counted once per sample). `at` keeps only
 * the samples taken at those timestamps (µs, the profile's clock); shares are of the kept time.
 */
export function hotFunctions(
  profile: CpuProfile,
  root = process.cwd(),
  at?: (micros: number) => boolean,
): HotFunction[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const keys = new Map<number, string>();
  const key = (n: CpuProfileNode) => {
    let k = keys.get(n.id);
    if (k === undefined) {
      const f = n.callFrame;
      const file = f.url.replace(pathToFileURL(root).href + "/", "").replace(/^.*node_modules\//, "");
      k = `${f.functionName || "(anonymous)"} ${file ? `${file}:${originalLine(f)}` : ""}`.trim();
      keys.set(n.id, k);
    }
    return k;
  };
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  let all = 0;
  let time = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    time += profile.timeDeltas[i] ?? 0;
    if (at && !at(time)) continue;
    const dt = (profile.timeDeltas[i + 1] ?? profile.timeDeltas[i] ?? 0) / 1000;
    all += dt;
    let node = byId.get(profile.samples[i]!);
    if (!node) continue;
    const k = key(node);
    self.set(k, (self.get(k) ?? 0) + dt);
    const seen = new Set<string>();
    while (node) {
      const kk = key(node);
      if (!seen.has(kk)) {
        seen.add(kk);
        total.set(kk, (total.get(kk) ?? 0) + dt);
      }
      const p = parent.get(node.id);
      node = p === undefined ? undefined : byId.get(p);
    }
  }
  return [...total.keys()]
    .filter((k) => !/^\((root|program|idle|garbage collector)\)/.test(k) || self.has(k))
    .map((k) => ({
      fn: k,
      self_ms: round(self.get(k) ?? 0, 1),
      total_ms: round(total.get(k) ?? 0, 1),
      self_share: round((self.get(k) ?? 0) / (all || 1), 3),
      total_share: round((total.get(k) ?? 0) / (all || 1), 3),
    }));
}

/** Top `n` by self time, and top `n` functions of the project (src/, commands/) by inclusive time. */
export function topFunctions(
  functions: readonly HotFunction[],
  n: number,
): { bySelf: HotFunction[]; byTotal: HotFunction[] } {
  return {
    bySelf: [...functions].sort((a, b) => b.self_ms - a.self_ms).slice(0, n),
    byTotal: [...functions]
      .filter((f) => / (src|commands)\//.test(f.fn))
      .sort((a, b) => b.total_ms - a.total_ms)
      .slice(0, n),
  };
}
