/**
 * The content words of a question and what each can match in the index: the word itself,
 * its dictionary relatives (WordNet: synonyms, broader words, derivations; phrasal verbs as
 * one word), the domain thesaurus, longer words it begins, and words one typo away.
 *
 * Each word is also given a part in the question. A name ("Karzai", "Maiwand"), the event
 * asked about (the main verb: "visit", "close", "die") and any content word the knowledge
 * does not use at all ("population", "Elizabeth") must be held by the fact that answers;
 * other content words count toward how well it answers; wording (filler nouns, adverbs,
 * auxiliaries, particles) does not count at all.
 */
import type { KnowledgeIndex } from "../index/knowledge-index.ts";
import { indexTerms } from "../index/knowledge-index.ts";
import { englishFor, japaneseWords, usedAsVerb } from "../language/japanese.ts";
import {
  baseForms,
  isMotionVerb,
  isSpeechVerb,
  isAuxiliary,
  isGenericWord,
  isModifierOnly,
  partsOfSpeech,
  phraseAt,
  relatedWords,
} from "../language/lexicon.ts";
import { findRoles } from "../language/roles.ts";
import { wordnet, type Pos } from "../language/wordnet.ts";
import { gazetteer } from "../text/countries.ts";
import {
  editDistance,
  fold,
  irregularBase,
  isKanaFunctionWord,
  isStopWord,
  LONG_STOP_WORDS,
  stem,
  words,
} from "../text/normalize.ts";
import type { ParsedQuestion } from "./question.ts";
import { synonymsOf } from "./synonyms.ts";

// Words that frame a question about this domain but do not tell facts apart.
const FRAME_WORDS = new Set(
  (
    "year years date dates day days month months ago long much many number about after before since until till through via during " +
    "among between against within upon toward towards around onward onwards ever again later earlier " +
    "approximately roughly kind sort type information info detail details something anything thing things " +
    "fact facts bot kizuna country countries nation nations both two other each one relation relations " +
    "relationship history recent recently latest earliest first last newest oldest most least news event events " +
    "now today currently nowadays present presently still " +
    "いつ 何年 何月 何日 誰 だれ どこ なぜ どうして どの どんな 何 いくつ 何人 何回 ですか でしょうか 国 両国 二国 " +
    "出来事 こと 事 年 年代 月 日 教え 知り 知っ ありました あった 起き 起こっ 最新 最近 最初 最後 初めて " +
    "一番 最も 新しい 古い 直近 関係"
  ).split(" "),
);

const LONG_FRAME_WORDS = [...FRAME_WORDS].filter((w) => w.length >= 5);

/** A question word's part: what the answering fact must hold, or what only counts toward it. */
export type TermKind = "name" | "event" | "unknown" | "role" | "topic";

export interface QueryTerm {
  /** The word as the question wrote it, folded (a phrase: "drop by"). */
  readonly word: string;
  /** Its index term (stem). */
  readonly term: string;
  /** Vocabulary term → how well it stands for this term (1 exact, less for relatives and typos). */
  readonly expansions: ReadonlyMap<string, number>;
  /** How much the term tells facts apart: rarer terms weigh more. */
  readonly weight: number;
  /** Counts when ranking but not towards confidence (words of an event anchor). */
  readonly rankOnly: boolean;
  readonly kind: TermKind;
  /** The answering fact must hold it (names, the event asked about, unknown content). */
  readonly required: boolean;
  /**
   * A capital city's country ("Tokyo" → JP): a fact whose action goes to that country holds
   * the place too ("Karzai went to Tokyo" is his state visit to Japan).
   */
  readonly place?: string;
}

const QUALITY = { exact: 1, lemma: 0.95, synonym: 0.8, prefix: 0.8, oneTypo: 0.75, twoTypos: 0.55 } as const;
/** A word whose best stand-in in the knowledge is worth less than this has none (see rank's REQUIRED_QUALITY). */
const WEAKEST_STAND_IN = 0.55;
/** The least a name's stand-in may be worth (and two typos): its forms, close derivations, not broader words. */
const NAME_QUALITY = 0.75;
/** A dictionary relative's thesaurus synonym stands for the word a little less than the relative. */
const THESAURUS_STEP = 0.8;
const MAX_PREFIX = 15;

/** A word as the question uses it: where it stands and whether it is the verb of the question. */
interface Token {
  readonly word: string;
  /** A WordNet phrase ("drop by", "prime minister") standing for several words. */
  readonly phrase?: { lemma: string; pos: Pos };
  readonly verb: boolean;
  /** Describes the next word ("the *looted* pieces"): a modifier, not the topic. */
  readonly modifier?: boolean;
  /** An office ("prime minister"); `kind`: a kind of office ("leaders"), checked, not searched. */
  readonly role?: { readonly kind: boolean; readonly name: string };
  /** A noun naming the kind of the noun after it ("a *trade* agreement"): it must hold too. */
  readonly compound?: boolean;
  /** Right after "which"/"what": the kind of thing asked for ("which *city*"), not content. */
  readonly answerType?: boolean;
}

const SUPPORT_VERBS = new Set(["pay", "make", "take", "give", "have", "hold", "do", "conduct"]);
const DO_OR_MODAL = new Set([
  "do",
  "does",
  "did",
  "will",
  "would",
  "can",
  "could",
  "shall",
  "should",
  "may",
  "might",
  "must",
]);
const DETERMINERS = new Set([
  "the",
  "a",
  "an",
  "its",
  "his",
  "her",
  "their",
  "this",
  "that",
  "these",
  "those",
  "our",
  "my",
  "your",
]);

/**
 * The question's words, phrases joined, each marked when it is used as a verb: a phrasal
 * verb, an inflected verb form not led by a determiner ("visited", not "the looted
 * pieces"), or the first verb after an auxiliary and its subject ("did Ayub Khan *visit*").
 */
function tokenize(ws: readonly string[], personWords: ReadonlyMap<string, ReadonlySet<string>>): Token[] {
  const out: Token[] = [];
  let afterAuxiliary = false;
  let verbFound = false;
  // After a determiner, words belong to its noun phrase until a preposition ends it.
  let inPhrase = false;
  // A title that is part of a name the knowledge holds ("Zahir Shah") is the name, not an office.
  const inName = (r: { start: number; length: number }) =>
    r.length === 1 &&
    [ws[r.start - 1], ws[r.start + 1]].some((w) => w !== undefined && personWords.get(w)?.has(ws[r.start]!));
  const roles = new Map(
    findRoles(ws)
      .filter((r) => !inName(r))
      .map((r) => [r.start, r]),
  );
  for (let i = 0; i < ws.length;) {
    const word = ws[i]!;
    const role = roles.get(i);
    if (role) {
      out.push({
        word: ws.slice(i, i + role.length).join(" "),
        verb: false,
        role: { kind: role.role.kinds !== undefined, name: role.role.name },
      });
      i += role.length;
      continue;
    }
    const phrase = /^\p{Script=Latin}/u.test(word) ? phraseAt(ws, i) : undefined;
    if (phrase) {
      const verb = phrase.pos === "v";
      // "a *free trade* agreement": a noun phrase naming the kind of the noun after it must hold too.
      const after = ws[i + phrase.length];
      const compound =
        phrase.pos === "n" &&
        after !== undefined &&
        !isStopWord(after) &&
        partsOfSpeech(after).has("n") &&
        !partsOfSpeech(after).has("v");
      out.push({ word: phrase.lemma, phrase: { lemma: phrase.lemma, pos: phrase.pos }, verb, compound });
      if (verb) verbFound = true;
      i += phrase.length;
      continue;
    }
    if (isAuxiliary(word)) {
      // Only "did", "will", "could" … are followed by a verb's base form; after "was" or
      // "has" a verb is a participle ("was visited"), which the form itself shows.
      afterAuxiliary = DO_OR_MODAL.has(word);
      out.push({ word, verb: false });
      i++;
      continue;
    }
    if (DETERMINERS.has(word)) inPhrase = true;
    else if (isStopWord(word)) inPhrase = false;
    const pos = partsOfSpeech(word);
    const led = DETERMINERS.has(ws[i - 1] ?? "");
    const inflected =
      pos.has("v") &&
      baseForms(word).some((b) => b.pos === "v" && b.lemma !== word) &&
      (/(?:ed|ing|[^s]s)$/.test(word) || irregularBase(word) !== undefined);
    let verb = false;
    // "-s" forms are mostly plural nouns ("troops"); inside a noun phrase a participle describes
    // the noun that follows ("the first *recorded* contact"), and so does one right after the
    // verb, before its object ("return *stolen* antiquities").
    const next = ws[i + 1];
    const nounNext = next !== undefined && partsOfSpeech(next).has("n") && !isStopWord(next);
    const afterVerb = out.at(-1)?.verb === true && /(?:ed|en)$/.test(word);
    const describes = (inPhrase || afterVerb) && nounNext;
    if (pos.has("v") && !led && !describes && (inflected || ws[i - 1] === "to"))
      verb = /s$/.test(word) ? !pos.has("n") : true;
    else if (afterAuxiliary && !verbFound && pos.has("v") && !led && !isStopWord(word)) {
      if (inPhrase && pos.has("n"))
        // Inside "the earliest contacts between …" a noun-or-verb is the noun, unless an
        // object follows it at once ("did the ambassador *offer* the Taliban").
        verb = next === undefined || DETERMINERS.has(next);
      else {
        // "did the earliest contacts happen": a noun-or-verb followed by a verb is the subject's noun.
        // A participle followed by a noun describes that noun ("did Japan return *looted* art").
        const describesNext =
          /(?:ed|en)$/.test(next ?? "") &&
          ws[i + 2] !== undefined &&
          partsOfSpeech(ws[i + 2]!).has("n") &&
          !isStopWord(ws[i + 2]!);
        const nextIsVerb =
          next !== undefined &&
          (phraseAt(ws, i + 1)?.pos === "v" ||
            (partsOfSpeech(next).has("v") && !isStopWord(next) && !describesNext));
        verb = !(pos.has("n") && nextIsVerb);
      }
      if (verb) inPhrase = false;
    }
    // "pay a visit", "make a trip", "hold talks": the noun is the event, the verb only carries it.
    const lemma = baseForms(word).find((b) => b.pos === "v")?.lemma ?? word;
    if (verb && SUPPORT_VERBS.has(lemma) && DETERMINERS.has(next ?? "")) verb = false;
    // "become official partners" says nothing happened; "become president" is taking office.
    if (verb && lemma === "become" && !roles.has(i + 1) && !roles.has(i + 2)) verb = false;
    if (verb) verbFound = true;
    // Between a determiner and a noun, a participle or adjective describes the noun.
    const modifier =
      !verb &&
      (led || describes) &&
      next !== undefined &&
      !isStopWord(next) &&
      ((pos.has("a") && !pos.has("n")) || /(?:ed|ing)$/.test(word) || pos.size === 0);
    const compound =
      !verb &&
      !modifier &&
      pos.has("n") &&
      next !== undefined &&
      !isStopWord(next) &&
      !phraseAt(ws, i + 1) &&
      partsOfSpeech(next).has("n") &&
      !partsOfSpeech(next).has("v");
    out.push({ word, verb, modifier, compound, answerType: ws[i - 1] === "which" || ws[i - 1] === "what" });
    i++;
  }
  return out;
}

/**
 * A Japanese question's words (glossary entries whole: see japaneseWords). An entry standing
 * for a verb and followed by する/した is the question's verb; one standing for a title is an
 * office.
 */
function tokenizeJapanese(text: string): Token[] {
  const folded = fold(text);
  return japaneseWords(folded).map(({ word, english, end }): Token => {
    if (!english) return { word, verb: false };
    const englishWords = english.split(" ");
    const role = findRoles(englishWords)[0];
    if (role && role.length === englishWords.length)
      return { word, verb: false, role: { kind: role.role.kinds !== undefined, name: role.role.name } };
    return { word, verb: partsOfSpeech(englishWords[0]!).has("v") && usedAsVerb(folded, end) };
  });
}

/** The knowledge's proper names by their index term (for names met through a typo). */
const NAMES_BY_STEM = new WeakMap<KnowledgeIndex, Map<string, string[]>>();
function namesByStem(index: KnowledgeIndex): Map<string, string[]> {
  let map = NAMES_BY_STEM.get(index);
  if (!map) {
    map = new Map();
    for (const name of index.names.keys()) {
      const list = map.get(stem(name)) ?? [];
      list.push(name);
      map.set(stem(name), list);
    }
    NAMES_BY_STEM.set(index, map);
  }
  return map;
}

/** True when b is a with two neighbouring letters swapped ("maiwnad"). */
function isSwap(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  const diff: number[] = [];
  for (let i = 0; i < a.length && diff.length <= 2; i++) if (a[i] !== b[i]) diff.push(i);
  const [i, j] = diff;
  return diff.length === 2 && j === i! + 1 && a[i!] === b[j!] && a[j!] === b[i!];
}

/** True when the word is one of the knowledge's names, as written or with a typo ("Karzia"). */
function isNameOf(index: KnowledgeIndex, word: string, expansions: ReadonlyMap<string, number>): boolean {
  if (index.names.has(word)) return true;
  const byStem = namesByStem(index);
  const max = word.length >= 8 ? 2 : 1;
  for (const [e, quality] of expansions) {
    if (quality !== QUALITY.exact && quality !== QUALITY.oneTypo && quality !== QUALITY.twoTypos) continue;
    for (const name of byStem.get(e) ?? [])
      if (editDistance(name, word, max) <= max || isSwap(name, word)) return true;
  }
  return false;
}

/** The question's content terms: what is left after dates, countries, frame words and wording. */
export function contentTerms(
  index: KnowledgeIndex,
  q: ParsedQuestion,
  rankOnlyWords: ReadonlySet<string>,
  skip: ReadonlySet<string> = new Set(),
): QueryTerm[] {
  const n = Math.max(index.facts.length, 1);
  const seen = new Set<string>();
  const out: QueryTerm[] = [];
  const tokens =
    q.locale === "ja" ? tokenizeJapanese(q.residual) : tokenize(words(q.residual), index.personWords);
  for (const [at, token] of tokens.entries()) {
    const { word } = token;
    // A kind of office ("leaders") is checked against the facts' offices, not searched as a word.
    if (token.role?.kind) continue;
    if (!token.phrase && !token.role && (isStopWord(word) || isKanaFunctionWord(word) || isAuxiliary(word)))
      continue;
    if (FRAME_WORDS.has(word) || skip.has(word) || gazetteer().resolve(word, { codes: false })) continue;
    // A Japanese word standing for a verb that only says something happened ("開かれ": was held).
    const english = q.locale === "ja" ? englishFor(word) : undefined;
    if (english && (LIGHT_VERBS.has(english) || isGenericWord(english))) continue;
    if (!token.phrase && isGenericWord(word)) continue;
    if (isMisspelledFrameWord(index, word)) continue;
    const [term] = token.phrase || token.role ? [word] : indexTerms(word);
    if (!term || seen.has(term)) continue;
    seen.add(term);
    let expansions = token.phrase
      ? phraseExpansions(index, token.phrase.lemma, token.phrase.pos)
      : token.role
        ? roleExpansions(index, `${word} ${token.role.name}`)
        : expansionsOf(index, term, word);
    // A verb of motion toward a country ("swing by Japan", "head over to Afghanistan") is a
    // visit; a verb of speaking ("talk about", "state") is answered by what someone said.
    const verbWord = token.phrase ? token.phrase.lemma : word;
    // Only for a verb the knowledge does not use itself: "sign" is signing, not speaking.
    const own = [...expansions.values()].some((quality) => quality >= QUALITY.lemma);
    if (token.verb && !own) {
      // "send troops to Afghanistan": with an object of its own, what moves is the object, and
      // the subject visits nothing.
      const next = tokens[at + 1];
      const object =
        next !== undefined &&
        !next.verb &&
        !next.role &&
        !isStopWord(next.word) &&
        partsOfSpeech(next.word.split(" ")[0]!).has("n");
      if (q.direction.moving && !object && (isMotionVerb(verbWord) || isMotionVerb(verbWord.split(" ")[0]!)))
        expansions = withClass(index, expansions, MOTION_WORDS);
      else if (isSpeechVerb(verbWord)) expansions = withClass(index, expansions, SPEECH_WORDS);
    }
    let kind = kindOf(index, q, word, token, expansions);
    if (kind === undefined) continue;
    // A name is held only as itself, its forms or a misspelling: "Christianity" is not held by
    // a fact about a religion, nor "Khan" by one about a king.
    if (kind === "name" && !token.role) {
      expansions = new Map(
        [...expansions].filter(([, quality]) => quality >= NAME_QUALITY || quality === QUALITY.twoTypos),
      );
      if (expansions.size === 0) kind = "unknown";
    }
    // Rarer terms tell facts apart better; a term the knowledge never uses weighs most.
    const weight = Math.log(1 + n / (representativeFrequency(index, term, expansions) + 0.5));
    const capitalOf = token.phrase || token.role ? undefined : gazetteer().capitalOf(word);
    out.push({
      word,
      term,
      expansions,
      weight,
      rankOnly: rankOnlyWords.has(word),
      kind,
      ...(capitalOf ? { place: capitalOf.code } : {}),
      required:
        kind === "name" ||
        kind === "event" ||
        kind === "unknown" ||
        (kind === "topic" && Boolean(token.compound)),
    });
  }
  return out;
}

// Adverbs that turn an event into its near miss or its absence.
const POLARITY = new Set(["almost", "nearly", "never", "hardly", "barely", "narrowly"]);

// Verbs that say only that something happened or was so: never the event asked about.
const LIGHT_VERBS = new Set(
  (
    "happen occur get make be have do see know mean want like need say tell show call think feel believe consider " +
    "plan intend try hope aim seek attempt wish expect hold"
  ).split(" "),
);
const LIGHT_PHRASES = new Set([
  "take place",
  "go on",
  "come about",
  "think of",
  "think about",
  "come up",
  "turn out",
]);

/** A word's part in the question; undefined: wording, to be left out. */
function kindOf(
  index: KnowledgeIndex,
  q: ParsedQuestion,
  word: string,
  token: Token,
  expansions: ReadonlyMap<string, number>,
): TermKind | undefined {
  if (token.role) return "role";
  // "almost established", "never visited": the fact must say so too, or it answers another question.
  if (POLARITY.has(word)) return "unknown";
  // "the looted pieces": a describing word counts only when the knowledge uses it as such.
  if (token.modifier && ![...expansions.values()].some((q) => q >= QUALITY.lemma)) return undefined;
  if (isNameOf(index, word, expansions)) return "name";
  // A word the question capitalizes ("Shinto") is a name the fact must hold, if the knowledge has it.
  if (q.capitalized.has(word) && expansions.size > 0 && !token.phrase) return "name";
  if (token.phrase && LIGHT_PHRASES.has(token.phrase.lemma)) return undefined;
  // Only distant relatives in the knowledge ("population" → "group"): the knowledge does not
  // hold what is asked, as when it has no stand-in at all (a stand-in this weak could not
  // hold a required word either: rank's REQUIRED_QUALITY).
  const weak = expansions.size > 0 && Math.max(...expansions.values()) < WEAKEST_STAND_IN;
  if (expansions.size === 0 || weak) {
    // "became official partners": a verb that only links or says something happened is
    // wording, whether or not it is the question's verb.
    const verbLemmas = baseForms(word)
      .filter((b) => b.pos === "v")
      .map((b) => b.lemma);
    if (
      verbLemmas.length > 0 &&
      verbLemmas.some((l) => LIGHT_VERBS.has(l) || (l === "become" && !token.verb))
    )
      return undefined;
    // Numbers, and words too short to correct a typo in ("sha"), count without being required.
    if (
      /^\d+$/.test(word) ||
      (word.length <= 3 && /^\p{Script=Latin}+$/u.test(word) && partsOfSpeech(word).size === 0)
    )
      return "topic";
    if (q.locale === "ja")
      return isKanaFunctionWord(word) || /^\p{Script=Hiragana}+$/u.test(word) ? undefined : "unknown";
    // Not in the knowledge: wording is left out ("the *looted* pieces", "formally"),
    // content means the knowledge does not hold what is asked.
    if (
      !q.capitalized.has(word) &&
      (token.modifier || token.answerType || isModifierOnly(word) || isGenericWord(word))
    )
      return undefined;
    return "unknown";
  }
  if (token.verb) {
    const lemmas = token.phrase
      ? [token.phrase.lemma]
      : baseForms(word)
          .filter((b) => b.pos === "v")
          .map((b) => b.lemma);
    if (lemmas.length > 0 && lemmas.every((l) => LIGHT_VERBS.has(l))) return undefined;
    return "event";
  }
  return "topic";
}

/**
 * "what happend in 1969": a word the facts never use that is one typo from a stop or frame
 * word is that word, not content the knowledge lacks (which would weigh the most).
 */
function isMisspelledFrameWord(index: KnowledgeIndex, word: string): boolean {
  // A dictionary word is itself ("fight" is not a misspelled "might").
  if (word.length < 5 || index.surface.has(word) || partsOfSpeech(word).size > 0) return false;
  let known = MISSPELLED.get(word);
  if (known === undefined) {
    known = LONG_WORDING.some((w) => Math.abs(w.length - word.length) <= 1 && editDistance(w, word, 1) <= 1);
    if (MISSPELLED.size >= 20_000) MISSPELLED.clear();
    MISSPELLED.set(word, known);
  }
  return known;
}
const LONG_WORDING = [...LONG_STOP_WORDS, ...LONG_FRAME_WORDS];
const MISSPELLED = new Map<string, boolean>();

/** The term's own document frequency, or that of its best stand-in when it is not indexed. */
function representativeFrequency(
  index: KnowledgeIndex,
  term: string,
  expansions: ReadonlyMap<string, number>,
) {
  const exact = index.documentFrequency(term);
  if (exact > 0) return exact;
  let best = 0;
  let df = 0;
  for (const [t, quality] of expansions) {
    const d = index.documentFrequency(t);
    if (quality > best || (quality === best && d > df)) [best, df] = [quality, d];
  }
  return df;
}

/** A term's expansions, memoized per index (which never changes). */
export function expansionsOf(index: KnowledgeIndex, term: string, word: string): ReadonlyMap<string, number> {
  const key = `${term}\u0000${word}`;
  const cached = index.expansionCache.get(key);
  if (cached) return cached;
  const value = expand(index, term, word);
  index.cacheExpansion(key, value);
  return value;
}

// The plain words of a class of verbs that facts are written with.
const MOTION_WORDS = ["visit", "travel", "come", "trip"];
// Not "state": facts use it as a noun ("a state visit", "State Minister").
const SPEECH_WORDS = ["say", "declare", "speak", "talk", "urge", "express", "announce", "remark"];
const CLASS_QUALITY = 0.7;

/** Expansions plus the knowledge's plain words of the same class of verb ("visit" for "swing by"). */
function withClass(
  index: KnowledgeIndex,
  expansions: ReadonlyMap<string, number>,
  words: readonly string[],
): ReadonlyMap<string, number> {
  const out = new Map(expansions);
  for (const w of words) {
    const t = stem(w);
    if (index.vocabulary.has(t) && (out.get(t) ?? 0) < CLASS_QUALITY) out.set(t, CLASS_QUALITY);
  }
  return out;
}

/** An office's words as index terms ("prime minister" → prime, minist), with their synonyms. */
function roleExpansions(index: KnowledgeIndex, words: string): ReadonlyMap<string, number> {
  const out = new Map<string, number>();
  for (const w of words.split(" ")) {
    const [t] = indexTerms(w);
    if (!t) continue;
    for (const [e, q] of expansionsOf(index, t, w)) if ((out.get(e) ?? 0) < q) out.set(e, q);
  }
  return out;
}

/** A phrase's expansions: its dictionary relatives, and its first word's (slightly less). */
function phraseExpansions(index: KnowledgeIndex, lemma: string, pos: Pos): ReadonlyMap<string, number> {
  const key = `\u0001${lemma}/${pos}`;
  const cached = index.expansionCache.get(key);
  if (cached) return cached;
  const out = new Map<string, number>();
  const put = (t: string, q: number) => {
    if ((out.get(t) ?? 0) < q) out.set(t, q);
  };
  // A phrase the knowledge uses as such ("prime minister", "head of state") matches its words.
  const own = indexTerms(lemma);
  if (own.length > 1 && own.every((t) => index.vocabulary.has(t))) for (const t of own) put(t, QUALITY.exact);
  for (const [w, q] of relatedWords(lemma, pos)) addWord(index, w, q, put);
  const head = lemma.split(" ")[0]!;
  const [headTerm] = indexTerms(head);
  if (headTerm && pos === "v") for (const [t, q] of expand(index, headTerm, head, false)) put(t, q * 0.9);
  index.cacheExpansion(key, out);
  return out;
}

// Verbs so common that a dictionary link to them bridges nothing ("become" ~ "get").
const TOO_COMMON = new Set([
  "get",
  "make",
  "have",
  "do",
  "be",
  "go",
  "put",
  "set",
  "turn",
  "run",
  "hold",
  "take",
  "let",
  "come",
]);

/** A related word (possibly a phrase) as index terms: only whole words the knowledge uses. */
function addWord(
  index: KnowledgeIndex,
  w: string,
  quality: number,
  put: (t: string, q: number) => void,
): void {
  if (w.includes(" ") || TOO_COMMON.has(w)) return;
  // Most relatives are plain lower-case words: stemmed directly (this runs for every relative).
  const [t] = /^[a-z]+$/.test(w) ? (isStopWord(w) ? [] : [stem(w)]) : indexTerms(w);
  if (t && index.vocabulary.has(t)) put(t, quality);
}

/** Expands a stem against the vocabulary: exact, relatives, synonyms, prefixes, and typos. */
function expand(index: KnowledgeIndex, term: string, word: string, fuzzy = true): Map<string, number> {
  const out = new Map<string, number>();
  const put = (t: string, q: number) => {
    if ((out.get(t) ?? 0) < q) out.set(t, q);
  };
  if (index.vocabulary.has(term)) put(term, QUALITY.exact);
  for (const s of synonymsOf(term)) if (index.vocabulary.has(s)) put(s, QUALITY.synonym);
  // A Japanese word the glossary knows stands for its English words (and their relatives).
  const english = englishFor(word);
  if (english)
    for (const w of english.split(" ")) {
      const [t] = indexTerms(w);
      if (!t) continue;
      if (index.vocabulary.has(t)) put(t, QUALITY.synonym);
      for (const s of synonymsOf(t)) if (index.vocabulary.has(s)) put(s, QUALITY.synonym * 0.9);
      for (const b of baseForms(w))
        for (const [r, q] of relatedWords(b.lemma, b.pos)) addWord(index, r, q * 0.9, put);
    }
  if (/^\p{Script=Latin}+$/u.test(word)) {
    // Dictionary relatives of the word's base forms, in the parts of speech it is mostly used as.
    const wn = wordnet();
    const forms = baseForms(word);
    const frequency = (b: (typeof forms)[number]) => wn.frequency(wn.id(b.lemma)!, b.pos);
    const top = Math.max(0, ...forms.map(frequency));
    for (const b of forms) {
      if (top > 0 && frequency(b) === 0) continue;
      const [lemmaTerm] = indexTerms(b.lemma);
      if (lemmaTerm && lemmaTerm !== term && index.vocabulary.has(lemmaTerm)) put(lemmaTerm, QUALITY.lemma);
      for (const [w, q] of relatedWords(b.lemma, b.pos)) {
        addWord(index, w, q, put);
        // One step on through the domain thesaurus: "give" → "giver" (derived) → "donor".
        if (/^[a-z]+$/.test(w) && !TOO_COMMON.has(w))
          for (const s of synonymsOf(stem(w))) if (index.vocabulary.has(s)) put(s, q * THESAURUS_STEP);
      }
    }
  }
  if (!fuzzy) return out;
  if (term.length >= 4 && /^\p{L}+$/u.test(term)) {
    let n = 0;
    for (const [t] of index.vocabulary.atPrefix(term)) {
      if (t !== term) put(t, QUALITY.prefix);
      if (++n >= MAX_PREFIX) break;
    }
    for (const [t, d] of typos(
      term,
      (max) => index.vocabulary.fuzzyGet(term, max),
      (s) => index.vocabulary.has(s),
    ))
      if (!out.has(t) && t.length >= 3) put(t, d === 1 ? QUALITY.oneTypo : QUALITY.twoTypos);
  }
  // Typos also against the words as written: a misspelled word stems oddly ("relatons"
  // → "relaton"), while its surface form is one letter from "relations".
  if (word.length >= 5 && /^\p{L}+$/u.test(word)) {
    for (const [surface, d] of typos(
      word,
      (max) => index.surface.fuzzyGet(word, max),
      (s) => index.surface.has(s),
    )) {
      const stemOf = index.surface.get(surface);
      if (stemOf && !out.has(stemOf)) put(stemOf, d === 1 ? QUALITY.oneTypo : QUALITY.twoTypos);
    }
  }
  return out;
}

/**
 * Words one edit away (two from 8 letters on), and a swap of two neighbouring letters as
 * one edit ("kahn" → "khan"). The fuzzy search runs at the distance allowed, no further:
 * at distance 2 it costs twenty times more.
 */
function typos(
  text: string,
  fuzzy: (max: number) => Map<string, unknown>,
  has: (s: string) => boolean,
): Array<[string, number]> {
  const max = text.length >= 8 ? 2 : 1;
  const out = new Map<string, number>();
  for (const [t] of fuzzy(max)) {
    if (t === text) continue;
    const d = editDistance(text, t, max);
    if (d <= max) out.set(t, d);
  }
  for (let i = 0; i + 1 < text.length; i++) {
    const swapped = text.slice(0, i) + text[i + 1] + text[i] + text.slice(i + 2);
    if (swapped !== text && has(swapped)) out.set(swapped, 1);
  }
  return [...out];
}
