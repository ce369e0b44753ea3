/**
 * The picture worker: lays out and paints the timelines the renderer sends it (draw.ts), off
 * the main thread — a picture takes tens of milliseconds to paint, and the bot's event loop
 * must keep answering meanwhile.
 */
import { parentPort } from "node:worker_threads";
import type { ChartSpec } from "./chart.ts";
import { renderTimeline } from "./draw.ts";

export interface RenderRequest {
  readonly id: number;
  readonly spec: ChartSpec;
}

export type RenderResponse = { id: number; png: Uint8Array } | { id: number; error: string };

parentPort?.on("message", (request: RenderRequest) => {
  let response: RenderResponse;
  try {
    response = { id: request.id, png: renderTimeline(request.spec).png };
  } catch (error) {
    response = { id: request.id, error: error instanceof Error ? error.message : String(error) };
  }
  parentPort!.postMessage(response);
});
