/**
 * Loads every knowledge file of a folder into validated Knowledge, or reports every
 * problem at once (file, line, fact id). Loading never touches live state: the caller
 * decides what to do with the result, so a bad edit can never take the bot down.
 */
import { createHash } from "node:crypto";
import type { Stats } from "node:fs";
import { lstat, readdir, realpath, stat } from "node:fs/promises";
import { homedir } from "node:os";
import { basename, join, relative, sep } from "node:path";
import { pacer, sortPaced, turn } from "../pace.ts";
import { gazetteer } from "../text/countries.ts";
import { compareDates, type HistoricalDate } from "./dates.ts";
import { ProblemList, type Problem, type ProblemSink } from "./problems.ts";
import { ReadPool } from "./read-pool.ts";
import { closest, fresh, internList, readKnowledgeFile, type FileReadResult, type ParsedFile } from "./read-file.ts";
import type { Fact, Knowledge, Relation, Source } from "./types.ts";

export { MAX_FILE_BYTES } from "./read-file.ts";

const KNOWLEDGE_FILE = /\.ya?ml$/i;
/**
 * With `readers: "auto"`, files up to this size are read on the main thread, bigger ones in
 * a worker thread. For tools and start-up only: a parse's cost goes by the file's shape, not
 * its size, so a reload reads every file in the store's worker.
 */
export const INLINE_MAX_BYTES = 32 * 1024;

/** How far a load looks: a knowledge folder holds a few levels, thousands of files at most. */
export interface WalkLimits {
  readonly depth: number;
  /** Entries of every kind seen while walking (a wrong folder holds millions). */
  readonly entries: number;
  readonly files: number;
  /** All knowledge files together, bytes. */
  readonly bytes: number;
}

export const WALK_LIMITS: WalkLimits = {
  depth: 12,
  entries: 100_000,
  files: 20_000,
  bytes: 256 * 1024 * 1024,
};

/**
 * Folders that are never a knowledge folder (KNOWLEDGE_DIR=/ walked the whole file system
 * for minutes): refused before anything is listed.
 */
const SYSTEM_FOLDERS = new Set([
  "/", "/bin", "/boot", "/dev", "/etc", "/home", "/lib", "/lib32", "/lib64", "/media", "/mnt",
  "/opt", "/proc", "/root", "/run", "/sbin", "/srv", "/sys", "/tmp", "/usr", "/var",
]);
const SYSTEM_TREES = ["/proc/", "/sys/", "/dev/"];

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
   * Where files are read: "auto" (a worker thread of the load's own for files over
   * INLINE_MAX_BYTES, this thread for the others), "inline" (all on this thread), or a pool
   * the caller owns (the store's), for every file over `inlineMaxBytes`.
   */
  readonly readers?: "auto" | "inline" | ReadPool;
  /** With a pool: files up to this size are read on this thread (default: none). */
  readonly inlineMaxBytes?: number;
  /** Tighter walk limits than WALK_LIMITS (tests). */
  readonly limits?: Partial<WalkLimits>;
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
  const problems = new ProblemList();
  // Files are shown under the folder's name, never as a path of the server that climbs out of
  // the working folder ("../../tmp/…", which main.ts made of KNOWLEDGE_DIR). An absolute root
  // is the caller's choice (the importer needs the real files).
  const display = shownAs(dir, displayRoot);

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

  const wrong = wrongFolder(root);
  if (wrong) return { ok: false, problems: [{ file: dir, message: wrong }] };

  const limits = { ...WALK_LIMITS, ...options.limits };
  const paths = await listFiles(root, root, problems, display, limits);
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
  const inlineMax =
    readers === "inline" ? Infinity : readers === "auto" ? INLINE_MAX_BYTES : (options.inlineMaxBytes ?? -1);
  let ownPool: ReadPool | undefined;
  let bytes = 0;
  for (const path of paths) {
    const { key, size } = await fileKey(path);
    bytes += size;
    if (bytes > limits.bytes) {
      problems.push({
        file: display(root),
        message: `the knowledge files hold more than ${megabytes(limits.bytes)} MB together; is this the right folder?`,
      });
      return { ok: false, problems: problems.done() };
    }
    const hit = key === undefined ? undefined : cache.files.get(path);
    if (hit && hit.key === key && hit.parsed.display === display(path)) files.push({ path, hit: hit.parsed });
    else if (size > inlineMax) {
      const pool = readers instanceof ReadPool ? readers : (ownPool ??= new ReadPool({ size: 1 }));
      const read = pool.read(path, root, display(path), size);
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
      const result = f.read
        ? await f.read.then(async (r) => ({ ...r, file: r.file && (await adopt(r.file, intern, cache.dates, pace)) }))
        : await readKnowledgeFile(f.path, root, display(f.path), intern);
      for (const problem of result.problems) problems.push(problem);
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
        .done()
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

/**
 * How the files of `dir` are shown, and hashed into the version (the cache names its files by
 * the same): see loadKnowledge.
 */
export function shownAs(dir: string, displayRoot: string): (path: string) => string {
  const shownRoot = displayRoot.split(/[\\/]/).includes("..") ? basename(dir) || "knowledge" : displayRoot;
  return (path: string) => join(shownRoot, relative(dir, path)).split(sep).join("/");
}

/** The knowledge files under `dir`, in the order the loader reads them (the cache lists them the same way). */
export async function listFiles(
  dir: string,
  root: string,
  problems: ProblemSink,
  display: (p: string) => string,
  limits: WalkLimits = WALK_LIMITS,
): Promise<string[]> {
  const out: string[] = [];
  const seen = { entries: 0 };
  try {
    await walk(dir, 0, out, { seen, problems, display, limits });
  } catch (error) {
    if (!(error instanceof TooMuch)) throw error;
    problems.push({ file: display(root), message: error.message });
    return [];
  }
  return out;
}

/** A walk that went past WALK_LIMITS: the folder is almost certainly the wrong one. */
class TooMuch extends Error {}

interface Walk {
  readonly seen: { entries: number };
  readonly problems: ProblemSink;
  readonly display: (p: string) => string;
  readonly limits: WalkLimits;
}

async function walk(dir: string, depth: number, out: string[], w: Walk): Promise<void> {
  const { seen, problems, display, limits } = w;
  if (depth > limits.depth)
    throw new TooMuch(`folders nest more than ${limits.depth} deep (at ${display(dir)}); is this the right folder?`);
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    problems.push({
      file: display(dir),
      message: `cannot read the folder (${(error as NodeJS.ErrnoException).code})`,
    });
    return;
  }
  seen.entries += entries.length;
  if (seen.entries > limits.entries)
    throw new TooMuch(`holds more than ${limits.entries} files and folders; is this the right folder?`);
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    // Editor backups and hidden files are not knowledge.
    if (entry.name.startsWith(".") || entry.name.endsWith("~")) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await walk(path, depth + 1, out, w);
    // Anything else named *.yaml (a pipe, a socket) is listed so it is refused by name, not skipped.
    else if (KNOWLEDGE_FILE.test(entry.name)) {
      out.push(path);
      if (out.length > limits.files)
        throw new TooMuch(`holds more than ${limits.files} knowledge files; is this the right folder?`);
    }
  }
}

const megabytes = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

/** Why `root` (a real path) cannot be a knowledge folder, if it obviously cannot. */
export function wrongFolder(root: string): string | undefined {
  const home = homedir();
  if (root === "/") return "is the root of the file system, not a knowledge folder; refused";
  if (root === home) return "is the home folder, not a knowledge folder; refused";
  if (SYSTEM_FOLDERS.has(root) || SYSTEM_TREES.some((t) => root.startsWith(t)))
    return "is a system folder, not a knowledge folder; refused";
  return undefined;
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
async function adopt(
  file: ParsedFile,
  intern: (text: string) => string,
  dates: Map<string, HistoricalDate>,
  pace: () => Promise<void> | undefined,
): Promise<ParsedFile> {
  const list = (items: readonly string[]) => internList(items, intern);
  const date = (d: HistoricalDate | null) => {
    if (d === null) return null;
    const shared = dates.get(d.edtf);
    if (shared !== undefined) return shared;
    const own = Object.freeze(d);
    dates.set(d.edtf, own);
    return own;
  };
  const facts: Fact[] = [];
  for (const f of file.data.facts) {
    facts.push({
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
    });
    await pace();
  }
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
  problems: ProblemSink,
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
  // File names too, paced: thousands of basename() calls in one go were a stretch of their own.
  const names: string[] = [];
  for (const f of files) {
    hash.update(f.digest);
    names.push(basename(f.display));
    await pace();
  }
  return {
    version: hash.digest("hex").slice(0, 12),
    relations,
    facts: sorted,
    drafts,
    sources: [...sources.values()].map((s) => s.source),
    files: names,
  };
}
