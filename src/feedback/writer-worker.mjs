// Entry of the feedback writer thread. A worker does not inherit the main thread's TypeScript
// loader (tsx), so it registers its own before loading the writer's code.
import { register } from "tsx/esm/api";

register();
await import("./writer-worker.ts");
