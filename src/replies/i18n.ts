/**
 * The words of every reply, in each language the bot answers in. A Japanese question, or a
 * Discord user whose client is set to Japanese, is answered in Japanese; citations (titles,
 * sections, links) stay as their sources give them.
 */
import type { Locale } from "../engine/types.ts";

export interface Messages {
  readonly notKnown: string;
  readonly empty: string;
  nothingIn(period: string): string;
  uncovered(countries: string): string;
  cover(relations: string): string;
  readonly nearest: string;
  nearMiss(fact: string, missing: string): string;
  count(n: number): string;
  andMore(n: number): string;
  andMoreTimeline(n: number): string;
  readonly ambiguous: string;
  readonly source: string;
  readonly sources: string;
  readonly showNearest: string;
  readonly undated: string;
  knowledge(version: string): string;
  readonly noFactsInPeriod: string;
  page(page: number, pages: number): string;
  factsCount(n: number): string;
  readonly previous: string;
  readonly next: string;
  readonly picture: string;
  readonly helpTitle: string;
  readonly helpBody: readonly string[];
  relationsCovered(list: string): string;
  readonly noneYet: string;
  /** Joins the pieces of a list ("a, b and c"). */
  readonly listSeparator: string;
}

const EN: Messages = {
  notKnown: "I don't know that from my sources.",
  empty: 'Ask me about relations between countries, e.g. "When were diplomatic relations established?"',
  nothingIn: (period) => `Nothing I hold matches that in ${period}.`,
  uncovered: (countries) => `I hold no facts on ${countries} relations.`,
  cover: (relations) => `I cover: ${relations}.`,
  nearest: "Nearest facts I hold",
  nearMiss: (fact, missing) => `I hold ${fact} — but nothing about ${missing}.`,
  count: (n) => `${n}:`,
  andMore: (n) => `…and ${n} more — see \`/timeline\`.`,
  andMoreTimeline: (n) => `…and ${n} more.`,
  ambiguous: "That could be about more than one relation:",
  source: "Source",
  sources: "Sources",
  showNearest: "Show one of the nearest facts",
  undated: "Undated",
  knowledge: (v) => `knowledge ${v}`,
  noFactsInPeriod: "No facts in that period.",
  page: (p, n) => `page ${p} of ${n}`,
  factsCount: (n) => `${n} facts`,
  previous: "◀ Previous",
  next: "Next ▶",
  picture: "📈 Picture",
  helpTitle: "Kizuna — relations between countries, from cited sources",
  helpBody: [
    "Ask a question and I answer in a sentence or two, with the date of the fact and its source.",
    "When my sources do not hold the answer I say so, and show the nearest facts I have.",
    "",
    "**Ask** with `/ask`, or mention me in a message: *@Kizuna when were relations established?*",
    "Questions can name a year, a month, a decade or a range: *what happened in the 1970s?*, *between 2002 and 2012*.",
    "Ask for several at once (*which Afghan leaders visited Japan?*, *how many times…*) or two things in one question.",
    "質問は日本語でもどうぞ。",
  ],
  relationsCovered: (list) => `Relations covered: ${list}.`,
  noneYet: "none yet",
  listSeparator: ", ",
};

const JA: Messages = {
  notKnown: "手元の出典からはわかりません。",
  empty: "国と国の関係について質問してください。",
  nothingIn: (period) => `${period}について該当する事実はありません。`,
  uncovered: (countries) => `${countries}の関係についての事実はありません。`,
  cover: (relations) => `扱っている関係：${relations}`,
  nearest: "近い事実",
  nearMiss: (fact, missing) => `${fact}という事実はありますが、「${missing}」についての事実はありません。`,
  count: (n) => `${n}件：`,
  andMore: (n) => `…ほか${n}件（\`/timeline\`で表示）`,
  andMoreTimeline: (n) => `…ほか${n}件`,
  ambiguous: "複数の関係に当てはまります：",
  source: "出典",
  sources: "出典",
  showNearest: "近い事実を表示",
  undated: "日付なし",
  knowledge: (v) => `知識 ${v}`,
  noFactsInPeriod: "この期間の事実はありません。",
  page: (p, n) => `${p}／${n}ページ`,
  factsCount: (n) => `${n}件`,
  previous: "◀ 前へ",
  next: "次へ ▶",
  picture: "📈 図で見る",
  helpTitle: "絆（Kizuna）— 出典付きで答える国際関係のボット",
  helpBody: [
    "質問すると、事実の日付と出典を添えて一、二文で答えます。",
    "出典に答えがないときはそう伝え、近い事実を示します。",
    "",
    "`/ask` で質問するか、メッセージで私にメンションしてください：*@Kizuna 外交関係が樹立されたのはいつ？*",
    "年・月・年代・期間を含めて質問できます：*1970年代に何があった？*",
    "",
  ],
  relationsCovered: (list) => `扱っている関係：${list}`,
  noneYet: "まだありません",
  listSeparator: "、",
};

const CATALOG: Record<Locale, Messages> = { en: EN, ja: JA };

/** The messages of a language (English for any other). */
export function messagesFor(locale: Locale): Messages {
  return CATALOG[locale] ?? EN;
}

/** The user's own language when the bot speaks it ("ja"), else undefined: the question decides. */
export function userLocale(actor: { readonly locale: string }): Locale | undefined {
  return actor.locale.toLowerCase().startsWith("ja") ? "ja" : undefined;
}

/** The language to answer in: Japanese for a Japanese question or a Japanese client. */
export function replyLocale(questionLocale: Locale | undefined, userLocale: string | undefined): Locale {
  if (questionLocale === "ja") return "ja";
  return userLocale?.toLowerCase().startsWith("ja") ? "ja" : "en";
}
