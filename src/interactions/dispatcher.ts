/**
 * The one dispatcher: every slash command, autocomplete, button, select and chat question
 * goes through here, from Discord and from the console alike. It always produces a reply:
 * a UserError shows its message, anything else shows a short apology with a reference
 * while the log gets the stack. One structured log line per interaction.
 */
import { randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import { ApplicationCommandOptionType } from "discord.js";
import { UserError } from "../errors.ts";
import { noticeReply } from "../replies/messages.ts";
import { safeChoices } from "../replies/safe.ts";
import type { Reply } from "../replies/reply.ts";
import type {
  Actor,
  ChatHandler,
  Choice,
  Command,
  CommandData,
  ComponentResult,
  ModalResult,
  OptionData,
  Services,
  SlowComponent,
} from "./command.ts";
import type { CooldownPolicy } from "./cooldown.ts";
import type { InteractionEvent } from "../ops/telemetry.ts";

export interface ChatOptions {
  /** In auto-answer channels the bot stays silent when it does not know. */
  readonly quietWhenUnknown?: boolean;
}

export interface CommandOptions {
  /** Where the command's progress reports go (see CommandContext.progress). */
  readonly progress?: ((reply: Reply) => void) | undefined;
}

export interface DispatcherOptions {
  /** The per-user answer cooldown; none in the console. */
  readonly cooldown?: CooldownPolicy | undefined;
  /** Answers chat questions; without one, chat gets no reply. */
  readonly chat?: ChatHandler | undefined;
  /** Told of every interaction handled (metrics: src/ops/telemetry.ts). */
  readonly observe?: ((e: InteractionEvent) => void) | undefined;
  /** Autocompletes a user may have: past it they get no choices (see AUTOCOMPLETE_LIMIT). */
  readonly autocompleteLimit?: { take(userId: string): boolean } | undefined;
}

/** Per user: 20 autocompletes at once, then 10 a second (fast typing stays well inside it). */
export const AUTOCOMPLETE_LIMIT = { burst: 20, perSecond: 10 } as const;

export class Dispatcher {
  private readonly byName: ReadonlyMap<string, Command<CommandData>>;
  private readonly cooldown: CooldownPolicy | undefined;
  private readonly chatHandler: ChatHandler | undefined;
  private readonly observe: (e: InteractionEvent) => void;
  private readonly autocompleteLimit: DispatcherOptions["autocompleteLimit"];

  constructor(
    readonly commands: readonly Command<CommandData>[],
    readonly services: Services,
    options: DispatcherOptions = {},
  ) {
    this.byName = new Map(commands.map((c) => [c.data.name, c]));
    this.cooldown = options.cooldown;
    this.chatHandler = options.chat;
    this.observe = options.observe ?? (() => undefined);
    this.autocompleteLimit = options.autocompleteLimit;
  }

  /**
   * Whether a command's reply will be private, known before it runs: a transport that has
   * to defer makes the "thinking…" message private too (an edit cannot change that later).
   */
  isPrivate(name: string, rawOptions: Readonly<Record<string, unknown>>): boolean {
    const privacy = this.byName.get(name)?.privacy;
    if (!privacy) return false;
    if ("always" in privacy) return true;
    return Object.hasOwn(rawOptions, privacy.option) && rawOptions[privacy.option] === true;
  }

  /** Runs a slash command; always resolves to a reply. */
  async command(
    name: string,
    rawOptions: Readonly<Record<string, unknown>>,
    actor: Actor,
    run: CommandOptions = {},
  ): Promise<Reply> {
    return this.run({ kind: "command", command: name, actor }, async (index) => {
      const command = this.byName.get(name);
      if (!command)
        throw new UserError(
          `I don't know the command /${String(name).slice(0, 40)}. Try \`/help\`.`,
          "unknown-command",
        );
      if (command.guildOnly && !actor.guildId)
        throw new UserError("That command works only in a server.", "guild-only");
      if (command.adminOnly && !actor.isAdmin)
        throw new UserError(
          "Only server admins (Manage Server, or a configured admin role) can do that.",
          "not-admin",
        );
      const options = coerceOptions(command.data.options ?? [], rawOptions);
      if (command.costly) await this.takeCooldown(actor);
      const progress = run.progress ?? (() => undefined);
      return command.execute({ options, actor, index, services: this.services, progress });
    });
  }

  /** Whether a slash command's reply to these options may be slow (see Command.defers); never throws. */
  commandDefers(name: string, rawOptions: Readonly<Record<string, unknown>>): boolean {
    const command = this.byName.get(name);
    if (!command?.defers) return false;
    try {
      return command.defers(coerceOptions(command.data.options ?? [], rawOptions));
    } catch {
      return false; // bad options: the command answers at once with the problem
    }
  }

  /** How a component's answer is acknowledged before it is ready, when it may be slow (see SlowComponent). */
  componentDefers(customId: string): SlowComponent["defer"] | undefined {
    const entry = this.componentEntry(String(customId).split(":"));
    return entry && typeof entry !== "function" ? entry.defer : undefined;
  }

  /**
   * Autocomplete choices; never throws (a failure offers nothing). A user past the autocomplete
   * limit is offered nothing either: an empty list, never an error, and no work done.
   */
  autocomplete(
    name: string,
    focused: { name: string; value: string },
    options: Readonly<Record<string, unknown>>,
    userId?: string,
  ): Choice[] {
    const command = this.byName.get(name);
    if (!command?.autocomplete) return [];
    if (userId !== undefined && this.autocompleteLimit && !this.autocompleteLimit.take(userId)) return [];
    try {
      const value = typeof focused.value === "string" ? focused.value : String(focused.value ?? "");
      return safeChoices(
        command.autocomplete({
          focused: { name: focused.name, value },
          options,
          index: this.services.store.index,
        }),
      );
    } catch (error) {
      this.services.log.error({ err: error, command: name }, "autocomplete failed");
      return [];
    }
  }

  /** Runs a button or select handler named by its custom id "kz:<command>:<action>:…". */
  async component(customId: string, values: readonly string[], actor: Actor): Promise<ComponentResult> {
    let result: ComponentResult | undefined;
    const [prefix, commandName = "", action = "", ...args] = String(customId).split(":");
    const reply = await this.run(
      { kind: "component", command: `${commandName}:${action}`, actor },
      async (index) => {
        const entry = this.componentEntry([prefix, commandName, action]);
        if (!entry)
          throw new UserError("That button no longer works; run the command again.", "unknown-component");
        const handler = typeof entry === "function" ? entry : entry.run;
        result = await handler({ args, values, actor, index, services: this.services });
        // A form or a deletion sends no message of ours: nothing to log as the reply.
        return "update" in result ? result.update : "reply" in result ? result.reply : noticeReply("");
      },
    );
    // `result` is set only when the handler returned; otherwise `reply` is run()'s apology.
    return result ?? { reply };
  }

  /** Runs the handler of a submitted form (modal) named by its custom id "kz:<command>:<action>:…". */
  async modalSubmit(
    customId: string,
    fields: ReadonlyMap<string, string>,
    actor: Actor,
  ): Promise<ModalResult> {
    let result: ModalResult | undefined;
    const [prefix, commandName = "", action = "", ...args] = String(customId).split(":");
    const reply = await this.run(
      { kind: "modal", command: `${commandName}:${action}`, actor },
      async (index) => {
        const handler = ownHandler(this.byName.get(commandName)?.modals, prefix, action);
        if (!handler) throw new UserError("That form no longer works; try again.", "unknown-modal");
        result = await handler({ args, fields, actor, index, services: this.services });
        return "update" in result ? result.update : result.reply;
      },
    );
    return result ?? { reply };
  }

  /** Answers a chat message; null means stay silent (cooldown, or the handler chose silence). */
  async chat(text: string, actor: Actor, options: ChatOptions = {}): Promise<Reply | null> {
    const handler = this.chatHandler;
    if (!handler) return null;
    let silent = false;
    const reply = await this.run({ kind: "chat", command: "chat", actor }, async (index) => {
      const answer = await handler.answer({
        text,
        actor,
        index,
        services: this.services,
        quietWhenUnknown: options.quietWhenUnknown ?? false,
      });
      // Silence costs the user nothing: only a reply we actually send counts for the cooldown.
      if (!answer || (this.cooldown && !(await this.cooldown.take(actor.id)).ok)) {
        silent = true;
        return noticeReply("");
      }
      return answer;
    });
    return silent ? null : reply;
  }

  /** The handler named by a custom id's "kz", command and action parts. */
  private componentEntry([prefix, commandName = "", action = ""]: readonly (string | undefined)[]) {
    // The action comes from a custom id anyone can craft: only the command's own handlers count.
    return ownHandler(this.byName.get(commandName)?.components, prefix, action);
  }

  private async takeCooldown(actor: Actor): Promise<void> {
    const result = await this.cooldown?.take(actor.id);
    if (result && !result.ok)
      throw new UserError(
        `You're asking quickly — try again in ${Math.ceil(result.retryInMs / 1000)} s.`,
        "cooldown",
      );
  }

  private async run(
    meta: { kind: string; command: string; actor: Actor },
    body: (index: Services["store"]["index"]) => Promise<Reply> | Reply,
  ): Promise<Reply> {
    const started = performance.now();
    // One snapshot per interaction: a reload meanwhile does not change this answer.
    const index = this.services.store.index;
    const log = {
      kind: meta.kind,
      command: meta.command,
      user: meta.actor.id,
      guild: meta.actor.guildId,
      version: index.version,
    };
    try {
      const reply = await body(index);
      const ms = round(performance.now() - started);
      this.services.log.info({ ...log, ms, outcome: "ok" }, "interaction");
      this.observe({ ...meta, outcome: "ok", ms });
      return reply;
    } catch (error) {
      const ms = round(performance.now() - started);
      if (error instanceof UserError) {
        this.services.log.info({ ...log, ms, outcome: "user-error", code: error.code }, "interaction");
        this.observe({ ...meta, outcome: "user-error", ms });
        return noticeReply(error.message);
      }
      const ref = randomBytes(3).toString("hex");
      this.services.log.error({ ...log, ms, outcome: "error", ref, err: error }, "interaction failed");
      this.observe({ ...meta, outcome: "error", ms });
      return noticeReply(
        `Something went wrong on my side (ref ${ref}); it has been logged. Please try again.`,
      );
    }
  }
}

/**
 * The handler a crafted custom id names, if the command has it as its own: "constructor" or
 * "__proto__" must not reach Object's.
 */
function ownHandler<H>(
  handlers: Readonly<Record<string, H>> | undefined,
  prefix: string | undefined,
  action: string,
) {
  return prefix === "kz" && handlers && Object.hasOwn(handlers, action) ? handlers[action] : undefined;
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}

const TRUE = /^(?:true|yes|y|1|on)$/i;
const FALSE = /^(?:false|no|n|0|off)$/i;

/** Checks option values against the definition (Discord sends typed values, the console strings). */
export function coerceOptions(
  defs: readonly OptionData[],
  raw: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const def of defs) {
    const value = Object.hasOwn(raw, def.name) ? raw[def.name] : undefined;
    if (value === undefined || value === null || value === "") {
      if (def.required) throw new UserError(`Option “${def.name}” is required.`, "option-missing");
      continue;
    }
    switch (def.type) {
      case ApplicationCommandOptionType.Integer:
      case ApplicationCommandOptionType.Number: {
        const n = typeof value === "number" ? value : Number(String(value).trim());
        const integer = def.type === ApplicationCommandOptionType.Integer;
        if (!Number.isFinite(n) || (integer && !Number.isInteger(n)))
          throw new UserError(
            `Option “${def.name}” must be ${integer ? "a whole number" : "a number"}.`,
            "option-type",
          );
        if (
          (def.min_value !== undefined && n < def.min_value) ||
          (def.max_value !== undefined && n > def.max_value)
        )
          throw new UserError(
            `Option “${def.name}” must be between ${def.min_value ?? "…"} and ${def.max_value ?? "…"}.`,
            "option-range",
          );
        out[def.name] = n;
        break;
      }
      case ApplicationCommandOptionType.Boolean: {
        if (typeof value === "boolean") out[def.name] = value;
        else if (TRUE.test(String(value))) out[def.name] = true;
        else if (FALSE.test(String(value))) out[def.name] = false;
        else throw new UserError(`Option “${def.name}” must be true or false.`, "option-type");
        break;
      }
      default: {
        if (typeof value !== "string")
          throw new UserError(`Option “${def.name}” must be text.`, "option-type");
        if (def.choices && !def.choices.some((c) => c.value === value))
          throw new UserError(
            `Option “${def.name}” must be one of ${def.choices.map((c) => c.value).join(", ")}.`,
            "option-choice",
          );
        out[def.name] = def.max_length ? value.slice(0, def.max_length) : value;
      }
    }
  }
  return out;
}
