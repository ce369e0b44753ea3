/**
 * A Kizuna process under test (`node src/main.ts`, `node dist/main.js`, a container's CMD): its
 * output collected, its exit awaited, killed at the end of the test if still running.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { childEnv } from "./child-env.ts";

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface Proc {
  readonly child: ChildProcess;
  readonly exited: Promise<Exit>;
  stdout(): string;
  stderr(): string;
  /** Everything it said, for assertion messages. */
  said(): string;
  /** Resolves when stdout or stderr matches; rejects if the process exits first or after `timeoutMs`. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  kill(signal?: NodeJS.Signals): void;
}

const running = new Set<Proc>();

/** Kills what a test left running (call from afterEach). */
export async function killAll(): Promise<void> {
  await Promise.all(
    [...running].map(async (p) => {
      p.kill("SIGKILL");
      await p.exited;
    }),
  );
}

/**
 * Starts `node args…` with a clean environment plus `env`: no developer's keys, never the
 * repository's data/ (a fresh DATA_DIR unless given), recording off unless asked.
 */
export function startProcess(
  args: readonly string[],
  env: Record<string, string> = {},
  options: { cwd?: string; command?: string } = {},
): Proc {
  const child = spawn(options.command ?? process.execPath, args, {
    cwd: options.cwd,
    env: childEnv({
      DISCORD_TOKEN: "",
      DATABASE_URL: "",
      RECORD_QUESTIONS: "off",
      DATA_DIR: mkdtempSync(join(tmpdir(), "kizuna-proc-data-")),
      ...env,
    }),
    stdio: ["pipe", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  const listeners = new Set<() => void>();
  child.stdout!.on("data", (d: Buffer) => {
    out += d.toString();
    listeners.forEach((l) => l());
  });
  child.stderr!.on("data", (d: Buffer) => {
    err += d.toString();
    listeners.forEach((l) => l());
  });
  const exited = new Promise<Exit>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  const proc: Proc = {
    child,
    exited,
    stdout: () => out,
    stderr: () => err,
    said: () => `stdout:\n${out}\nstderr:\n${err}`,
    waitFor(pattern, timeoutMs = 30_000) {
      return new Promise<void>((resolve, reject) => {
        const check = () => {
          if (pattern.test(out) || pattern.test(err)) (done(), resolve());
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`timed out waiting for ${pattern}\n${proc.said()}`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        void exited.then((e) => {
          if (!listeners.has(check)) return;
          done();
          if (pattern.test(out) || pattern.test(err)) resolve();
          else reject(new Error(`exited (${e.code ?? e.signal}) before ${pattern}\n${proc.said()}`));
        });
        listeners.add(check);
        check();
      });
    },
    kill(signal = "SIGTERM") {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
  };
  running.add(proc);
  void exited.then(() => running.delete(proc));
  return proc;
}
