/** Problems found while loading knowledge files, each pointing at file, line and fact. */

export interface Problem {
  /** Path as the user knows it, e.g. "knowledge/afghanistan-japan.yaml". */
  readonly file: string;
  readonly line?: number | undefined;
  readonly factId?: string | undefined;
  readonly message: string;
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
