/** Problems found while loading knowledge files, each pointing at file, line and fact. */

export interface Problem {
  /** Path as the user knows it, e.g. "knowledge/afghanistan-japan.yaml". */
  readonly file: string;
  readonly line?: number | undefined;
  readonly factId?: string | undefined;
  readonly message: string;
  /** On an "and N more problems" line (see ProblemList): N. */
  readonly more?: number | undefined;
}

/** `knowledge/afghanistan-japan.yaml:42: fact "x": date "1931-13" is not a valid date` */
export function formatProblem(p: Problem): string {
  const where = p.line ? `${p.file}:${p.line}` : p.file;
  const fact = p.factId ? `fact "${p.factId}": ` : "";
  return `${where}: ${fact}${p.message}`;
}

/** Thrown by the loader's callers when knowledge is invalid; carries every problem. */
export class KnowledgeError extends Error {
  constructor(readonly problems: readonly Problem[]) {
    super(
      `${problems.length} problem${problems.length === 1 ? "" : "s"} in the knowledge files:\n` +
        problems.map((p) => `  ${formatProblem(p)}`).join("\n"),
    );
    this.name = "KnowledgeError";
  }
}

/** Where the loader's steps put the problems they find (an array, or a ProblemList). */
export interface ProblemSink {
  push(...problems: Problem[]): unknown;
}

/**
 * Most problems one file may list. A small file can hold a great many (150 KB of `{},` is
 * 50 000 facts, each missing four fields): past this, the rest are counted, not built.
 */
export const MAX_PROBLEMS_PER_FILE = 100;

/**
 * The problems of a load, at most MAX_PROBLEMS_PER_FILE listed per file; `done()` adds one
 * line per file that had more ("and 49 900 more problems"), on the line of the first left out.
 */
export class ProblemList {
  private readonly items: Problem[] = [];
  private readonly over = new Map<string, { count: number; line: number | undefined }>();
  private readonly listed = new Map<string, number>();

  /** Whether another problem of `file` would be listed (else building it is wasted work). */
  room(file: string): boolean {
    return (this.listed.get(file) ?? 0) < MAX_PROBLEMS_PER_FILE;
  }

  /** Whether a problem of `file` is still worth building: listed, or the first left out (for its line). */
  wants(file: string): boolean {
    return this.room(file) || !this.over.has(file);
  }

  add(problem: Problem): void {
    // A file's own list, already cut (read in a worker): its count joins this list's.
    if (problem.more !== undefined) return this.skip(problem.file, problem.line, problem.more);
    if (this.room(problem.file)) {
      this.listed.set(problem.file, (this.listed.get(problem.file) ?? 0) + 1);
      this.items.push(problem);
    } else this.skip(problem.file, problem.line);
  }

  /** Counts a problem of `file` that was not built (over the limit). */
  skip(file: string, line?: number, count = 1): void {
    const over = this.over.get(file);
    if (over) over.count += count;
    else this.over.set(file, { count, line });
  }

  /** As an array's: the loader's steps take any list of problems. */
  push(...problems: Problem[]): number {
    for (const p of problems) this.add(p);
    return this.length;
  }

  get length(): number {
    let n = this.items.length;
    for (const o of this.over.values()) n += o.count;
    return n;
  }

  /** The listed problems, then one "and N more" per file that had too many. */
  done(): Problem[] {
    const out = [...this.items];
    for (const [file, { count, line }] of this.over)
      out.push({
        file,
        line,
        more: count,
        message: `and ${count} more problem${count === 1 ? "" : "s"} in this file (only the first ${MAX_PROBLEMS_PER_FILE} are listed)`,
      });
    return out;
  }
}
