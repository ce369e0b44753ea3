/**
 * `npm run build` / `npm start`: the compiled tree runs on plain Node, without tsx — the
 * console, the CLI, the worker threads and the bot process. Built by `npm start`'s own first
 * step (scripts/build-if-stale.mjs) into a folder of the test's own that mirrors the repository
 * (sources copied, knowledge/ and node_modules/ linked in), so module-relative paths are checked
 * as they resolve in a real checkout's dist/, and a developer's dist/ is left alone.
 */
import { spawnSync } from "node:child_process";
import {
  cpSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { workerEntry } from "../../src/ops/worker-entry.ts";
import { startFakeDiscord, type FakeDiscord } from "../support/fake-discord.ts";
import { killAll, startProcess } from "../support/process.ts";
import { childEnv } from "../support/child-env.ts";
import { textOf } from "../reliability/support.ts";

const root = mkdtempSync(join(tmpdir(), "kizuna-build-"));
const dist = join(root, "dist");
/** Node without tsx: a loader hook registered by anything would show up as a failure here. */
const plain = (args: string[], env: Record<string, string> = {}, input = "") =>
  spawnSync(process.execPath, args, {
    cwd: root,
    input,
    encoding: "utf8",
    timeout: 60_000,
    env: childEnv({ DISCORD_TOKEN: "", DATABASE_URL: "", DATA_DIR: join(root, "data"), ...env }),
  });

/** `npm start`'s build step, in the test's folder. */
const buildIfStale = () =>
  spawnSync(process.execPath, ["scripts/build-if-stale.mjs"], {
    cwd: root,
    encoding: "utf8",
    timeout: 150_000,
  });

beforeAll(() => {
  for (const name of ["knowledge", "node_modules"]) symlinkSync(resolve(name), join(root, name));
  for (const name of [
    "src",
    "scripts",
    "package.json",
    "package-lock.json",
    "tsconfig.json",
    "tsconfig.build.json",
  ])
    cpSync(name, join(root, name), { recursive: true });
  const build = buildIfStale();
  expect(build.status, build.stdout + build.stderr).toBe(0);
}, 150_000);

let fake: FakeDiscord | undefined;
afterEach(async () => {
  await killAll();
  await fake?.stop();
  fake = undefined;
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("GIVEN the compiled tree (npm run build)", () => {
  it("THEN relative imports point at .js files and the entry is dist/main.js", () => {
    const main = readFileSync(join(dist, "main.js"), "utf8");
    expect(main).toMatch(/from "\.\/runtime\.js"/);
    expect(main).not.toMatch(/from "\.[^"]*\.ts"/);
  });

  it("WHEN nothing changed THEN npm start does not compile again; WHEN a source changed THEN it does", () => {
    const stamp = join(dist, ".tsbuildinfo");
    const before = statSync(stamp).mtimeMs;
    expect(buildIfStale().status).toBe(0);
    expect(statSync(stamp).mtimeMs).toBe(before);
    const later = new Date(Date.now() + 2_000);
    utimesSync(join(root, "src", "main.ts"), later, later); // touched, not changed: tsc emits nothing
    const again = buildIfStale();
    expect(again.status, again.stdout + again.stderr).toBe(0);
    expect(statSync(stamp).mtimeMs).toBeGreaterThan(before);
    const after = statSync(stamp).mtimeMs;
    expect(buildIfStale().status).toBe(0);
    expect(statSync(stamp).mtimeMs).toBe(after);
  }, 150_000);

  it("THEN a worker is started from its compiled .js, a TypeScript module from its tsx shim", () => {
    expect(workerEntry("file:///app/dist/knowledge/read-pool.js", "read-worker").href).toBe(
      "file:///app/dist/knowledge/read-worker.js",
    );
    expect(workerEntry("file:///app/src/knowledge/read-pool.ts", "read-worker").href).toBe(
      "file:///app/src/knowledge/read-worker.mjs",
    );
  });

  it("THEN every worker thread's compiled entry starts on plain Node", () => {
    for (const entry of ["knowledge/read-worker.js", "pictures/render-worker.js"]) {
      // Each one is loaded and must come online without throwing (it then waits for work). The
      // feedback writer needs its database options: the console test below runs that thread.
      const script = `import { Worker } from "node:worker_threads";
        const w = new Worker(new URL(${JSON.stringify(`file://${join(dist, entry)}`)}), { workerData: {} });
        w.on("error", (e) => { console.error(String(e.stack ?? e)); process.exit(3); });
        w.on("online", () => setTimeout(() => { console.log("online"); process.exit(0); }, 300));`;
      const file = join(root, `start-${entry.replaceAll("/", "-")}.mjs`);
      writeFileSync(file, script);
      const run = plain([file]);
      expect(run.stdout + run.stderr, entry).toMatch(/online/);
      expect(run.status, `${entry}\n${run.stderr}`).toBe(0);
    }
  });

  it("THEN the console answers, records what it could not answer through its writer thread, and draws a picture", () => {
    const run = plain(
      ["dist/main.js"],
      { RECORD_QUESTIONS: "unanswered" },
      "When did Ayub Khan visit Japan?\nWho won the 2010 World Cup?\n/gaps\n/timeline picture:true\n",
    );
    expect(run.stderr).not.toMatch(/tsx|Cannot find|ERR_/);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/16 February 1907 — The Afghan general Ayub Khan visited Japan/);
    expect(run.stdout).toMatch(/1× “Who won the 2010 World Cup\?”/);
    expect(run.stdout).toMatch(/attachment: .*timeline-afghanistan-japan\.png/);
  });

  it("THEN the CLIs run: ask (text and --jsonl) and check-knowledge", () => {
    const ask = plain(["dist/adapters/cli/ask.js", "--jsonl"], {}, "When were relations established?\n");
    expect(ask.status, ask.stderr).toBe(0);
    expect(JSON.parse(ask.stdout)).toMatchObject({ answered: true, date: "1931" });
    const check = plain(["dist/adapters/cli/check-knowledge.js"]);
    expect(check.status, check.stderr).toBe(0);
    expect(check.stdout).toMatch(/OK \(version [0-9a-f]+\)/);
  });

  it("THEN the bot process connects to Discord and stops with 0 on SIGTERM", async () => {
    fake = await startFakeDiscord();
    const p = startProcess(
      ["dist/main.js"],
      { DISCORD_TOKEN: fake.token, DISCORD_API_BASE: fake.restBase },
      { cwd: root },
    );
    await p.waitFor(/connected to Discord/);
    const handle = fake.slashCommand({
      name: "ask",
      options: { question: "When were diplomatic relations established?" },
    });
    expect(textOf(await handle.waitCallback(10_000))).toContain("**1931**");
    p.kill("SIGTERM");
    expect(await p.exited, p.said()).toEqual({ code: 0, signal: null });
  });
});
