/**
 * `npm run import -- path/to/article.txt --relation afghanistan-japan [--out FILE] [--source ID]`:
 * an article (plain text or Markdown) into draft facts for a relation (src/import). The drafts
 * go to stdout as a knowledge file, or into `--out`: an existing file (the relation's own, in
 * the usual case) gets the new drafts appended, and facts whose quote it already holds are left
 * as they are. Drafts are marked `draft: true`: validated, listed by check-knowledge, not served.
 */
import { existsSync, readFileSync, realpathSync, writeFileSync } from "node:fs";
import { isAbsolute, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { parseDocument } from "yaml";
import { appendDrafts, draftFacts, draftFile, newCandidates, type KnownFact } from "../../import/draft.ts";
import { loadKnowledge } from "../../knowledge/load.ts";
import { formatProblem } from "../../knowledge/problems.ts";
import { cliKnowledgeDir } from "./knowledge.ts";

const USAGE =
  "usage: npm run import -- path/to/article.txt --relation ID [--out FILE] [--source ID]\n" +
  "  --relation  the relation the article is about (see npm run check-knowledge)\n" +
  "  --out       write the drafts there; an existing file gets them appended (default: stdout)\n" +
  "  --source    the source the article is (default: the source whose copy: is this file)\n";

/** A problem the person running the import can fix: shown as is, exit status 1 (2 for usage). */
class ImportError extends Error {
  constructor(
    message: string,
    readonly status = 1,
  ) {
    super(message);
  }
}

const shown = (path: string) => relative(process.cwd(), path) || path;
const inside = (dir: string, path: string) => {
  const rel = relative(dir, path);
  return rel !== "" && !rel.startsWith("..") && !isAbsolute(rel);
};

/** Where the knowledge is, and how to name it in messages. */
export interface ImportPlace {
  readonly dir: string;
  readonly display: string;
}

export interface ImportOutcome {
  readonly stdout: string;
  readonly stderr: string;
  /** 0, 1 (a problem with the files or names given), 2 (usage). */
  readonly status: number;
}

/** Runs the import for `argv` (flags and the article's path); never throws for a user's mistake. */
export async function importArticle(argv: string[], place: ImportPlace): Promise<ImportOutcome> {
  const log: string[] = [];
  try {
    const stdout = await run(argv, place, (line) => log.push(line));
    return { stdout, stderr: log.join(""), status: 0 };
  } catch (error) {
    if (!(error instanceof ImportError)) throw error;
    return { stdout: "", stderr: `${log.join("")}import: ${error.message}\n`, status: error.status };
  }
}

async function run(argv: string[], place: ImportPlace, report: (line: string) => void): Promise<string> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        relation: { type: "string" },
        out: { type: "string" },
        source: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    throw new ImportError(`${(error as Error).message}\n${USAGE}`, 2);
  }
  const { values, positionals } = parsed;
  if (values.help) return USAGE;
  if (positionals.length !== 1) throw new ImportError(`name one article to read\n${USAGE}`, 2);
  if (!values.relation) throw new ImportError(`--relation is required\n${USAGE}`, 2);
  const articlePath = resolve(positionals[0]!);
  let article: string;
  try {
    article = readFileSync(articlePath, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ImportError(
      `cannot read ${positionals[0]}: ${code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a folder" : (code ?? "error")}`,
    );
  }

  const { display } = place;
  const dir = resolve(place.dir);
  // Paths shown as the real ones: the importer needs the relation's own file.
  const loaded = await loadKnowledge(dir, dir);
  if (!loaded.ok)
    throw new ImportError(
      `${display} has problems; fix them first (npm run check-knowledge):\n${loaded.problems.map((p) => `  ${formatProblem(p)}`).join("\n")}`,
    );
  const k = loaded.knowledge;
  const relation = k.relations.find((r) => r.id === values.relation);
  if (!relation)
    throw new ImportError(
      `unknown relation "${values.relation}"; ${display} holds: ${k.relations.map((r) => r.id).join(", ") || "none"}`,
    );
  const source = values.source
    ? k.sources.find((s) => s.id === values.source)
    : k.sources.find(
        (s) =>
          s.copy &&
          existsSync(resolve(dir, s.copy)) &&
          realpathSync(resolve(dir, s.copy)) === realpathSync(articlePath),
      );
  if (!source)
    throw new ImportError(
      values.source
        ? `unknown source "${values.source}"; sources: ${k.sources.map((s) => s.id).join(", ")}`
        : `which source is ${positionals[0]}? Give --source ID (sources: ${k.sources.map((s) => s.id).join(", ")}), or add it to the relation's file with copy: pointing at the article`,
    );

  const ofRelation = [...k.facts, ...k.drafts].filter((f) => f.relationId === relation.id);
  const known: KnownFact[] = ofRelation.map((f) => ({
    id: f.id,
    quote: f.quote,
    date: f.date?.edtf ?? null,
  }));
  const taken = new Set([...k.facts, ...k.drafts].map((f) => f.id));
  const outPath = values.out ? resolve(values.out) : undefined;
  const outText = outPath && existsSync(outPath) ? readFileSync(outPath, "utf8") : undefined;
  if (outPath && outText !== undefined && outPath !== relation.file) {
    // A drafts file outside the knowledge folder, imported into before: its facts count too.
    const data = parseDocument(outText).toJS() as { relation?: { id?: unknown }; facts?: unknown } | null;
    if (data?.relation?.id !== relation.id)
      throw new ImportError(`${values.out} is not a knowledge file of relation "${relation.id}"`);
    for (const f of Array.isArray(data.facts) ? (data.facts as Record<string, unknown>[]) : []) {
      known.push({
        id: String(f["id"]),
        quote: typeof f["quote"] === "string" ? f["quote"] : undefined,
        date: f["date"] == null ? null : String(f["date"]),
      });
      taken.add(String(f["id"]));
    }
  }
  if (outPath && outText === undefined && inside(dir, outPath))
    throw new ImportError(
      `${values.out} would be a second file for relation "${relation.id}" in ${display}, which the loader refuses: use --out ${shown(relation.file)} (drafts are appended to it) or a file outside ${display}`,
    );

  const candidates = draftFacts(article, { relationId: relation.id, sourceId: source.id, takenIds: taken });
  const fresh = newCandidates(candidates, known);
  const today = new Date().toISOString().slice(0, 10);
  const note = `Drafts imported from ${shown(articlePath)} on ${today} (npm run import): review each, then remove draft: true.`;
  let output: string;
  if (outText !== undefined) output = appendDrafts(outText, fresh, note);
  else {
    const file = parseDocument(readFileSync(relation.file, "utf8")).toJS() as {
      relation: Record<string, unknown>;
      sources?: Record<string, unknown>[];
    };
    const sources = (file.sources ?? []).filter((s) => s["id"] === source.id);
    output = draftFile(` ${note}`, file.relation, sources.length ? sources : [{ ...source }], fresh);
  }
  if (outPath) writeFileSync(outPath, output);
  report(
    `import: ${candidates.length} dated candidate${candidates.length === 1 ? "" : "s"} in ${shown(articlePath)}, ` +
      `${fresh.length} new, ${candidates.length - fresh.length} already held (same quote)` +
      `${outPath ? `; written to ${shown(outPath)}` : ""}\n`,
  );
  return outPath ? "" : output;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const outcome = await importArticle(process.argv.slice(2), cliKnowledgeDir());
  process.stdout.write(outcome.stdout);
  process.stderr.write(outcome.stderr);
  process.exitCode = outcome.status;
}
