/**
 * The container recipe, run without a container engine (none runs here, and no base image can
 * be pulled): the Dockerfile is parsed and its stages replayed in folders of their own — a
 * clean copy of the repository as the build context, its COPY steps, its npm install and build
 * steps exactly as written, its ENV — then its CMD is started, /readyz reached, its HEALTHCHECK
 * run, a question answered through the local fake Discord, and its STOPSIGNAL must end it with 0.
 *
 * What this cannot do is said in the README ("What was run"): the base image, USER and chown
 * (no user switch here), the VOLUME mounts. Two things stand in for the network a real image
 * build has: npm reads its cache first (--prefer-offline), and better-sqlite3's prebuilt binary,
 * which an image build downloads, comes from this checkout's node_modules.
 */
import { spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, isAbsolute, join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { ExitCode } from "../../src/ops/exit-codes.ts";
import { startFakeDiscord, type FakeDiscord } from "../support/fake-discord.ts";
import { killAll, startProcess } from "../support/process.ts";
import { childEnv } from "../support/child-env.ts";
import { textOf } from "../reliability/support.ts";

interface Instruction {
  readonly op: string;
  readonly args: string;
}

/** The Dockerfile's instructions, continuation lines joined, comments dropped. */
export function parseDockerfile(text: string): Instruction[] {
  const out: Instruction[] = [];
  let pending = "";
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (!pending && (line === "" || line.startsWith("#"))) continue;
    if (line.endsWith("\\")) {
      pending += `${line.slice(0, -1)} `;
      continue;
    }
    const full = (pending + line).trim();
    pending = "";
    const [, op = "", args = ""] = /^(\S+)\s*(.*)$/.exec(full) ?? [];
    out.push({ op: op.toUpperCase(), args });
  }
  return out;
}

/** `K=V K2="V 2"` → { K: "V", K2: "V 2" }. */
function parseEnv(args: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const m of args.matchAll(/(\w+)=("([^"]*)"|\S*)/g)) env[m[1]!] = m[3] ?? m[2]!;
  return env;
}

interface Stage {
  readonly name: string;
  readonly root: string;
  workdir: string;
  env: Record<string, string>;
  user: string | undefined;
}

const work = mkdtempSync(join(tmpdir(), "kizuna-recipe-"));
let fake: FakeDiscord | undefined;
afterEach(async () => {
  await killAll();
  await fake?.stop();
  fake = undefined;
});
// Two node_modules trees: give their removal time on a busy machine.
afterAll(() => rmSync(work, { recursive: true, force: true }), 120_000);

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** better-sqlite3's prebuilt binary, where prebuild-install looks before downloading it. */
function localPrebuilds(): string {
  const dir = join(work, "prebuilds");
  mkdirSync(dir, { recursive: true });
  const { version } = JSON.parse(readFileSync("node_modules/better-sqlite3/package.json", "utf8")) as {
    version: string;
  };
  const name = `better-sqlite3-v${version}-node-v${process.versions.modules}-${process.platform}-${process.arch}.tar.gz`;
  const tar = spawnSync("tar", ["czf", join(dir, name), "build/Release/better_sqlite3.node"], {
    cwd: "node_modules/better-sqlite3",
  });
  expect(tar.status, String(tar.stderr)).toBe(0);
  return dir;
}

describe("GIVEN the Dockerfile", () => {
  const instructions = parseDockerfile(readFileSync("Dockerfile", "utf8"));
  const froms = instructions.flatMap((i, at) => (i.op === "FROM" ? [at] : []));
  const final = instructions.slice(froms.at(-1));

  it("THEN the image runs as a non-root user from production dependencies only, stops on SIGTERM and checks /readyz", () => {
    expect(froms.length).toBeGreaterThanOrEqual(2);
    const user = final.filter((i) => i.op === "USER").at(-1)?.args;
    expect(user).toBeDefined();
    expect(user).not.toMatch(/^(root|0)(:|$)/);
    expect(instructions.some((i) => i.op === "RUN" && /\bnpm ci\b.*--omit=dev/.test(i.args))).toBe(true);
    expect(final.find((i) => i.op === "STOPSIGNAL")?.args).toBe("SIGTERM");
    expect(final.find((i) => i.op === "HEALTHCHECK")?.args).toMatch(/\/readyz/);
    expect(final.find((i) => i.op === "VOLUME")?.args).toContain("/app/knowledge");
  });

  it("WHEN its stages are replayed on a clean copy THEN the CMD answers, is ready, passes its HEALTHCHECK and exits 0 on its STOPSIGNAL", async () => {
    // The build context: a clean copy of the repository (tracked and new files, nothing ignored).
    const context = join(work, "context");
    const files = spawnSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
      encoding: "utf8",
    }).stdout.split("\0");
    for (const file of files.filter((f) => f && existsSync(f))) {
      mkdirSync(join(context, dirname(file)), { recursive: true });
      cpSync(file, join(context, file));
    }
    const prebuilds = localPrebuilds();

    const stages: Stage[] = [];
    let stage: Stage | undefined;
    const inStage = (s: Stage, path: string) => join(s.root, isAbsolute(path) ? path : join(s.workdir, path));
    for (const { op, args } of instructions) {
      if (op === "FROM") {
        const name = /\bAS\s+(\S+)/i.exec(args)?.[1] ?? `stage-${stages.length}`;
        stage = { name, root: join(work, name), workdir: "/", env: {}, user: undefined };
        mkdirSync(stage.root, { recursive: true });
        stages.push(stage);
        continue;
      }
      if (!stage) throw new Error(`${op} before FROM`);
      const s = stage;
      if (op === "WORKDIR") {
        s.workdir = isAbsolute(args) ? args : join(s.workdir, args);
        mkdirSync(join(s.root, s.workdir), { recursive: true });
      } else if (op === "ENV") Object.assign(s.env, parseEnv(args));
      else if (op === "USER") s.user = args;
      else if (op === "COPY") {
        const words = args.split(/\s+/);
        const from = words.find((w) => w.startsWith("--from="))?.slice("--from=".length);
        const [dest, ...sources] = words.filter((w) => !w.startsWith("--")).reverse();
        const source = from ? stages.find((x) => x.name === from) : undefined;
        if (from && !source) throw new Error(`COPY --from=${from}: no such stage`);
        for (const src of sources.reverse()) {
          const path = source ? join(source.root, src) : join(context, src);
          const target = dest!.endsWith("/")
            ? join(inStage(s, dest!), src.split("/").at(-1)!)
            : inStage(s, dest!);
          mkdirSync(dirname(target), { recursive: true });
          const cp = spawnSync("cp", ["-a", path, target]);
          expect(cp.status, `COPY ${args}: ${String(cp.stderr)}`).toBe(0);
        }
      } else if (op === "RUN") {
        const dir = /^mkdir -p (\S+) && chown \S+ \1$/.exec(args);
        if (dir) {
          // A folder for the unprivileged user; there is no user to switch to here.
          mkdirSync(inStage(s, dir[1]!), { recursive: true });
          continue;
        }
        expect(args, "only npm steps and a data folder are replayed").toMatch(/^npm /);
        const run = await new Promise<{ code: number | null; output: string }>((resolve) => {
          const child = spawn("bash", ["-c", args], {
            cwd: join(s.root, s.workdir),
            env: {
              ...childEnv({}),
              ...s.env,
              npm_config_prefer_offline: "true",
              npm_config_better_sqlite3_local_prebuilds: prebuilds,
            },
            stdio: ["ignore", "pipe", "pipe"],
          });
          let output = "";
          child.stdout.on("data", (d: Buffer) => (output += d.toString()));
          child.stderr.on("data", (d: Buffer) => (output += d.toString()));
          child.on("exit", (code) => resolve({ code, output }));
        });
        expect(run.code, `RUN ${args} (stage ${s.name}):\n${run.output}`).toBe(0);
      }
    }

    const image = stages.at(-1)!;
    const app = join(image.root, image.workdir);
    // Production dependencies only: neither the compiler nor tsx is there to fall back on.
    expect(existsSync(join(app, "node_modules", "tsx"))).toBe(false);
    expect(existsSync(join(app, "node_modules", "typescript"))).toBe(false);
    expect(existsSync(join(app, "src"))).toBe(false);
    expect(existsSync(join(app, "dist", "main.js"))).toBe(true);

    // The container's environment: its ENV (paths inside the image mapped to the replay's
    // folders), plus what `docker run -e` would add — the token and where Discord is.
    fake = await startFakeDiscord();
    const healthPort = await freePort();
    const env: Record<string, string> = {
      ...Object.fromEntries(
        Object.entries(image.env).map(([k, v]) => [k, isAbsolute(v) ? join(image.root, v) : v]),
      ),
      HEALTH_PORT: String(healthPort),
      DISCORD_TOKEN: fake.token,
      DISCORD_API_BASE: fake.restBase,
      RECORD_QUESTIONS: "", // the image's default: its writer thread must run from dist/ too
    };
    const cmd = JSON.parse(final.find((i) => i.op === "CMD")!.args) as string[];
    expect(cmd[0]).toBe("node");
    const p = startProcess(cmd.slice(1), env, { cwd: app });
    await p.waitFor(/connected to Discord/, 60_000);
    const url = `http://127.0.0.1:${healthPort}`;
    await expect
      .poll(async () => (await fetch(`${url}/readyz`)).status, { timeout: 15_000, interval: 100 })
      .toBe(200);

    const handle = fake.slashCommand({
      name: "ask",
      options: { question: "When were diplomatic relations established?" },
    });
    expect(textOf(await handle.callback)).toContain("**1931**");

    // The HEALTHCHECK, as the engine would run it inside the container.
    const check = JSON.parse(
      /CMD\s+(\[.*\])\s*$/.exec(final.find((i) => i.op === "HEALTHCHECK")!.args)![1]!,
    ) as string[];
    const health = await new Promise<number | null>((resolve) => {
      const child = spawn(process.execPath, check.slice(1), { env: childEnv(env), stdio: "ignore" });
      child.on("exit", resolve);
    });
    expect(health).toBe(0);
    expect(existsSync(join(image.root, "data", "kizuna.sqlite"))).toBe(true);

    const signal = final.find((i) => i.op === "STOPSIGNAL")!.args as NodeJS.Signals;
    p.kill(signal);
    expect(await p.exited, p.said()).toEqual({ code: ExitCode.Ok, signal: null });
  }, 600_000);
});

describe("GIVEN the systemd unit", () => {
  it("THEN it does not restart on the exit codes a restart cannot fix, and does on the others", () => {
    const unit = readFileSync("deploy/kizuna.service", "utf8");
    const noRestart = /^RestartPreventExitStatus=(.*)$/m.exec(unit)?.[1]?.split(/\s+/).map(Number);
    expect(noRestart?.sort()).toEqual(
      [ExitCode.InvalidKnowledge, ExitCode.GatewayRefused, ExitCode.Config].sort(),
    );
    expect(unit).toMatch(/^Restart=on-failure$/m);
    expect(unit).toMatch(/^ExecStart=.* dist\/main\.js$/m);
    expect(unit).toMatch(/^KillSignal=SIGTERM$/m);
  });
});
