/**
 * The read worker: reads, parses and checks the knowledge files the loader sends it
 * (read-file.ts), off the main thread — a big YAML file takes tens of ms to parse and
 * cannot be paced, while the bot's event loop must keep answering during a reload.
 */
import { parentPort } from "node:worker_threads";
import { readKnowledgeFile } from "./read-file.ts";

export interface ReadRequest {
  readonly id: number;
  readonly path: string;
  readonly root: string;
  readonly shown: string;
}

parentPort?.on("message", (request: ReadRequest) => {
  readKnowledgeFile(request.path, request.root, request.shown).then(
    (result) => parentPort!.postMessage({ id: request.id, result }),
    (error: unknown) =>
      parentPort!.postMessage({ id: request.id, error: error instanceof Error ? error.message : String(error) }),
  );
});

// The pool counts a file's time limit from here: the worker's own start is not the file's.
parentPort?.postMessage({ ready: true });
