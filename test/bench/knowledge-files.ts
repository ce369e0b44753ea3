/**
 * Generated knowledge written back as knowledge files, for the bench's file reload: one YAML
 * file per relation in the format of knowledge/README.md (relation, sources, facts; dates as
 * EDTF text plus `when`), so `loadKnowledge` reads back the same facts the generator made.
 *
 * A small hand-written serializer: the `yaml` package's stringify takes seconds at 100 000
 * facts and the bench only needs the shapes below. Statements and quotes are folded block
 * scalars (`>-`) wrapped like the curated files; everything else that is not a bare id is a
 * JSON string, which is a valid YAML double-quoted scalar.
 */
import { createHash } from "node:crypto";
import { cp, mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import type { Fact, Knowledge, Relation, Source } from "../../src/knowledge/types.ts";

/** Folder (inside the knowledge folder) of the generated relation files. */
export const SYNTHETIC_FOLDER = "synthetic";

const BARE_ID = /^[a-z][a-z0-9-]*$/;
const WRAP = 88;

function scalar(s: string): string {
  return BARE_ID.test(s) ? s : JSON.stringify(s);
}

function list(items: readonly string[]): string {
  return `[${items.map(scalar).join(", ")}]`;
}

/** `key: >-` with the text folded at spaces, or a JSON string when folding would change it. */
function text(key: string, value: string, indent: string): string {
  if (value.length <= WRAP - indent.length - key.length - 2 || !/^\S+( \S+)*$/.test(value))
    return `${indent}${key}: ${JSON.stringify(value)}\n`;
  const lines: string[] = [];
  let line = "";
  for (const word of value.split(" ")) {
    if (line && line.length + 1 + word.length > WRAP - indent.length - 2) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return `${indent}${key}: >-\n${lines.map((l) => `${indent}  ${l}\n`).join("")}`;
}

/** One fact as an item of `facts:` (ends with a newline). */
export function factYaml(fact: Omit<Fact, "relationId" | "file" | "line">): string {
  const i = "    ";
  let out = `  - id: ${fact.id}\n`;
  if (fact.date) out += `${i}date: ${JSON.stringify(fact.date.edtf)}\n`;
  if (fact.when !== undefined) out += `${i}when: ${JSON.stringify(fact.when)}\n`;
  out += text("statement", fact.statement, i);
  if (fact.people.length) out += `${i}people: ${list(fact.people)}\n`;
  if (fact.places.length) out += `${i}places: ${list(fact.places)}\n`;
  if (fact.tags.length) out += `${i}tags: ${list(fact.tags)}\n`;
  if (fact.keywords.length) out += `${i}keywords: ${list(fact.keywords)}\n`;
  out += `${i}source: ${scalar(fact.sourceId)}\n`;
  out += `${i}section: ${scalar(fact.section)}\n`;
  if (fact.quote !== undefined) out += text("quote", fact.quote, i);
  return out;
}

function sourceYaml(s: Source): string {
  const i = "    ";
  let out = `  - id: ${s.id}\n`;
  out += `${i}title: ${JSON.stringify(s.title)}\n`;
  out += `${i}publisher: ${JSON.stringify(s.publisher)}\n`;
  out += `${i}url: ${JSON.stringify(s.url)}\n`;
  out += `${i}license: ${JSON.stringify(s.license)}\n`;
  out += `${i}retrieved: ${JSON.stringify(s.retrieved)}\n`;
  if (s.copy !== undefined) out += `${i}copy: ${JSON.stringify(s.copy)}\n`;
  return out;
}

/** A whole knowledge file: the relation, the sources defined here, its facts. */
export function relationYaml(relation: Relation, sources: readonly Source[], facts: readonly Fact[]): string {
  let out = `# ${relation.title} (generated for the benchmark)\n\nrelation:\n`;
  out += `  id: ${relation.id}\n`;
  out += `  title: ${JSON.stringify(relation.title)}\n`;
  out += `  parties: ${list(relation.parties.map((p) => p.name))}\n`;
  if (relation.aliases.length) out += `  aliases: ${list(relation.aliases)}\n`;
  if (relation.summary !== undefined) out += `  summary: ${JSON.stringify(relation.summary)}\n`;
  if (sources.length) out += `\nsources:\n${sources.map(sourceYaml).join("")}`;
  out += `\nfacts:\n${facts.map((f) => factYaml(f)).join("\n")}`;
  return out;
}

export interface WrittenKnowledge {
  readonly dir: string;
  /** Files written (the copied real ones included). */
  readonly files: number;
  readonly bytes: number;
  readonly ms: number;
  /** Path and relation of one generated file, for a reload test to edit. */
  readonly sample: { readonly path: string; readonly relation: Relation; readonly sourceId: string };
}

/**
 * Writes `knowledge` into `dir`: the relations in `skipRelations` (the real ones) by copying
 * the `*.yaml` files of `realDir`, every other relation as `synthetic/<relation id>.yaml`.
 * Sources cited from several files are defined once, in the first generated file.
 */
export async function writeKnowledgeFiles(
  knowledge: Knowledge,
  dir: string,
  realDir: string,
  skipRelations: ReadonlySet<string>,
): Promise<WrittenKnowledge> {
  const started = performance.now();
  await cp(realDir, dir, {
    recursive: true,
    filter: (src) => !/\.[^/\\]+$/.test(src) || /\.ya?ml$/i.test(src),
  });
  await mkdir(join(dir, SYNTHETIC_FOLDER), { recursive: true });
  const relations = knowledge.relations
    .filter((r) => !skipRelations.has(r.id))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  if (relations.length === 0) throw new Error("writeKnowledgeFiles: no generated relations to write");
  const factsOf = new Map<string, Fact[]>(relations.map((r) => [r.id, []]));
  for (const f of knowledge.facts) factsOf.get(f.relationId)?.push(f);
  // A relation's own source goes in its file; a source several relations cite (or one the
  // real files already define) goes in the first generated file, or is left to the real file.
  const realSources = new Set<string>();
  const citedBy = new Map<string, Set<string>>();
  for (const f of knowledge.facts) {
    if (skipRelations.has(f.relationId)) realSources.add(f.sourceId);
    else {
      const s = citedBy.get(f.sourceId) ?? new Set<string>();
      s.add(f.relationId);
      citedBy.set(f.sourceId, s);
    }
  }
  const own = new Map<string, Source[]>(relations.map((r) => [r.id, []]));
  const shared: Source[] = [];
  for (const s of knowledge.sources) {
    if (realSources.has(s.id)) continue;
    const by = [...(citedBy.get(s.id) ?? [])];
    if (by.length === 1 && own.has(by[0]!)) own.get(by[0]!)!.push(s);
    else if (by.length > 0) shared.push(s);
  }
  let bytes = 0;
  const jobs = relations.map((r, i) => {
    const facts = factsOf.get(r.id)!.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const sources = i === 0 ? [...shared, ...own.get(r.id)!] : own.get(r.id)!;
    return { path: join(dir, SYNTHETIC_FOLDER, `${r.id}.yaml`), text: relationYaml(r, sources, facts) };
  });
  for (let i = 0; i < jobs.length; i += 32)
    await Promise.all(
      jobs.slice(i, i + 32).map(({ path, text }) => {
        bytes += Buffer.byteLength(text);
        return writeFile(path, text);
      }),
    );
  const first = relations[0]!;
  return {
    dir,
    files: jobs.length + (knowledge.files.length - relations.length),
    bytes,
    ms: performance.now() - started,
    sample: {
      path: jobs[0]!.path,
      relation: first,
      sourceId: factsOf.get(first.id)![0]!.sourceId,
    },
  };
}

/** A new fact for `relation`, as YAML to append to its file (its `facts:` list comes last). */
export function extraFactYaml(relation: Relation, sourceId: string, n: number, edtf: string): string {
  const [a, b] = relation.parties;
  return `\n${factYaml({
    id: `${relation.id}-bench-reload-${n}`,
    date: { edtf } as Fact["date"],
    statement: `${a.name} and ${b.name} agreed on a joint benchmark protocol number ${n}, added to test how fast an edited knowledge file goes live.`,
    people: [],
    places: [],
    tags: ["bench"],
    keywords: ["benchmark", "reload"],
    sourceId,
    section: "Lead",
  })}`;
}

/**
 * Content hash of facts, ignoring where they were written (file, line) and their order:
 * equal for the generated knowledge and the same knowledge loaded back from files.
 */
export function factsDigest(facts: readonly Fact[]): string {
  const hash = createHash("sha256");
  const sorted = [...facts].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (const f of sorted) {
    const { file: _file, line: _line, ...rest } = f;
    hash.update(JSON.stringify(rest)).update("\n");
  }
  return hash.digest("hex").slice(0, 16);
}
