import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { loadKnowledge, type LoadResult } from "../../src/knowledge/load.ts";
import { ReadPool, readTimeLimitMs } from "../../src/knowledge/read-pool.ts";

const FIXTURES = fileURLToPath(new URL("../fixtures/knowledge/", import.meta.url));
const VALID = join(FIXTURES, "valid");
const DYING = new URL("../support/dying-read-worker.mjs", import.meta.url);

/** What a load gives, in comparable form. */
const outcome = (r: LoadResult) => (r.ok ? { facts: r.knowledge.facts, version: r.knowledge.version } : r.problems);

let big: string | undefined;
const temps: string[] = [];
afterAll(async () => {
  if (big) await rm(big, { recursive: true, force: true });
  await Promise.all(temps.map((d) => rm(d, { recursive: true, force: true })));
});
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "kizuna-read-pool-"));
  temps.push(dir);
  return dir;
}

describe("ReadPool — knowledge files read in a worker thread with memory and time limits", () => {
  it("GIVEN every fixture folder, valid or not THEN worker threads give what this thread gives", async () => {
    const pool = new ReadPool({ size: 2 });
    try {
      for (const name of await readdir(FIXTURES)) {
        const dir = join(FIXTURES, name);
        const inline = await loadKnowledge(dir, "knowledge", undefined, { readers: "inline" });
        const workers = await loadKnowledge(dir, "knowledge", undefined, { readers: pool });
        expect(outcome(workers), name).toEqual(outcome(inline));
      }
    } finally {
      await pool.close();
    }
  });

  it("GIVEN a file too big to parse in one go on the event loop THEN it is read by a worker, its facts sent back in parts, with the same result", async () => {
    big = await mkdtemp(join(tmpdir(), "kizuna-read-pool-"));
    const facts = Array.from(
      { length: 1_200 },
      (_, i) => `  - id: kh-${i}
    date: "${1900 + (i % 120)}"
    statement: Kiribati and Honduras held talks number ${i} on fisheries, shipping lanes and the exchange of students.
    people: [Person ${i % 17}]
    tags: [talks]
    source: src
    section: History
`,
    ).join("");
    const text = `relation:
  id: honduras-kiribati
  title: Honduras–Kiribati relations
  parties: [Honduras, Kiribati]
sources:
  - id: src
    title: A source
    publisher: Someone
    url: https://example.org/hk
    license: CC BY-SA 4.0
    retrieved: 2026-11-28
facts:
${facts}`;
    expect(text.length).toBeGreaterThan(32 * 1024);
    await writeFile(join(big, "honduras-kiribati.yaml"), text);
    const auto = await loadKnowledge(big);
    const inline = await loadKnowledge(big, "knowledge", undefined, { readers: "inline" });
    // More facts than the worker sends in one message (FACTS_PER_PART): they come back in parts.
    expect(auto.ok && auto.knowledge.facts).toHaveLength(1_200);
    expect(outcome(auto)).toEqual(outcome(inline));
    // Repeated strings and dates are shared, whichever thread read them.
    if (!auto.ok) throw new Error("must load");
    const [a, b] = auto.knowledge.facts.filter((f) => f.date?.edtf === "1900");
    expect(a!.date).toBe(b!.date);
    expect(Object.isFrozen(a!.date)).toBe(true);
  });

  it("GIVEN a worker that dies THEN the file is a problem naming it, never read on this thread; the next file gets a new worker", async () => {
    const pool = new ReadPool({ entry: DYING });
    const file = join(VALID, "brazil-japan.yaml");
    try {
      const refused = { problems: [{ file: "knowledge/brazil-japan.yaml", message: "stopped its reader thread; refused" }] };
      expect(await pool.read(file, VALID, "knowledge/brazil-japan.yaml")).toEqual(refused);
      // A new worker (which dies too): not this thread.
      expect(await pool.read(file, VALID, "knowledge/brazil-japan.yaml")).toEqual(refused);
    } finally {
      await pool.close();
    }
  });

  it("GIVEN a file that takes longer than its time limit THEN its worker is stopped, the file reported, and the next file read by a new worker", async () => {
    const dir = await tempDir();
    // A 30 KB file whose parse takes about a second (quoted line continuations).
    await writeFile(join(dir, "slow.yaml"), `relation: "${"\\\n".repeat(15_000)}"\n`);
    // 150 ms for this file (its size is given below), the usual limit for the next.
    const pool = new ReadPool({ timeLimitMs: (bytes) => (bytes > 20_000 ? 150 : readTimeLimitMs(bytes)) });
    try {
      expect(await pool.read(join(dir, "slow.yaml"), dir, "knowledge/slow.yaml", 30_000)).toEqual({
        problems: [
          { file: "knowledge/slow.yaml", message: "took longer than 150 ms to read and check; refused (its reader was stopped)" },
        ],
      });
      const valid = await pool.read(join(VALID, "brazil-japan.yaml"), VALID, "knowledge/brazil-japan.yaml");
      expect(valid.problems).toEqual([]);
      expect(valid.file?.data.facts.length).toBeGreaterThan(0);
    } finally {
      await pool.close();
    }
  });

  it("GIVEN a file whose parse needs more memory than a worker may have THEN the worker is stopped and the file reported; the process is untouched", async () => {
    const dir = await tempDir();
    // 1.5 MB of empty entries: half a million YAML nodes.
    await writeFile(join(dir, "empties.yaml"), `facts: [${Array(500_000).fill("{}").join(",")}]\n`);
    const pool = new ReadPool({ maxOldGenerationSizeMb: 48 });
    try {
      expect(await pool.read(join(dir, "empties.yaml"), dir, "knowledge/empties.yaml", 1_500_000)).toEqual({
        problems: [
          {
            file: "knowledge/empties.yaml",
            message: "needed more than 48 MB of memory to read and check; refused (its reader was stopped)",
          },
        ],
      });
      expect((await pool.read(join(VALID, "brazil-japan.yaml"), VALID, "knowledge/brazil-japan.yaml")).problems).toEqual([]);
    } finally {
      await pool.close();
    }
  });

  it("GIVEN a closed pool THEN a read is refused at once, naming the file", async () => {
    const pool = new ReadPool();
    await pool.close();
    expect(await pool.read(join(VALID, "brazil-japan.yaml"), VALID, "knowledge/brazil-japan.yaml")).toEqual({
      problems: [{ file: "knowledge/brazil-japan.yaml", message: "was not read: the knowledge store is closing" }],
    });
  });
});
