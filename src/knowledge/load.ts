/**
 * Loads every knowledge file of a folder into validated Knowledge, or reports every
 * problem at once (file, line, fact id). Loading never touches live state: the caller
 * decides what to do with the result, so a bad edit can never take the bot down.
 */
import { createHash } from "node:crypto";
import { pacer, sortPaced } from "../pace.ts";
import { lstat, readdir, readFile, realpath, stat } from "node:fs/promises";
import { basename, isAbsolute, join, relative, sep } from "node:path";
import { isMap, isScalar, LineCounter, parseDocument, type Document } from "yaml";
import type { z } from "zod";
import { gazetteer } from "../text/countries.ts";
import { editDistance } from "../text/normalize.ts";
import { compareDates, DateError, parseDate, type HistoricalDate } from "./dates.ts";
import type { Problem } from "./problems.ts";
import { factSchema, fileShapeSchema, KNOWN_KEYS, type FactInput, type FileInput } from "./schema.ts";
import type { Fact, Knowledge, Relation, Source } from "./types.ts";

/** Largest knowledge file accepted; a bigger one is almost certainly a mistake. */
export const MAX_FILE_BYTES = 5 * 1024 * 1024;
const KNOWLEDGE_FILE = /\.ya?ml$/i;

export type LoadResult =
  | { readonly ok: true; readonly knowledge: Knowledge }
  | { readonly ok: false; readonly problems: readonly Problem[] };

interface ParsedFile {
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
 * What a store keeps between loads: files unchanged since (same size, times and inode) are
 * not read again — one edited file out of thousands must not cost a full parse — and strings
 * that repeat across facts are shared.
 */
export interface LoadCache {
  readonly files: Map<string, { readonly key: string; readonly parsed: ParsedFile }>;
  readonly strings: Map<string, string>;
}

export function newLoadCache(): LoadCache {
  return { files: new Map(), strings: new Map() };
}

/** Loads and validates all `*.yaml` files under `dir` (recursively). */
export async function loadKnowledge(
  dir: string,
  displayRoot = "knowledge",
  cache: LoadCache = newLoadCache(),
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
  // Strings of facts long deleted would pile up over many reloads; start afresh now and then.
  if (cache.strings.size > 500_000) cache.strings.clear();
  const intern = (text: string): string => {
    let shared = cache.strings.get(text);
    // Keyed by the copy too: the text read from YAML is a slice that keeps its whole file alive.
    if (shared === undefined) cache.strings.set((shared = fresh(text)), shared);
    return shared;
  };
  for (const path of paths) {
    const key = await fileKey(path);
    const hit = key === undefined ? undefined : cache.files.get(path);
    if (hit && hit.key === key && hit.parsed.display === display(path)) {
      parsed.push(hit.parsed);
      continue;
    }
    const before = problems.length;
    const file = await readKnowledgeFile(path, root, display(path), problems, intern);
    if (file) parsed.push(file);
    // Only a file without problems of its own is remembered: its problems must be reported again.
    if (file && key !== undefined && problems.length === before) cache.files.set(path, { key, parsed: file });
    else cache.files.delete(path);
    await pace();
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

async function listFiles(
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

/** Identity of a regular file's current content, or undefined (symlinks are always read again). */
async function fileKey(path: string): Promise<string | undefined> {
  try {
    const info = await lstat(path);
    if (!info.isFile()) return undefined;
    return `${info.size}:${info.mtimeMs}:${info.ctimeMs}:${info.ino}`;
  } catch {
    return undefined;
  }
}

async function readKnowledgeFile(
  path: string,
  root: string,
  shown: string,
  problems: Problem[],
  intern: (text: string) => string,
): Promise<ParsedFile | undefined> {
  const fail = (message: string, line?: number) => {
    problems.push({ file: shown, line, message });
    return undefined;
  };
  let buffer: Buffer;
  try {
    if ((await lstat(path)).isSymbolicLink()) {
      const target = await realpath(path).catch(() => undefined);
      if (target === undefined) return fail("is a symbolic link to a file that does not exist");
      const rel = relative(root, target);
      if (rel.startsWith("..") || isAbsolute(rel))
        return fail("is a symbolic link to a file outside the knowledge folder; refused");
    }
    const info = await stat(path);
    // A pipe or device would block the read (and every reload queued behind it) forever.
    if (!info.isFile()) return fail("is not a regular file; refused");
    const size = info.size;
    if (size > MAX_FILE_BYTES)
      return fail(
        `is ${(size / 1024 / 1024).toFixed(1)} MB; a knowledge file may be at most ${MAX_FILE_BYTES / 1024 / 1024} MB`,
      );
    buffer = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return fail(
      code === "ENOENT" ? "disappeared while it was being read" : `cannot be read (${code ?? "error"})`,
    );
  }
  const nul = buffer.indexOf(0);
  if (nul >= 0) return fail(`is not a text file (a NUL byte at offset ${nul})`);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(buffer);
  } catch {
    return fail("is not a text file (it is not valid UTF-8)");
  }

  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    for (const e of doc.errors) fail(`YAML: ${e.message.split("\n")[0]}`, lines.linePos(e.pos[0]).line);
    return undefined;
  }
  let js: unknown;
  try {
    js = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    // yaml refuses alias bombs ("billion laughs") by throwing; that is a problem of the file.
    return fail(`YAML: ${(error as Error).message}`);
  }
  // The file's shape (relation, sources) and each fact are checked on their own, so one
  // mistake never hides another: a bad source does not stop the facts' checks.
  const shape = fileShapeSchema.safeParse(js);
  if (!shape.success)
    for (const issue of shape.error.issues) problems.push(issueToProblem(issue, doc, lines, shown, js));
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
        problems.push(
          issueToProblem({ ...issue, path: ["facts", index, ...issue.path] }, doc, lines, shown, js),
        );
  });
  if (!shape.success) {
    // Cross-file checks need the relation; the facts' own dates can still be checked.
    for (const { index, fact } of facts) {
      const problem = checkDate(fact, (path) => lineOf(doc, lines, ["facts", index, ...path]), shown).problem;
      if (problem) problems.push(problem);
    }
    return undefined;
  }
  // Each fact is built here, from this file alone (its date included), so an unchanged file
  // can be reused whole by the next reload.
  const built: Fact[] = [];
  const factLines = new Int32Array(facts.length * 2);
  for (const [k, { index, fact }] of facts.entries()) {
    const at = (path: PropertyKey[]) => lineOf(doc, lines, ["facts", index, ...path]);
    const { date, problem } = checkDate(fact, at, shown);
    if (problem) problems.push(problem);
    built.push(buildFact(fact, date, shape.data.relation.id, shown, at([]) ?? 0, intern));
    factLines[2 * k] = at(["id"]) ?? 0;
    factLines[2 * k + 1] = at(["source"]) ?? 0;
  }
  // Copied out of the file text like the facts: the cache keeps these for as long as the
  // file is unchanged, and a slice would keep the whole text alive with them.
  const data = { relation: copied(shape.data.relation), sources: copied(shape.data.sources), facts: built };
  return {
    display: shown,
    lines: linesFor(doc, lines, data),
    factLines,
    data,
    digest: createHash("sha256").update(shown).update("\0").update(text).digest("hex"),
  };
}

/** A fact as the rest of the program sees it, its strings out of the file's text. */
function buildFact(
  fact: FactInput,
  date: HistoricalDate | null,
  relationId: string,
  file: string,
  line: number,
  intern: (text: string) => string,
): Fact {
  return {
    id: fresh(fact.id),
    relationId: intern(relationId),
    date,
    when: fact.when === undefined ? undefined : intern(fact.when),
    statement: fresh(fact.statement),
    people: internList(fact.people, intern),
    places: internList(fact.places, intern),
    tags: internList(fact.tags, intern),
    keywords: internList(fact.keywords, intern),
    sourceId: intern(fact.source),
    section: intern(fact.section),
    quote: fact.quote === undefined ? undefined : fresh(fact.quote),
    file,
    line,
  };
}

/** Most facts have no keywords or places: they all share one empty list. */
const NO_ITEMS: readonly string[] = Object.freeze([]);

function internList(items: readonly string[], intern: (text: string) => string): readonly string[] {
  return items.length === 0 ? NO_ITEMS : items.map(intern);
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

function closest(word: string, candidates: readonly string[]): string | undefined {
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

/** Cross-file checks and conversion into Knowledge. */
/**
 * A copy of a string that does not keep the file it was read from in memory (V8 keeps the
 * whole source text alive behind a substring), for text unique to one fact.
 */
function fresh(text: string): string {
  return JSON.parse(JSON.stringify(text)) as string;
}

/** `fresh` for plain data (strings, numbers, arrays and objects of them). */
function copied<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

async function assemble(
  files: ParsedFile[],
  problems: Problem[],
  pace: () => Promise<void> | undefined,
): Promise<Knowledge> {
  const relations: Relation[] = [];
  const facts: Fact[] = [];
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
      facts.push(fact);
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
    sources: [...sources.values()].map((s) => s.source),
    files: files.map((f) => basename(f.display)),
  };
}
