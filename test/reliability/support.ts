/**
 * Helpers shared by the reliability tests and the load benchmark: what Discord received
 * (callbacks, messages) read back from the fake, and the invariants every fault must keep.
 */
import type {
  FakeDiscord,
  InteractionCallback,
  JsonObject,
  RecordedRequest,
} from "../support/fake-discord.ts";

export const EPHEMERAL = 64;

/** Questions with the one fact each must be answered with (knowledge/afghanistan-japan.yaml). */
export const QUESTIONS = [
  { question: "When were diplomatic relations established?", factId: "af-jp-1931-relations-established" },
  { question: "When did Ayub Khan visit Japan?", factId: "af-jp-1907-ayub-khan-visit" },
  { question: "When did Japan reopen its embassy in Kabul?", factId: "af-jp-2022-09-embassy-reopened" },
  { question: "What happened in 2002?", factId: "af-jp-2002-tokyo-conference" },
] as const;

export const ESTABLISHED = QUESTIONS[0].question;

/** A second, valid knowledge file (its own relation and source), for reloads of two files. */
export const GERMANY_JAPAN_FILE = "germany-japan.yaml";
export const GERMANY_QUESTION = "When did Prussia and Japan sign a treaty?";
export const GERMANY_FACT_ID = "de-jp-1861-prussia-treaty";
export function germanyJapanYaml(extraFacts = ""): string {
  return `relation:
  id: germany-japan
  title: Germany–Japan relations
  parties: [Germany, Japan]

sources:
  - id: kizuna-test-germany-japan
    title: Germany–Japan relations (test fixture)
    publisher: Kizuna tests
    url: https://example.org/germany-japan
    license: CC0 1.0
    retrieved: 2026-11-28

facts:
  - id: ${GERMANY_FACT_ID}
    date: "1861-01-24"
    statement: Prussia and Japan signed a treaty of amity and commerce.
    tags: [treaty, diplomacy]
    keywords: [Prussia, Eulenburg, amity, commerce]
    source: kizuna-test-germany-japan
    section: History
${extraFacts}`;
}

export interface Embed {
  title?: string;
  description?: string;
  fields?: Array<{ name: string; value: string }>;
  footer?: { text: string };
}

export function embedsOf(callback: InteractionCallback): Embed[] {
  const embeds = callback.data?.["embeds"];
  return (Array.isArray(embeds) ? embeds : []) as Embed[];
}

/** Content and every embed part of a callback, as one text. */
export function textOf(callback: InteractionCallback): string {
  const embedText = embedsOf(callback).flatMap((e) => [
    e.title ?? "",
    e.description ?? "",
    ...(e.fields ?? []).flatMap((f) => [f.name, f.value]),
    e.footer?.text ?? "",
  ]);
  return [String(callback.data?.["content"] ?? ""), ...embedText].join("\n");
}

/** The knowledge version an answer names in its footer ("… · knowledge 7d47e2925d9a"). */
export function versionOf(callback: InteractionCallback): string | undefined {
  return /knowledge ([0-9a-f]{6,})/.exec(embedsOf(callback)[0]?.footer?.text ?? "")?.[1];
}

/**
 * What an answer says — the fact ids in its footer, its text and its sources — without the
 * footer's labels (knowledge version, relation title): equal for the same facts across reloads.
 */
export function answerSignature(callback: InteractionCallback): string {
  return JSON.stringify(
    embedsOf(callback).map((e) => ({
      facts: (e.footer?.text ?? "").split(" · ").filter((part) => /^[a-z0-9]+(-[a-z0-9]+)+$/.test(part)),
      title: e.title,
      description: e.description,
      fields: e.fields,
    })),
  );
}

export const isCallback = (r: RecordedRequest): boolean => r.path.endsWith("/callback");
const accepted = (r: RecordedRequest): boolean => r.status !== undefined && r.status >= 200 && r.status < 300;

/** Callback requests, of one interaction or of all. */
export function callbackRequests(fake: FakeDiscord, interactionId?: string): RecordedRequest[] {
  return fake.requests.filter(
    (r) =>
      isCallback(r) && (interactionId === undefined || r.path.startsWith(`/interactions/${interactionId}/`)),
  );
}

/** Ids of the interactions Discord delivered (dispatched to the session). */
export function deliveredInteractions(fake: FakeDiscord): string[] {
  return [
    ...new Set(
      fake.dispatches
        .filter((d) => d.t === "INTERACTION_CREATE")
        .map((d) => String((d.d as JsonObject)["id"])),
    ),
  ];
}

/**
 * Interactions not acknowledged exactly once: "interaction id → accepted callbacks". Empty when
 * every interaction Discord delivered got one accepted callback (none lost, none doubled).
 */
export function notAnsweredOnce(fake: FakeDiscord): Record<string, number> {
  const out: Record<string, number> = {};
  for (const id of deliveredInteractions(fake)) {
    const n = callbackRequests(fake, id).filter(accepted).length;
    if (n !== 1) out[id] = n;
  }
  return out;
}

/** Bot messages that reply to `messageId` (chat answers). */
export function repliesTo(fake: FakeDiscord, messageId: string): number {
  return fake.messages.filter(
    (m) => m.author.id === fake.botUser.id && m.message_reference?.message_id === messageId,
  ).length;
}

/** A user id per index: stable, real-format (18 digits), distinct from the fake's own. */
export function userId(i: number): string {
  return String(300_000_000_000_000_000n + BigInt(i));
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
