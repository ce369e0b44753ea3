// `npm start`'s first step: compile to dist/ unless it is already newer than every source,
// so an edit is never run stale and an unchanged tree starts without paying for tsc (the
// compiler loads every type declaration even when nothing changed: seconds, on every start).
import { spawnSync } from "node:child_process";
import { readdirSync, statSync, utimesSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const stamp = join(root, "dist", ".tsbuildinfo");

function newest(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newest(join(path, name))));
}

let built = -1;
try {
  built = statSync(stamp).mtimeMs;
} catch {
  // Never built.
}
const sources = ["src", "tsconfig.json", "tsconfig.build.json", "package.json", "package-lock.json"];
const newestSource = Math.max(...sources.map((s) => newest(join(root, s))));
if (built < newestSource) {
  const tsc = spawnSync(
    process.execPath,
    [join(root, "node_modules", "typescript", "bin", "tsc"), "-p", join(root, "tsconfig.build.json")],
    {
      stdio: "inherit",
    },
  );
  if (tsc.error)
    console.error(
      `npm start: cannot run the compiler (${tsc.error.message}); run npm install first, or start dist/main.js with node.`,
    );
  // tsc leaves its build info untouched when nothing it emits changed (a touched file): mark
  // the build as current, or every later start would compile again. A source dated in the
  // future (a clock set back, a copied tree) would do the same: the mark is never older than it.
  const current = new Date(Math.max(Date.now(), Math.ceil(newestSource)));
  if (tsc.status === 0) utimesSync(stamp, current, current);
  process.exit(tsc.status ?? 1);
}
