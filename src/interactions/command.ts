/**
 * What a slash command is, independent of Discord: its definition (the JSON Discord
 * registers) and its handlers, typed together so a handler's options follow from the
 * definition. The Discord adapter and the local console both run these.
 */
import type { ApplicationCommandOptionType, InteractionContextType, LocalizationMap } from "discord.js";
import type { KnowledgeIndex } from "../index/knowledge-index.ts";
import type { Logger } from "../logger.ts";
import type { Feedback } from "../feedback/types.ts";
import type { Modal, Reply } from "../replies/reply.ts";
import type { KnowledgeStore } from "../store/knowledge-store.ts";
import type { KnowledgeControl } from "../store/reload.ts";
import type { Telemetry } from "../ops/telemetry.ts";

export interface OptionData {
  readonly type: ApplicationCommandOptionType;
  readonly name: string;
  readonly description: string;
  readonly name_localizations?: LocalizationMap;
  readonly description_localizations?: LocalizationMap;
  readonly required?: boolean;
  readonly autocomplete?: boolean;
  readonly min_length?: number;
  readonly max_length?: number;
  readonly min_value?: number;
  readonly max_value?: number;
  /** The only values allowed (Discord shows them as a menu). */
  readonly choices?: readonly {
    readonly name: string;
    readonly name_localizations?: LocalizationMap;
    readonly value: string;
  }[];
}

export interface CommandData {
  readonly name: string;
  readonly description: string;
  readonly name_localizations?: LocalizationMap;
  readonly description_localizations?: LocalizationMap;
  readonly options?: readonly OptionData[];
  /** Bitfield as a string; "32" (Manage Server) hides a command from other members. */
  readonly default_member_permissions?: string | null;
  readonly contexts?: readonly InteractionContextType[];
}

type ValueOf<T> = T extends ApplicationCommandOptionType.String
  ? string
  : T extends ApplicationCommandOptionType.Integer | ApplicationCommandOptionType.Number
    ? number
    : T extends ApplicationCommandOptionType.Boolean
      ? boolean
      : string;
type OptionList<D> = D extends { readonly options: infer O extends readonly OptionData[] } ? O : readonly [];

/** The option values a handler receives, derived from the command's definition. */
export type OptionsOf<D extends CommandData> = {
  readonly [O in OptionList<D>[number] as O["name"]]: O extends { readonly required: true }
    ? ValueOf<O["type"]>
    : ValueOf<O["type"]> | undefined;
};

/** Who acts, as the adapter established it. */
export interface Actor {
  readonly id: string;
  readonly name: string;
  /** Decided by the adapter (Discord: Manage Server, admin roles or ids; console: always). */
  readonly isAdmin: boolean;
  readonly guildId: string | null;
  readonly locale: string;
}

export interface Services {
  readonly store: KnowledgeStore;
  readonly log: Logger;
  /** Name and description of every command, for /help (avoids an import cycle). */
  readonly commands: ReadonlyArray<{
    readonly name: string;
    readonly description: string;
    readonly descriptionJa?: string | undefined;
  }>;
  /** How /reload reaches every process serving the knowledge; absent: this process's store alone. */
  readonly knowledge?: KnowledgeControl | undefined;
  /** Votes and the question log; absent when nothing is recorded at all. */
  readonly feedback?: Feedback | undefined;
  /** Counts answers by outcome (src/ops/telemetry.ts); absent: nothing is counted. */
  readonly telemetry?: Pick<Telemetry, "answered"> | undefined;
}

export interface CommandContext<O> {
  readonly options: O;
  readonly actor: Actor;
  /** The knowledge snapshot this interaction started on. */
  readonly index: KnowledgeIndex;
  readonly services: Services;
  /**
   * Shows how long work is getting on: the transport puts the latest message in place of
   * "thinking…" (throttled); a transport that cannot show it ignores it.
   */
  readonly progress: (reply: Reply) => void;
}

export interface Choice {
  readonly name: string;
  readonly value: string;
}

export interface AutocompleteContext {
  readonly focused: { readonly name: string; readonly value: string };
  readonly options: Readonly<Record<string, unknown>>;
  readonly index: KnowledgeIndex;
}

export interface ComponentContext {
  /** The custom id split on ":" after the "kz:<command>:<action>" prefix. */
  readonly args: readonly string[];
  /** Chosen values of a select menu. */
  readonly values: readonly string[];
  readonly actor: Actor;
  readonly index: KnowledgeIndex;
  readonly services: Services;
}

/**
 * A component rewrites the message it sits on, answers with a new reply, opens a form (its
 * submission goes to the command's `modals` handler), or deletes the message it sits on.
 */
export type ComponentResult =
  | { readonly update: Reply }
  | { readonly reply: Reply }
  | { readonly modal: Modal }
  | { readonly delete: true };

/** A submitted form rewrites the message it was opened from, or answers with a new reply. */
export type ModalResult = { readonly update: Reply } | { readonly reply: Reply };

export interface ModalContext {
  /** The form's custom id split on ":" after the "kz:<command>:<action>" prefix. */
  readonly args: readonly string[];
  /** The text fields by their custom ids, as typed (the handler checks lengths again). */
  readonly fields: ReadonlyMap<string, string>;
  readonly actor: Actor;
  readonly index: KnowledgeIndex;
  readonly services: Services;
}

export type ComponentHandler = (ctx: ComponentContext) => Promise<ComponentResult> | ComponentResult;

/**
 * A component whose answer may take a while (it renders a picture): the adapter acknowledges
 * it at once — as a new private reply still "thinking", or as an update to come — and sends
 * the result when it is ready.
 */
export interface SlowComponent {
  readonly defer: "reply" | "update";
  readonly run: ComponentHandler;
}

export interface Command<D extends CommandData = CommandData> {
  readonly data: D;
  /** Refused outside a server (DMs). */
  readonly guildOnly?: boolean;
  /** Checked again on our side, whatever Discord showed. */
  readonly adminOnly?: boolean;
  /** Counts towards the per-user answer cooldown. */
  readonly costly?: boolean;
  /**
   * Who sees the reply before it is ready, so a transport that must defer knows whether the
   * "thinking…" message is private: always (/reload), or when this boolean option is true.
   */
  readonly privacy?: { readonly always: true } | { readonly option: string };
  execute(ctx: CommandContext<OptionsOf<D>>): Promise<Reply> | Reply;
  /**
   * True when the reply to these options may take a while (a picture is rendered): the
   * adapter acknowledges at once (Discord's "thinking…") instead of waiting to see.
   */
  defers?(options: OptionsOf<D>): boolean;
  autocomplete?(ctx: AutocompleteContext): readonly Choice[];
  /** Button and select handlers, by action: custom id "kz:<command>:<action>:args…". */
  readonly components?: Readonly<Record<string, ComponentHandler | SlowComponent>>;
  /** Form submissions, by action: custom id "kz:<command>:<action>:args…". */
  readonly modals?: Readonly<Record<string, (ctx: ModalContext) => Promise<ModalResult> | ModalResult>>;
}

/** Declares a command; `const` keeps the option names literal so handlers are typed from them. */
export function defineCommand<const D extends CommandData>(command: Command<D>): Command<D> {
  return command;
}

/** What a chat message asks, and who asks it. */
export interface ChatContext {
  readonly text: string;
  readonly actor: Actor;
  readonly index: KnowledgeIndex;
  readonly services: Services;
  /** In auto-answer channels the bot stays silent when it does not know. */
  readonly quietWhenUnknown: boolean;
}

/**
 * Answers questions asked in chat (a mention, a reply to the bot, an auto-answer channel),
 * registered beside the commands. `null` means stay silent; a reply counts toward the
 * cooldown, silence does not.
 */
export interface ChatHandler {
  answer(ctx: ChatContext): Promise<Reply | null> | Reply | null;
}
