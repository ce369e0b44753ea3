/**
 * Reloads of the worst knowledge files found so far (issue 14), each in a child process of
 * its own: the store opens a small valid folder, the hostile file is written beside it, and
 * `store.reload()` is timed while the main thread's event loop is watched (a 1 ms heartbeat,
 * the stretch up to the reload's end included, and monitorEventLoopDelay). The child reports
 * its peak RSS (getrusage: the read worker's heap is part of it) and what the reload said.
 * Every reload must be refused, name the file, and leave the old knowledge serving.
 *
 * With `--ordinary`, also the ordinary reload (one fact added to one file) at 10 000 and
 * 100 000 generated facts, through file-reload.ts: its longest event-loop block.
 *
 * `node --import tsx test/bench/hostile-reload.ts [--ordinary] [--json]` runs it alone;
 * `npm run bench` includes the hostile rows (`--no-hostile` skips them).
 */
import { fork } from "node:child_process";
import { cp, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import { join } from "node:path";
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { KnowledgeStore } from "../../src/store/knowledge-store.ts";
import { measureFileReload } from "./file-reload.ts";
import { benchCountries, generateKnowledge, KNOWLEDGE_DIR, loadRealKnowledge } from "./generate.ts";
import { isMainModule } from "./runtime.ts";

const VALID = fileURLToPath(new URL("../fixtures/knowledge/valid/", import.meta.url));
const MB = 1024 * 1024;
const HEAD = "relation:\n  id: atlantis-peru\n  title: Atlantis\n  parties: [Chile, Peru]\nsources: []\n";

/** The hostile files, by name: each a text of its own shape. */
export const HOSTILE: Record<string, () => string> = {
  /** 150 KB: 50 000 facts, each missing four fields — 200 000 problems. */
  "50 000 empty entries": () => `${HEAD}facts: [${Array(50_000).fill("{}").join(",")}]\n`,
  /** Just under the 5 MB limit of the same: 1.7 million YAML nodes. */
  "5 MB of empty entries": () => {
    const n = Math.floor((5 * MB - HEAD.length - 12) / 3);
    return `${HEAD}facts: [${Array(n).fill("{}").join(",")}]\n`;
  },
  /** 20 KB of nested brackets. */
  "nested brackets (20 KB)": () => `${HEAD}facts: ${"[".repeat(10_000)}${"]".repeat(10_000)}\n`,
  /** A billion laughs: nine levels of nine aliases. */
  "alias bomb": () => {
    let yaml = "a: &a [x, x, x, x, x, x, x, x, x]\n";
    for (const [prev, name] of [..."abcdefgh"].map((c, i) => [c, "bcdefghi"[i]!]))
      yaml += `${name}: &${name} [${Array(9).fill(`*${prev}`).join(", ")}]\n`;
    return yaml;
  },
  /** 31.5 KB of quoted line continuations: a parse of over a second. */
  "crafted 31.5 KB": () => `relation: "${"\\\n".repeat(16_120)}"\n`,
};

export interface HostileRow {
  readonly file: string;
  readonly kb: number;
  /** store.reload(), ms. */
  readonly reload_ms: number;
  /** Longest event-loop block during the reload (heartbeat, ms). */
  readonly loop_block_ms: number;
  /** CPU time the process (both threads) used in it, ms: far less than the block means waiting for a core. */
  readonly loop_block_active_ms: number;
  /** monitorEventLoopDelay's max over the reload, ms. */
  readonly loop_delay_max_ms: number;
  /** Peak RSS of the process (main thread + read worker), MB. */
  readonly peak_rss_mb: number;
  /** Refused, naming the file, the old version kept. */
  readonly refused: boolean;
  /** The reload's first problem. */
  readonly problem: string;
}

/** Each hostile file reloaded in a fresh child process. */
export async function runHostileBench(log: (line: string) => void = () => undefined): Promise<HostileRow[]> {
  const rows: HostileRow[] = [];
  for (const name of Object.keys(HOSTILE)) {
    log(`  hostile reload: ${name}…`);
    rows.push(await inChild(name));
  }
  return rows;
}

function inChild(name: string): Promise<HostileRow> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), ["--child", name], {
      execArgv: process.execArgv.filter((a) => !a.startsWith("--cpu-prof")),
      stdio: ["ignore", 2, 2, "ipc"],
    });
    let row: HostileRow | undefined;
    child.on("message", (m: HostileRow) => (row = m));
    child.on("error", reject);
    child.on("exit", (code) =>
      row ? resolve(row) : reject(new Error(`hostile-reload child for "${name}" exited with ${code}`)),
    );
  });
}

async function child(name: string): Promise<HostileRow> {
  const dir = await mkdtemp(join(os.tmpdir(), "kizuna-bench-hostile-"));
  try {
    await cp(VALID, dir, { recursive: true });
    const store = await KnowledgeStore.open(dir);
    const before = store.version;
    // The read worker is started with the store: let it be ready, as in a bot that has run a while.
    await store.reload();
    const text = HOSTILE[name]!();
    await writeFile(join(dir, "hostile.yaml"), text);
    const delay = monitorEventLoopDelay({ resolution: 1 });
    let last = performance.now();
    let longest = 0;
    // CPU time the process used in the longest gap (main thread and read worker): far less
    // than the gap means waiting to be scheduled (on a shared machine, up to 100 ms), not work.
    let longestActive = 0;
    let cpu = process.cpuUsage();
    const gap = () => {
      const now = performance.now();
      const used = process.cpuUsage(cpu);
      cpu = process.cpuUsage();
      if (now - last > longest) [longest, longestActive] = [now - last, (used.user + used.system) / 1000];
      last = now;
    };
    const beat = setInterval(gap, 1);
    delay.enable();
    const started = performance.now();
    const result = await store.reload();
    const reloadMs = performance.now() - started;
    gap();
    clearInterval(beat);
    delay.disable();
    store.close();
    const first = result.ok ? undefined : result.problems[0];
    return {
      file: name,
      kb: Math.round(Buffer.byteLength(text) / 102.4) / 10,
      reload_ms: Math.round(reloadMs),
      loop_block_ms: Math.round(longest),
      loop_block_active_ms: Math.round(longestActive),
      loop_delay_max_ms: Math.round(delay.max / 1e6),
      peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
      refused:
        !result.ok &&
        result.keptVersion === before &&
        store.version === before &&
        first?.file === "knowledge/hostile.yaml",
      problem: first ? `${first.line ? `:${first.line} ` : ""}${first.message}`.slice(0, 90) : "(loaded!)",
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export function hostileReport(rows: readonly HostileRow[]): string {
  const lines = [
    "Hostile reloads (each in its own process; the old knowledge must keep serving):",
    `  ${"file".padEnd(26)} ${"KB".padStart(7)} ${"reload ms".padStart(9)} ${"loop block (cpu)".padStart(17)} ${"delay max".padStart(9)} ${"peak RSS".padStart(8)}  refused  problem`,
  ];
  for (const r of rows)
    lines.push(
      `  ${r.file.padEnd(26)} ${String(r.kb).padStart(7)} ${String(r.reload_ms).padStart(9)} ${`${r.loop_block_ms} ms (${r.loop_block_active_ms})`.padStart(17)} ${`${r.loop_delay_max_ms} ms`.padStart(9)} ${`${r.peak_rss_mb} MB`.padStart(8)}  ${(r.refused ? "yes" : "NO").padEnd(7)}  ${r.problem}`,
    );
  return lines.join("\n");
}

/** The ordinary reload (one fact added) at each size: its longest event-loop block, over RELOADS reloads. */
async function ordinary(sizes: readonly number[], log: (line: string) => void, profile = false) {
  const real = await loadRealKnowledge();
  const countries = benchCountries(120);
  const out: Array<{
    facts: number;
    reload_ms: number;
    max_block_ms: number;
    max_gap_ms: number;
    max_gap_busy_ms: number;
    gc_max_ms: number;
    peak_rss_mb: number;
  }> = [];
  for (const size of sizes) {
    log(`  ordinary reload at ${size} facts…`);
    const { knowledge } = generateKnowledge(size, { real, countries });
    const r = await measureFileReload(knowledge, {
      real,
      realDir: KNOWLEDGE_DIR,
      profile,
      label: `hostile-${size}`,
    });
    out.push({
      facts: size,
      reload_ms: Math.round(r.reload_ms),
      max_block_ms: Math.round(r.reload_max_block_ms),
      max_gap_ms: Math.round(r.reload_heartbeat_max_gap_ms),
      max_gap_busy_ms: Math.round(r.reload_heartbeat_max_gap_busy_ms),
      gc_max_ms: Math.round(r.reload_gc_max_ms),
      peak_rss_mb: Math.round(r.peak_rss_mb),
    });
    if (r.profile)
      log(
        JSON.stringify(
          { gc_major: r.reload_gc_major, gc_major_max_ms: r.reload_gc_major_max_ms, profile: r.profile },
          null,
          1,
        ),
      );
  }
  return out;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      ordinary: { type: "boolean" },
      json: { type: "boolean" },
      sizes: { type: "string" },
      /** Profile one more ordinary reload when one blocked over 25 ms (file-reload.ts). */
      profile: { type: "boolean" },
      "no-hostile": { type: "boolean" },
    },
  });
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const loadavg = os.loadavg().map((n) => n.toFixed(2));
  const rows = values["no-hostile"] ? [] : await runHostileBench(log);
  const reloads = values.ordinary
    ? await ordinary((values.sizes ?? "10000,100000").split(",").map(Number), log, values.profile)
    : undefined;
  if (values.json)
    console.log(
      JSON.stringify({ loadavg, hostile: rows, ...(reloads ? { ordinary: reloads } : {}) }, null, 2),
    );
  else {
    console.log(hostileReport(rows));
    if (reloads) {
      console.log("\nOrdinary reload (one fact added), worst of 3:");
      for (const r of reloads)
        console.log(
          `  ${String(r.facts).padStart(6)} facts: reload ${r.reload_ms} ms, longest block ${r.max_block_ms} ms (heartbeat gap ${r.max_gap_ms} ms, of it busy ${r.max_gap_busy_ms} ms), longest GC pause ${r.gc_max_ms} ms, peak RSS ${r.peak_rss_mb} MB`,
        );
    }
    console.log(
      `\nload average at the start: ${loadavg.join(" ")}; at the end: ${os
        .loadavg()
        .map((n) => n.toFixed(2))
        .join(" ")}`,
    );
  }
}

if (process.argv[2] === "--child") {
  child(process.argv[3]!).then(
    (row) => process.send!(row, () => process.exit(0)),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
} else if (isMainModule(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
