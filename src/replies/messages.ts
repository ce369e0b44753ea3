/**
 * Reply builders: pure functions from engine results and knowledge to messages (Discord's
 * API shape). Tested without Discord; the console renders the same objects as text.
 */
import { ButtonStyle, ComponentType, type APIEmbed, type APIEmbedField } from "discord.js";
import { customId, type Reply } from "./reply.ts";
import { citationNumber, citationsFor } from "../engine/engine.ts";
import type { Answer, Citation } from "../engine/types.ts";
import type { KnowledgeIndex } from "../index/knowledge-index.ts";
import type { ReloadResult } from "../store/knowledge-store.ts";
import type { ClusterOutcome, ReloadProgress } from "../store/reload.ts";
import { formatProblem } from "../knowledge/problems.ts";
import {
  dateLabel,
  dateLabelIn,
  statementIn,
  titleIn,
  type Fact,
  type Relation,
  type Source,
} from "../knowledge/types.ts";
import type { Locale } from "../engine/types.ts";
import { messagesFor } from "./i18n.ts";
import { knowledgeText, LIMITS, truncate, userText } from "./safe.ts";
import { capitalize } from "./text.ts";

export const COLORS = {
  answer: 0x3b82f6,
  unknown: 0xf59e0b,
  error: 0xef4444,
  ok: 0x22c55e,
  info: 0x64748b,
} as const;

/** "**16 February 1907** — statement [1]" with the citation number linked to its source. */
export function factMarkdown(fact: Fact, citation?: Citation, locale: Locale = "en"): string {
  const label = dateLabelIn(fact, locale);
  const cite = citation ? ` [\\[${citation.n}\\]](${citation.source.url})` : "";
  const text = knowledgeText(statementIn(fact, locale), 600);
  return label ? `**${capitalize(label)}** — ${text}${cite}` : `${text}${cite}`;
}

/** "[1] [Title](url) — Publisher, § Section" */
export function citationMarkdown(c: Citation): string {
  return `[${c.n}] [${knowledgeText(c.source.title, 200)}](${c.source.url}) — ${knowledgeText(c.source.publisher, 100)}, § ${knowledgeText(c.section, 120)}`;
}

/** An embed's footer: its parts (ids, tags, labels from knowledge or the question) unpingable, bounded. */
function footer(parts: (string | undefined)[]): APIEmbed["footer"] {
  return { text: knowledgeText(parts.filter(Boolean).join(" · "), LIMITS.footer) };
}

/** Keeps an embed inside Discord's limits whatever went into it. */
export function clampEmbed(embed: APIEmbed): APIEmbed {
  const out: APIEmbed = { ...embed };
  if (out.title) out.title = truncate(out.title, LIMITS.embedTitle);
  if (out.description) out.description = truncate(out.description, LIMITS.embedDescription);
  if (out.fields)
    out.fields = out.fields.slice(0, LIMITS.fields).map((f) => ({
      ...f,
      name: truncate(f.name, LIMITS.fieldName),
      value: truncate(f.value, LIMITS.fieldValue),
    }));
  // The 6000-character total: shorten the description first, it is the longest part.
  const total = () =>
    (out.title?.length ?? 0) +
    (out.description?.length ?? 0) +
    (out.footer?.text.length ?? 0) +
    (out.fields ?? []).reduce((s, f) => s + f.name.length + f.value.length, 0);
  if (total() > LIMITS.embedTotal && out.description)
    out.description = truncate(
      out.description,
      Math.max(100, out.description.length - (total() - LIMITS.embedTotal)),
    );
  // Still over (many long fields): the last fields go.
  while (total() > LIMITS.embedTotal && out.fields?.length) out.fields = out.fields.slice(0, -1);
  return out;
}

function sourcesField(citations: readonly Citation[], locale: Locale = "en"): APIEmbedField[] {
  if (citations.length === 0) return [];
  const t = messagesFor(locale);
  return [
    {
      name: citations.length === 1 ? t.source : t.sources,
      value: citations.map(citationMarkdown).join("\n"),
    },
  ];
}

function suggestionMenu(facts: readonly Fact[], locale: Locale): Reply["components"] {
  if (facts.length === 0) return [];
  const t = messagesFor(locale);
  return [
    {
      type: ComponentType.ActionRow,
      components: [
        {
          type: ComponentType.StringSelect,
          custom_id: customId("fact", "show"),
          placeholder: t.showNearest,
          options: facts.slice(0, LIMITS.selectOptions).map((f) => ({
            // The date label may be the knowledge's own wording (`when`): the whole label is broken up.
            label: knowledgeText(
              `${capitalize(dateLabelIn(f, locale) ?? t.undated)} · ${statementIn(f, locale)}`,
              LIMITS.selectLabel,
            ),
            value: f.id,
            description: knowledgeText(f.id, LIMITS.selectDescription),
          })),
        },
      ],
    },
  ];
}

/** The lines of an answer's body (a part of a multi-part answer renders the same way). */
function answerLines(answer: Answer, relations: readonly Relation[]): string[] {
  const t = messagesFor(answer.locale);
  const { locale } = answer;
  const cite = (f: Fact) => answer.citations.find((c) => c.n === citationNumber(answer.citations, f));
  const labelled = (f: Fact) => {
    const r = answer.relationOf?.get(f.id);
    return `${factMarkdown(f, cite(f), locale)}${r ? ` — *${knowledgeText(titleIn(r, locale), 200)}*` : ""}`;
  };
  switch (answer.kind) {
    case "fact":
      return [labelled(answer.facts[0]!)];
    case "list":
    case "count":
    case "ambiguous": {
      const lines = answer.facts.map((f) => `• ${labelled(f)}`);
      if (answer.kind === "count") lines.unshift(`**${t.count(answer.count ?? answer.facts.length)}**`);
      if (answer.kind === "ambiguous") lines.unshift(t.ambiguous);
      if (answer.more > 0) lines.push(t.andMore(answer.more));
      return lines;
    }
    case "parts":
      return (answer.parts ?? []).flatMap((p) =>
        answerLines({ ...p, citations: answer.citations }, relations),
      );
    default: {
      const lines = [answer.kind === "empty" ? t.empty : t.notKnown];
      if (answer.kind === "uncovered" && answer.countries)
        lines.push(t.uncovered(knowledgeText(answer.countries.join("–"), 200)));
      if (answer.kind === "unknown" && answer.period) lines.push(t.nothingIn(answer.period.label));
      if (answer.near)
        lines.push(
          t.nearMiss(factMarkdown(answer.near.fact, undefined, locale), userText(answer.near.missing, 100)),
        );
      const covered = relations.map((r) => titleIn(r, locale)).join(t.listSeparator);
      if (covered) lines.push(t.cover(knowledgeText(covered, 800)));
      return lines;
    }
  }
}

/** The reply to a question (/ask or chat). */
export function answerReply(answer: Answer, relations: readonly Relation[], ephemeral = false): Reply {
  const t = messagesFor(answer.locale);
  const title = userText(answer.question, 200) || "Question";
  const version = t.knowledge(answer.version);
  const relationTitle = answer.relation ? titleIn(answer.relation, answer.locale) : undefined;
  const description = answerLines(answer, relations).join("\n");
  if (answer.answered) {
    const single = answer.kind === "fact" ? answer.facts[0]?.id : undefined;
    return {
      embeds: [
        clampEmbed({
          color: COLORS.answer,
          title,
          description,
          fields: sourcesField(answer.citations, answer.locale),
          footer: footer([
            knowledgeText(relationTitle ?? "", 200) || undefined,
            single ?? answer.period?.label,
            version,
          ]),
        }),
      ],
      components: [],
      ephemeral,
    };
  }
  const fields: APIEmbedField[] = answer.suggestions.length
    ? [
        {
          name: t.nearest,
          value: answer.suggestions.map((f) => `• ${factMarkdown(f, undefined, answer.locale)}`).join("\n"),
        },
      ]
    : [];
  return {
    embeds: [clampEmbed({ color: COLORS.unknown, title, description, fields, footer: footer([version]) })],
    components: suggestionMenu(answer.suggestions, answer.locale),
    ephemeral,
  };
}

/** One fact in full: statement, date, quote, source with link. */
export function factReply(
  fact: Fact,
  relation: Relation | undefined,
  source: Source | undefined,
  version: string,
): Reply {
  const fields: APIEmbedField[] = [
    { name: "Date", value: dateLabel(fact) ?? "Undated in the source", inline: true },
  ];
  if (relation) fields.push({ name: "Relation", value: knowledgeText(relation.title, 200), inline: true });
  if (fact.people.length)
    fields.push({ name: "People", value: knowledgeText(fact.people.join(", "), 500), inline: true });
  if (fact.places.length)
    fields.push({ name: "Places", value: knowledgeText(fact.places.join(", "), 500), inline: true });
  if (fact.quote)
    fields.push({ name: "Quote", value: `> ${knowledgeText(fact.quote, 1000).replace(/\n/g, "\n> ")}` });
  if (source)
    fields.push({
      name: "Source",
      value: `[${knowledgeText(source.title, 200)}](${source.url}) — ${knowledgeText(source.publisher, 100)}, § ${knowledgeText(fact.section, 120)} (${knowledgeText(source.license, 100)})`,
    });
  return {
    embeds: [
      clampEmbed({
        color: COLORS.answer,
        title: truncate(capitalize(dateLabel(fact) ?? "Undated fact"), LIMITS.embedTitle),
        description: knowledgeText(fact.statement, 1000),
        fields,
        footer: footer([fact.id, fact.tags.join(", ") || undefined, `knowledge ${version}`]),
      }),
    ],
  };
}

export const TIMELINE_PAGE_SIZE = 8;

/** " (1960 – 1980)", " (1960 – …)" or nothing: a title's period. The bounds are what the user typed. */
function rangeSuffix(from: string | undefined, to: string | undefined): string {
  return from || to ? ` (${from ? userText(from, 40) : "…"} – ${to ? userText(to, 40) : "…"})` : "";
}

export interface TimelinePage {
  readonly relation: Relation;
  readonly facts: readonly Fact[];
  readonly page: number;
  readonly pages: number;
  readonly total: number;
  /** Shown bounds ("1960"), already labels. */
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  /** The custom id of the button that shows page n (it carries owner, bounds and relation). */
  readonly pageId: (page: number) => string;
  /** The custom id of the "📈 Picture" button (same relation and bounds); no button without it. */
  readonly pictureId?: string | undefined;
  readonly sources: ReadonlyMap<string, Source>;
  readonly version: string;
  readonly locale?: Locale | undefined;
  /** A relation label per fact, for a timeline that merges several relations. */
  readonly labels?: ReadonlyMap<string, string> | undefined;
  /** The heading when it is not one relation's title. */
  readonly title?: string | undefined;
}

/** One page of a relation's timeline, with previous / next buttons only its owner may use. */
export function timelineReply(t: TimelinePage): Reply {
  const locale = t.locale ?? "en";
  const m = messagesFor(locale);
  const range = rangeSuffix(t.from, t.to);
  const citations = citationsFor(t.sources, t.facts);
  const lines = t.facts.map(
    (f) =>
      `• ${factMarkdown(
        f,
        citations.find((c) => c.n === citationNumber(citations, f)),
        locale,
      )}${t.labels?.get(f.id) ? ` — *${knowledgeText(t.labels.get(f.id)!, 200)}*` : ""}`,
  );
  const button = (label: string, page: number, disabled: boolean) => ({
    type: ComponentType.Button as const,
    style: ButtonStyle.Secondary as const,
    label,
    custom_id: t.pageId(page),
    disabled,
  });
  const buttons = [
    ...(t.pages > 1
      ? [button(m.previous, t.page - 1, t.page <= 1), button(m.next, t.page + 1, t.page >= t.pages)]
      : []),
    ...(t.pictureId
      ? [
          {
            type: ComponentType.Button as const,
            style: ButtonStyle.Secondary as const,
            label: m.picture,
            custom_id: t.pictureId,
          },
        ]
      : []),
  ];
  return {
    embeds: [
      clampEmbed({
        color: COLORS.info,
        title: `${knowledgeText(t.title ?? titleIn(t.relation, locale), 200)}${range}`,
        description: lines.length ? lines.join("\n") : m.noFactsInPeriod,
        fields: sourcesField(citations, locale),
        footer: footer([m.page(t.page, t.pages), m.factsCount(t.total), m.knowledge(t.version)]),
      }),
    ],
    components: buttons.length ? [{ type: ComponentType.ActionRow, components: buttons }] : [],
  };
}

export interface TimelinePicture {
  readonly relation: Relation;
  readonly png: Buffer;
  /** Dated facts drawn. */
  readonly count: number;
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  readonly version: string;
}

/** A timeline drawn as a picture: the PNG attached and shown in an embed. */
export function timelinePictureReply(t: TimelinePicture): Reply {
  const range = rangeSuffix(t.from, t.to);
  // Attachment names travel in a URL: the relation id is already a slug.
  const name = `timeline-${t.relation.id}.png`;
  const title = `${knowledgeText(t.relation.title, 200)}${range}`;
  return {
    embeds: [
      clampEmbed({
        color: COLORS.info,
        title,
        image: { url: `attachment://${name}` },
        footer: footer([
          `${t.count} dated facts`,
          "colours: treaty, embassy, visit, aid, culture",
          `knowledge ${t.version}`,
        ]),
      }),
    ],
    files: [
      {
        name,
        data: t.png,
        description: `Timeline chart of ${t.relation.title}${range}: ${t.count} dated facts, each a marker at its date.`,
      },
    ],
  };
}

/** The relations held, with fact counts and date ranges. */
export function relationsReply(index: KnowledgeIndex): Reply {
  const lines = index.knowledge.relations.map((r) => {
    const facts = index.byRelation.get(r.id) ?? [];
    const dated = facts.filter((f) => f.fact.date);
    const first = dated[0]?.fact;
    const last = dated.at(-1)?.fact;
    const span = first && last ? `, ${dateLabel(first)} – ${dateLabel(last)}` : "";
    return `• **${knowledgeText(r.title, 200)}** (\`${r.id}\`) — ${facts.length} facts${span}`;
  });
  return {
    embeds: [
      clampEmbed({
        color: COLORS.info,
        title: `Relations I cover (${lines.length})`,
        description: lines.join("\n") || "No relations loaded.",
        footer: footer([`knowledge ${index.version}`]),
      }),
    ],
  };
}

/** The sources with links and licenses. */
export function sourcesReply(index: KnowledgeIndex): Reply {
  const lines = index.knowledge.sources.map(
    (s) =>
      `• [${knowledgeText(s.title, 200)}](${s.url}) — ${knowledgeText(s.publisher, 100)}; license ${knowledgeText(s.license, 100)}; retrieved ${s.retrieved}`,
  );
  return {
    embeds: [
      clampEmbed({
        color: COLORS.info,
        title: `Sources (${lines.length})`,
        description: lines.join("\n") || "No sources loaded.",
        footer: footer([`knowledge ${index.version}`]),
      }),
    ],
  };
}

/** What the bot does and how to ask. */
export function helpReply(
  commands: ReadonlyArray<{ name: string; description: string; descriptionJa?: string | undefined }>,
  index: KnowledgeIndex,
  locale: Locale = "en",
): Reply {
  const m = messagesFor(locale);
  const relations = index.knowledge.relations.map((r) => titleIn(r, locale)).join(m.listSeparator);
  return {
    embeds: [
      clampEmbed({
        color: COLORS.info,
        title: m.helpTitle,
        description: [
          ...m.helpBody,
          "",
          ...commands.map(
            (c) => `\`/${c.name}\` — ${locale === "ja" && c.descriptionJa ? c.descriptionJa : c.description}`,
          ),
          "",
          m.relationsCovered(knowledgeText(relations || m.noneYet, 1000)),
        ].join("\n"),
        footer: footer([m.knowledge(index.version)]),
      }),
    ],
    ephemeral: true,
  };
}

/** The outcome of a reload, for the admin who asked. */
export function reloadReply(result: ReloadResult, cluster?: ClusterOutcome): Reply {
  if (result.ok) {
    const list = (ids: readonly string[]) =>
      ids.length ? `: ${ids.slice(0, 10).join(", ")}${ids.length > 10 ? ", …" : ""}` : "";
    const deployment = cluster ? `\n\n${clusterText(cluster)}` : "";
    const description = [
      `Version **${result.version}** (was ${result.previousVersion}), ${result.facts} facts, in ${Math.round(result.ms)} ms.`,
      `Added ${result.added.length}${list(result.added)}`,
      `Changed ${result.changed.length}${list(result.changed)}`,
      `Removed ${result.removed.length}${list(result.removed)}`,
    ].join("\n");
    const everywhere = !cluster || (cluster.reached && cluster.processes.every((p) => p.state === "ok"));
    return {
      embeds: [
        clampEmbed({
          color: everywhere ? COLORS.ok : COLORS.unknown,
          title: everywhere ? "Knowledge reloaded" : "Knowledge reloaded, not everywhere",
          // The deployment's part comes first when cut: it says who serves what.
          description: `${truncate(description, LIMITS.embedDescription - deployment.length)}${deployment}`,
        }),
      ],
      ephemeral: true,
    };
  }
  const shown = result.problems.slice(0, 15).map((p) => `• ${knowledgeText(formatProblem(p), 300)}`);
  const more =
    result.problems.length > 15
      ? `\n…and ${result.problems.length - 15} more (run \`npm run check-knowledge\`).`
      : "";
  // Nothing failed validation is ever published: no other process was even asked.
  const everywhere = cluster ? " on every process" : "";
  const kept = `\n\nKept the previous knowledge (version ${result.keptVersion})${everywhere}; answers go on as before.`;
  // 15 long problems can pass the description limit: cut the list, never the news that
  // the old knowledge still serves.
  const list = truncate(shown.join("\n"), LIMITS.embedDescription - more.length - kept.length);
  return {
    embeds: [
      clampEmbed({
        color: COLORS.error,
        title: `Reload refused: ${result.problems.length} problem${result.problems.length === 1 ? "" : "s"}`,
        description: `${list}${more}${kept}`,
      }),
    ],
    ephemeral: true,
  };
}

/** "Version 5bf5…, 4 of 4 processes", then who refused it or did not answer, and what they serve. */
function clusterText(cluster: ClusterOutcome): string {
  if (!cluster.reached)
    return [
      `**Could not reach every process** (${knowledgeText(cluster.why, 200)}): this process serves the new version, the others keep theirs.`,
      "When Redis is back, this version is published and every process loads it within seconds.",
    ].join("\n");
  const ok = cluster.processes.filter((p) => p.state === "ok").length;
  const lines = [`Version **${cluster.version}**, **${ok} of ${cluster.processes.length}** processes.`];
  const others = cluster.processes.filter((p) => p.state !== "ok");
  for (const p of others.slice(0, 10)) {
    const keeps = p.version ? `; it keeps serving ${p.version}` : "";
    lines.push(
      p.state === "refused"
        ? `• ${knowledgeText(p.id, 100)} refused it: ${knowledgeText(p.reason ?? "no reason given", 200)}${keeps}`
        : `• ${knowledgeText(p.id, 100)} did not answer in time${keeps}`,
    );
  }
  if (others.length > 10) lines.push(`…and ${others.length - 10} more.`);
  return lines.join("\n");
}

/** The deferred reply while a reload runs: what it is doing, and how far it is. */
export function reloadProgressReply(progress: ReloadProgress): Reply {
  const line =
    progress.phase === "reading"
      ? `Reading the knowledge files: ${progress.filesRead} of ${progress.files}…`
      : progress.phase === "indexing"
        ? `Indexing: ${progress.factsIndexed} of ${progress.facts} facts…`
        : `Loading version ${progress.version} everywhere: ${progress.done} of ${progress.processes} processes…`;
  return {
    embeds: [clampEmbed({ color: COLORS.info, title: "Reloading the knowledge", description: line })],
    ephemeral: true,
  };
}

/** A short, private message for errors and refusals. */
export function noticeReply(text: string): Reply {
  return { content: truncate(text, LIMITS.content), ephemeral: true };
}
