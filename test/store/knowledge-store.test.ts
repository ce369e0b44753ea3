import { spawnSync } from "node:child_process";
import { appendFile, cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { performance } from "node:perf_hooks";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { answerQuestion } from "../../src/engine/engine.ts";
import { KnowledgeError } from "../../src/knowledge/problems.ts";
import { diffFacts, KnowledgeStore, type ReloadResult } from "../../src/store/knowledge-store.ts";

const VALID = fileURLToPath(new URL("../fixtures/knowledge/valid/", import.meta.url));
const BAD_DATES = fileURLToPath(new URL("../fixtures/knowledge/bad-dates/", import.meta.url));

const NEW_FACT = `
  - id: bj-2008-centenary
    date: "2008"
    statement: Crown Prince Naruhito visited Brazil for the centenary of Japanese immigration.
    people: [Naruhito]
    tags: [visit, migration]
    keywords: [centenary, centennial, anniversary, crown prince]
    source: wikipedia-brazil-japan-relations
    section: Immigration
`;
const NEW_QUESTION = "When did Naruhito visit Brazil?";
const OLD_QUESTION = "When did Brazil and Japan sign a treaty?";

let dir: string;
let store: KnowledgeStore;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "kizuna-store-"));
  await cp(VALID, dir, { recursive: true });
  store = await KnowledgeStore.open(dir);
});
afterEach(async () => {
  store.close();
  await rm(dir, { recursive: true, force: true });
});

const brazilJapan = () => join(dir, "brazil-japan.yaml");
function expectOk(result: ReloadResult): Extract<ReloadResult, { ok: true }> {
  if (!result.ok) throw new Error(`expected the reload to succeed: ${JSON.stringify(result.problems)}`);
  return result;
}
function expectRefused(result: ReloadResult): Extract<ReloadResult, { ok: false }> {
  if (result.ok) throw new Error("expected the reload to be refused");
  return result;
}

describe("KnowledgeStore.open", () => {
  it("GIVEN a valid folder THEN the index serves its facts and answers questions", () => {
    expect(store.index.facts).toHaveLength(7);
    expect(store.version).toBe(store.index.version);
    expect(answerQuestion(store.index, OLD_QUESTION).facts.map((f) => f.id)).toEqual(["bj-1895-treaty"]);
  });

  it("GIVEN an invalid folder THEN open throws a KnowledgeError listing every problem with file and line", async () => {
    const error = await KnowledgeStore.open(BAD_DATES).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KnowledgeError);
    const problems = (error as KnowledgeError).problems;
    expect(problems.map((p) => [p.file, p.line, p.factId])).toEqual([
      ["knowledge/brazil-japan.yaml", 16, "bj-month-13"],
      ["knowledge/brazil-japan.yaml", 22, "bj-february-29"],
      ["knowledge/brazil-japan.yaml", 28, "bj-bce"],
    ]);
    expect((error as Error).message).toMatch(
      /^3 problems in the knowledge files:\n {2}knowledge\/brazil-japan\.yaml:16: fact "bj-month-13": date "1931-13"/,
    );
  });

  it("GIVEN a missing folder THEN open throws naming it", async () => {
    const missing = join(dir, "nope");
    await expect(KnowledgeStore.open(missing)).rejects.toThrow(
      `1 problem in the knowledge files:\n  ${missing}: the knowledge folder does not exist or is not a folder`,
    );
  });

  it("GIVEN a display root THEN problems show files under it", async () => {
    const error = (await KnowledgeStore.open(BAD_DATES, { displayRoot: "kb" }).catch(
      (e: unknown) => e,
    )) as KnowledgeError;
    expect(error.problems[0]?.file).toBe("kb/brazil-japan.yaml");
  });
});

describe("KnowledgeStore.reload", () => {
  it("GIVEN a new fact in a file WHEN reloaded THEN it is added, the version changes and the fact answers", async () => {
    const before = store.version;
    expect(answerQuestion(store.index, NEW_QUESTION).answered).toBe(false);
    await appendFile(brazilJapan(), NEW_FACT);

    const result = expectOk(await store.reload());
    expect(result).toMatchObject({
      ok: true,
      previousVersion: before,
      added: ["bj-2008-centenary"],
      changed: [],
      removed: [],
      facts: 8,
    });
    expect(result.version).not.toBe(before);
    expect(store.version).toBe(result.version);
    const answer = answerQuestion(store.index, NEW_QUESTION);
    expect(answer.answered).toBe(true);
    expect(answer.facts.map((f) => f.id)).toEqual(["bj-2008-centenary"]);
    expect(answer.version).toBe(result.version);
  });

  it("GIVEN unchanged files WHEN reloaded THEN nothing is added, changed or removed and the version stays", async () => {
    const before = store.version;
    const result = expectOk(await store.reload());
    expect(result).toMatchObject({
      version: before,
      previousVersion: before,
      added: [],
      changed: [],
      removed: [],
    });
  });

  it("GIVEN a changed statement WHEN reloaded THEN the fact is listed as changed", async () => {
    const text = await readFile(brazilJapan(), "utf8");
    await writeFile(
      brazilJapan(),
      text.replace("the first 781 Japanese emigrants", "the first 781 emigrants from Japan"),
    );
    expect(expectOk(await store.reload()).changed).toEqual(["bj-1908-kasato-maru"]);
  });

  it("GIVEN a fact that only moved lines WHEN reloaded THEN it is not listed as changed", async () => {
    const text = await readFile(brazilJapan(), "utf8");
    await writeFile(brazilJapan(), text.replace("facts:\n", "facts:\n\n\n"));
    const result = expectOk(await store.reload());
    expect(result.version).not.toBe(result.previousVersion);
    expect([result.added, result.changed, result.removed]).toEqual([[], [], []]);
  });

  it("GIVEN a file deleted between reloads THEN its facts are removed", async () => {
    await rm(join(dir, "chile-peru.yaml"));
    const result = expectOk(await store.reload());
    expect([...result.removed].sort()).toEqual(["cp-1929-treaty-of-lima", "cp-pisco-dispute"]);
    expect(result.facts).toBe(5);
    expect(store.index.relationById.has("chile-peru")).toBe(false);
  });

  it("GIVEN a broken file WHEN reloaded THEN it is refused with the problems and the old index keeps serving", async () => {
    const live = store.index;
    const before = store.version;
    const oldAnswer = answerQuestion(live, OLD_QUESTION);
    await appendFile(brazilJapan(), NEW_FACT.replace('date: "2008"', 'date: "2008-02-30"'));

    const result = expectRefused(await store.reload());
    expect(result.keptVersion).toBe(before);
    expect(result.problems).toEqual([
      {
        file: "knowledge/brazil-japan.yaml",
        line: 59, // 56 lines in the fixture, a blank line, the id, then the date
        factId: "bj-2008-centenary",
        message: 'date "2008-02-30": February 2008 has no day 30',
      },
    ]);
    expect(store.index).toBe(live);
    expect(store.version).toBe(before);
    expect(answerQuestion(store.index, OLD_QUESTION)).toEqual(oldAnswer);
    expect(answerQuestion(store.index, NEW_QUESTION).answered).toBe(false);
  });

  it("GIVEN a refused reload followed by a fix THEN the next reload succeeds from the version that kept serving", async () => {
    const before = store.version;
    await writeFile(join(dir, "broken.yaml"), "relation: [");
    expectRefused(await store.reload());
    await rm(join(dir, "broken.yaml"));
    await appendFile(brazilJapan(), NEW_FACT);
    expect(expectOk(await store.reload())).toMatchObject({
      previousVersion: before,
      added: ["bj-2008-centenary"],
    });
  });

  it("GIVEN a snapshot taken before a reload THEN it keeps its version and answers as before (in-flight answers)", async () => {
    const snapshot = store.index;
    const before = snapshot.version;
    await appendFile(brazilJapan(), NEW_FACT);
    expectOk(await store.reload());

    expect(store.index).not.toBe(snapshot);
    expect(snapshot.version).toBe(before);
    expect(snapshot.facts).toHaveLength(7);
    expect(answerQuestion(snapshot, NEW_QUESTION).answered).toBe(false);
    expect(answerQuestion(snapshot, OLD_QUESTION).version).toBe(before);
  });

  it("GIVEN two reloads started together THEN they run one after the other and the second sees the first's result", async () => {
    const before = store.version;
    await appendFile(brazilJapan(), NEW_FACT);
    const [first, second] = await Promise.all([store.reload(), store.reload()]);
    const a = expectOk(first);
    const b = expectOk(second);
    expect(a).toMatchObject({ previousVersion: before, added: ["bj-2008-centenary"] });
    expect(b).toMatchObject({
      previousVersion: a.version,
      version: a.version,
      added: [],
      changed: [],
      removed: [],
    });
  });

  it("GIVEN two reloads at once after a change THEN they run one after the other: the second diffs against the first", async () => {
    await appendFile(brazilJapan(), NEW_FACT);
    const [first, second] = await Promise.all([store.reload(), store.reload()]);
    // Run side by side, both would diff against the old version and both report the fact as added.
    expect(expectOk(first).added).toEqual(["bj-2008-centenary"]);
    expect(expectOk(second).added).toEqual([]);
    expect(expectOk(second).previousVersion).toBe(expectOk(first).version);
  });

  it("GIVEN a listener THEN it hears every reload, refused ones too, until it unsubscribes", async () => {
    const heard: boolean[] = [];
    const off = store.onReload((r) => heard.push(r.ok));
    await store.reload();
    await writeFile(join(dir, "broken.yaml"), Buffer.from([0, 1, 2]));
    await store.reload();
    off();
    await store.reload();
    expect(heard).toEqual([true, false]);
  });
});

describe("KnowledgeStore.reload — hostile files", () => {
  it("GIVEN a small file whose parse takes about a second WHEN reloaded THEN it is parsed off the event loop: no stall over 400 ms", async () => {
    // 30 KB of quoted line continuations: under the old 32 KB line for parsing on this thread.
    await writeFile(join(dir, "slow.yaml"), `relation: "${"\\\n".repeat(15_000)}"\n`);
    let last = performance.now();
    let longest = 0;
    const beat = setInterval(() => {
      const now = performance.now();
      longest = Math.max(longest, now - last);
      last = now;
    }, 5);
    try {
      const result = expectRefused(await store.reload());
      // The stretch up to now counts too: a reload that blocked throughout never let the timer run.
      longest = Math.max(longest, performance.now() - last);
      expect([...new Set(result.problems.map((p) => p.file))]).toEqual(["knowledge/slow.yaml"]);
    } finally {
      clearInterval(beat);
    }
    expect(longest).toBeLessThan(400);
    expect(store.index.facts).toHaveLength(7);
  });

  it("GIVEN a file that outruns the reader's memory limit WHEN reloaded THEN it is reported by name and the old knowledge keeps serving", async () => {
    const limited = await KnowledgeStore.open(dir, { readLimits: { maxOldGenerationSizeMb: 64 } });
    try {
      // 1.5 MB of empty entries: 500 000 YAML nodes, far more memory than any real file needs.
      await writeFile(join(dir, "empties.yaml"), `facts: [${Array(500_000).fill("{}").join(",")}]\n`);
      const result = expectRefused(await limited.reload());
      expect(result.problems.map((p) => `${p.file}: ${p.message}`)).toEqual([
        "knowledge/empties.yaml: needed more than 64 MB of memory to read and check; refused (its reader was stopped)",
      ]);
      expect(result.keptVersion).toBe(limited.version);
      expect(limited.index.facts).toHaveLength(7);
      // The next reload has a new reader.
      await rm(join(dir, "empties.yaml"));
      expect(expectOk(await limited.reload()).facts).toBe(7);
    } finally {
      limited.close();
    }
  });
});

describe("KnowledgeStore.fromIndex and diffFacts", () => {
  it("GIVEN an existing index THEN the store serves it as is", () => {
    const other = KnowledgeStore.fromIndex(dir, store.index);
    expect(other.index).toBe(store.index);
  });

  it("GIVEN two knowledge versions THEN diffFacts lists added, changed and removed ids", async () => {
    const k = store.index.knowledge;
    const [first, second, ...rest] = k.facts;
    const after = {
      ...k,
      facts: [{ ...first!, statement: "changed" }, ...rest, { ...second!, id: "brand-new" }],
    };
    expect(await diffFacts(k, after)).toEqual({
      added: ["brand-new"],
      changed: [first!.id],
      removed: [second!.id],
    });
  });
});

describe("KnowledgeStore.watch (KNOWLEDGE_WATCH=true)", () => {
  const nextReload = () =>
    new Promise<ReloadResult>((resolve) => {
      const off = store.onReload((r) => {
        off();
        resolve(r);
      });
    });

  it("WHEN a file changes THEN it reloads by itself; WHEN the change breaks a file THEN the old knowledge keeps serving", async () => {
    store.watch(50);
    const before = store.version;
    const added = nextReload();
    await appendFile(brazilJapan(), NEW_FACT);
    const ok = expectOk(await added);
    expect(ok.added).toEqual(["bj-2008-centenary"]);
    expect(store.version).not.toBe(before);
    expect(answerQuestion(store.index, NEW_QUESTION).facts.map((f) => f.id)).toEqual(["bj-2008-centenary"]);

    const good = store.version;
    const broken = nextReload();
    await writeFile(
      brazilJapan(),
      (await readFile(brazilJapan(), "utf8")).replace('date: "2008"', 'date: "2008-13"'),
    );
    const refused = expectRefused(await broken);
    expect(refused.keptVersion).toBe(good);
    expect(store.version).toBe(good);
    expect(answerQuestion(store.index, NEW_QUESTION).facts.map((f) => f.id)).toEqual(["bj-2008-centenary"]);
  });
});

describe("KnowledgeStore.reload reuses unchanged files", () => {
  it("GIVEN one file edited THEN the other file's facts are the same objects; the edited file's are new", async () => {
    const before = new Map(store.index.facts.map((f) => [f.fact.id, f.fact]));
    await appendFile(brazilJapan(), NEW_FACT);
    expectOk(await store.reload());
    const after = store.index.knowledge.facts;
    const chile = after.filter((f) => f.relationId === "chile-peru");
    const brazil = after.filter((f) => f.relationId === "brazil-japan" && before.has(f.id));
    expect(chile.length).toBeGreaterThan(0);
    for (const f of chile) expect(f).toBe(before.get(f.id));
    for (const f of brazil) expect(f).not.toBe(before.get(f.id));
    expect(brazil.map((f) => f.id).sort()).toEqual(
      [...before.values()]
        .filter((f) => f.relationId === "brazil-japan")
        .map((f) => f.id)
        .sort(),
    );
  });

  it("GIVEN one file edited THEN the index keeps the other file's analysis and answers as a fresh build would", async () => {
    const previous = store.index;
    await appendFile(brazilJapan(), NEW_FACT);
    expectOk(await store.reload());
    const index = store.index;
    for (const f of index.facts) {
      const prior = previous.byId.get(f.fact.id);
      // Shared sets are the mark of reuse: a fresh analysis makes new ones.
      if (f.relation.id === "chile-peru") expect(f.countries).toBe(prior!.countries);
      else expect(f.countries).not.toBe(prior?.countries);
    }
    const fresh = await KnowledgeStore.open(dir);
    for (const question of [NEW_QUESTION, OLD_QUESTION, "What was the Treaty of Lima?", "pisco"])
      expect(answerQuestion(index, question)).toEqual(answerQuestion(fresh.index, question));
  });

  it("GIVEN a broken file left as it is THEN every reload reports it again (problems are never cached away)", async () => {
    await writeFile(
      brazilJapan(),
      (await readFile(brazilJapan(), "utf8")).replace('date: "1895-11-05"', 'date: "1895-13-05"'),
    );
    const first = expectRefused(await store.reload());
    const second = expectRefused(await store.reload());
    expect(second.problems).toEqual(first.problems);
    expect(first.problems.map((p) => p.factId)).toEqual(["bj-1895-treaty"]);
  });
});

describe("KnowledgeStore.close", () => {
  it("GIVEN a change seen just before close THEN no reload runs after it", async () => {
    let reloads = 0;
    store.onReload(() => reloads++);
    store.watch(100);
    await appendFile(brazilJapan(), NEW_FACT);
    await new Promise((resolve) => setTimeout(resolve, 20));
    store.close();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(reloads).toBe(0);
  });
});

describe("KnowledgeStore — its read worker never keeps a process alive", () => {
  it("GIVEN a process that opens a store (reloading or not) and ends its work THEN it exits by itself", async () => {
    const storeModule = fileURLToPath(new URL("../../src/store/knowledge-store.ts", import.meta.url));
    for (const reload of ["", "await store.reload();"]) {
      const script = join(dir, "open-and-end.mts");
      await writeFile(
        script,
        `import { KnowledgeStore } from ${JSON.stringify(storeModule)};
const store = await KnowledgeStore.open(${JSON.stringify(VALID)});
${reload}
console.log(store.version);
`,
      );
      const run = spawnSync(process.execPath, ["--import", "tsx", script], {
        encoding: "utf8",
        timeout: 20_000,
      });
      expect(run.stdout.trim(), run.stderr).toMatch(/^[0-9a-f]{12}$/);
      expect(run.signal, reload ? "after a reload" : "after opening").toBeNull();
      expect(run.status).toBe(0);
    }
  });
});

describe("KnowledgeStore.close ends its read worker", () => {
  it("GIVEN a closed store THEN a reload reads nothing (its worker is stopped) and the knowledge stays as it was", async () => {
    expectOk(await store.reload());
    const version = store.version;
    store.close();
    await appendFile(brazilJapan(), NEW_FACT);
    const refused = expectRefused(await store.reload());
    expect(refused.problems.map((p) => `${p.file}: ${p.message}`)).toEqual([
      "knowledge/brazil-japan.yaml: was not read: the knowledge store is closing",
    ]);
    expect(store.version).toBe(version);
  });
});

describe("KnowledgeStore.reload — progress and an expected version", () => {
  it("GIVEN a progress listener THEN it hears every file read, then facts indexed up to all of them", async () => {
    await appendFile(brazilJapan(), NEW_FACT);
    const heard: string[] = [];
    const result = expectOk(
      await store.reload({
        progress: (p) =>
          heard.push(
            p.phase === "reading"
              ? `read ${p.filesRead}/${p.files}`
              : p.phase === "indexing"
                ? `indexed ${p.factsIndexed}/${p.facts}`
                : p.phase,
          ),
      }),
    );
    const reads = heard.filter((h) => h.startsWith("read"));
    expect(reads.length).toBeGreaterThan(0);
    expect(reads.at(-1)).toMatch(/^read (\d+)\/\1$/);
    // Reading comes before indexing; indexing never reports more facts than there are.
    const firstIndexing = heard.findIndex((h) => h.startsWith("indexed"));
    if (firstIndexing >= 0)
      expect(heard.slice(firstIndexing).every((h) => h.startsWith("indexed"))).toBe(true);
    for (const h of heard.filter((x) => x.startsWith("indexed")))
      expect(Number(/(\d+)\//.exec(h)![1])).toBeLessThanOrEqual(result.facts);
  });

  it("GIVEN files that do not make the expected version THEN nothing is swapped and the reason is given", async () => {
    const before = store.version;
    await appendFile(brazilJapan(), NEW_FACT);
    const refused = expectRefused(await store.reload({ expectVersion: "000000000000" }));
    expect(refused.problems[0]!.message).toMatch(/make version [0-9a-f]{12}, not the 000000000000 asked for/);
    expect(store.version).toBe(before);
    // The same files with the version they do make are taken.
    const probe = await mkdtemp(join(tmpdir(), "kizuna-store-probe-"));
    await cp(dir, probe, { recursive: true });
    const expected = (await KnowledgeStore.open(probe)).version;
    await rm(probe, { recursive: true, force: true });
    expect(expectOk(await store.reload({ expectVersion: expected })).version).toBe(expected);
  });
});
