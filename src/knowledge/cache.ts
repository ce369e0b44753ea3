/**
 * The knowledge cache: what opening the knowledge derives from its files — every file read,
 * parsed and checked, and the index's analysis of every fact — kept in one file on disk, so
 * that a restart over unchanged files skips the YAML parse, the checks and the analysis
 * (nearly all of a cold start's time at 10 000 facts and more).
 *
 * Never trusted blindly. A cache file is named by the content of the knowledge (the sha256
 * of every file's own sha256, in the loader's order) and used only when:
 *  - every knowledge file, read again now, hashes to exactly what the cache was built from
 *    (the hashes are computed from the bytes, never from sizes or times);
 *  - its header names this format, this code (the package, CACHE_FORMAT and a hash of the
 *    program's own modules) and its body's length and sha256, and the body matches them
 *    (a truncated, corrupt or hand-edited file fails here);
 *  - what it holds has the shape it must have, field by field, and passes the loader's
 *    cross-file checks again (assembleFiles) and makes the same version.
 * Anything else: the cache is ignored with one log line, the files are loaded as on a cold
 * start and a new cache is written (atomically: a temporary file, then a rename). A cache
 * that cannot be written costs a log line and nothing else.
 */
import { createHash, randomBytes } from "node:crypto";
import { lstatSync, readFileSync } from "node:fs";
import { mkdir, open, readdir, readFile, realpath, rename, rm, stat } from "node:fs/promises";
import { endianness } from "node:os";
import { join, relative } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import type { KnowledgeIndex, PriorFact, PriorIndex } from "../index/knowledge-index.ts";
import type { FactMeaning, HeldRole } from "../index/fact-meaning.ts";
import { findRoles, type Role } from "../language/roles.ts";
import type { Logger } from "../logger.ts";
import type { HistoricalDate, Precision } from "./dates.ts";
import {
  assembleFiles,
  keyOf,
  listFiles,
  MAX_FILE_BYTES,
  newLoadCache,
  shownAs,
  wrongFolder,
  type LoadCache,
} from "./load.ts";
import type { ParsedFile } from "./read-file.ts";
import type { Fact, Knowledge, Localized, Source } from "./types.ts";

/** Bump whenever what the cache holds, or how it is written, changes. */
export const CACHE_FORMAT = 4;
const MAGIC = "kizuna-knowledge-cache";
/** The header's place at the start of a cache file: one line of JSON, padded with spaces. */
const HEADER_BYTES = 1024;
/** Facts' analyses per line of the cache file. */
const CHUNK = 4096;
/** Cache files kept in the folder (other knowledge versions, other deployments sharing it). */
const KEEP = 4;

export interface KnowledgeCacheOptions {
  /** The cache's folder (KNOWLEDGE_CACHE_DIR). */
  readonly dir: string;
  readonly log: Logger;
}

/** A warm start: the knowledge, and the analysis its index can take over. */
export interface CachedKnowledge {
  readonly knowledge: Knowledge;
  readonly prior: PriorIndex;
}

/** Why a cache was not used; the message goes into the log line. */
class Unusable extends Error {}

// ---------------------------------------------------------------------------------------
// Which cache file, and whether the files are still what it was built from

interface Listed {
  readonly path: string;
  readonly display: string;
  readonly key: string;
  readonly digest: string;
}

/**
 * Every knowledge file of `dir` read and hashed as the loader hashes it (ParsedFile.digest).
 * Undefined when the folder holds anything a cold load must judge: a link, something that is
 * not a plain file, a file too big, a file that changed while it was read, a listing problem.
 */
async function listAndHash(dir: string, displayRoot: string): Promise<Listed[] | undefined> {
  let root: string;
  try {
    root = await realpath(dir);
    if (!(await stat(root)).isDirectory() || wrongFolder(root) !== undefined) return undefined;
  } catch {
    return undefined;
  }
  const display = shownAs(dir, displayRoot);
  const problems: Array<{ file: string; message: string }> = [];
  const paths = await listFiles(root, root, problems, display);
  if (problems.length > 0 || paths.length === 0) return undefined;
  const out: Listed[] = [];
  // Read synchronously: this runs while opening, before anything waits on the event loop,
  // and thousands of small reads cost more in trips to the thread pool than in reading.
  const key = (path: string) => {
    try {
      return keyOf(lstatSync(path));
    } catch {
      return { size: 0 };
    }
  };
  for (const path of paths) {
    const before = key(path);
    if (before.key === undefined || before.size > MAX_FILE_BYTES) return undefined;
    let bytes: Buffer;
    try {
      bytes = readFileSync(path);
    } catch {
      return undefined;
    }
    if (key(path).key !== before.key) return undefined;
    // The loader hashes the decoded text, which has no byte-order mark.
    const text = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
    const shown = display(path);
    const digest = createHash("sha256").update(shown).update("\0").update(text).digest("hex");
    out.push({ path, display: shown, key: before.key, digest });
  }
  return out;
}

/** The content hash of the knowledge (its version is the first 12 characters). */
function contentHash(digests: readonly string[]): string {
  const hash = createHash("sha256");
  for (const d of digests) hash.update(d);
  return hash.digest("hex");
}

function cacheFile(dir: string, content: string): string {
  return join(dir, `knowledge-${CACHE_FORMAT}-${content}.cache`);
}

let codeHash: Promise<string> | undefined;

/**
 * This program's identity for the cache: CACHE_FORMAT, the package (its version and
 * dependencies, the lock file) and every module of the program, so that a change to the
 * tokenizer or the checks never meets an analysis made by the code before it. Read from
 * wherever the modules run (src/ under tsx, dist/ when built).
 */
function programHash(): Promise<string> {
  return (codeHash ??= (async () => {
    const hash = createHash("sha256").update(`${MAGIC}:${CACHE_FORMAT}:${endianness()}\0`);
    const root = fileURLToPath(new URL("..", import.meta.url));
    for (const extra of ["../../package.json", "../../package-lock.json"]) {
      const bytes = await readFile(new URL(extra, import.meta.url)).catch(() => undefined);
      hash.update(extra).update("\0").update(bytes ?? "").update("\0");
    }
    const walk = async (folder: string): Promise<void> => {
      const entries = await readdir(folder, { withFileTypes: true });
      for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
        const path = join(folder, e.name);
        if (e.isDirectory()) await walk(path);
        else if (/\.(?:[cm]?[jt]s|json)$/.test(e.name))
          hash.update(relative(root, path)).update("\0").update(await readFile(path)).update("\0");
      }
    };
    await walk(root);
    return hash.digest("hex");
  })());
}

// ---------------------------------------------------------------------------------------
// Reading

/**
 * The knowledge of `dir` from the cache, when the cache holds exactly these files; fills
 * `loadCache` as a load would have (so the first reload reads only what changed).
 * Undefined, with one log line, when there is no usable cache.
 */
export async function readKnowledgeCache(
  dir: string,
  displayRoot: string,
  loadCache: LoadCache,
  options: KnowledgeCacheOptions,
): Promise<CachedKnowledge | undefined> {
  const { log } = options;
  const started = performance.now();
  const listed = await listAndHash(dir, displayRoot);
  const hashed = performance.now();
  if (!listed) {
    log.info("knowledge cache not used: the folder holds links, odd files or files being written");
    return undefined;
  }
  const content = contentHash(listed.map((f) => f.digest));
  const path = cacheFile(options.dir, content);
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    log.info({ cache: path, code }, "no knowledge cache for these files; loading them");
    return undefined;
  }
  try {
    const read = performance.now();
    // Strings and dates are shared through a table of their own until the cache has passed every check.
    const staged = newLoadCache();
    const cached = decode(bytes, listed, content, await programHash(), staged);
    const decoded = performance.now();
    const assembled = await assembleFiles(cached.files);
    if (!assembled.ok) throw new Unusable(`its files fail the checks (${assembled.problems[0]?.message})`);
    if (assembled.knowledge.version !== content.slice(0, 12))
      throw new Unusable(`it makes version ${assembled.knowledge.version}, not ${content.slice(0, 12)}`);
    for (const [text, shared] of staged.strings) if (!loadCache.strings.has(text)) loadCache.strings.set(text, shared);
    for (const [edtf, date] of staged.dates) if (!loadCache.dates.has(edtf)) loadCache.dates.set(edtf, date);
    for (const [i, f] of listed.entries()) loadCache.files.set(f.path, { key: f.key, parsed: cached.files[i]! });
    log.info(
      {
        cache: path,
        version: assembled.knowledge.version,
        files: listed.length,
        // Where a warm start's time goes: hashing the files, reading and decoding the cache, the cross-file checks.
        ms: {
          hash: Math.round(hashed - started),
          read: Math.round(read - hashed),
          decode: Math.round(decoded - read),
          assemble: Math.round(performance.now() - decoded),
        },
      },
      "knowledge taken from the cache",
    );
    return { knowledge: assembled.knowledge, prior: cached.prior };
  } catch (error) {
    // Whatever fails here (our checks, JSON, a bug in this module) costs a cold start, never the start.
    log.warn(
      { cache: path, why: error instanceof Unusable ? error.message : String(error) },
      "knowledge cache ignored; loading the files and writing it again",
    );
    return undefined;
  }
}

function decode(
  bytes: Buffer,
  listed: readonly Listed[],
  content: string,
  program: string,
  loadCache: LoadCache,
): { files: ParsedFile[]; prior: PriorIndex } {
  const newline = bytes.indexOf(10);
  if (newline < 0) throw new Unusable("no header");
  const header = JSON.parse(bytes.subarray(0, newline).toString("utf8")) as Record<string, unknown>;
  if (header === null || typeof header !== "object" || header["magic"] !== MAGIC) throw new Unusable("not a cache file");
  if (header["format"] !== CACHE_FORMAT) throw new Unusable(`format ${String(header["format"])}, not ${CACHE_FORMAT}`);
  if (header["program"] !== program) throw new Unusable("written by another version of the program");
  if (header["content"] !== content) throw new Unusable("built from other files");
  const body = bytes.subarray(newline + 1);
  if (header["bytes"] !== body.length)
    throw new Unusable(`truncated or padded: ${body.length} bytes, not ${String(header["bytes"])}`);
  if (header["sha256"] !== createHash("sha256").update(body).digest("hex"))
    throw new Unusable("its body does not match its checksum");
  // One JSON document per line, parsed one at a time: the whole body as one document cost a
  // warm start at 100 000 facts ~300 MB more peak memory than a cold one.
  const lines = (function* () {
    for (let at = 0; at <= body.length; ) {
      const end = body.indexOf(10, at);
      const stop = end < 0 ? body.length : end;
      yield JSON.parse(body.toString("utf8", at, stop)) as unknown;
      at = stop + 1;
    }
  })();
  const next = (): unknown => {
    const line = lines.next();
    return line.done ? bad("a line is missing") : line.value;
  };
  const decoded = new Decoder(obj(next(), "head"), loadCache).decode(listed, next);
  if (!lines.next().done) bad("lines after the end");
  return decoded;
}

const PRECISIONS = new Set<Precision>(["day", "month", "season", "year", "decade", "century", "interval"]);

const bad = (what: string): never => {
  throw new Unusable(`malformed: ${what}`);
};
function obj(v: unknown, what: string): Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : bad(what);
}
function arr(v: unknown, what: string): unknown[] {
  return Array.isArray(v) ? v : bad(what);
}
function str(v: unknown, what: string): string {
  return typeof v === "string" ? v : bad(what);
}
function optStr(v: unknown, what: string): string | undefined {
  return v === null || v === undefined ? undefined : str(v, what);
}
function int(v: unknown, what: string): number {
  return Number.isSafeInteger(v) ? (v as number) : bad(what);
}
function num(v: unknown, what: string): number {
  return typeof v === "number" && Number.isFinite(v) ? v : bad(what);
}
function bool(v: unknown, what: string): boolean {
  return typeof v === "boolean" ? v : bad(what);
}
function strings(v: unknown, what: string): string[] {
  const a = arr(v, what);
  for (const s of a) if (typeof s !== "string") bad(what);
  return a as string[];
}
function localized(v: unknown, what: string): Localized | undefined {
  if (v === null || v === undefined) return undefined;
  const o = obj(v, what);
  for (const k in o) str(o[k], what);
  return o as Localized;
}
function ints(v: unknown, what: string): Int32Array {
  const b = Buffer.from(str(v, what), "base64");
  if (b.length % 4 !== 0) bad(what);
  // A copy: a fresh, aligned buffer of its own.
  return new Int32Array(new Uint8Array(b).buffer);
}

/** Roles by name, as findRoles gives them (the engine compares held roles by identity). */
const ROLE_BY_NAME = new Map<string, Role | null>();
function roleNamed(name: string, kind: boolean): Role | undefined {
  let role = ROLE_BY_NAME.get(name);
  if (role === undefined) {
    const found = findRoles(name.split(" "));
    role = found.length === 1 && found[0]!.role.name === name ? found[0]!.role : null;
    ROLE_BY_NAME.set(name, role);
  }
  return role !== null && (role.kinds !== undefined) === kind ? role : undefined;
}

class Decoder {
  private readonly strings: string[];
  private readonly dates: HistoricalDate[];

  constructor(
    private readonly data: Record<string, unknown>,
    private readonly loadCache: LoadCache,
  ) {
    // Strings that repeat across facts are shared, through the loader's own table.
    this.strings = strings(data["strings"], "strings").map((s) => this.intern(s));
    this.dates = arr(data["dates"], "dates").map((d) => this.date(d));
  }

  private intern(text: string): string {
    const shared = this.loadCache.strings.get(text);
    if (shared !== undefined) return shared;
    this.loadCache.strings.set(text, text);
    return text;
  }

  private s(v: unknown, what: string): string {
    const i = int(v, what);
    return i >= 0 && i < this.strings.length ? this.strings[i]! : bad(what);
  }

  private list(v: unknown, what: string): readonly string[] {
    return arr(v, what).map((i) => this.s(i, what));
  }

  private date(v: unknown): HistoricalDate {
    const d = obj(v, "date");
    const edtf = str(d["edtf"], "date.edtf");
    const known = this.loadCache.dates.get(edtf);
    if (known) return known;
    const precision = str(d["precision"], "date.precision") as Precision;
    if (!PRECISIONS.has(precision)) bad("date.precision");
    const date: HistoricalDate = Object.freeze({
      edtf,
      min: num(d["min"], "date.min"),
      max: num(d["max"], "date.max"),
      precision,
      approximate: bool(d["approximate"], "date.approximate"),
      uncertain: bool(d["uncertain"], "date.uncertain"),
      label: str(d["label"], "date.label"),
      labelJa: str(d["labelJa"], "date.labelJa"),
    });
    this.loadCache.dates.set(edtf, date);
    return date;
  }

  decode(listed: readonly Listed[], next: () => unknown): { files: ParsedFile[]; prior: PriorIndex } {
    if (this.data["files"] !== listed.length) bad("the number of files");
    const parsed = listed.map((l) => this.file(next(), l));
    return { files: parsed, prior: this.index(parsed, obj(next(), "index"), int(this.data["chunks"], "chunks"), next) };
  }

  private file(v: unknown, listed: Listed): ParsedFile {
    const f = obj(v, "file");
    const display = str(f["display"], "file.display");
    // The hash of the bytes read now, the one thing that ties the cache to the files.
    if (display !== listed.display || f["digest"] !== listed.digest) bad(`file ${listed.display} is not the one cached`);
    const pairs = arr(f["lines"], "file.lines");
    const lines = new Map<string, number>();
    for (let i = 0; i + 1 < pairs.length; i += 2) lines.set(str(pairs[i], "file.lines"), int(pairs[i + 1], "file.lines"));
    const r = obj(f["relation"], "relation");
    const parties = strings(r["parties"], "relation.parties");
    if (parties.length !== 2) bad("relation.parties");
    const relation = {
      id: str(r["id"], "relation.id"),
      title: str(r["title"], "relation.title"),
      ...(r["titles"] != null && { titles: localized(r["titles"], "relation.titles") as Record<string, string> }),
      parties,
      aliases: strings(r["aliases"], "relation.aliases"),
      ...(r["summary"] != null && { summary: str(r["summary"], "relation.summary") }),
    };
    const sources = arr(f["sources"], "sources").map((v): Source & { copy?: string } => {
      const s = obj(v, "source");
      return {
        id: str(s["id"], "source.id"),
        title: str(s["title"], "source.title"),
        publisher: str(s["publisher"], "source.publisher"),
        url: str(s["url"], "source.url"),
        license: str(s["license"], "source.license"),
        retrieved: str(s["retrieved"], "source.retrieved"),
        ...(s["copy"] != null && { copy: str(s["copy"], "source.copy") }),
      };
    });
    const relationId = this.intern(relation.id);
    const facts = arr(f["facts"], "facts").map((v): Fact => {
      const a = arr(v, "fact");
      if (a.length !== 14) bad("fact");
      const date = a[1] === -1 ? null : (this.dates[int(a[1], "fact.date")] ?? bad("fact.date"));
      return {
        id: str(a[0], "fact.id"),
        relationId,
        date,
        when: a[2] === -1 ? undefined : this.s(a[2], "fact.when"),
        statement: str(a[3], "fact.statement"),
        statements: localized(a[4], "fact.statements"),
        people: this.list(a[5], "fact.people"),
        places: this.list(a[6], "fact.places"),
        tags: this.list(a[7], "fact.tags"),
        keywords: this.list(a[8], "fact.keywords"),
        sourceId: this.s(a[9], "fact.source"),
        section: this.s(a[10], "fact.section"),
        quote: optStr(a[11], "fact.quote"),
        draft: a[12] === 1 ? true : a[12] === 0 ? undefined : bad("fact.draft"),
        file: display,
        line: int(a[13], "fact.line"),
      };
    });
    const factLines = ints(f["factLines"], "file.factLines");
    if (factLines.length !== 2 * facts.length) bad("file.factLines");
    return { display, lines, factLines, data: { relation, sources, facts }, digest: listed.digest };
  }

  private index(files: readonly ParsedFile[], x: Record<string, unknown>, chunks: number, next: () => unknown): PriorIndex {
    const terms = strings(x["terms"], "index.terms");
    const start = ints(x["start"], "index.start");
    const ids = ints(x["ids"], "index.ids");
    const weights = new Uint8Array(Buffer.from(str(x["weights"], "index.weights"), "base64"));
    const n = start.length - 1;
    if (n < 0 || start[0] !== 0 || start[n] !== ids.length || weights.length !== ids.length) bad("index arrays");
    for (let o = 0; o < n; o++) if (start[o]! > start[o + 1]!) bad("index.start");
    for (let k = 0; k < ids.length; k++) if (ids[k]! < 0 || ids[k]! >= terms.length) bad("index.ids");
    const sets = arr(x["sets"], "index.sets").map((s): ReadonlySet<string> => new Set(strings(s, "index.sets")));
    const set = (v: unknown) => sets[int(v, "index.set")] ?? bad("index.set");
    const flat = strings(x["surface"], "index.surface");
    const surface: Array<readonly [string, string]> = [];
    for (let i = 0; i + 1 < flat.length; i += 2) surface.push([flat[i]!, flat[i + 1]!]);
    const entries: unknown[] = [];
    for (let c = 0; c < chunks; c++) for (const e of arr(next(), "index.facts")) entries.push(e);
    if (entries.length !== n) bad("index.facts");
    const byId = new Map<string, PriorFact>();
    entries.forEach((v, ordinal) => {
      const a = arr(v, "index.fact");
      const file = files[int(a[0], "index.fact")] ?? bad("index.fact");
      const fact = file.data.facts[int(a[1], "index.fact")] ?? bad("index.fact");
      const roles = arr(a[7], "index.fact.roles").map((r): HeldRole => {
        const [name, kind, holder, country] = arr(r, "index.fact.role");
        const role = roleNamed(str(name, "role"), bool(kind, "role")) ?? bad(`role ${String(name)}`);
        const owner = optStr(country, "role.country");
        return { role, holder: optStr(holder, "role.holder"), ...(owner !== undefined ? { country: owner } : {}) };
      });
      const moving = a[6] === 2 ? undefined : a[6] === 1 ? true : a[6] === 0 ? false : bad("direction.moving");
      const meaning: FactMeaning = {
        direction: { agents: set(a[4]), targets: set(a[5]), ...(moving !== undefined && { moving }) },
        roles,
        names: strings(a[8], "index.fact.names"),
        eventActors: arr(a[9], "index.fact.eventActors").map((e): readonly [string, string] => {
          const [noun, code] = arr(e, "index.fact.eventActor");
          return [str(noun, "eventActor.noun"), str(code, "eventActor.code")];
        }),
      };
      byId.set(fact.id, { fact, ordinal, countries: set(a[2]), hasNumber: bool(a[3], "hasNumber"), meaning });
    });
    return { byId, factTerms: { start, ids, weights }, terms, surface };
  }
}

// ---------------------------------------------------------------------------------------
// Writing

/**
 * Writes the cache of a knowledge just loaded from `dir` into a fresh `loadCache` and
 * indexed as `index`. Never throws: a cache that cannot be written costs a log line.
 */
export async function writeKnowledgeCache(
  index: KnowledgeIndex,
  loadCache: LoadCache,
  options: KnowledgeCacheOptions,
): Promise<void> {
  const { log } = options;
  const started = performance.now();
  try {
    const files = [...loadCache.files.values()].map((e) => e.parsed);
    const content = contentHash(files.map((f) => f.digest));
    // Links are read on every load and never kept: such a folder is not cached.
    if (content.slice(0, 12) !== index.version) {
      log.info("knowledge cache not written: the folder holds links or files the loader does not keep");
      return;
    }
    const program = await programHash();
    await mkdir(options.dir, { recursive: true });
    const target = cacheFile(options.dir, content);
    const temp = `${target}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
    let bytes = 0;
    try {
      const file = await open(temp, "wx", 0o600);
      try {
        // The header goes first but is known last: its place is kept, then written over.
        await file.write(Buffer.alloc(HEADER_BYTES, 0x20));
        const hash = createHash("sha256");
        for (const line of encode(files, index)) {
          const chunk = Buffer.from(`${bytes === 0 ? "" : "\n"}${JSON.stringify(line)}`, "utf8");
          hash.update(chunk);
          bytes += chunk.length;
          await file.write(chunk);
        }
        const header = JSON.stringify({
          magic: MAGIC,
          format: CACHE_FORMAT,
          program,
          content,
          version: index.version,
          facts: index.facts.length,
          bytes,
          sha256: hash.digest("hex"),
        });
        if (header.length >= HEADER_BYTES) throw new Error("the cache header does not fit its place");
        await file.write(Buffer.from(`${header.padEnd(HEADER_BYTES - 1)}\n`, "utf8"), 0, HEADER_BYTES, 0);
      } finally {
        await file.close();
      }
      await rename(temp, target);
    } finally {
      await rm(temp, { force: true });
    }
    await prune(options.dir, target);
    log.info({ cache: target, version: index.version, mb: Math.round(bytes / 1e5) / 10, ms: Math.round(performance.now() - started) }, "knowledge cache written");
  } catch (error) {
    log.warn(
      { dir: options.dir, err: { message: (error as Error).message } },
      "could not write the knowledge cache; the next start loads the files again",
    );
  }
}

/** Removes all but the newest cache files of the folder (and temporary files left by a crash). */
async function prune(dir: string, keep: string): Promise<void> {
  const names = (await readdir(dir)).filter((n) => /^knowledge-\d+-[0-9a-f]{64}\.cache(?:\..*\.tmp)?$/.test(n));
  const dated = await Promise.all(
    names.map(async (n) => ({ path: join(dir, n), ms: (await stat(join(dir, n)).catch(() => undefined))?.mtimeMs ?? 0 })),
  );
  const old = Date.now() - 3600_000;
  const caches = dated.filter((d) => d.path.endsWith(".cache") && d.path !== keep).sort((a, b) => b.ms - a.ms);
  const gone = [...caches.slice(KEEP - 1), ...dated.filter((d) => d.path.endsWith(".tmp") && d.ms < old)];
  await Promise.all(gone.map((d) => rm(d.path, { force: true })));
}

function b64(a: Int32Array | Uint8Array): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString("base64");
}

/**
 * The cache's body, one line at a time: the shared strings and dates, each file, the index's
 * arrays, then the facts' analyses in chunks (so neither writing nor reading ever holds the
 * whole body as one JSON document).
 */
function* encode(files: readonly ParsedFile[], index: KnowledgeIndex): Generator<unknown, void, void> {
  const table = new Map<string, number>();
  const s = (text: string) => {
    let i = table.get(text);
    if (i === undefined) table.set(text, (i = table.size));
    return i;
  };
  const dateIds = new Map<string, number>();
  const dates: HistoricalDate[] = [];
  const date = (d: HistoricalDate | null) => {
    if (d === null) return -1;
    let i = dateIds.get(d.edtf);
    if (i === undefined) {
      dateIds.set(d.edtf, (i = dates.length));
      dates.push(d);
    }
    return i;
  };
  // The tables come first in the file: filled in a first pass, used as they are in the second.
  const shared = (fact: Fact) => {
    if (fact.when !== undefined) s(fact.when);
    for (const list of [fact.people, fact.places, fact.tags, fact.keywords]) list.forEach(s);
    s(fact.sourceId);
    s(fact.section);
    date(fact.date);
  };
  for (const f of files) {
    s(f.data.relation.id);
    f.data.facts.forEach(shared);
  }
  const setIds = new Map<ReadonlySet<string>, number>();
  const sets: string[][] = [];
  const set = (v: ReadonlySet<string>) => {
    let i = setIds.get(v);
    if (i === undefined) {
      setIds.set(v, (i = sets.length));
      sets.push([...v]);
    }
    return i;
  };
  for (const f of index.facts) {
    set(f.countries);
    set(f.meaning.direction.agents);
    set(f.meaning.direction.targets);
  }
  const chunks = Math.ceil(index.facts.length / CHUNK);
  const [tableSize, datesSize] = [table.size, dates.length];
  yield { strings: [...table.keys()], dates, files: files.length, chunks };

  const where = new Map<Fact, readonly [number, number]>();
  for (const [i, f] of files.entries())
    yield {
      display: f.display,
      digest: f.digest,
      lines: [...f.lines].flat(),
      relation: f.data.relation,
      sources: f.data.sources,
      factLines: b64(f.factLines),
      facts: f.data.facts.map((fact, k) => {
        where.set(fact, [i, k]);
        return [
          fact.id,
          date(fact.date),
          fact.when === undefined ? -1 : s(fact.when),
          fact.statement,
          fact.statements ?? null,
          fact.people.map(s),
          fact.places.map(s),
          fact.tags.map(s),
          fact.keywords.map(s),
          s(fact.sourceId),
          s(fact.section),
          fact.quote ?? null,
          fact.draft ? 1 : 0,
          fact.line,
        ];
      }),
    };
  if (table.size !== tableSize || dates.length !== datesSize)
    throw new Error("the cache's tables grew after they were written");

  const surface: string[] = [];
  for (const [w, st] of index.surface) surface.push(w, st);
  yield {
    terms: index.terms,
    start: b64(index.factTerms.start),
    ids: b64(index.factTerms.ids),
    weights: b64(index.factTerms.weights),
    sets,
    surface,
  };
  for (let c = 0; c < chunks; c++)
    yield index.facts.slice(c * CHUNK, (c + 1) * CHUNK).map((f) => {
      const at = where.get(f.fact);
      if (!at) throw new Error("an indexed fact is not in the files");
      const { direction, roles, names, eventActors } = f.meaning;
      return [
        at[0],
        at[1],
        set(f.countries),
        f.hasNumber,
        set(direction.agents),
        set(direction.targets),
        direction.moving === undefined ? 2 : direction.moving ? 1 : 0,
        roles.map((h) => {
          // Held roles are restored by name: one that would not come back the same is not cached.
          if (roleNamed(h.role.name, h.role.kinds !== undefined) !== h.role)
            throw new Error(`role "${h.role.name}" cannot be restored by name`);
          return [h.role.name, h.role.kinds !== undefined, h.holder ?? null, h.country ?? null];
        }),
        names,
        eventActors,
      ];
    });
}
