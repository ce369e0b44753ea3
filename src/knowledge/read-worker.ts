/**
 * The read worker: reads, parses and checks the knowledge files the loader sends it
 * (read-file.ts), off the main thread — a YAML parse cannot be paced, while the bot's event
 * loop must keep answering during a reload.
 *
 * A file's facts go back in parts of FACTS_PER_PART, each asked for by the pool after the
 * event loop had a turn: a message is taken in (deserialized) in one go on the main thread,
 * and the 15 000 facts of a 3.7 MB file took 55–75 ms.
 */
import { parentPort } from "node:worker_threads";
import type { Fact } from "./types.ts";
import { readKnowledgeFile } from "./read-file.ts";

export interface ReadRequest {
  readonly id: number;
  readonly path: string;
  readonly root: string;
  readonly shown: string;
}

/** The pool asks for the next part of a file's facts. */
export interface MoreRequest {
  readonly id: number;
  readonly more: true;
}

/** Facts per message: a few ms to take in on the main thread. */
export const FACTS_PER_PART = 500;

/** Facts of the file being sent, not yet asked for. */
const left = new Map<number, Fact[]>();

parentPort?.on("message", (request: ReadRequest | MoreRequest) => {
  if ("more" in request) {
    const facts = left.get(request.id) ?? [];
    const part = facts.splice(0, FACTS_PER_PART);
    if (facts.length === 0) left.delete(request.id);
    parentPort!.postMessage({ id: request.id, facts: part, done: facts.length === 0 });
    return;
  }
  readKnowledgeFile(request.path, request.root, request.shown).then(
    (result) => {
      const file = result.file;
      if (!file || file.data.facts.length <= FACTS_PER_PART) return parentPort!.postMessage({ id: request.id, result });
      left.set(request.id, file.data.facts);
      // The file without its facts; they follow in parts.
      parentPort!.postMessage({
        id: request.id,
        result: { ...result, file: { ...file, data: { ...file.data, facts: [] } } },
        facts: file.data.facts.length,
      });
    },
    (error: unknown) =>
      parentPort!.postMessage({ id: request.id, error: error instanceof Error ? error.message : String(error) }),
  );
});

// The pool counts a file's time limit from here: the worker's own start is not the file's.
parentPort?.postMessage({ ready: true });
