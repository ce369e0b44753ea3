/**
 * `npm run check-knowledge`: validates the knowledge files and prints a summary, then checks
 * the curation (quotes word for word in the source copies; statements naming other years;
 * facts without a quote). Exit 65 on any problem or any quote not found.
 */
import { curationNotes } from "../../knowledge/curation.ts";
import { loadKnowledge } from "../../knowledge/load.ts";
import { formatProblem } from "../../knowledge/problems.ts";
import { ExitCode } from "../../ops/exit-codes.ts";
import { dateLabel } from "../../knowledge/types.ts";
import { truncate } from "../../replies/safe.ts";
import { cliKnowledgeDir } from "./knowledge.ts";

const { dir, display } = cliKnowledgeDir();
const result = await loadKnowledge(dir, display);
if (!result.ok) {
  process.stderr.write(
    `${result.problems.length} problem${result.problems.length === 1 ? "" : "s"} in ${display}:\n` +
      result.problems.map((p) => `  ${formatProblem(p)}`).join("\n") +
      "\n",
  );
  process.exitCode = ExitCode.InvalidKnowledge;
} else {
  const k = result.knowledge;
  const dated = k.facts.filter((f) => f.date);
  const first = dated[0];
  const last = dated.at(-1);
  const lines = [
    `${display}: OK (version ${k.version})`,
    `  relations: ${k.relations.length} (${k.relations.map((r) => r.title).join(", ")})`,
    `  facts:     ${k.facts.length} (${dated.length} dated, ${k.facts.length - dated.length} undated)`,
    `  sources:   ${k.sources.length}`,
    first && last ? `  dates:     ${dateLabel(first)} – ${dateLabel(last)}` : "  dates:     none",
  ];
  if (k.drafts.length > 0) {
    // Drafts (from npm run import) wait for an admin: listed so none is forgotten.
    lines.push(`  drafts:    ${k.drafts.length}, not served until their \`draft: true\` is removed:`);
    for (const d of k.drafts)
      lines.push(
        `    ${d.file}:${d.line}  ${d.id}  ${dateLabel(d) ?? "undated"} — ${truncate(d.statement, 80)}`,
      );
  }
  const notes = await curationNotes(k, dir);
  const errors = notes.filter((n) => n.severity === "error");
  if (notes.length > 0) {
    lines.push(`  curation:  ${errors.length} error(s), ${notes.length - errors.length} warning(s)`);
    for (const n of notes) lines.push(`    ${n.severity}: ${formatProblem(n)}`);
  }
  process.stdout.write(`${lines.join("\n")}\n`);
  if (errors.length > 0) process.exitCode = ExitCode.InvalidKnowledge;
}
