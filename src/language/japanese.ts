/**
 * Japanese questions: the words of diplomacy with their English counterparts (a small
 * bilingual glossary), so a Japanese question finds facts through their English words as
 * well as through their Japanese statements, and its titles, events and directions are
 * understood as in English. Words are found with ICU's Japanese segmenter
 * (`Intl.Segmenter`, see normalize.words); the glossary also holds the inflected stems it
 * produces ("訪れ" of 訪れた).
 */

import { fold } from "../text/normalize.ts";

/** Japanese word → the English words it stands for (the first is its usual translation). */
const GLOSSARY: ReadonlyArray<readonly [string, string]> = [
  // arranging, victims
  ["手配", "arrange"],
  ["取りまとめ", "arrange"],
  ["被害者", "victims"],
  ["犠牲者", "victims"],
  // visits and meetings
  ["訪問", "visit"],
  ["訪れ", "visit"],
  ["訪ね", "visit"],
  ["来日", "visit"],
  ["訪", "visit"],
  ["始", "begin"],
  ["始まっ", "begin"],
  ["迎え", "host"],
  ["迎", "host"],
  ["閉", "close"],
  ["閉め", "close"],
  ["返", "return"],
  ["送", "send"],
  ["贈", "donate"],
  ["結", "sign"],
  ["結ん", "sign"],
  ["破", "defeat"],
  ["勝", "win"],
  ["会", "meet"],
  ["述べ", "say"],
  ["語", "say"],
  ["言っ", "say"],
  ["渡", "hand over"],
  ["守", "protect"],
  ["認め", "recognize"],
  ["遅", "delay"],
  ["来", "come"],
  ["来ま", "come"],
  ["行っ", "go"],
  ["行き", "go"],
  ["開か", "hold"],
  ["開", "hold"],
  ["行わ", "hold"],
  ["伝わ", "spread"],
  ["伝わっ", "spread"],
  ["伝来", "spread"],
  ["広まっ", "spread"],
  ["広が", "spread"],
  ["立場", "position"],
  ["人口", "population"],
  ["理由", "reason"],
  ["訪日", "visit"],
  ["公式訪問", "official visit"],
  ["国賓", "state visit"],
  ["会談", "meet"],
  ["会っ", "meet"],
  ["会い", "meet"],
  ["面会", "meet"],
  ["会議", "conference"],
  ["開催", "host"],
  ["主催", "host"],
  ["招待", "invite"],
  ["客", "guest"],
  ["祝っ", "celebrate"],
  ["祝い", "celebrate"],
  // relations, treaties, embassies
  ["外交関係", "diplomatic relations"],
  ["外交", "diplomatic"],
  ["国交", "diplomatic relations"],
  ["関係", "relations"],
  ["樹立", "establish"],
  ["確立", "establish"],
  ["開始", "begin"],
  ["始まっ", "begin"],
  ["始め", "begin"],
  ["条約", "treaty"],
  ["友好", "friendship"],
  ["友好条約", "treaty friendship"],
  ["協定", "agreement"],
  ["署名", "sign"],
  ["調印", "sign"],
  ["締結", "sign"],
  ["大使館", "embassy"],
  ["大使", "ambassador"],
  ["公使", "envoy"],
  ["外交官", "diplomat"],
  ["閉鎖", "close"],
  ["閉じ", "close"],
  ["再開", "reopen"],
  ["撤退", "withdraw"],
  ["追放", "expel"],
  ["中立", "neutral"],
  ["遅れ", "delay"],
  ["遅らせ", "delay"],
  ["延期", "delay"],
  ["妨害", "block"],
  ["傍受", "intercept"],
  ["承認", "recognize"],
  ["管理", "control"],
  ["支配", "control"],
  // aid and money
  ["援助", "aid"],
  ["支援", "aid"],
  ["人道", "humanitarian"],
  ["人道支援", "humanitarian aid"],
  ["寄付", "donate"],
  ["寄贈", "donate"],
  ["献金", "donate"],
  ["拠出", "contribute"],
  ["資金", "money"],
  ["お金", "money"],
  ["金", "money"],
  ["提供", "provide"],
  ["申し出", "offer"],
  ["約束", "pledge"],
  ["誓約", "pledge"],
  ["供与", "provide"],
  ["ドナー", "donor"],
  ["援助国", "donor"],
  ["支援国", "donor"],
  ["復興", "reconstruction"],
  ["再建", "rebuild"],
  ["地震", "earthquake"],
  ["被災者", "victims"],
  ["鉱物", "mineral"],
  ["鉱物資源", "mineral resources"],
  ["資源", "resources"],
  ["優先", "priority"],
  ["返還", "return"],
  ["返し", "return"],
  ["返却", "return"],
  ["文化財", "artifacts"],
  ["遺物", "artifacts"],
  ["美術品", "artifacts"],
  ["博物館", "museum"],
  ["保護", "protect"],
  // people and offices
  ["国王", "king"],
  ["王", "king"],
  ["王妃", "queen"],
  ["女王", "queen"],
  ["皇太子", "crown prince"],
  ["王子", "prince"],
  ["親王", "prince"],
  ["妃", "princess"],
  ["王女", "princess"],
  ["皇帝", "emperor"],
  ["天皇", "emperor"],
  ["首相", "prime minister"],
  ["総理", "prime minister"],
  ["総理大臣", "prime minister"],
  ["大統領", "president"],
  ["外相", "foreign minister"],
  ["外務大臣", "foreign minister"],
  ["国務大臣", "state minister"],
  ["大臣", "minister"],
  ["閣僚", "minister"],
  ["指導者", "leader"],
  ["指導", "leader"],
  ["首脳", "leader"],
  ["元首", "head of state"],
  ["国家元首", "head of state"],
  ["王族", "royal"],
  ["皇族", "royal"],
  ["将軍", "general"],
  ["大将", "general"],
  ["提督", "admiral"],
  ["元帥", "marshal"],
  ["軍人", "officer"],
  ["将校", "officer"],
  ["知識人", "intellectual"],
  ["思想家", "intellectual"],
  ["代表団", "delegation"],
  ["メンバー", "members"],
  ["幹部", "members"],
  ["タリバン", "taliban"],
  ["タリバーン", "taliban"],
  // war, history, culture
  ["戦争", "war"],
  ["戦い", "battle"],
  ["戦闘", "battle"],
  ["勝利", "victory"],
  ["勝っ", "win"],
  ["破っ", "defeat"],
  ["撃破", "defeat"],
  ["侵攻", "invasion"],
  ["侵略", "invasion"],
  ["占領", "occupation"],
  ["内戦", "civil war"],
  ["陥落", "fall"],
  ["崩壊", "fall"],
  ["制圧", "takeover"],
  ["政権", "government"],
  ["政府", "government"],
  ["第二次世界大戦", "world war ii"],
  ["大戦", "world war"],
  ["日露戦争", "russo-japanese war"],
  ["仏教", "buddhism"],
  ["宗教", "religion"],
  ["神道", "shinto"],
  ["伝統", "traditions"],
  ["文化", "culture"],
  ["近代化", "modernization"],
  ["模範", "model"],
  ["手本", "model"],
  ["称号", "title"],
  ["日出ずる国", "land rising sun"],
  ["女性", "women"],
  ["人権", "human rights"],
  ["少数民族", "minorities"],
  ["治安", "security"],
  ["安全", "security"],
  ["シルクロード", "silk road"],
  ["最初", "first"],
  ["初めて", "first"],
  ["最後", "last"],
  ["最新", "latest"],
  ["最近", "recent"],
];

// Looked up with folded words (no katakana long-vowel marks).
const MAP = new Map<string, string>(GLOSSARY.map(([ja, en]) => [fold(ja), en]));

const JAPANESE = /[\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Han}]/u;
const KANA = /[\p{Script=Hiragana}\p{Script=Katakana}]/u;

/** True when the text is written in Japanese (kana, or kanji with Japanese punctuation). */
export function isJapanese(text: string): boolean {
  return KANA.test(text) || (JAPANESE.test(text) && /[？。、]/.test(text));
}

/** The English words a Japanese word stands for, if the glossary has it. */
export function englishFor(word: string): string | undefined {
  return MAP.get(word);
}

/** A word of a Japanese text, with its English when the glossary has it. */
export interface JapaneseWord {
  readonly word: string;
  readonly english: string | undefined;
  /** Where the word ends in the (folded) text: what follows tells a verb ("訪問した"). */
  readonly end: number;
}

const SEGMENTER = new Intl.Segmenter("ja", { granularity: "word" });

/**
 * A Japanese text's words as ICU's segmenter splits them, neighbours joined where they make
 * one glossary entry ("指導"+"者" → 指導者). An entry never matches inside a longer word
 * ("来" is not found in 出来事).
 */
export function japaneseWords(text: string): JapaneseWord[] {
  const segments = [...SEGMENTER.segment(text)].filter((s) => s.isWordLike);
  const out: JapaneseWord[] = [];
  for (let i = 0; i < segments.length;) {
    let n = Math.min(4, segments.length - i);
    let english: string | undefined;
    for (; n > 1; n--) {
      english = MAP.get(
        segments
          .slice(i, i + n)
          .map((s) => s.segment)
          .join(""),
      );
      if (english) break;
    }
    const taken = segments.slice(i, i + n);
    const word = taken.map((s) => s.segment).join("");
    const last = taken[taken.length - 1]!;
    out.push({ word, english: english ?? MAP.get(word), end: last.index + last.segment.length });
    i += n;
  }
  return out;
}

/** English words for the glossary's entries among a Japanese text's words, in order. */
export function englishWordsIn(text: string): string[] {
  return japaneseWords(text).flatMap((w) => (w.english ? [w.english] : []));
}

// After a verbal noun or a verb's stem: する, した, され, しま… (訪問した, 閉鎖された).
const VERB_ENDING = /^(?:し|さ|す|せ|た|て|ま)/;

/** True when the word ending at `end` is used as a verb ("訪問した", "訪れた"). */
export function usedAsVerb(text: string, end: number): boolean {
  return VERB_ENDING.test(text.slice(end));
}
