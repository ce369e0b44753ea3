// A read worker that dies on its first request, as a worker hit by a fatal error would.
import { parentPort } from "node:worker_threads";

parentPort?.on("message", () => process.exit(3));
