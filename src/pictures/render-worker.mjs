// Entry of the picture worker thread. A worker does not inherit the main thread's TypeScript
// loader (tsx), so it registers its own before loading the worker's code.
import { register } from "tsx/esm/api";

register();
await import("./render-worker.ts");
