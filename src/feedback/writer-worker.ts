/**
 * The feedback writer's thread: runs a FeedbackWriter (writer.ts) for the main thread's
 * FeedbackRecorder (recorder.ts), which talks to it only by messages.
 */
import { parentPort, workerData } from "node:worker_threads";
import type { FeedbackRecord } from "./records.ts";
import type { ReportOptions } from "./report.ts";
import { FeedbackWriter, type WriterOptions } from "./writer.ts";

/** Main thread → writer. */
export type ToWriter =
  | { readonly type: "records"; readonly records: readonly FeedbackRecord[] }
  | { readonly type: "report"; readonly id: number; readonly options: ReportOptions }
  | { readonly type: "flush" | "close"; readonly id: number }
  | { readonly type: "purge"; readonly id: number; readonly now?: number };

/** Writer → main thread. */
export type FromWriter =
  | {
      readonly type: "log";
      readonly level: "info" | "warn" | "error";
      readonly fields: Record<string, unknown>;
      readonly message: string;
    }
  | { readonly type: "status"; readonly stats: ReturnType<FeedbackWriter["stats"]> }
  | { readonly type: "done"; readonly id: number; readonly result?: unknown; readonly error?: string };

const port = parentPort!;
const post = (message: FromWriter) => {
  try {
    port.postMessage(message);
  } catch {
    // Something in it could not be copied across threads: the main thread hears nothing of it.
  }
};

/** Errors cross to the main thread as plain data: what explains them, nothing else. */
function plain(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value instanceof Error) {
      const code = (value as { code?: unknown }).code;
      out[key] = { type: value.name, message: value.message, ...(typeof code === "string" ? { code } : {}) };
    } else out[key] = value;
  }
  return out;
}

const writer = new FeedbackWriter(workerData as WriterOptions, {
  log: (level, fields, message) => post({ type: "log", level, fields: plain(fields), message }),
  status: (stats) => post({ type: "status", stats }),
});
writer.start();

const answer = (id: number, work: Promise<unknown>) =>
  work.then(
    (result) => post({ type: "done", id, result }),
    (error: unknown) =>
      post({ type: "done", id, error: error instanceof Error ? error.message : String(error) }),
  );

port.on("message", (message: ToWriter) => {
  switch (message.type) {
    case "records":
      writer.enqueue(message.records);
      break;
    case "report":
      void answer(message.id, writer.report(message.options));
      break;
    case "purge":
      void answer(message.id, writer.purge(message.now));
      break;
    case "flush":
      void answer(message.id, writer.flush());
      break;
    case "close":
      void answer(message.id, writer.close());
      break;
  }
});
