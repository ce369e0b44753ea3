/**
 * Cooperative pacing for long synchronous work (loading and indexing 100 000 facts): the
 * work checks the clock and gives the event loop a turn once a slice has run long enough,
 * so Discord heartbeats and interactions keep flowing during a reload.
 */
import { performance } from "node:perf_hooks";

/**
 * When the event loop last had a turn from a pacer. Shared by all pacers: a reload runs
 * one phase after another (load, index, diff), each with its own pacer, and a pacer that
 * started its slice afresh would add a whole slice to the end of the previous phase's.
 */
let turnStart = performance.now();

/**
 * Returns `pace()`: a promise to await when the slice is used up, else undefined (no turn
 * needed). 3 ms: a garbage collection can land on the end of a slice (pauses of 5–12 ms
 * while a 100 000-fact index is built), and slice + pause must stay well under the 25 ms a
 * reload may hold the loop. Each turn costs some µs: a 2 s reload takes ~700 of them.
 */
export function pacer(sliceMs = 3): () => Promise<void> | undefined {
  return () => (performance.now() - turnStart < sliceMs ? undefined : turn());
}

/** Gives the event loop a turn now: before a step that cannot be cut (parsing one file), so it starts a fresh slice. */
export function turn(): Promise<void> {
  return new Promise<void>((resolve) =>
    setImmediate(() => {
      turnStart = performance.now();
      resolve();
    }),
  );
}

/** A stable merge sort that yields between runs (Array.prototype.sort cannot be paused). */
export async function sortPaced<T>(
  items: readonly T[],
  compare: (a: T, b: T) => number,
  pace: () => Promise<void> | undefined,
): Promise<T[]> {
  let from = [...items];
  let to = new Array<T>(from.length);
  // Sort small runs natively, then merge them pairwise.
  const RUN = 512;
  for (let i = 0; i < from.length; i += RUN) {
    const run = from.slice(i, i + RUN).sort(compare);
    for (let j = 0; j < run.length; j++) from[i + j] = run[j]!;
    await pace();
  }
  for (let width = RUN; width < from.length; width *= 2) {
    for (let lo = 0; lo < from.length; lo += 2 * width) {
      const mid = Math.min(lo + width, from.length);
      const hi = Math.min(lo + 2 * width, from.length);
      let a = lo;
      let b = mid;
      for (let k = lo; k < hi; k++) {
        if (a < mid && (b >= hi || compare(from[a]!, from[b]!) <= 0)) to[k] = from[a++]!;
        else to[k] = from[b++]!;
        if ((k & 4095) === 4095) await pace();
      }
    }
    [from, to] = [to, from];
  }
  return from;
}
