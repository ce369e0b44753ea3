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
import { dateLabel, type Fact, type Relation, type Source } from "../knowledge/types.ts";
import { knowledgeText, LIMITS, truncate, userText } from "./safe.ts";
import { capitalize, NOT_KNOWN } from "./text.ts";

export const COLORS = {
  answer: 0x3b82f6,
  unknown: 0xf59e0b,
  error: 0xef4444,
  ok: 0x22c55e,
  info: 0x64748b,
} as const;

/** "**16 February 1907** — statement [1]" with the citation number linked to its source. */
export function factMarkdown(fact: Fact, citation?: Citation): string {
  const label = dateLabel(fact);
  const cite = citation ? ` [\\[${citation.n}\\]](${citation.source.url})` : "";
  const text = knowledgeText(fact.statement, 600);
  return label ? `**${capitalize(label)}** — ${text}${cite}` : `${text}${cite}`;
}

/** "[1] [Title](url) — Publisher, § Section" */
export function citationMarkdown(c: Citation): string {
  return `[${c.n}] [${knowledgeText(c.source.title, 200)}](${c.source.url}) — ${knowledgeText(c.source.publisher, 100)}, § ${knowledgeText(c.section, 120)}`;
}

function footer(parts: (string | undefined)[]): APIEmbed["footer"] {
  return { text: truncate(parts.filter(Boolean).join(" · "), LIMITS.footer) };
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

function sourcesField(citations: readonly Citation[]): APIEmbedField[] {
  if (citations.length === 0) return [];
  return [
    {
      name: citations.length === 1 ? "Source" : "Sources",
      value: citations.map(citationMarkdown).join("\n"),
    },
  ];
}

function suggestionMenu(facts: readonly Fact[]): Reply["components"] {
  if (facts.length === 0) return [];
  return [
    {
      type: ComponentType.ActionRow,
      components: [
        {
          type: ComponentType.StringSelect,
          custom_id: customId("fact", "show"),
          placeholder: "Show one of the nearest facts",
          options: facts.slice(0, LIMITS.selectOptions).map((f) => ({
            label: truncate(`${capitalize(dateLabel(f) ?? "Undated")} · ${f.statement}`, LIMITS.selectLabel),
            value: f.id,
            description: truncate(f.id, LIMITS.selectDescription),
          })),
        },
      ],
    },
  ];
}

/** The reply to a question (/ask or chat). */
export function answerReply(answer: Answer, relations: readonly Relation[], ephemeral = false): Reply {
  const title = userText(answer.question, 200) || "Question";
  const version = `knowledge ${answer.version}`;
  const cite = (f: Fact) => answer.citations.find((c) => c.n === citationNumber(answer.citations, f));
  let embed: APIEmbed;
  let components: Reply["components"] = [];
  switch (answer.kind) {
    case "fact": {
      const fact = answer.facts[0]!;
      embed = {
        color: COLORS.answer,
        title,
        description: factMarkdown(fact, cite(fact)),
        fields: sourcesField(answer.citations),
        footer: footer([answer.relation?.title, fact.id, version]),
      };
      break;
    }
    case "list": {
      const lines = answer.facts.map((f) => `• ${factMarkdown(f, cite(f))}`);
      if (answer.more > 0) lines.push(`…and ${answer.more} more — see \`/timeline\`.`);
      embed = {
        color: COLORS.answer,
        title,
        description: lines.join("\n"),
        fields: sourcesField(answer.citations),
        footer: footer([answer.relation?.title, answer.period?.label, version]),
      };
      break;
    }
    default: {
      const lines = [answer.kind === "empty" ? "Ask me about relations between countries." : NOT_KNOWN];
      if (answer.kind === "uncovered" && answer.countries)
        lines.push(`I hold no facts on ${knowledgeText(answer.countries.join("–"), 200)} relations.`);
      if (answer.kind === "unknown" && answer.period)
        lines.push(`Nothing I hold matches that in ${answer.period.label}.`);
      const covered = relations.map((r) => r.title).join(", ");
      if (covered) lines.push(`I cover: ${knowledgeText(covered, 800)}.`);
      const fields: APIEmbedField[] = answer.suggestions.length
        ? [
            {
              name: "Nearest facts I hold",
              value: answer.suggestions.map((f) => `• ${factMarkdown(f)}`).join("\n"),
            },
          ]
        : [];
      embed = {
        color: COLORS.unknown,
        title,
        description: lines.join("\n"),
        fields,
        footer: footer([version]),
      };
      components = suggestionMenu(answer.suggestions);
    }
  }
  return { embeds: [clampEmbed(embed)], components, ephemeral };
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
  readonly sources: ReadonlyMap<string, Source>;
  readonly version: string;
}

/** One page of a relation's timeline, with previous / next buttons only its owner may use. */
export function timelineReply(t: TimelinePage): Reply {
  // from/to are what the user typed: echoed like any user text.
  const range =
    t.from || t.to ? ` (${t.from ? userText(t.from, 40) : "…"} – ${t.to ? userText(t.to, 40) : "…"})` : "";
  const citations = citationsFor(t.sources, t.facts);
  const lines = t.facts.map(
    (f) =>
      `• ${factMarkdown(
        f,
        citations.find((c) => c.n === citationNumber(citations, f)),
      )}`,
  );
  const button = (label: string, page: number, disabled: boolean) => ({
    type: ComponentType.Button as const,
    style: ButtonStyle.Secondary as const,
    label,
    custom_id: t.pageId(page),
    disabled,
  });
  return {
    embeds: [
      clampEmbed({
        color: COLORS.info,
        title: `${knowledgeText(t.relation.title, 200)}${range}`,
        description: lines.length ? lines.join("\n") : "No facts in that period.",
        fields: sourcesField(citations),
        footer: footer([`page ${t.page} of ${t.pages}`, `${t.total} facts`, `knowledge ${t.version}`]),
      }),
    ],
    components:
      t.pages > 1
        ? [
            {
              type: ComponentType.ActionRow,
              components: [
                button("◀ Previous", t.page - 1, t.page <= 1),
                button("Next ▶", t.page + 1, t.page >= t.pages),
              ],
            },
          ]
        : [],
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
  commands: ReadonlyArray<{ name: string; description: string }>,
  index: KnowledgeIndex,
): Reply {
  const relations = index.knowledge.relations.map((r) => r.title).join(", ");
  return {
    embeds: [
      clampEmbed({
        color: COLORS.info,
        title: "Kizuna — relations between countries, from cited sources",
        description: [
          "Ask a question and I answer in a sentence or two, with the date of the fact and its source.",
          "When my sources do not hold the answer I say so, and show the nearest facts I have.",
          "",
          "**Ask** with `/ask`, or mention me in a message: *@Kizuna when were relations established?*",
          "Questions can name a year, a month, a decade or a range: *what happened in the 1970s?*, *between 2002 and 2012*.",
          "",
          ...commands.map((c) => `\`/${c.name}\` — ${c.description}`),
          "",
          `Relations covered: ${knowledgeText(relations || "none yet", 1000)}.`,
        ].join("\n"),
        footer: footer([`knowledge ${index.version}`]),
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
