/**
 * Offices and titles, and the kinds of office they are: what a question means by "leaders",
 * "heads of state", "royals" or "diplomats", and which title in a fact is one of them.
 * WordNet's own hierarchy does not serve here (a king is a "ruler", not a "leader" or a
 * "head of state" there), so the classes are written down once, for any relation: they
 * are the vocabulary of diplomacy, not of one knowledge file.
 */
import { gazetteer, type PlacedMention } from "../text/countries.ts";

export type RoleClass =
  | "monarch"
  | "head-of-state"
  | "head-of-government"
  | "leader"
  | "royalty"
  | "minister"
  | "diplomat"
  | "military"
  | "official"
  | "scholar";

export interface Role {
  /** The canonical title ("prime minister"); synonyms share the same Role. */
  readonly name: string;
  /** The kinds of office it is. */
  readonly classes: ReadonlySet<RoleClass>;
  /** Set when the words name a kind of office ("leaders"): any office of these kinds answers. */
  readonly kinds?: ReadonlySet<RoleClass>;
}

const MONARCH: RoleClass[] = ["monarch", "head-of-state", "royalty", "leader"];
// Titles (synonyms together) and the kinds of office they are.
const TITLES: ReadonlyArray<readonly [readonly string[], readonly RoleClass[]]> = [
  [["king"], MONARCH],
  [["queen"], MONARCH],
  [["emperor"], MONARCH],
  [["empress"], MONARCH],
  [["shah"], MONARCH],
  [["emir"], MONARCH],
  [["sultan"], MONARCH],
  [["tsar", "czar"], MONARCH],
  [["president"], ["head-of-state", "leader"]],
  [
    ["prime minister", "premier", "chancellor", "pm"],
    ["head-of-government", "leader", "minister", "official"],
  ],
  [["crown prince"], ["royalty"]],
  [["prince"], ["royalty"]],
  [["princess", "crown princess"], ["royalty"]],
  [
    ["foreign minister", "minister of foreign affairs"],
    ["minister", "official"],
  ],
  [
    ["state minister", "minister of state"],
    ["minister", "official"],
  ],
  [
    ["ambassador", "envoy", "ambassador extraordinary and plenipotentiary"],
    ["diplomat", "official"],
  ],
  [["consul"], ["diplomat", "official"]],
  [["general"], ["military"]],
  [["admiral"], ["military"]],
  [["marshal"], ["military"]],
  [["intellectual", "scholar", "thinker", "philosopher", "writer"], ["scholar"]],
];

// Words that name a kind of office rather than one office.
const KINDS: ReadonlyArray<readonly [readonly string[], readonly RoleClass[]]> = [
  [["monarch", "sovereign"], ["monarch"]],
  [["leader", "ruler", "chief", "head"], ["leader"]],
  [["head of state", "chief of state"], ["head-of-state"]],
  [["head of government"], ["head-of-government"]],
  [
    ["head of state or government", "head of state and government"],
    ["head-of-state", "head-of-government"],
  ],
  [
    ["royals", "royalty", "royal family", "imperial family", "royal household", "imperial household"],
    ["royalty"],
  ],
  [["minister", "cabinet minister"], ["minister"]],
  [["diplomat", "diplomatic staff"], ["diplomat"]],
  [["officials", "government official", "representative", "delegate"], ["official"]],
  [["officer", "military officer", "army officer", "commander", "soldier"], ["military"]],
];

const ROLES = new Map<string, Role>();
for (const [titles, classes] of TITLES) {
  const role: Role = { name: titles[0]!, classes: new Set(classes) };
  for (const t of titles) ROLES.set(t, role);
}
for (const [words, kinds] of KINDS) {
  const role: Role = { name: words[0]!, classes: new Set(kinds), kinds: new Set(kinds) };
  for (const w of words) ROLES.set(w, role);
}

/** Plurals of titles ("ministers", "heads", "princesses", "royalties"). */
function singular(word: string): string {
  if (word.endsWith("esses")) return word.slice(0, -2);
  if (word.endsWith("ies")) return `${word.slice(0, -3)}y`;
  if (word.endsWith("s") && !word.endsWith("ss")) return word.slice(0, -1);
  return word;
}

export interface RoleMention {
  /** Word position in the sequence it was found in. */
  readonly start: number;
  readonly length: number;
  readonly role: Role;
}

// Titles by their first word (singular), longest first: most words start none, and are passed at once.
const BY_FIRST = new Map<string, Array<readonly [readonly string[], Role]>>();
for (const [phrase, role] of ROLES) {
  const parts = phrase.split(" ");
  const list = BY_FIRST.get(parts[0]!) ?? [];
  list.push([parts, role]);
  BY_FIRST.set(parts[0]!, list);
}
for (const list of BY_FIRST.values()) list.sort((a, b) => b[0].length - a[0].length);

/** Titles in a sequence of folded words, longest first, not overlapping. */
export function findRoles(ws: readonly string[]): RoleMention[] {
  const out: RoleMention[] = [];
  for (let i = 0; i < ws.length;) {
    const word = ws[i]!;
    const candidates = BY_FIRST.get(word) ?? BY_FIRST.get(singular(word));
    let found: RoleMention | undefined;
    if (candidates)
      for (const [parts, role] of candidates) {
        if (i + parts.length > ws.length) continue;
        let k = 1;
        while (k < parts.length && (ws[i + k] === parts[k] || singular(ws[i + k]!) === parts[k])) k++;
        if (k === parts.length) {
          found = { start: i, length: parts.length, role };
          break;
        }
      }
    if (found) {
      out.push(found);
      i += found.length;
    } else i++;
  }
  return out;
}

// Between a country and its office: "Japan *'s* ambassador", "a Japanese *military* officer".
const OWNER_GAP = new Set([
  "s",
  "the",
  "a",
  "an",
  "military",
  "senior",
  "former",
  "imperial",
  "royal",
  "then",
  "new",
]);

/**
 * The country each office belongs to where the words say so: a demonym or a country's name
 * (possessive or as an adjective) right before it ("the Japanese ambassador", "Japan's prime
 * minister", "Afghan President Hamid Karzai"). Aligned with `mentions`; undefined: not said.
 */
export function roleOwners(
  ws: readonly string[],
  mentions: readonly RoleMention[],
  countries: readonly PlacedMention[] = gazetteer().placed(ws),
): Array<string | undefined> {
  const out: Array<string | undefined> = [];
  mentions.forEach((r, i) => {
    let end = r.start;
    while (end > 0 && OWNER_GAP.has(ws[end - 1]!)) end--;
    const owner = countries.find((m) => m.start + m.length === end && !m.capital)?.code;
    // "Japan's Crown Prince Akihito and Princess Michiko": coordinated offices share the country.
    const previous = mentions[i - 1];
    const between = previous ? ws.slice(previous.start + previous.length, r.start) : [];
    const coordinated = previous !== undefined && between.length <= 4 && between.includes("and");
    out.push(owner ?? (coordinated ? out[i - 1] : undefined));
  });
  return out;
}

/**
 * Whether an office held in a fact answers for one named in a question: the same office
 * (or a synonym), or any office of the kinds the question names ("leaders" ⊇ prime minister).
 */
export function roleAnswers(asked: Role, held: Role): boolean {
  if (asked.kinds) {
    for (const k of asked.kinds) if (held.classes.has(k)) return true;
    return false;
  }
  return asked === held;
}

const TITLE_WORDS = new Set(
  [...TITLES.flatMap(([t]) => t), "monarch", "sovereign", "leader", "ruler"]
    .flatMap((k) => k.split(" "))
    .filter((w) => !["of", "and", "state", "government", "foreign", "affairs", "head"].includes(w)),
);

/** True for a word that is part of a title ("king", "minister"): a name's title is not its name. */
export function isTitleWord(word: string): boolean {
  return TITLE_WORDS.has(word);
}
