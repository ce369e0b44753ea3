import { createHash } from "node:crypto";
/** /timeline — a relation's facts in date order, paged with buttons only the invoker can use. */
import { ApplicationCommandOptionType, InteractionContextType } from "discord.js";
import type { KnowledgeIndex } from "../index/knowledge-index.ts";
import { pairKey } from "../index/knowledge-index.ts";
import { defineCommand, type ComponentContext } from "../interactions/command.ts";
import { customId } from "../replies/reply.ts";
import { DateError, parseDate, yearLabel, yearOf, type Period } from "../knowledge/dates.ts";
import { titleIn, type Relation } from "../knowledge/types.ts";
import type { Locale } from "../engine/types.ts";
import { replyLocale } from "../replies/i18n.ts";
import { parsePeriods } from "../engine/periods.ts";
import { UserError } from "../errors.ts";
import { chartSpec, labelLanguage, type Theme } from "../pictures/chart.ts";
import { pictureRenderer } from "../pictures/renderer.ts";
import { noticeReply, TIMELINE_PAGE_SIZE, timelinePictureReply, timelineReply } from "../replies/messages.ts";
import { LIMITS, truncate, userText } from "../replies/safe.ts";
import { gazetteer } from "../text/countries.ts";
import { fold } from "../text/normalize.ts";

/**
 * Finds a relation by id, title, alias, its two countries ("Japan Afghanistan"), or one
 * country when only one relation involves it ("afghanistan"). No text: all relations
 * (`undefined`) when there are several, to be shown together.
 */
export function findRelation(index: KnowledgeIndex, text: string | undefined): Relation | undefined {
  const relations = index.knowledge.relations;
  if (!text?.trim()) return relations.length === 1 ? relations[0]! : undefined;
  const key = fold(text.trim());
  const direct = relations.find(
    (r) => r.id === key || fold(r.title) === key || r.aliases.some((a) => fold(a) === key),
  );
  if (direct) return direct;
  const countries = gazetteer()
    .find(text)
    .map((m) => m.country.code);
  if (countries.length === 2) {
    const r = index.relationByPair.get(pairKey(countries[0]!, countries[1]!));
    if (r) return r;
  }
  if (countries.length === 1) {
    const of = index.relationsOf(countries[0]!);
    if (of.length === 1) return of[0]!;
    if (of.length > 1)
      throw new UserError(
        `${of.length} relations involve that country: ${of.map((r) => `\`${r.id}\``).join(", ")}. Which one?`,
        "relation-ambiguous",
      );
  }
  throw new UserError(
    `I don't hold a relation called “${userText(text, 100)}”. See \`/relations\`.`,
    "relation-unknown",
  );
}

/** "1960", "2022-09", "1970s", "September 2022" → a period; anything else is the user's error. */
export function parseBound(option: string, value: string | undefined): Period | undefined {
  if (!value?.trim()) return undefined;
  const text = value.trim();
  try {
    const d = parseDate(text);
    return { min: d.min, max: d.max, label: d.label };
  } catch (error) {
    if (!(error instanceof DateError)) throw error;
  }
  const parsed = parsePeriods(fold(text));
  if (parsed.period && !/[\p{L}\p{N}]/u.test(parsed.residual)) return parsed.period;
  throw new UserError(
    `${option}: “${userText(text, 40)}” is not a year, month or decade (try 1960, 2022-09 or 1970s).`,
    "bad-date",
  );
}

/** The language a user's client is set to, as far as replies go. */
function localeOf(actor: { readonly locale: string }): Locale {
  return replyLocale(undefined, actor.locale);
}

/** Short, stable token for a relation in a custom id (Discord allows 100 characters in all). */
export function relationToken(id: string): string {
  // Owner (≤ 20), page, two bounds (≤ 13 each) and the "kz:timeline:page" frame leave about
  // 25 characters for the relation: longer ids travel as a short hash.
  return id.length <= 20 ? id : `#${createHash("sha256").update(id).digest("hex").slice(0, 16)}`;
}

/** The token of a timeline that merges every relation. */
const ALL = "*";

function relationByToken(index: KnowledgeIndex, token: string): Relation | undefined {
  return token.startsWith("#")
    ? index.knowledge.relations.find((r) => relationToken(r.id) === token)
    : index.relationById.get(token);
}

// Bounds travel in the button's custom id as base-36 instants, so any "from"/"to" fits.
const encode = (ms: number | undefined) => (ms === undefined ? "" : Math.round(ms).toString(36));
/** A page from a custom id: a positive whole number, else the first page. */
const pageNumber = (s: string | undefined) => (s && /^\d{1,5}$/.test(s) ? Math.max(1, Number(s)) : 1);

const decode = (s: string | undefined) => {
  const n = s && /^-?[0-9a-z]{1,12}$/.test(s) ? Number.parseInt(s, 36) : Number.NaN;
  // Anything else came from a crafted id: no bound rather than "NaN BCE".
  return Number.isFinite(n) && Math.abs(n) <= 8.64e15 ? n : undefined;
};

/**
 * The relation's facts in [lo, hi] (a fuzzy date counts if it overlaps); all of them without
 * bounds; every relation's without a relation.
 */
function factsIn(
  index: KnowledgeIndex,
  relation: Relation | undefined,
  lo: number | undefined,
  hi: number | undefined,
) {
  if (lo !== undefined && hi !== undefined && lo > hi)
    throw new UserError("from: must not be after to.", "bad-range");
  return (relation ? (index.byRelation.get(relation.id) ?? []) : index.facts)
    .map((f) => f.fact)
    .filter(
      (f) =>
        (lo === undefined && hi === undefined) ||
        (f.date && (lo === undefined || f.date.max >= lo) && (hi === undefined || f.date.min <= hi)),
    );
}

const boundLabel = (ms: number | undefined) => (ms === undefined ? undefined : yearLabel(yearOf(ms)));

function render(
  index: KnowledgeIndex,
  relation: Relation | undefined,
  ownerId: string,
  page: number,
  lo: number | undefined,
  hi: number | undefined,
  locale: Locale,
) {
  const first = relation ?? index.knowledge.relations[0];
  if (!first) throw new UserError("No relations are loaded.", "relation-missing");
  // Without a relation, every relation's facts together, each labelled with its relation.
  const facts = factsIn(index, relation, lo, hi);
  const pages = Math.max(1, Math.ceil(facts.length / TIMELINE_PAGE_SIZE));
  const p = Math.min(Math.max(1, page), pages);
  const shown = facts.slice((p - 1) * TIMELINE_PAGE_SIZE, p * TIMELINE_PAGE_SIZE);
  return timelineReply({
    relation: first,
    title: relation ? undefined : locale === "ja" ? "すべての関係" : "All relations",
    labels: relation
      ? undefined
      : new Map(shown.map((f) => [f.id, titleIn(index.relationById.get(f.relationId)!, locale)])),
    locale,
    facts: shown,
    page: p,
    pages,
    total: facts.length,
    from: boundLabel(lo),
    to: boundLabel(hi),
    pageId: (n) =>
      customId(
        "timeline",
        "page",
        ownerId,
        n,
        encode(lo),
        encode(hi),
        relation ? relationToken(relation.id) : ALL,
      ),
    // A picture is of one relation: the merged timeline has none.
    pictureId: relation
      ? customId("timeline", "picture", encode(lo), encode(hi), relationToken(relation.id))
      : undefined,
    sources: index.sourceById,
    version: index.version,
  });
}

/** The period drawn as a picture (painted off the event loop, cached; see src/pictures). */
async function picture(
  index: KnowledgeIndex,
  relation: Relation,
  lo: number | undefined,
  hi: number | undefined,
  theme: Theme,
  locale: string,
) {
  const facts = factsIn(index, relation, lo, hi).filter((f) => f.date);
  if (facts.length === 0)
    throw new UserError("There are no dated facts in that period to draw.", "nothing-to-draw");
  const [from, to] = [boundLabel(lo), boundLabel(hi)];
  const png = await pictureRenderer().render(
    {
      version: index.version,
      relationId: relation.id,
      from: lo,
      to: hi,
      theme,
      locale: labelLanguage(locale),
    },
    () =>
      chartSpec({
        relation,
        facts,
        theme,
        version: index.version,
        locale,
        from: lo,
        to: hi,
        period: from || to ? `${from ?? "…"} – ${to ?? "…"}` : undefined,
      }),
  );
  return timelinePictureReply({ relation, png, count: facts.length, from, to, version: index.version });
}

export default defineCommand({
  data: {
    name: "timeline",
    description: "A relation's facts in date order",
    name_localizations: { ja: "年表" },
    description_localizations: { ja: "二国間関係の出来事を年代順に表示する" },
    contexts: [InteractionContextType.Guild, InteractionContextType.BotDM],
    options: [
      {
        type: ApplicationCommandOptionType.String,
        name: "relation",
        description: "The relation, e.g. Afghanistan–Japan",
        name_localizations: { ja: "関係" },
        description_localizations: { ja: "二国間関係（例：アフガニスタン–日本）" },
        autocomplete: true,
        max_length: 200,
      },
      {
        type: ApplicationCommandOptionType.String,
        name: "from",
        description: "From a year, month or decade (1960, 2022-09, 1970s)",
        name_localizations: { ja: "開始" },
        description_localizations: { ja: "開始（年・月・年代）" },
        max_length: 40,
      },
      {
        type: ApplicationCommandOptionType.String,
        name: "to",
        description: "Up to a year, month or decade",
        name_localizations: { ja: "終了" },
        description_localizations: { ja: "終了（年・月・年代）" },
        max_length: 40,
      },
      {
        type: ApplicationCommandOptionType.Integer,
        name: "page",
        description: "Page number",
        name_localizations: { ja: "ページ" },
        description_localizations: { ja: "ページ番号" },
        min_value: 1,
        max_value: 10000,
      },
      {
        type: ApplicationCommandOptionType.Boolean,
        name: "picture",
        description: "Attach the period as a chart (PNG)",
        name_localizations: { ja: "画像" },
        description_localizations: { ja: "期間を図（PNG）で表示する" },
      },
      {
        type: ApplicationCommandOptionType.String,
        name: "theme",
        description: "Colours of the chart: dark (default) or light",
        name_localizations: { ja: "テーマ" },
        description_localizations: { ja: "図の配色：ダーク（既定）またはライト" },
        choices: [
          { name: "dark", name_localizations: { ja: "ダーク" }, value: "dark" },
          { name: "light", name_localizations: { ja: "ライト" }, value: "light" },
        ],
      },
    ],
  },
  execute({ options, actor, index }) {
    const relation = findRelation(index, options.relation);
    const lo = parseBound("from", options.from)?.min;
    const hi = parseBound("to", options.to)?.max;
    if (options.picture) {
      if (!relation) throw new UserError("Name the relation to draw (see `/relations`).", "relation-missing");
      return picture(index, relation, lo, hi, options.theme === "light" ? "light" : "dark", actor.locale);
    }
    return render(index, relation, actor.id, options.page ?? 1, lo, hi, localeOf(actor));
  },
  defers: (options) => options.picture === true,
  autocomplete({ focused, index }) {
    const typed = fold(focused.value.trim());
    return index.knowledge.relations
      .filter(
        (r) =>
          !typed ||
          [r.id, r.title, ...r.aliases].some((n) => fold(n).includes(typed)) ||
          r.parties.some((p) => fold(p.name).startsWith(typed)),
      )
      .slice(0, LIMITS.choices)
      .map((r) => ({ name: truncate(r.title, LIMITS.choiceName), value: r.id }));
  },
  components: {
    page(ctx: ComponentContext) {
      const [ownerId, page, from, to, relationId] = ctx.args;
      if (ctx.actor.id !== ownerId)
        return {
          reply: noticeReply("Only the person who ran this /timeline can page it. Run `/timeline` yourself."),
        };
      const relation = relationId === ALL ? undefined : relationByToken(ctx.index, relationId ?? "");
      if (!relation && relationId !== ALL)
        return { reply: noticeReply("That relation is no longer in my knowledge. Run `/relations`.") };
      return {
        update: render(
          ctx.index,
          relation,
          ctx.actor.id,
          pageNumber(page),
          decode(from),
          decode(to),
          localeOf(ctx.actor),
        ),
      };
    },
    // Anyone may look at the picture of a page they see: it comes as a private reply.
    picture: {
      defer: "reply",
      async run(ctx: ComponentContext) {
        const [from, to, relationId] = ctx.args;
        const relation = relationByToken(ctx.index, relationId ?? "");
        if (!relation)
          return { reply: noticeReply("That relation is no longer in my knowledge. Run `/relations`.") };
        return {
          reply: {
            ...(await picture(ctx.index, relation, decode(from), decode(to), "dark", ctx.actor.locale)),
            ephemeral: true,
          },
        };
      },
    },
  },
});
