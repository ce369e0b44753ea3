/**
 * Text normalization shared by the index and the question parser: both sides of a
 * match must be processed the same way, so this is the only place that decides what a
 * "term" is.
 */
import { stemmer } from "stemmer";

/** Longest input the engine looks at; longer questions are cut, never rejected. */
export const MAX_QUESTION_CHARS = 500;

// Control, format (zero-width, bidi overrides) and private-use characters carry no
// meaning for matching and can hide text from a reader; they are removed everywhere.
// eslint-disable-next-line no-control-regex
const INVISIBLE =
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]/g;

/** Removes invisible and control characters, collapses whitespace, trims. */
export function sanitize(text: string): string {
  return text.replace(INVISIBLE, "").replace(/\s+/gu, " ").trim();
}

/** Lower-cases and folds accents (Tōgō → togo), keeping non-Latin scripts intact. */
export function fold(text: string): string {
  // Plain ASCII (most of what is indexed) needs no Unicode normalization.
  if (/^[\x00-\x5f\x61-\x7f]*$/.test(text)) return text.toLowerCase();
  return (
    text
      // Before NFKD, which turns "´" into a space and a combining accent.
      .replace(/[’‘`´]/g, "'")
      .normalize("NFKD")
      // Only Latin diacritics are folded; kana voicing marks change the word, so they stay.
      .replace(/[\u0300-\u036f]/g, "")
      .normalize("NFC")
      .toLowerCase()
      // Katakana spell a long vowel with ー or leave it out ("ダーウード", "ダウード"): names
      // compare without it.
      .replace(/(?<=[\u30a1-\u30fa])ー/gu, "")
  );
}

// Question words, auxiliaries and the most common function words. Kept short on purpose:
// words like "first", "after" or "relations" carry meaning for this domain.
const STOP_WORDS = new Set(
  (
    "a an the and or but of to in on at by for from with without into onto over under about as is are was were be been " +
    "being am do does did done doing have has had having will would shall should can could may might must " +
    "what when where who whom whose which why how whats whens wheres whos hows " +
    "this that these those there here it its it's they them their theirs he him his she her hers we us our you your i me my " +
    "any some all each every no not than then so such very just also too only ever " +
    "tell please know show me list happen happened happens happening occur occurred event events " +
    "s t d ll re ve"
  ).split(" "),
);

/** True for words that never carry the content of a question. */
export function isStopWord(term: string): boolean {
  return STOP_WORDS.has(term);
}

/** Long stop words, for telling a misspelled one ("happend") from a content word. */
export const LONG_STOP_WORDS: readonly string[] = [...STOP_WORDS].filter((w) => w.length >= 5);

// Scripts written without spaces need a dictionary-based segmenter; ICU's Japanese model
// also covers Chinese ideographs.
const CJK_WORDS = new Intl.Segmenter("ja", { granularity: "word" });
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Thai}]/u;

// For text without CJK or Thai, a regular expression finds the same words as the ICU
// segmenter at a twentieth of the cost (indexing 100 000 facts tokenizes a lot).
const LATIN_WORDS = /[\p{L}\p{N}]+(?:'[\p{L}]+)*/gu;

/** Splits folded text into word tokens (no stemming, no stop-word removal). */
export function words(text: string): string[] {
  const folded = fold(text);
  const out: string[] = [];
  if (!CJK.test(folded)) {
    for (const m of folded.matchAll(LATIN_WORDS)) {
      // "afghanistan's" → "afghanistan"
      const word = m[0].replace(/'s?$/u, "");
      if (word) out.push(word);
    }
    return out;
  }
  for (const seg of CJK_WORDS.segment(folded)) {
    if (!seg.isWordLike) continue;
    const word = seg.segment.replace(/'s?$/u, "");
    if (word) out.push(word);
  }
  return out;
}

/**
 * Short all-hiragana tokens are Japanese particles and endings (と, の, は, いつ, され, まし):
 * the stop words of that script. Content words are mostly written in kanji or katakana.
 */
export function isKanaFunctionWord(word: string): boolean {
  return word.length <= 3 && /^\p{Script=Hiragana}+$/u.test(word);
}

/** Reduces a folded word to the form stored in the index (Porter stem for Latin words). */
// Irregular past forms Porter cannot reduce ("broke" must meet "break", "came" "come").
// A Map, not an object: "constructor" or "__proto__" in a question must not find Object's own.
const IRREGULAR: ReadonlyMap<string, string> = new Map(
  (
    "broke:break broken:break came:come went:go gone:go began:begin begun:begin took:take taken:take gave:give " +
    "given:give won:win met:meet sent:send held:hold left:leave made:make led:lead sold:sell bought:buy " +
    "fought:fight saw:see seen:see wrote:write written:write spoke:speak spoken:speak became:become " +
    "brought:bring built:build fell:fall fallen:fall kept:keep lost:lose paid:pay said:say stood:stand " +
    "taught:teach thought:think told:tell chose:choose chosen:choose drove:drive driven:drive grew:grow " +
    "grown:grow knew:know known:know rose:rise risen:rise ran:run sought:seek struck:strike swore:swear " +
    "sworn:swear fled:flee hid:hide hidden:hide froze:freeze frozen:freeze forgave:forgive shook:shake " +
    "withdrew:withdraw withdrawn:withdraw undertook:undertake overthrew:overthrow overthrown:overthrow " +
    "died:die dying:die"
  )
    .split(" ")
    .map((pair) => pair.split(":") as [string, string]),
);

/** The base form of an irregular verb form ("went" → "go"), if it is one. */
export function irregularBase(word: string): string | undefined {
  return IRREGULAR.get(word);
}

export function stem(word: string): string {
  // Words repeat a lot (indexing 100 000 facts stems millions of them): remember, bounded.
  let stemmed = STEMS.get(word);
  if (stemmed !== undefined) return stemmed;
  const base = IRREGULAR.get(word);
  if (base) stemmed = stem(base);
  else stemmed = word.length <= 3 || !/^[a-z]+$/.test(word) ? word : stemmer(word);
  if (STEMS.size >= 50_000) STEMS.clear();
  STEMS.set(word, stemmed);
  return stemmed;
}
const STEMS = new Map<string, string>();

/** Words → index terms: stop words dropped, stemmed. */
export function terms(text: string): string[] {
  const out: string[] = [];
  for (const w of words(text)) {
    if (isStopWord(w) || isKanaFunctionWord(w)) continue;
    out.push(stem(w));
  }
  return out;
}

/** Levenshtein distance, stopping early once it exceeds `max`. */
export function editDistance(a: string, b: string, max = Infinity): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const v = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
      cur.push(v);
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    prev = cur;
  }
  return prev[b.length] ?? 0;
}
