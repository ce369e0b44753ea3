/**
 * An article (plain text or Markdown) as the importer reads it: passages (paragraphs and list
 * items) under the section headings they belong to, split into sentences and clauses. Headings
 * may be wiki style (`== Diplomacy ==`, as in the seed article) or Markdown (`## Diplomacy`,
 * or a line underlined with `===` / `---`).
 */

export interface Passage {
  /** The heading above it; "Lead" before the first section. */
  readonly section: string;
  /** Whitespace made single spaces (a paragraph may wrap over lines). */
  readonly text: string;
}

/** Sections that list other pages rather than tell events. */
const SKIPPED = /^(?:see also|references|external links|further reading|notes|sources|bibliography)$/i;
/** `Key: value` lines: an article's metadata (Source:, License:) or an infobox row, no events. */
const METADATA = /^(?:[-*]\s*)?[\p{L}][\p{L}\p{N}_]*:\s/u;

function heading(line: string, next: string | undefined): { level: number; title: string } | undefined {
  const wiki = /^(=+)\s*(.+?)\s*\1\s*$/.exec(line);
  if (wiki) return { level: wiki[1]!.length, title: wiki[2]! };
  const atx = /^(#{1,6})\s+(.+?)\s*#*\s*$/.exec(line);
  if (atx) return { level: atx[1]!.length, title: atx[2]! };
  if (line.trim() && next !== undefined && /^(=+|-+)\s*$/.test(next) && next.trim().length >= 3)
    return { level: next.startsWith("=") ? 1 : 2, title: line.trim() };
  return undefined;
}

/** The article's passages in order, with their sections; metadata and link lists left out. */
export function readArticle(text: string): Passage[] {
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  const passages: Passage[] = [];
  let section = "Lead";
  let skipping = false;
  let seenHeading = false;
  let paragraph: string[] = [];
  const flush = () => {
    const joined = paragraph.join(" ").replace(/\s+/g, " ").trim();
    if (joined && !skipping) passages.push({ section, text: joined });
    paragraph = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const h = heading(line, lines[i + 1]);
    if (h) {
      flush();
      seenHeading = true;
      if (h.level > 1) {
        section = h.title.replace(/[*_`]/g, "");
        skipping = SKIPPED.test(section);
      } else section = "Lead"; // the article's title: what follows is its lead
      if (!/^(=|#)/.test(line)) i++; // an underlined heading takes two lines
      continue;
    }
    if (!line.trim()) {
      flush();
      continue;
    }
    const item = /^\s*(?:[-*+]|\d+[.)])\s+(.*)$/.exec(line);
    // Before any heading (Source:, License:) and in lists (an infobox's rows), `Key: value` is metadata.
    if ((!seenHeading || item) && METADATA.test(line.trim())) {
      flush();
      continue;
    }
    if (item) {
      // Each list item is a passage of its own.
      flush();
      paragraph.push(item[1]!);
      flush();
      continue;
    }
    paragraph.push(line.trim());
  }
  flush();
  return passages;
}

/** Words before a full stop that do not end a sentence. */
const ABBREVIATIONS = new Set(
  "mr mrs ms dr st jr sr gen col lt adm capt prof rev gov sen rep pres no vs etc e.g i.e c ca approx jan feb mar apr jun jul aug sep sept oct nov dec u.s u.k u.n".split(
    " ",
  ),
);

/** Splits a passage into sentences, each an exact slice of it. */
export function sentences(text: string): string[] {
  const out: string[] = [];
  let start = 0;
  const boundary =
    /([.!?。！？])["”’)]?(\s+|$)(?=["“‘(]?[\p{Lu}\p{N}\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]|$)|([。！？])/gu;
  for (let m = boundary.exec(text); m; m = boundary.exec(text)) {
    const end = m.index + m[0].length;
    if (m[1] === ".") {
      const word = /(?:^|\s)(\S+)\.$/u.exec(text.slice(start, m.index + 1))?.[1]?.toLowerCase() ?? "";
      // "Gen. Ayub", "U.S. aid", "J. Smith": not the end of a sentence.
      if (ABBREVIATIONS.has(word) || /^\p{L}$/u.test(word)) continue;
    }
    const sentence = text.slice(start, end).trim();
    if (sentence) out.push(sentence);
    start = end;
  }
  const rest = text.slice(start).trim();
  if (rest) out.push(rest);
  return out;
}

/**
 * A sentence cut where it joins independent statements (" - ", "; ", ", although "), so each
 * date's quote is the clause that tells its event: "In 1969, the King visited Japan - in 1971,
 * the Crown Prince visited Afghanistan" holds two events.
 */
export function clauses(sentence: string): string[] {
  return sentence
    .split(/\s+[-–—]\s+|;\s+|,\s+(?=(?:although|though|whereas|while)\s)/)
    .map((c) => c.trim())
    .filter(Boolean);
}
