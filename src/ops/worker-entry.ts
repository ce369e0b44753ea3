/**
 * The entry file of a worker thread that lives beside the module starting it. Compiled
 * (dist/, `npm start`), the worker's own `.js` is loaded directly; run from TypeScript (tsx:
 * `npm run dev`, the tests), a worker does not inherit the main thread's loader, so its `.mjs`
 * shim registers tsx first.
 */
export function workerEntry(moduleUrl: string, name: string): URL {
  return new URL(`./${name}${moduleUrl.endsWith(".ts") ? ".mjs" : ".js"}`, moduleUrl);
}
