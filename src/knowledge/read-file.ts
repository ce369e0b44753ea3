/**
 * One knowledge file read, parsed and checked on its own — everything about a file that
 * does not depend on the other files. The loader (load.ts) runs it for each file, in the read
 * worker (read-pool.ts; every file of a reload) or inline, then does the cross-file checks. The result is plain
 * data, so it crosses to the main thread by structured clone.
 */
import { createHash } from "node:crypto";
import { constants } from "node:fs";
import { lstat, open, readlink, realpath, stat, type FileHandle } from "node:fs/promises";
import { isAbsolute, relative } from "node:path";
import { isMap, isScalar, LineCounter, parseDocument, visit, type Document } from "yaml";
import type { z } from "zod";
import { editDistance } from "../text/normalize.ts";
import { DateError, parseDate, type HistoricalDate } from "./dates.ts";
import { ProblemList, type Problem } from "./problems.ts";
import { factSchema, fileShapeSchema, KNOWN_KEYS, type FactInput, type FileInput } from "./schema.ts";
import type { Fact } from "./types.ts";

/** Largest knowledge file accepted; a bigger one is almost certainly a mistake. */
export const MAX_FILE_BYTES = 5 * 1024 * 1024;

/** A file's own problems, and the file unless its shape is wrong (its facts are needed by nothing else then). */
export interface FileReadResult {
  readonly file?: ParsedFile;
  readonly problems: Problem[];
}

/** One file read and checked on its own, as the loader keeps it between loads. */
export interface ParsedFile {
  display: string;
  /**
   * Lines of the YAML nodes the cross-file checks may point at ("facts.3.date"), taken out of
   * the parsed document so that neither it nor the file's text outlives the file's own checks
   * (with thousands of files, those documents were most of a reload's peak memory).
   */
  lines: ReadonlyMap<string, number>;
  /**
   * For each of `data.facts`, the lines of its `id` and its `source` (0: unknown): two
   * numbers per fact in one array, where a map of paths cost ~20 MB at 100 000 facts.
   */
  factLines: Int32Array;
  data: {
    relation: FileInput["relation"];
    sources: FileInput["sources"];
    /** The file's valid facts, built. */
    facts: Fact[];
  };
  /** sha256 of the file's path and text, for the knowledge version. */
  digest: string;
}

/** The YAML paths of the relation and sources the cross-file checks name, with their lines. */
function linesFor(
  doc: Document.Parsed,
  lines: LineCounter,
  data: { relation: FileInput["relation"]; sources: FileInput["sources"] },
): Map<string, number> {
  const out = new Map<string, number>();
  const put = (path: PropertyKey[]) => {
    const line = lineOf(doc, lines, path);
    if (line !== undefined) out.set(path.join("."), line);
  };
  put(["relation", "id"]);
  put(["relation", "parties"]);
  data.relation.parties.forEach((_, i) => put(["relation", "parties", i]));
  data.sources.forEach((_, i) => put(["sources", i, "id"]));
  return out;
}

/**
 * Reads, parses and checks one knowledge file on its own: its shape, every fact, every
 * date. Returns the file's facts built (when its shape is valid) and its problems (at most
 * MAX_PROBLEMS_PER_FILE of them listed). Runs in the read worker (see read-pool.ts), where
 * the loader shares repeated strings once the file is back, or on the main thread for small
 * files at start-up and in the tools, with the loader's `intern` that shares them.
 */
export async function readKnowledgeFile(
  path: string,
  root: string,
  shown: string,
  intern: (text: string) => string = fresh,
): Promise<FileReadResult> {
  const problems = new ProblemList();
  const fail = (message: string, line?: number): FileReadResult => {
    problems.add({ file: shown, line, message });
    return { problems: problems.done() };
  };
  const read = await readBounded(path, root);
  if (typeof read === "string") return fail(read);
  const buffer = read;
  const nul = buffer.indexOf(0);
  if (nul >= 0) return fail(`is not a text file (a NUL byte at offset ${nul})`);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(buffer);
  } catch {
    return fail("is not a text file (it is not valid UTF-8)");
  }

  // A report for every problem is wasted work past the limit (50 000 empty facts are 200 000
  // problems): past it, they are only counted.
  const report = (make: () => Problem | undefined) => {
    if (!problems.wants(shown)) return problems.skip(shown);
    const problem = make();
    if (problem) problems.add(problem);
  };
  const lines = new LineCounter();
  // YAML's line breaks include a lone CR (old Mac files), which the parser takes as no break
  // at all: the file read as one line (empty, or one long comment). One character for one, so
  // offsets and lines stay those of the file.
  const doc = parseDocument(text.includes("\r") ? text.replace(/\r(?!\n)/g, "\n") : text, {
    lineCounter: lines,
    prettyErrors: false,
    uniqueKeys: true,
  });
  if (doc.errors.length > 0) {
    for (const e of doc.errors)
      report(() => ({ file: shown, line: lines.linePos(e.pos[0]).line, message: `YAML: ${e.message.split("\n")[0]}` }));
    return { problems: problems.done() };
  }
  let js: unknown;
  try {
    js = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    // yaml refuses alias bombs ("billion laughs") by throwing; that is a problem of the file,
    // shown at the alias that expands the most.
    return fail(`YAML: ${(error as Error).message}`, biggestAliasLine(doc, lines));
  }
  // The file's shape (relation, sources) and each fact are checked on their own, so one
  // mistake never hides another: a bad source does not stop the facts' checks.
  const shape = fileShapeSchema.safeParse(js);
  if (!shape.success)
    for (const issue of shape.error.issues) report(() => issueToProblem(issue, doc, lines, shown, js));
  const rawFacts = shape.success
    ? shape.data.facts
    : Array.isArray((js as { facts?: unknown } | null)?.facts)
      ? (js as { facts: unknown[] }).facts
      : [];
  // Valid facts keep their position in the file: lines are looked up by it.
  const facts: Array<{ index: number; fact: FactInput }> = [];
  rawFacts.forEach((raw, index) => {
    const fact = factSchema.safeParse(raw);
    if (fact.success) facts.push({ index, fact: fact.data });
    else
      for (const issue of fact.error.issues)
        report(() => issueToProblem({ ...issue, path: ["facts", index, ...issue.path] }, doc, lines, shown, js));
  });
  if (!shape.success) {
    // Cross-file checks need the relation; the facts' own dates can still be checked.
    for (const { index, fact } of facts)
      report(() => checkDate(fact, (path) => lineOf(doc, lines, ["facts", index, ...path]), shown).problem);
    return { problems: problems.done() };
  }
  // Each fact is built here, from this file alone (its date included), so an unchanged file
  // can be reused whole by the next reload.
  const built: Fact[] = [];
  const factLines = new Int32Array(facts.length * 2);
  for (const [k, { index, fact }] of facts.entries()) {
    const at = (path: PropertyKey[]) => lineOf(doc, lines, ["facts", index, ...path]);
    const { date, problem } = checkDate(fact, at, shown);
    if (problem) report(() => problem);
    built.push(buildFact(fact, date, shape.data.relation.id, shown, at([]) ?? 0, intern));
    factLines[2 * k] = at(["id"]) ?? 0;
    factLines[2 * k + 1] = at(["source"]) ?? 0;
  }
  // Copied out of the file text like the facts: the cache keeps these for as long as the
  // file is unchanged, and a slice would keep the whole text alive with them.
  const data = { relation: copied(shape.data.relation), sources: copied(shape.data.sources), facts: built };
  const file: ParsedFile = {
    display: shown,
    lines: linesFor(doc, lines, data),
    factLines,
    data,
    digest: createHash("sha256").update(shown).update("\0").update(text).digest("hex"),
  };
  return { file, problems: problems.done() };
}

/**
 * The bytes of a knowledge file, or why it is refused. The file is opened once and every
 * check is made on the open handle — what it is, where it really is, how big — and the
 * bytes are read from that handle, at most MAX_FILE_BYTES + 1 of them: checking the path
 * and then reading it again let a link swapped in between load a file outside the folder,
 * or one of 40 MB.
 */
export async function readBounded(path: string, root: string): Promise<Buffer | string> {
  let handle: FileHandle;
  try {
    // O_NONBLOCK: opening a pipe waits for a writer, and every reload queued behind it would wait too.
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ELOOP") return "is a symbolic link loop (a link that leads back to itself)";
    if (code === "ENOENT") {
      const link = await lstat(path).then((i) => i.isSymbolicLink(), () => false);
      return link ? "is a symbolic link to a file that does not exist" : "disappeared while it was being read";
    }
    return `cannot be read (${code ?? "error"})`;
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) return "is not a regular file; refused";
    const real = await openedPath(handle, path, info);
    if (real === undefined) return "changed while it was being read; refused";
    const rel = relative(root, real);
    if (rel.startsWith("..") || isAbsolute(rel))
      return "is a symbolic link to a file outside the knowledge folder; refused";
    if (info.size > MAX_FILE_BYTES)
      return `is ${(info.size / 1024 / 1024).toFixed(1)} MB; a knowledge file may be at most ${MAX_FILE_BYTES / 1024 / 1024} MB`;
    // The file may grow after the stat: never more than one byte over the limit is read.
    let buffer = Buffer.alloc(info.size + 1);
    let length = 0;
    for (;;) {
      if (length === buffer.length) {
        if (length > MAX_FILE_BYTES)
          return `grew past ${MAX_FILE_BYTES / 1024 / 1024} MB while it was being read; a knowledge file may be at most that`;
        const bigger = Buffer.alloc(Math.min(2 * buffer.length, MAX_FILE_BYTES + 1));
        buffer.copy(bigger);
        buffer = bigger;
      }
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    return buffer.subarray(0, length);
  } catch (error) {
    return `cannot be read (${(error as NodeJS.ErrnoException).code ?? "error"})`;
  } finally {
    await handle.close();
  }
}

/**
 * Where the file behind an open handle really is: the kernel's own name for it on Linux
 * (/proc/self/fd); elsewhere the path resolved again, accepted only if it names the very
 * file that is open (same device and inode). Undefined: the path now names another file.
 */
async function openedPath(
  handle: FileHandle,
  path: string,
  info: { dev: number; ino: number },
): Promise<string | undefined> {
  const byFd = await readlink(`/proc/self/fd/${handle.fd}`).catch(() => undefined);
  if (byFd !== undefined && isAbsolute(byFd)) return byFd;
  try {
    const real = await realpath(path);
    const now = await stat(real);
    return now.dev === info.dev && now.ino === info.ino ? real : undefined;
  } catch {
    return undefined;
  }
}

/** Line of the last alias in the document: in an alias bomb, the level that expands the most. */
function biggestAliasLine(doc: Document.Parsed, lines: LineCounter): number | undefined {
  let last: number | undefined;
  visit(doc, {
    Alias(_, node) {
      if (node.range) last = node.range[0];
    },
  });
  return last === undefined ? undefined : lines.linePos(last).line;
}

/** Most facts have no keywords or places: they all share one empty list. */
const NO_ITEMS: readonly string[] = Object.freeze([]);

/** A fact's list of names or words, each shared through `intern`; empty lists are all one. */
export function internList(items: readonly string[], intern: (text: string) => string): readonly string[] {
  return items.length === 0 ? NO_ITEMS : items.map(intern);
}

/**
 * A fact as the rest of the program sees it, its strings copied out of the file's text;
 * those that repeat across facts (people, tags, sections) through `intern`, which shares them.
 */
function buildFact(
  fact: FactInput,
  date: HistoricalDate | null,
  relationId: string,
  file: string,
  line: number,
  intern: (text: string) => string,
): Fact {
  const list = (items: readonly string[]) => internList(items, intern);
  return {
    id: fresh(fact.id),
    relationId: intern(relationId),
    date,
    when: fact.when === undefined ? undefined : intern(fact.when),
    statement: fresh(fact.statement),
    statements: fact.statements === undefined ? undefined : copied(fact.statements),
    people: list(fact.people),
    places: list(fact.places),
    tags: list(fact.tags),
    keywords: list(fact.keywords),
    sourceId: intern(fact.source),
    section: intern(fact.section),
    quote: fact.quote === undefined ? undefined : fresh(fact.quote),
    draft: fact.draft === true ? true : undefined,
    file,
    line,
  };
}

/** Line of the YAML node at `path` (or of its nearest existing parent). */
function lineOf(doc: Document.Parsed, lines: LineCounter, path: readonly PropertyKey[]): number | undefined {
  for (let n = path.length; n >= 0; n--) {
    const node = doc.getIn(path.slice(0, n) as unknown[], true) as
      { range?: [number, number, number] } | undefined;
    if (node && typeof node === "object" && node.range) return lines.linePos(node.range[0]).line;
  }
  return undefined;
}

/** Line of a key inside the map at `path` (for unknown-key errors). */
function lineOfKey(doc: Document.Parsed, lines: LineCounter, path: readonly PropertyKey[], key: string) {
  const map = path.length ? doc.getIn(path as unknown[], true) : doc.contents;
  if (isMap(map)) {
    for (const pair of map.items) {
      if (isScalar(pair.key) && pair.key.value === key && pair.key.range)
        return lines.linePos(pair.key.range[0]).line;
    }
  }
  return lineOf(doc, lines, path);
}

function factIdAt(doc: Document.Parsed, path: readonly PropertyKey[]): string | undefined {
  if (path[0] !== "facts" || typeof path[1] !== "number") return undefined;
  const id = doc.getIn(["facts", path[1], "id"]);
  return typeof id === "string" ? id : `#${path[1] + 1}`;
}

function issueToProblem(
  issue: z.core.$ZodIssue,
  doc: Document.Parsed,
  lines: LineCounter,
  file: string,
  js: unknown,
): Problem {
  const path = issue.path;
  const factId = factIdAt(doc, path);
  if (issue.code === "unrecognized_keys") {
    const level =
      path.length === 0
        ? "file"
        : path[0] === "relation"
          ? "relation"
          : path[0] === "sources"
            ? "source"
            : "fact";
    const known = KNOWN_KEYS[level];
    const key = issue.keys[0] ?? "";
    const hint = closest(key, known);
    return {
      file,
      line: lineOfKey(doc, lines, path, key),
      factId,
      message: `unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `"${k}"`).join(", ")}${
        hint ? ` (did you mean "${hint}"?)` : ""
      }; allowed: ${known.join(", ")}`,
    };
  }
  const where = describePath(path) || "the file";
  let message = issue.message;
  if (issue.code === "invalid_type") {
    // The plain value, not the YAML node: a node of a list is an object too.
    const got = path.reduce<unknown>(
      (v, key) =>
        v !== null && typeof v === "object" ? (v as Record<PropertyKey, unknown>)[key] : undefined,
      js,
    );
    const expected = EXPECTED[issue.expected] ?? issue.expected;
    message =
      got === undefined
        ? "is required"
        : got === null && path.length === 0
          ? "is empty"
          : `must be ${expected}, not ${typeOf(got)}`;
  }
  return { file, line: lineOf(doc, lines, path), factId, message: `${where} ${message}` };
}

function describePath(path: readonly PropertyKey[]): string {
  const parts = path.filter(
    (p, i) => !(typeof p === "number" && i === 1 && (path[0] === "facts" || path[0] === "sources")),
  );
  // Inside a fact the problem already names the fact; "facts" itself is named when it is wrong.
  if (path[0] === "facts" && parts.length > 1) return parts.slice(1).map(String).join(".");
  return parts.map(String).join(".");
}

/** zod's type names in the words of a YAML file. */
const EXPECTED: Record<string, string> = {
  array: "a list",
  object: "a mapping",
  string: "a string",
  number: "a number",
};

function typeOf(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  return typeof v === "object" ? "a mapping" : `a ${typeof v}`;
}

export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase(), 2);
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  return best;
}

/** A fact's date parsed, or the problem with it ("when" without a date counts too). */
function checkDate(
  fact: FactInput,
  lineAt: (path: PropertyKey[]) => number | undefined,
  file: string,
): { date: HistoricalDate | null; problem?: Problem } {
  if (fact.date === undefined || fact.date === null || fact.date === "") {
    return fact.when
      ? {
          date: null,
          problem: {
            file,
            line: lineAt(["when"]),
            factId: fact.id,
            message: `"when" needs a "date" to go with it`,
          },
        }
      : { date: null };
  }
  try {
    return { date: parseDate(fact.date) };
  } catch (error) {
    if (!(error instanceof DateError)) throw error;
    return {
      date: null,
      problem: { file, line: lineAt(["date"]), factId: fact.id, message: `date ${error.message}` },
    };
  }
}

/**
 * A copy of a string that does not keep the file it was read from in memory (V8 keeps the
 * whole source text alive behind a substring), for text unique to one fact.
 */
export function fresh(text: string): string {
  return JSON.parse(JSON.stringify(text)) as string;
}

/** `fresh` for plain data (strings, numbers, arrays and objects of them). */
function copied<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
