import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { loadKnowledge, type LoadResult } from "../../src/knowledge/load.ts";
import { readKnowledgeFile } from "../../src/knowledge/read-file.ts";
import { ReadPool } from "../../src/knowledge/read-pool.ts";

const FIXTURES = fileURLToPath(new URL("../fixtures/knowledge/", import.meta.url));
const VALID = join(FIXTURES, "valid");
const DYING = new URL("../support/dying-read-worker.mjs", import.meta.url);

/** What a load gives, in comparable form. */
const outcome = (r: LoadResult) => (r.ok ? { facts: r.knowledge.facts, version: r.knowledge.version } : r.problems);

let big: string | undefined;
afterAll(async () => {
  if (big) await rm(big, { recursive: true, force: true });
});

describe("ReadPool — knowledge files read in worker threads", () => {
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

  it("GIVEN a file too big to parse in one go on the event loop THEN it is read by a worker, with the same result", async () => {
    big = await mkdtemp(join(tmpdir(), "kizuna-read-pool-"));
    const facts = Array.from(
      { length: 400 },
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
    expect(auto.ok && auto.knowledge.facts).toHaveLength(400);
    expect(outcome(auto)).toEqual(outcome(inline));
    // Repeated strings and dates are shared, whichever thread read them.
    if (!auto.ok) throw new Error("must load");
    const [a, b] = auto.knowledge.facts.filter((f) => f.date?.edtf === "1900");
    expect(a!.date).toBe(b!.date);
    expect(Object.isFrozen(a!.date)).toBe(true);
  });

  it("GIVEN a worker that dies THEN its files are read on this thread: nothing is lost", async () => {
    const pool = new ReadPool({ size: 1, entry: DYING });
    const file = join(VALID, "brazil-japan.yaml");
    try {
      const read = await pool.read(file, VALID, "knowledge/brazil-japan.yaml");
      expect(read).toEqual(await readKnowledgeFile(file, VALID, "knowledge/brazil-japan.yaml"));
      // With no worker left, reads go straight to this thread.
      expect((await pool.read(file, VALID, "knowledge/brazil-japan.yaml")).file?.data.facts.length).toBe(
        read.file?.data.facts.length,
      );
    } finally {
      await pool.close();
    }
  });
});
