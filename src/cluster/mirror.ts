/**
 * Knowledge as bytes that travel: a snapshot of a knowledge folder (what /reload publishes)
 * and the mirror folder a process serves from (what it received). The mirror is written
 * in place, unchanged files untouched, so the store's reload reuses their analysis as it
 * does for files edited on disk; every write can be undone, so a version that fails to
 * load leaves the mirror as the live knowledge was.
 *
 * Knowledge files are named and listed as the loader lists them (`*.yaml`, recursively,
 * hidden files and editor backups skipped); the loader then validates the mirror.
 */
import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readdir, readFile, realpath, rm, unlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, isAbsolute, join, relative, sep } from "node:path";
import { WALK_LIMITS, wrongFolder } from "../knowledge/load.ts";
import type { Problem } from "../knowledge/problems.ts";
import { readBounded } from "../knowledge/read-file.ts";

/** One knowledge file: its path under the folder ("/"-separated), its sha256, its bytes when carried. */
export interface FileEntry {
  readonly path: string;
  readonly sha: string;
  readonly bytes?: Buffer;
}

export function sha256(bytes: Buffer): string {
  return createHash("sha256").update(bytes).digest("hex");
}

const KNOWLEDGE_FILE = /\.ya?ml$/i;

/**
 * Reads every knowledge file of `dir`. Links are followed only inside the folder; anything
 * that is not a regular file, or is too big, is a problem (as the loader would say: each
 * file is checked and read through one open handle, and the walk has the loader's limits).
 */
export async function snapshot(
  dir: string,
  displayRoot = "knowledge",
): Promise<{ files: FileEntry[]; problems: Problem[] }> {
  const files: FileEntry[] = [];
  const problems: Problem[] = [];
  let root: string;
  try {
    root = await realpath(dir);
  } catch {
    return {
      files,
      problems: [{ file: dir, message: "the knowledge folder does not exist or is not a folder" }],
    };
  }
  const wrong = wrongFolder(root);
  if (wrong) return { files, problems: [{ file: dir, message: wrong }] };
  let entriesSeen = 0;
  let bytesRead = 0;
  const tooMuch = (what: string) => {
    throw Object.assign(new Error(`${what}; is this the right folder?`), { code: "LIMIT" });
  };
  const walk = async (folder: string, depth = 0): Promise<void> => {
    if (depth > WALK_LIMITS.depth) tooMuch(`folders nest more than ${WALK_LIMITS.depth} deep`);
    const entries = await readdir(folder, { withFileTypes: true });
    if ((entriesSeen += entries.length) > WALK_LIMITS.entries)
      tooMuch(`holds more than ${WALK_LIMITS.entries} files and folders`);
    if (files.length > WALK_LIMITS.files) tooMuch(`holds more than ${WALK_LIMITS.files} knowledge files`);
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (entry.name.startsWith(".") || entry.name.endsWith("~")) continue;
      const path = join(folder, entry.name);
      if (entry.isDirectory()) {
        await walk(path, depth + 1);
        continue;
      }
      if (!KNOWLEDGE_FILE.test(entry.name)) continue;
      const rel = relative(root, path).split(sep).join("/");
      const shown = `${displayRoot}/${rel}`;
      const bytes = await readBounded(path, root);
      if (typeof bytes === "string") problems.push({ file: shown, message: bytes });
      else {
        if ((bytesRead += bytes.length) > WALK_LIMITS.bytes)
          tooMuch(`the knowledge files hold more than ${WALK_LIMITS.bytes / 1024 / 1024} MB together`);
        files.push({ path: rel, sha: sha256(bytes), bytes });
      }
    }
  };
  try {
    await walk(root);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    problems.push({
      file: displayRoot,
      message: code === "LIMIT" ? (error as Error).message : `cannot read the folder (${code ?? "error"})`,
    });
    if (code === "LIMIT") files.length = 0;
  }
  return { files, problems };
}

/** A folder holding exactly the files of one knowledge version. */
export class Mirror {
  /** sha256 of each file the folder holds now, by path. */
  private readonly held = new Map<string, string>();

  private constructor(readonly dir: string) {}

  /** A new, empty mirror in the system's temporary folder. */
  static async create(): Promise<Mirror> {
    return new Mirror(await mkdtemp(join(tmpdir(), "kizuna-mirror-")));
  }

  /** The files held now (path and sha256), in path order. */
  files(): FileEntry[] {
    return [...this.held].map(([path, sha]) => ({ path, sha })).sort((a, b) => (a.path < b.path ? -1 : 1));
  }

  /** Whether a file with this content is held at this path (then its bytes need not travel). */
  holds(path: string, sha: string): boolean {
    return this.held.get(path) === sha;
  }

  /** The bytes of a file held. */
  read(path: string): Promise<Buffer> {
    return readFile(this.pathOf(path));
  }

  /**
   * Makes the folder hold exactly `files`: writes those that changed (an entry without
   * bytes must already be held), deletes the others. Returns what puts the folder back.
   */
  async write(files: readonly FileEntry[]): Promise<() => Promise<void>> {
    const undo: Array<{ path: string; sha?: string; bytes?: Buffer }> = [];
    const wanted = new Set(files.map((f) => f.path));
    try {
      for (const file of files) {
        if (this.held.get(file.path) === file.sha) continue;
        if (!file.bytes) throw new Error(`mirror: no bytes for ${file.path}, which is not held`);
        undo.push(await this.saved(file.path));
        const target = this.pathOf(file.path);
        await mkdir(dirname(target), { recursive: true });
        await writeFile(target, file.bytes);
        this.held.set(file.path, file.sha);
      }
      for (const path of [...this.held.keys()]) {
        if (wanted.has(path)) continue;
        undo.push(await this.saved(path));
        await unlink(this.pathOf(path));
        this.held.delete(path);
      }
    } catch (error) {
      await this.restore(undo);
      throw error;
    }
    return () => this.restore(undo);
  }

  /** Deletes the folder (shutdown). */
  async remove(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }

  private async saved(path: string): Promise<{ path: string; sha?: string; bytes?: Buffer }> {
    const sha = this.held.get(path);
    return sha === undefined ? { path } : { path, sha, bytes: await this.read(path) };
  }

  private async restore(undo: ReadonlyArray<{ path: string; sha?: string; bytes?: Buffer }>): Promise<void> {
    for (const { path, sha, bytes } of [...undo].reverse()) {
      if (sha === undefined || bytes === undefined) {
        await rm(this.pathOf(path), { force: true });
        this.held.delete(path);
      } else {
        await writeFile(this.pathOf(path), bytes);
        this.held.set(path, sha);
      }
    }
  }

  /** A path under the folder; a manifest's path cannot leave it. */
  private pathOf(path: string): string {
    const full = join(this.dir, ...path.split("/"));
    const rel = relative(this.dir, full);
    if (rel.startsWith("..") || isAbsolute(rel) || rel === "" || path.includes("\0"))
      throw new Error(`mirror: refusing a path outside the folder: ${JSON.stringify(path)}`);
    return full;
  }
}
