/**
 * Loads every knowledge file of a folder into validated Knowledge, or reports every
 * problem at once (file, line, fact id). Loading never touches live state: the caller
 * decides what to do with the result, so a bad edit can never take the bot down.
 */
import { createHash } from "node:crypto";
import type { Stats } from "node:fs";
import { lstat, readdir, realpath, stat } from "node:fs/promises";
import { basename, join, relative, sep } from "node:path";
import { pacer, sortPaced, turn } from "../pace.ts";
import { gazetteer } from "../text/countries.ts";
import { compareDates, type HistoricalDate } from "./dates.ts";
import type { Problem } from "./problems.ts";
import { ReadPool } from "./read-pool.ts";
import { closest, fresh, internList, readKnowledgeFile, type FileReadResult, type ParsedFile } from "./read-file.ts";
import type { Fact, Knowledge, Relation, Source } from "./types.ts";

export { MAX_FILE_BYTES } from "./read-file.ts";

const KNOWLEDGE_FILE = /\.ya?ml$/i;
/**
 * Files up to this size are read on the main thread: parsing one takes a few ms, paced
 * between files. Bigger ones go to a worker thread. Not every file: at 100 000 facts in
 * thousands of files, workers cut a first load from 29 to 22 s but left the process
 * 230 MB bigger (each thread's allocator keeps its memory).
 */
const INLINE_MAX_BYTES = 32 * 1024;

export type LoadResult =
  | { readonly ok: true; readonly knowledge: Knowledge }
  | { readonly ok: false; readonly problems: readonly Problem[] };

/**
 * What a store keeps between loads: files unchanged since (same size, times and inode) are
 * not read again — one edited file out of thousands must not cost a full parse — and strings
 * that repeat across facts are shared.
 */
export interface LoadCache {
  readonly files: Map<string, { readonly key: string; readonly parsed: ParsedFile }>;
  readonly strings: Map<string, string>;
  /** Parsed dates by EDTF text: every fact of 1931 shares one. */
  readonly dates: Map<string, HistoricalDate>;
}

export function newLoadCache(): LoadCache {
  return { files: new Map(), strings: new Map(), dates: new Map() };
}

export interface LoadOptions {
  /**
   * Where files are read: "auto" (a worker thread for files over INLINE_MAX_BYTES, this
   * thread for the others), "inline" (all on this thread), or a pool the caller owns, for
   * every file (tests).
   */
  readonly readers?: "auto" | "inline" | ReadPool;
  /** Told after each file is read (or taken unchanged from the cache), for progress reports. */
  readonly onFile?: (read: number, total: number) => void;
}

/** Loads and validates all `*.yaml` files under `dir` (recursively). */
export async function loadKnowledge(
  dir: string,
  displayRoot = "knowledge",
  cache: LoadCache = newLoadCache(),
  options: LoadOptions = {},
): Promise<LoadResult> {
  const problems: Problem[] = [];
  const display = (path: string) => join(displayRoot, relative(dir, path)).split(sep).join("/");

  let root: string;
  try {
    root = await realpath(dir);
    if (!(await stat(root)).isDirectory()) throw new Error("not a directory");
  } catch {
    return {
      ok: false,
      problems: [{ file: dir, message: "the knowledge folder does not exist or is not a folder" }],
    };
  }

  const paths = await listFiles(root, root, problems, display);
  if (paths.length === 0 && problems.length === 0)
    problems.push({ file: display(root), message: "no knowledge files (*.yaml) found" });

  const parsed: ParsedFile[] = [];
  const pace = pacer();
  // Strings and dates of facts long deleted would pile up over many reloads; start afresh now and then.
  if (cache.strings.size > 500_000) cache.strings.clear();
  if (cache.dates.size > 100_000) cache.dates.clear();
  const intern = (text: string): string => {
    let shared = cache.strings.get(text);
    // Keyed by the copy too: the text read from YAML is a slice that keeps its whole file alive.
    if (shared === undefined) cache.strings.set((shared = fresh(text)), shared);
    return shared;
  };

  // Unchanged files are taken from the cache; the others are read (big ones in a worker
  // thread, all started at once) and taken back in file order.
  const readers = options.readers ?? "auto";
  const files: Array<{ path: string; key?: string | undefined; hit?: ParsedFile; read?: Promise<FileReadResult> }> =
    [];
  let ownPool: ReadPool | undefined;
  for (const path of paths) {
    const { key, size } = await fileKey(path);
    const hit = key === undefined ? undefined : cache.files.get(path);
    if (hit && hit.key === key && hit.parsed.display === display(path)) files.push({ path, hit: hit.parsed });
    else if (readers instanceof ReadPool || (readers === "auto" && size > INLINE_MAX_BYTES)) {
      const pool = readers instanceof ReadPool ? readers : (ownPool ??= new ReadPool({ size: 1 }));
      const read = pool.read(path, root, display(path));
      // Awaited in order below; a failure while an earlier file is awaited must not go unhandled.
      read.catch(() => undefined);
      files.push({ path, key, read });
    } else files.push({ path, key });
    await pace();
  }
  let filesDone = 0;
  try {
    for (const f of files) {
      options.onFile?.(++filesDone, files.length);
      if (f.hit) {
        parsed.push(f.hit);
        continue;
      }
      // A file read here is parsed in one go: it starts on a fresh slice.
      if (!f.read) await turn();
      const result = await (f.read
        ? f.read.then((r) => ({ ...r, file: r.file && adopt(r.file, intern, cache.dates) }))
        : readKnowledgeFile(f.path, root, display(f.path), intern));
      problems.push(...result.problems);
      const file = result.file;
      if (file) parsed.push(file);
      // Only a file without problems of its own is remembered: its problems must be reported again.
      if (file && f.key !== undefined && result.problems.length === 0) cache.files.set(f.path, { key: f.key, parsed: file });
      else cache.files.delete(f.path);
      await pace();
    }
  } finally {
    await ownPool?.close();
  }
  const listed = new Set(paths);
  for (const path of cache.files.keys()) if (!listed.has(path)) cache.files.delete(path);
  const knowledge = await assemble(parsed, problems, pace);
  if (problems.length > 0) {
    // Reported file by file, top to bottom, as an editor would walk them.
    const order = new Map(paths.map((p, i) => [display(p), i]));
    return {
      ok: false,
      problems: problems
        .map((p, i) => ({ p, i }))
        .sort(
          (a, b) =>
            (order.get(a.p.file) ?? -1) - (order.get(b.p.file) ?? -1) ||
            (a.p.line ?? 0) - (b.p.line ?? 0) ||
            a.i - b.i,
        )
        .map(({ p }) => p),
    };
  }
  return { ok: true, knowledge };
}

/** The knowledge files under `dir`, in the order the loader reads them (the cache lists them the same way). */
export async function listFiles(
  dir: string,
  root: string,
  problems: Problem[],
  display: (p: string) => string,
): Promise<string[]> {
  const out: string[] = [];
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    problems.push({
      file: display(dir),
      message: `cannot read the folder (${(error as NodeJS.ErrnoException).code})`,
    });
    return out;
  }
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    // Editor backups and hidden files are not knowledge.
    if (entry.name.startsWith(".") || entry.name.endsWith("~")) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(path, root, problems, display)));
    // Anything else named *.yaml (a pipe, a socket) is listed so it is refused by name, not skipped.
    else if (KNOWLEDGE_FILE.test(entry.name)) out.push(path);
  }
  return out;
}

/**
 * Identity of a regular file's current content (undefined: symlinks are always read
 * again), and its size.
 */
export async function fileKey(path: string): Promise<{ key?: string; size: number }> {
  try {
    return keyOf(await lstat(path));
  } catch {
    return { size: 0 };
  }
}

/** fileKey from the file's lstat. */
export function keyOf(info: Stats): { key?: string; size: number } {
  if (!info.isFile()) return { size: 0 };
  return { key: `${info.size}:${info.mtimeMs}:${info.ctimeMs}:${info.ino}`, size: info.size };
}

/**
 * A file read by a worker made part of the knowledge: its strings and dates are copies
 * made for the trip between threads; those that repeat across facts (people, tags,
 * sections, relation ids, dates) are shared through the cache, as for files read here.
 */
function adopt(
  file: ParsedFile,
  intern: (text: string) => string,
  dates: Map<string, HistoricalDate>,
): ParsedFile {
  const list = (items: readonly string[]) => internList(items, intern);
  const date = (d: HistoricalDate | null) => {
    if (d === null) return null;
    const shared = dates.get(d.edtf);
    if (shared !== undefined) return shared;
    const own = Object.freeze(d);
    dates.set(d.edtf, own);
    return own;
  };
  const facts = file.data.facts.map(
    (f): Fact => ({
      ...f,
      relationId: intern(f.relationId),
      date: date(f.date),
      when: f.when === undefined ? undefined : intern(f.when),
      people: list(f.people),
      places: list(f.places),
      tags: list(f.tags),
      keywords: list(f.keywords),
      sourceId: intern(f.sourceId),
      section: intern(f.section),
    }),
  );
  return { ...file, data: { ...file.data, facts } };
}

/**
 * The cross-file checks and the knowledge of files read and checked before (the cache's,
 * see cache.ts): what a load does once every file is read.
 */
export async function assembleFiles(files: ParsedFile[]): Promise<LoadResult> {
  const problems: Problem[] = [];
  const knowledge = await assemble(files, problems, pacer());
  return problems.length > 0 ? { ok: false, problems } : { ok: true, knowledge };
}

/** Cross-file checks and conversion into Knowledge. */
async function assemble(
  files: ParsedFile[],
  problems: Problem[],
  pace: () => Promise<void> | undefined,
): Promise<Knowledge> {
  const relations: Relation[] = [];
  const facts: Fact[] = [];
  const drafts: Fact[] = [];
  const sources = new Map<string, { source: Source; file: string; line?: number | undefined }>();
  const factOwners = new Map<string, string>();
  const relationOwners = new Map<string, string>();
  const pairOwners = new Map<string, string>();
  const pendingSourceRefs: Array<{
    sourceId: string;
    file: string;
    line?: number | undefined;
    factId: string;
  }> = [];

  for (const f of files) {
    const { data, display } = f;
    const line = (path: PropertyKey[]) => f.lines.get(path.join("."));
    for (const [i, s] of data.sources.entries()) {
      const prior = sources.get(s.id);
      if (prior && JSON.stringify(prior.source) !== JSON.stringify(s)) {
        problems.push({
          file: display,
          line: line(["sources", i, "id"]),
          message: `source "${s.id}" is also defined, differently, in ${prior.file}${prior.line ? `:${prior.line}` : ""}`,
        });
      } else if (!prior) sources.set(s.id, { source: s, file: display, line: line(["sources", i, "id"]) });
    }

    const r = data.relation;
    const parties = r.parties.map((name, i) => {
      const country = gazetteer().resolve(name);
      if (!country)
        problems.push({
          file: display,
          line: line(["relation", "parties", i]),
          message: `relation.parties: unknown country "${name}"`,
        });
      return country;
    });
    const priorRelation = relationOwners.get(r.id);
    if (priorRelation)
      problems.push({
        file: display,
        line: line(["relation", "id"]),
        message: `relation id "${r.id}" is already used in ${priorRelation}`,
      });
    relationOwners.set(r.id, display);
    const [a, b] = parties;
    if (a && b) {
      if (a.code === b.code)
        problems.push({
          file: display,
          line: line(["relation", "parties"]),
          message: "relation.parties: the two parties are the same country",
        });
      const pair = [a.code, b.code].sort().join("-");
      const priorPair = pairOwners.get(pair);
      if (priorPair)
        problems.push({
          file: display,
          line: line(["relation", "parties"]),
          message: `relation ${a.name}–${b.name} is already described in ${priorPair}; keep one file per pair of countries`,
        });
      pairOwners.set(pair, display);
      relations.push({
        id: r.id,
        title: r.title,
        titles: r.titles,
        parties: [a, b],
        aliases: r.aliases,
        summary: r.summary,
        file: display,
      });
    }

    for (const [k, fact] of data.facts.entries()) {
      const idLine = f.factLines[2 * k] || fact.line;
      const prior = factOwners.get(fact.id);
      if (prior)
        problems.push({
          file: display,
          line: idLine,
          factId: fact.id,
          message: `duplicate fact id; first defined at ${prior}`,
        });
      else factOwners.set(fact.id, `${display}:${idLine}`);

      pendingSourceRefs.push({
        sourceId: fact.sourceId,
        file: display,
        line: f.factLines[2 * k + 1] || fact.line,
        factId: fact.id,
      });
      // A draft is checked like any fact (its id is taken, its source must exist), never served.
      (fact.draft ? drafts : facts).push(fact);
      await pace();
    }
  }

  for (const ref of pendingSourceRefs) {
    await pace();
    if (sources.has(ref.sourceId)) continue;
    const hint = closest(ref.sourceId, [...sources.keys()]);
    problems.push({
      file: ref.file,
      line: ref.line,
      factId: ref.factId,
      message: `source "${ref.sourceId}" is not defined in any knowledge file${hint ? ` (did you mean "${hint}"?)` : ""}`,
    });
  }

  // Date order, undated last; ids (ASCII slugs) break ties so the order never depends on files.
  const sorted = await sortPaced(
    facts,
    (x, y) =>
      (x.date && y.date ? compareDates(x.date, y.date) : x.date ? -1 : y.date ? 1 : 0) ||
      (x.id < y.id ? -1 : x.id > y.id ? 1 : 0),
    pace,
  );
  const hash = createHash("sha256");
  for (const f of files) {
    hash.update(f.digest);
    await pace();
  }
  return {
    version: hash.digest("hex").slice(0, 12),
    relations,
    facts: sorted,
    drafts,
    sources: [...sources.values()].map((s) => s.source),
    files: files.map((f) => basename(f.display)),
  };
}
