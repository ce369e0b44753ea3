// A picture worker that dies at its first request, as a crashed native library would take it
// down: the renderer must paint what it had sent here on the main thread instead.
import { parentPort } from "node:worker_threads";

parentPort?.on("message", () => process.exit(3));
