/**
 * Who did what to whom, between countries: the countries a sentence names as actors (who
 * visits, gives, sends an ambassador, keeps an embassy) and as targets (where a visit goes,
 * who receives aid, where an embassy or ambassador is). "The Japanese prime minister
 * visited Afghanistan" and "Afghan Prime Minister Daoud Khan visited Japan" share every
 * word but disagree on both, so neither may answer for the other.
 *
 * Shallow on purpose: the cues are a handful of English and Japanese patterns that hold for
 * the short, self-contained statements knowledge files are written in and for questions.
 */
import { fold, irregularBase, isStopWord } from "../text/normalize.ts";
import { gazetteer, type PlacedMention } from "../text/countries.ts";
import { findRoles } from "./roles.ts";

export interface Direction {
  readonly agents: ReadonlySet<string>;
  readonly targets: ReadonlySet<string>;
  /** The target comes from a movement or transfer ("visited Japan", "aid to Afghanistan"). */
  readonly moving?: boolean;
}

// A country right after one of these (a few filler words between) is where something goes.
const MOVING_CUES = new Set([
  "to",
  "into",
  "toward",
  "towards",
  "visit",
  "visits",
  "visited",
  "visiting",
  "tour",
  "toured",
  "touring",
  "reach",
  "reached",
  "entered",
  "enter",
]);
// …or where something is: weaker, used only when nothing moves ("embassy in Kabul").
const PLACE_CUES = new Set(["in", "inside", "for"]);
// Words allowed between a cue and its country: "to the Japanese …", "in its …".
const BETWEEN = new Set(["the", "its", "their", "his", "her", "rebuild", "help", "war-torn"]);
// After "X's", these make X the actor ("Japan's ambassador"); these the target ("Afghanistan's donors").
const ACTOR_NOUNS =
  /^(?:embass|government|army|troops|forces|delegation|mission|officials?|people|leaders?|minist|crown|prince|king|queen|president|ambassador|envoy|emperor|general|admiral|intellectual|imperial|royal|family|members?|side|authorities)/;
// Words between a demonym and the office it describes: "a Japanese *military* officer".
const DESCRIBING = new Set([
  "military",
  "imperial",
  "royal",
  "senior",
  "former",
  "then",
  "new",
  "top",
  "army",
  "foreign",
  "state",
]);
const CONJUNCTIONS = new Set(["but", "while", "whereas", "although", "though"]);
// "Which Japanese royals visited …", "How many Afghan leaders …": the asked-for subject.
const ASKING = new Set(["which", "what", "whose", "many"]);
// Auxiliaries after which a country is the subject: "did Japan give", "was Afghanistan visited".
const AUXILIARIES = new Set([
  "did",
  "does",
  "do",
  "was",
  "were",
  "is",
  "are",
  "has",
  "have",
  "had",
  "will",
  "would",
  "can",
  "could",
  "should",
]);
// "-ed" words that describe rather than act ("the United Kingdom deliberately delayed" acts; "war-torn", "united" do not).
const ADJECTIVE_ED = new Set(["united", "related", "allied", "concerned", "interested", "so-called"]);
// "arrived in Japan": where the arrival goes, though "in" usually says where something is.
const ARRIVAL = new Set(["arrive", "arrived", "arrives", "arriving", "land", "landed", "lands", "landing"]);
const DO_AUX = new Set(["did", "does", "do", "will", "would", "can", "could"]);
const PASSIVE_AUX = new Set(["was", "were", "is", "are", "been", "being"]);
const TARGET_NOUNS = /^(?:donors?|aid|assistance|partners?|ally|allies|largest|biggest|second)/;
// "drop by Japan", "stop by Kabul": "by" is a target cue only after these.
const BY_VERBS = new Set(["drop", "dropped", "stop", "stopped", "come", "came", "swing", "swung"]);

interface Token {
  word: string;
  possessive: boolean;
  /** First word of the text or of a clause after a comma. */
  clauseStart: boolean;
}

function tokens(text: string): Token[] {
  const out: Token[] = [];
  let clauseStart = true;
  for (const m of fold(text).matchAll(/[\p{L}\p{N}]+(?:-[\p{L}\p{N}]+)*(['’]s?)?|[,:]/gu)) {
    if (m[0] === "," || m[0] === ":") {
      clauseStart = true;
      continue;
    }
    out.push({ word: m[1] ? m[0].slice(0, -m[1].length) : m[0], possessive: Boolean(m[1]), clauseStart });
    clauseStart = false;
  }
  return out;
}

/** The first clause of a statement: what follows ";" is a further remark, not its event. */
function firstClause(text: string): string {
  const cut = text.indexOf(";");
  return cut < 0 ? text : text.slice(0, cut);
}

/** Actors and targets named in English text (a question or a statement). */
export function directionOf(text: string): Direction {
  if (/[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u.test(text)) return japaneseDirection(text);
  const toks = tokens(firstClause(text));
  const ws = toks.map((t) => t.word);
  const mentions = gazetteer().placed(ws);
  const roles = findRoles(ws);
  const roleAt = new Set(roles.flatMap((r) => Array.from({ length: r.length }, (_, k) => r.start + k)));
  const agents = new Set<string>();
  const targets = new Set<string>();
  const placed = new Set<string>();
  let subjectTaken = false;
  let previousAgent: PlacedMention | undefined;
  const sentence = ws.some(
    (w) =>
      AUXILIARIES.has(w) ||
      ASKING.has(w) ||
      /^(?:when|who|where|why|how)$/.test(w) ||
      /[a-z]ed$/.test(w) ||
      irregularBase(w) !== undefined,
  );
  for (const m of mentions) {
    const before = (k: number) => ws[m.start - k];
    const end = m.start + m.length;
    // What precedes, skipping a few filler words: the cue, if any.
    let k = 1;
    while (k <= 3 && before(k) !== undefined && BETWEEN.has(before(k)!) && !m.demonym) k++;
    const cue = before(k);
    // "the Japanese embassy", "Afghan Prime Minister …": a demonym says whose, never where to;
    // before anything else ("Afghan artifacts") it describes, and says nothing of who acts.
    if (m.demonym) {
      const next = ws[end] ?? "";
      const actor =
        roleAt.has(end) ||
        ACTOR_NOUNS.test(next) ||
        (DESCRIBING.has(next) && (roleAt.has(end + 1) || ACTOR_NOUNS.test(ws[end + 1] ?? "-")));
      // Only as the subject ("the Japanese prime minister visited"), not the object ("beat the British army").
      const article = cue === "the" || cue === "a" || cue === "an";
      const at = article ? m.start - 1 : m.start;
      const subject =
        toks[at]!.clauseStart || AUXILIARIES.has(ws[at - 1] ?? "") || ASKING.has(ws[at - 1] ?? "");
      // "did the British defeat …": a people named right after "did" is the subject — in
      // English "the" + an adjective in -ish/-ese/-ch, or a plural ("the Afghans"), names
      // the people; "the Afghan protests" only describes.
      const people = /(?:ish|ese|ch|sh|s)$/.test(ws[m.start + m.length - 1] ?? "");
      const named = article && people && DO_AUX.has(ws[at - 1] ?? "");
      if ((actor || named) && subject) {
        agents.add(m.code);
        subjectTaken = true;
        previousAgent = m;
      }
      continue;
    }
    const describesSomeone = false;
    // "to the National Museum of Afghanistan": the "of" of a place named after its country.
    const ofPlace =
      cue === "of" && [2, 3, 4, 5].some((d) => MOVING_CUES.has(before(d) ?? "") && before(d) !== "visit");
    const moving =
      cue !== undefined &&
      (MOVING_CUES.has(cue) ||
        (cue === "by" && BY_VERBS.has(before(k + 1) ?? "")) ||
        ((cue === "in" || cue === "at") && ARRIVAL.has(before(k + 1) ?? "")) ||
        ofPlace);
    const last = toks[end - 1]!;
    if (moving && !describesSomeone) {
      targets.add(m.code);
      continue;
    }
    if (cue !== undefined && PLACE_CUES.has(cue) && !describesSomeone) {
      placed.add(m.code);
      continue;
    }
    if (last.possessive) {
      const next = ws[end] ?? "";
      if (TARGET_NOUNS.test(next)) targets.add(m.code);
      else if (ACTOR_NOUNS.test(next) || roleAt.has(end)) agents.add(m.code);
      continue;
    }
    // "… Queen Humaira of Afghanistan": a title's country.
    if (cue === "of" && [2, 3, 4, 5].some((d) => roleAt.has(m.start - d))) {
      agents.add(m.code);
      continue;
    }
    // "aid from Japan" (but "artifacts from Afghanistan", after the subject, is where they came from).
    if (cue === "from") {
      if (!subjectTaken) agents.add(m.code);
      continue;
    }
    // "Afghanistan and Japan signed": coordinated with the subject.
    if (previousAgent && cue === "and" && previousAgent.start + previousAgent.length === m.start - 1) {
      agents.add(m.code);
      previousAgent = m;
      continue;
    }
    // The object of a verb ("invaded Japan", "did Japan invade Mongolia", "gave Mongolia aid"):
    // where the act went, though nothing moved. A verb is a past form, or the word right after
    // the subject.
    const usable = cue !== undefined && k === 1 && !isStopWord(cue) && !AUXILIARIES.has(cue);
    const pastForm =
      usable && ((/[a-z]ed$/.test(cue) && !ADJECTIVE_ED.has(cue)) || irregularBase(cue) !== undefined);
    const afterSubject =
      usable &&
      subjectTaken &&
      previousAgent !== undefined &&
      previousAgent.start + previousAgent.length === m.start - 1;
    if (sentence && (pastForm || afterSubject)) {
      placed.add(m.code);
      continue;
    }
    // The subject: a country opening a clause, or right after an auxiliary ("did Japan give").
    // In the passive ("was Afghanistan visited by …") the subject is where the act went.
    // Keywords ("soviet invasion japan embassy") have no subject. A clause joined by "but"
    // ("…, but the United Kingdom delayed it") has a subject of its own, who acts too.
    const joined = (cue === "the" ? before(k + 1) : cue) ?? "";
    const newClause = CONJUNCTIONS.has(joined);
    if (sentence && newClause) {
      agents.add(m.code);
      continue;
    }
    const opensClause =
      sentence && (toks[m.start]!.clauseStart || (cue !== undefined && AUXILIARIES.has(cue) && k === 1));
    if (!subjectTaken && opensClause) {
      subjectTaken = true;
      const passive =
        cue !== undefined &&
        PASSIVE_AUX.has(cue) &&
        ws.slice(end).some((w, j) => w === "by" && !BY_VERBS.has(ws[end + j - 1] ?? ""));
      if (passive) targets.add(m.code);
      else {
        agents.add(m.code);
        previousAgent = m;
      }
    }
  }
  if (targets.size > 0) return { agents, targets, moving: true };
  return { agents, targets: placed };
}

// Japanese: 「日本の皇太子が」 (whose), 「アフガニスタンを訪問」「日本に」「日本へ」 (where).
function japaneseDirection(text: string): Direction {
  const agents = new Set<string>();
  const targets = new Set<string>();
  const found = gazetteer().find(text, { typos: false });
  for (const { country, phrase } of found) {
    const escaped = phrase.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    if (new RegExp(`${escaped}(?:を(?:訪問|訪れ|訪ね|公式訪問)|に|へ|への|で)`).test(text))
      targets.add(country.code);
    else if (new RegExp(`${escaped}(?:の|が|は|から)`).test(text)) agents.add(country.code);
  }
  // 来日・訪日: coming to Japan.
  if (/来日|訪日/.test(text)) targets.add("JP");
  return { agents, targets, moving: targets.size > 0 };
}

/**
 * Completes a direction within a relation of two countries: a visit or gift *to* one of
 * them comes from the other ("Ayub Khan visited Japan" is an Afghan visit).
 */
export function withinRelation(d: Direction, parties: readonly string[]): Direction {
  if (!d.moving || parties.length !== 2 || d.agents.size > 0 || d.targets.size !== 1) return d;
  const [target] = d.targets;
  const other = parties.find((p) => p !== target);
  if (!other || !parties.includes(target!)) return d;
  return { agents: new Set([other]), targets: d.targets };
}

/**
 * True when two directions cannot describe the same event. Targets are compared only when
 * both say the same kind of thing: where something went, or where something is.
 */
export function conflicts(asked: Direction, held: Direction): boolean {
  const disjoint = (a: ReadonlySet<string>, b: ReadonlySet<string>) =>
    a.size > 0 && b.size > 0 && ![...a].some((x) => b.has(x));
  return (
    disjoint(asked.agents, held.agents) ||
    (Boolean(asked.moving) === Boolean(held.moving) && disjoint(asked.targets, held.targets))
  );
}
