/**
 * The command runtime every transport shares: the registry's commands and chat handler, the
 * dispatcher, the services they use. The gateway bot, the HTTP worker and the local console
 * differ only in how interactions reach it; with REDIS_URL, the cooldown and /reload are the
 * deployment's (src/cluster) instead of this process's.
 */
import { chat, commands as registry } from "./commands/index.ts";
import type { Config } from "./config.ts";
import type { Command, CommandData, Services } from "./interactions/command.ts";
import { Cooldown, type CooldownPolicy } from "./interactions/cooldown.ts";
import { AUTOCOMPLETE_LIMIT, Dispatcher } from "./interactions/dispatcher.ts";
import { TokenBucket } from "./interactions/token-bucket.ts";
import type { Logger } from "./logger.ts";
import type { KnowledgeStore } from "./store/knowledge-store.ts";
import type { KnowledgeControl } from "./store/reload.ts";
import type { Feedback } from "./feedback/types.ts";
import type { InteractionEvent, Telemetry } from "./ops/telemetry.ts";

/** What a deployment of several processes shares (see src/cluster). */
export interface Shared {
  readonly cooldown: CooldownPolicy;
  readonly knowledge: KnowledgeControl;
}

export interface RuntimeOptions {
  readonly config: Pick<Config, "cooldownAnswers" | "cooldownWindowMs">;
  readonly log: Logger;
  readonly store: KnowledgeStore;
  /** The deployment's cooldown and reload; absent: this process's own. */
  readonly shared?: Shared | undefined;
  /** The local console: one trusted user, no cooldown. */
  readonly console?: boolean;
  /** Commands besides the registry's (tests). */
  readonly extraCommands?: readonly Command<CommandData>[];
  /** Votes and the question log (src/feedback); absent: nothing is recorded. */
  readonly feedback?: Feedback | undefined;
  /** Metrics (src/ops); absent: nothing is counted. */
  readonly telemetry?: Telemetry | undefined;
}

export interface Runtime {
  readonly dispatcher: Dispatcher;
  readonly services: Services;
}

export function createRuntime(options: RuntimeOptions): Runtime {
  const { config, log, store, shared } = options;
  const commands = [...registry, ...(options.extraCommands ?? [])];
  const services: Services = {
    store,
    log,
    commands: commands.map((c) => ({
      name: c.data.name,
      description: c.data.description,
      descriptionJa: c.data.description_localizations?.ja ?? undefined,
    })),
    ...(shared ? { knowledge: shared.knowledge } : {}),
    ...(options.feedback ? { feedback: options.feedback } : {}),
    ...(options.telemetry ? { telemetry: options.telemetry } : {}),
  };
  const own = options.console
    ? undefined
    : (shared?.cooldown ?? new Cooldown(config.cooldownAnswers, config.cooldownWindowMs));
  const telemetry = options.telemetry;
  const cooldown = own && telemetry ? telemetry.countRefusals(own) : own;
  const observe = telemetry && ((e: InteractionEvent) => telemetry.interaction(e));
  // Per process: an autocomplete is answered by the process it reaches, so its limit is local.
  const autocompleteLimit = options.console
    ? undefined
    : new TokenBucket(AUTOCOMPLETE_LIMIT.burst, AUTOCOMPLETE_LIMIT.perSecond);
  return {
    dispatcher: new Dispatcher(commands, services, { cooldown, chat, observe, autocompleteLimit }),
    services,
  };
}
