/**
 * Words as a dictionary sees them, from WordNet: their base forms (morphology), their
 * parts of speech, the phrases that are one word in meaning ("drop by", "prime minister",
 * "head of state"), and the words related in meaning (synonyms, broader and narrower
 * words, derivations: "donate" ~ "donation"). The engine uses it to tell the wording of a
 * question from its content and to bridge a question's words to the knowledge's words.
 */
import { irregularBase } from "../text/normalize.ts";
import { wordnet, type Pos } from "./wordnet.ts";

// WordNet's own detachment rules (morphy): an inflected form minus its ending, plus a
// replacement, is tried against the dictionary.
const DETACH: Record<Pos, ReadonlyArray<readonly [string, string]>> = {
  n: [
    ["s", ""],
    ["ses", "s"],
    ["xes", "x"],
    ["zes", "z"],
    ["ches", "ch"],
    ["shes", "sh"],
    ["men", "man"],
    ["ies", "y"],
  ],
  v: [
    ["s", ""],
    ["ies", "y"],
    ["es", "e"],
    ["es", ""],
    ["ed", "e"],
    ["ed", ""],
    ["ing", "e"],
    ["ing", ""],
  ],
  a: [
    ["er", ""],
    ["est", ""],
    ["er", "e"],
    ["est", "e"],
  ],
  r: [],
};

export interface BaseForm {
  readonly lemma: string;
  readonly pos: Pos;
}

const BASES = new Map<string, readonly BaseForm[]>();

/** Base forms of a folded word by part of speech: "royals" → royal (n), "visited" → visit (v). */
export function baseForms(word: string): readonly BaseForm[] {
  const known = BASES.get(word);
  if (known) return known;
  const wn = wordnet();
  const out: BaseForm[] = [];
  const seen = new Set<string>();
  const add = (lemma: string, pos: Pos) => {
    const id = wn.id(lemma);
    if (id === undefined || !wn.hasPos(id, pos) || seen.has(`${lemma}/${pos}`)) return;
    seen.add(`${lemma}/${pos}`);
    out.push({ lemma, pos });
  };
  for (const pos of ["n", "v", "a", "r"] as const) add(word, pos);
  const irregular = irregularBase(word);
  if (irregular) add(irregular, "v");
  for (const pos of ["n", "v", "a"] as const)
    for (const [ending, replacement] of DETACH[pos]) {
      if (!word.endsWith(ending) || word.length - ending.length < 2) continue;
      const base = word.slice(0, word.length - ending.length) + replacement;
      add(base, pos);
      // "stopped" → "stopp" → "stop": a doubled final consonant before -ed, -ing, -er.
      if (replacement === "" && /([b-df-hj-np-tv-z])\1$/.test(base)) add(base.slice(0, -1), pos);
    }
  if (BASES.size >= 20_000) BASES.clear();
  BASES.set(word, out);
  return out;
}

/** Parts of speech of any base form of the word (empty: not an English dictionary word). */
export function partsOfSpeech(word: string): ReadonlySet<Pos> {
  return new Set(baseForms(word).map((b) => b.pos));
}

/**
 * True when the word is only ever an adjective or adverb (never a noun or a verb): a
 * question's manner and degree ("formally", "officially", "looted"), not its topic.
 */
export function isModifierOnly(word: string): boolean {
  const pos = partsOfSpeech(word);
  return pos.size > 0 && !pos.has("n") && !pos.has("v");
}

/**
 * True for a noun that names no particular thing: WordNet holds it only as a proper name
 * (an instance without a kind, such as a person's name) — false for ordinary nouns.
 */
export function isNameOnly(word: string): boolean {
  const wn = wordnet();
  for (const { lemma, pos } of baseForms(word)) {
    if (pos !== "n") return false;
    const id = wn.id(lemma)!;
    for (const s of wn.senses(id, "n")) if (wn.hypernyms(s).length > 0) return false;
  }
  return baseForms(word).length > 0;
}

/** True for a word the dictionary holds as a common word (not only as a name). */
export function isOrdinaryWord(word: string): boolean {
  return baseForms(word).length > 0 && !isNameOnly(word);
}

/** A phrase of 2–4 words that WordNet holds as one lemma, starting at `i` (longest first). */
export function phraseAt(
  ws: readonly string[],
  i: number,
): { lemma: string; length: number; pos: Pos } | undefined {
  const wn = wordnet();
  for (let n = Math.min(4, ws.length - i); n >= 2; n--) {
    // The first word may be inflected ("dropped by", "heads of state"): try its base forms.
    const rest = ws.slice(i + 1, i + n).join(" ");
    const heads = new Set([ws[i]!, ...baseForms(ws[i]!).map((b) => b.lemma)]);
    for (const head of heads) {
      const lemma = `${head} ${rest}`;
      const id = wn.id(lemma);
      if (id === undefined) continue;
      for (const pos of ["v", "n"] as const) if (wn.hasPos(id, pos)) return { lemma, length: n, pos };
    }
  }
  return undefined;
}

/** How much a related word stands for the original (1 would be the word itself). */
export const RELATED_QUALITY = { synonym: 0.75, derived: 0.75, broader: 0.6, narrower: 0.6 } as const;
/** Broader words more general than this (counting their narrower words) are not used. */
const MAX_NARROWER = 40;
/** Senses considered, most frequent first, and how much each counts. */
const SENSE_WEIGHTS = [1, 0.85, 0.7];

const RELATED = new Map<string, ReadonlyMap<string, number>>();

/**
 * Words related in meaning to a lemma of this part of speech, with a quality: synonyms
 * and derivations (0.75) and the immediate broader words (0.6) of its most frequent
 * senses. "drop by" → visit; "kick off" → inaugurate, start; "donate" → donation, give.
 */
export function relatedWords(lemma: string, pos: Pos): ReadonlyMap<string, number> {
  const key = `${lemma}/${pos}`;
  const known = RELATED.get(key);
  if (known) return known;
  const wn = wordnet();
  const out = new Map<string, number>();
  const put = (id: number, q: number) => {
    const w = wn.lemma(id);
    if (w !== lemma && (out.get(w) ?? 0) < q) out.set(w, q);
  };
  const id = wn.id(lemma);
  if (id !== undefined) {
    const senses = wn.senses(id, pos);
    senses.slice(0, SENSE_WEIGHTS.length).forEach((synset, i) => {
      const weight = SENSE_WEIGHTS[i]!;
      for (const m of wn.members(synset)) put(m, RELATED_QUALITY.synonym * weight);
      // A broader word with scores of narrower ones ("person", "move", "change") says nothing.
      if (pos === "n" || pos === "v")
        for (const h of wn.hypernyms(synset))
          if (wn.narrowerCount(h) <= MAX_NARROWER)
            for (const m of wn.members(h)) put(m, RELATED_QUALITY.broader * weight);
    });
    for (const d of wn.derived(id)) put(d, RELATED_QUALITY.derived);
  }
  if (RELATED.size >= 20_000) RELATED.clear();
  RELATED.set(key, out);
  return out;
}

// Nouns that stand in for whatever a question is about ("the looted pieces", "what kind of
// thing"), verbs that only carry tense or that something happened, and adverbs of degree:
// the wording of a question, never its content.
const GENERIC = new Set(
  (
    "thing things stuff piece pieces item items bit bits part parts kind kinds sort sorts type types way ways lot lots " +
    "deal matter matters case cases fact facts information info detail details news event events development " +
    "developments update updates story stories situation occasion occasions moment moments time times period " +
    "something anything everything nothing someone anyone somebody anybody everyone one ones side sides " +
    "happen happened happens happening occur occurred occurs place " +
    "get got gotten gets be been being do did does done have has had make made " +
    "really actually ever exactly just still even also already yet quite very much more most ago back " +
    "two both each either neither other another former latter certain particular specific member members " +
    "behind because despite although though whether while whereas unless according regarding concerning across " +
    "along beyond onto per versus within without throughout besides near next above below beneath beside inside " +
    "outside around together instead toward towards upon via amid amongst idea clue guys anyone somebody folks like unlike " +
    // Chat: greetings, interjections and abbreviations people type around a question.
    "hi hey hello yo hiya ok okay lol lmao rofl haha omg pls plz thx thanks ty btw idk imo imho tbh fyi bro dude " +
    "ngl smh fr u ur ya yeah yep nope hmm um uh " +
    // A pair of people named elsewhere ("the royal couple"); what a source says ("the quote").
    "couple pair quote quotes quotation"
  ).split(" "),
);

/** True for a word that is wording, not content ("pieces", "happen", "actually"). */
export function isGenericWord(word: string): boolean {
  return GENERIC.has(word);
}

// Verbs that carry no event of their own: "did", "was", "has".
const AUXILIARIES = new Set(
  "do does did was were is are am be been has have had will would can could shall should may might must".split(
    " ",
  ),
);

/** True for an auxiliary or modal verb ("did", "was", "could"). */
export function isAuxiliary(word: string): boolean {
  return AUXILIARIES.has(word);
}

/** WordNet's class of verbs of motion ("go", "head", "swing", "travel"). */
const VERB_MOTION = 38;

/** WordNet's class of verbs of speaking ("say", "talk about", "urge", "declare"). */
const VERB_COMMUNICATION = 32;

/** True when one of the verb's `senses` most frequent senses is in the given class. */
function verbOfClass(word: string, lexFile: number, count = 2): boolean {
  const wn = wordnet();
  const forms = word.includes(" ") ? [{ lemma: word, pos: "v" as const }] : baseForms(word);
  for (const b of forms) {
    if (b.pos !== "v") continue;
    const id = wn.id(b.lemma);
    if (id === undefined) continue;
    const senses = wn.senses(id, "v");
    for (let i = 0; i < Math.min(count, senses.length); i++)
      if (wn.lexFile(senses[i]!) === lexFile) return true;
  }
  return false;
}

/** WordNet's classes of nouns of acts and events ("invasion", "visit", "victory"). */
const NOUN_ACT = 4;
const NOUN_EVENT = 11;

/** True for a noun whose most frequent senses are an act or an event ("invasion", not "embassy"). */
export function isEventNoun(word: string): boolean {
  const wn = wordnet();
  for (const b of baseForms(word)) {
    if (b.pos !== "n") continue;
    const id = wn.id(b.lemma);
    if (id === undefined) continue;
    const senses = wn.senses(id, "n");
    for (let i = 0; i < Math.min(2, senses.length); i++) {
      const file = wn.lexFile(senses[i]!);
      if (file === NOUN_ACT || file === NOUN_EVENT) return true;
    }
  }
  return false;
}

/** True for a verb of movement ("swing by", "head over", "send"). */
export function isMotionVerb(word: string): boolean {
  return verbOfClass(word, VERB_MOTION);
}

/** True for a verb of speaking ("talk about", "say", "state"). */
export function isSpeechVerb(word: string): boolean {
  // The most frequent sense only: "attack" criticizes in its second sense, but asks about an attack.
  return verbOfClass(word, VERB_COMMUNICATION, 1);
}
