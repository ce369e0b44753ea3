/**
 * Reply builders for feedback: the 👍 👎 🗑 row under an answer, the "What is wrong?" form,
 * the private thanks, and the /gaps report. Pure functions, like messages.ts.
 */
import {
  ButtonStyle,
  ComponentType,
  TextInputStyle,
  type APIButtonComponent,
  type APIEmbedField,
} from "discord.js";
import { MAX_COMMENT, type FeedbackHealth } from "../feedback/types.ts";
import type { GapsReport } from "../feedback/report.ts";
import { clampEmbed, COLORS } from "./messages.ts";
import { customId, type Modal, type Reply } from "./reply.ts";
import { LIMITS, truncate, userText } from "./safe.ts";

/** Custom-id actions of the answer buttons and form (they belong to /ask, which chat shares). */
export const ANSWER_ACTIONS = { up: "up", down: "down", delete: "del", why: "why" } as const;
/** The form's text field. */
export const COMMENT_FIELD = "comment";

export interface AnswerActions {
  /** The answer's id for votes; none: no 👍 👎 (recording is off). */
  readonly answerId?: string | undefined;
  /** Who may delete it (with admins); none: no 🗑 (a private answer the user can dismiss). */
  readonly ownerId?: string | undefined;
}

// Emoji only: the row stays small under every answer, and the console (which cannot press
// buttons) leaves unlabelled ones out.
function button(id: string, emoji: string): APIButtonComponent {
  return { type: ComponentType.Button, style: ButtonStyle.Secondary, custom_id: id, emoji: { name: emoji } };
}

/** The answer with a row of 👍 👎 (votes) and 🗑 (delete) under it. */
export function withAnswerActions(reply: Reply, actions: AnswerActions): Reply {
  const buttons: APIButtonComponent[] = [];
  if (actions.answerId) {
    buttons.push(button(customId("ask", ANSWER_ACTIONS.up, actions.answerId), "👍"));
    buttons.push(button(customId("ask", ANSWER_ACTIONS.down, actions.answerId), "👎"));
  }
  if (actions.ownerId) buttons.push(button(customId("ask", ANSWER_ACTIONS.delete, actions.ownerId), "🗑"));
  if (buttons.length === 0) return reply;
  return {
    ...reply,
    components: [...(reply.components ?? []), { type: ComponentType.ActionRow, components: buttons }],
  };
}

/** "What is wrong?": one optional paragraph, at most 500 characters. */
export function whyModal(answerId: string): Modal {
  return {
    custom_id: customId("ask", ANSWER_ACTIONS.why, answerId),
    title: "What is wrong?",
    components: [
      {
        type: ComponentType.Label,
        label: "What is wrong with this answer?",
        description: "Optional. The admins who keep the facts read it.",
        component: {
          type: ComponentType.TextInput,
          custom_id: COMMENT_FIELD,
          style: TextInputStyle.Paragraph,
          required: false,
          max_length: MAX_COMMENT,
          placeholder: "e.g. the date is wrong, or it answers another question",
        },
      },
    ],
  };
}

/** The private acknowledgement of a vote. */
export function voteThanksReply(up: boolean): Reply {
  return {
    content: up
      ? "Thanks — noted 👍. You can change your vote any time."
      : "Thanks — noted 👎. The admins who keep the facts will see it.",
    ephemeral: true,
  };
}

function day(iso: string): string {
  return iso.slice(0, 16).replace("T", " ");
}

/** Lines joined up to a field's limit; what does not fit is counted, not cut mid-line. */
function fieldLines(lines: readonly string[], more: string): string {
  let out = "";
  let shown = 0;
  for (const line of lines) {
    const next = out ? `${out}\n${line}` : line;
    if (next.length > LIMITS.fieldValue - 40) break;
    out = next;
    shown++;
  }
  return shown < lines.length ? `${out}\n${more.replace("{n}", String(lines.length - shown))}` : out;
}

export interface GapsView {
  readonly days: number;
  readonly health: FeedbackHealth;
  /** Whose questions: "this server", "direct messages". */
  readonly scope: string;
}

/** The /gaps report: most asked unanswered questions, and the facts with the most 👎. */
export function gapsReply(report: GapsReport, view: GapsView): Reply {
  const fields: APIEmbedField[] = [];
  if (report.unanswered.length) {
    const lines = report.unanswered.map((g) => {
      const understood = [g.countries.join("–"), g.period].filter(Boolean).join(", ");
      const extra = [
        g.askers > 1 ? `${g.askers} people` : undefined,
        g.wordings > 1 ? `${g.wordings} wordings` : undefined,
        understood ? understood : undefined,
        `last ${day(g.lastAsked)}`,
      ].filter(Boolean);
      return `**${g.count}×** “${userText(g.question, 120)}” — ${extra.join(" · ")}`;
    });
    fields.push({ name: "Asked, not answered", value: fieldLines(lines, "…and {n} more (`npm run gaps`)") });
  }
  if (report.disliked.length) {
    const lines = report.disliked.map((f) => {
      const said = f.comments.slice(0, 2).map((c) => `\n  › “${userText(c, 140)}”`);
      return `\`${userText(f.factId, 80)}\` 👎 ${f.down} · 👍 ${f.up}${said.join("")}`;
    });
    fields.push({
      name: "Facts with the most 👎",
      value: fieldLines(lines, "…and {n} more (`npm run gaps`)"),
    });
  }
  const span = `${view.days} day${view.days === 1 ? "" : "s"}`;
  const health = view.health;
  const footer = [
    health.recording === "off"
      ? "Recording is off (RECORD_QUESTIONS=off)"
      : `Recording ${health.recording === "all" ? "all questions" : "unanswered questions"}, kept ${health.retentionDays} days`,
    view.scope,
    health.dropped > 0 ? `${health.dropped} records could not be written (database unavailable)` : undefined,
  ].filter(Boolean);
  return {
    embeds: [
      clampEmbed({
        color: COLORS.info,
        title: `Gaps — the last ${span}`,
        description: fields.length
          ? "What people asked that I could not answer, paraphrases counted together, and the facts people marked 👎."
          : `Nothing to show: no unanswered questions and no 👎 in the last ${span}.`,
        fields,
        footer: { text: truncate(footer.join(" · "), LIMITS.footer) },
      }),
    ],
    ephemeral: true,
  };
}
