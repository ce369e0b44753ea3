// A feedback writer thread that dies on the first records it gets while a file named
// "<database>.die" exists, as a thread hit by a fatal error would; otherwise the real writer.
import { existsSync } from "node:fs";
import { parentPort, workerData } from "node:worker_threads";

if (existsSync(`${workerData.target.file}.die`)) {
  parentPort?.on("message", (message) => {
    if (message.type === "records") process.exit(3);
  });
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import("../../src/feedback/writer-worker.ts");
}
