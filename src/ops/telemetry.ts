/**
 * What an operator can watch (README, "Operating Kizuna"): Prometheus metrics through
 * prom-client, every one of ours named `kizuna_…`, beside Node's default process metrics; and
 * the state /healthz and /readyz report. Labels take a bounded set of values only (command
 * names from the registry, fixed outcomes): never a user, a guild or anything a user typed.
 */
import { monitorEventLoopDelay, type IntervalHistogram } from "node:perf_hooks";
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { Answer } from "../engine/types.ts";
import type { CooldownPolicy } from "../interactions/cooldown.ts";
import type { KnowledgeStore, ReloadResult } from "../store/knowledge-store.ts";

/** One interaction as the dispatcher saw it. */
export interface InteractionEvent {
  readonly kind: string;
  /** The command, or for a component "command:action". */
  readonly command: string;
  readonly outcome: "ok" | "user-error" | "error";
  readonly ms: number;
}

/** The gateway as the process sees it; absent for a process without one (http role, console). */
export interface GatewayState {
  /** "ready", or why not ("connecting", "reconnecting", "disconnected", …). */
  readonly status: string;
  /** Heartbeat round trip in ms; undefined before the first one. */
  readonly pingMs: number | undefined;
}

export interface LastReload {
  readonly at: string;
  readonly ok: boolean;
  readonly ms: number;
  readonly version: string;
  readonly problems?: number;
}

const LOOP_RESOLUTION_MS = 10;
const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export class Telemetry {
  readonly registry = new Registry();
  private store: KnowledgeStore | undefined;
  private gateway: (() => GatewayState) | undefined;
  private lastReload: LastReload | undefined;
  /** Why the process is not serving yet, or no longer: null while it is. */
  private phase: string | null = "starting";
  private readonly known: ReadonlySet<string>;
  private readonly loopDelay: IntervalHistogram;
  private readonly interactions: Counter<"kind" | "command" | "outcome">;
  private readonly latency: Histogram<"kind" | "command">;
  private readonly answers: Counter<"outcome">;
  private readonly reloads: Counter<"outcome">;
  private readonly reloadSeconds: Histogram<"outcome">;
  private readonly refusals: Counter;
  readonly startedAt = new Date();

  /** `commands`: the registry's names, the only values the `command` label takes ("other" besides). */
  constructor(commands: readonly string[], options: { defaultMetrics?: boolean } = {}) {
    this.known = new Set([...commands, "chat"]);
    const registers = [this.registry];
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry });
    this.interactions = new Counter({
      name: "kizuna_interactions_total",
      help: "Interactions handled, by kind (command, component, modal, chat), command and outcome (ok, user-error, error).",
      labelNames: ["kind", "command", "outcome"],
      registers,
    });
    this.latency = new Histogram({
      name: "kizuna_answer_duration_seconds",
      help: "Time from an interaction reaching the dispatcher to its reply being ready.",
      labelNames: ["kind", "command"],
      buckets: SECONDS,
      registers,
    });
    this.answers = new Counter({
      name: "kizuna_answers_total",
      help: "Questions answered (/ask and chat), by outcome: answered, not-known, uncovered-pair (no facts on the countries named), empty.",
      labelNames: ["outcome"],
      registers,
    });
    this.reloads = new Counter({
      name: "kizuna_reloads_total",
      help: "Knowledge reloads, by outcome (ok, refused: the previous knowledge kept).",
      labelNames: ["outcome"],
      registers,
    });
    this.reloadSeconds = new Histogram({
      name: "kizuna_reload_duration_seconds",
      help: "How long a knowledge reload took, by outcome.",
      labelNames: ["outcome"],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
      registers,
    });
    this.refusals = new Counter({
      name: "kizuna_cooldown_refusals_total",
      help: "Answers refused by the per-user cooldown (slash commands get a notice, chat stays silent).",
      registers,
    });
    // Read at scrape time from the live objects, so they can never be stale.
    const self = this;
    new Gauge({
      name: "kizuna_knowledge_facts",
      help: "Facts served by the live knowledge.",
      registers,
      collect() {
        if (self.store) this.set(self.store.index.knowledge.facts.length);
      },
    });
    new Gauge({
      name: "kizuna_knowledge_info",
      help: "The live knowledge's version (always 1; the version is the label).",
      labelNames: ["version"],
      registers,
      collect() {
        this.reset();
        if (self.store) this.set({ version: self.store.version }, 1);
      },
    });
    new Gauge({
      name: "kizuna_gateway_up",
      help: "1 while the Discord gateway is ready, 0 otherwise (absent without a gateway).",
      registers,
      collect() {
        const g = self.gateway?.();
        if (g) this.set(g.status === "ready" ? 1 : 0);
      },
    });
    new Gauge({
      name: "kizuna_gateway_ping_seconds",
      help: "The gateway's last heartbeat round trip.",
      registers,
      collect() {
        const ping = self.gateway?.().pingMs;
        if (ping !== undefined) this.set(ping / 1000);
      },
    });
    // Since the last scrape: a stall between two scrapes shows up in max even when brief.
    this.loopDelay = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
    this.loopDelay.enable();
    const delay = this.loopDelay;
    new Gauge({
      name: "kizuna_event_loop_lag_seconds",
      help: "Event-loop delay since the previous scrape, by statistic (p50, p99, max).",
      labelNames: ["stat"],
      registers,
      collect() {
        // The histogram holds the time between ticks of a 10 ms timer: the lag is what exceeds 10 ms.
        const lag = (ns: number) => Math.max(0, ns - LOOP_RESOLUTION_MS * 1e6) / 1e9;
        if (delay.count > 0) {
          this.set({ stat: "p50" }, lag(delay.percentile(50)));
          this.set({ stat: "p99" }, lag(delay.percentile(99)));
          this.set({ stat: "max" }, lag(delay.max));
        }
        delay.reset();
      },
    });
  }

  /** The live knowledge (set once it has loaded); its reloads are counted from here on. */
  watchKnowledge(store: KnowledgeStore): void {
    this.store = store;
    store.onReload((r) => this.reloaded(r));
  }

  /** Where the gateway's state is read (the bot and gateway roles). */
  watchGateway(read: () => GatewayState): void {
    this.gateway = read;
  }

  /** The transport is up (the gateway logged in, the HTTP worker listening, …). */
  serving(): void {
    this.phase = null;
  }

  /** Shutting down: /readyz says so at once, so a load balancer stops sending work. */
  stopping(): void {
    this.phase = "shutting down";
  }

  reloaded(r: ReloadResult): void {
    const outcome = r.ok ? "ok" : "refused";
    this.reloads.inc({ outcome });
    this.reloadSeconds.observe({ outcome }, r.ms / 1000);
    this.lastReload = {
      at: new Date().toISOString(),
      ok: r.ok,
      ms: Math.round(r.ms),
      version: r.ok ? r.version : r.keptVersion,
      ...(r.ok ? {} : { problems: r.problems.length }),
    };
  }

  interaction(e: InteractionEvent): void {
    const name = e.command.split(":")[0] ?? "";
    const command = this.known.has(name) ? name : "other";
    const kind = ["command", "component", "modal", "chat"].includes(e.kind) ? e.kind : "other";
    this.interactions.inc({ kind, command, outcome: e.outcome });
    this.latency.observe({ kind, command }, e.ms / 1000);
  }

  answered(answer: Pick<Answer, "answered" | "kind">): void {
    const outcome = answer.answered
      ? "answered"
      : answer.kind === "uncovered"
        ? "uncovered-pair"
        : answer.kind === "empty"
          ? "empty"
          : "not-known";
    this.answers.inc({ outcome });
  }

  /** The cooldown, with its refusals counted. */
  countRefusals(policy: CooldownPolicy): CooldownPolicy {
    return {
      take: async (userId) => {
        const result = await policy.take(userId);
        if (!result.ok) this.refusals.inc();
        return result;
      },
    };
  }

  /** What /healthz and /readyz report. */
  state(): {
    ready: boolean;
    reasons: string[];
    knowledge: { version: string; facts: number } | null;
    lastReload: LastReload | null;
    gateway: { status: string; pingMs: number | null } | null;
    uptimeSeconds: number;
  } {
    const reasons: string[] = [];
    const store = this.store;
    if (this.phase) reasons.push(this.phase);
    if (!store) reasons.push("knowledge not loaded yet");
    const g = this.gateway?.();
    if (g && g.status !== "ready") reasons.push(`gateway not ready (${g.status})`);
    return {
      ready: reasons.length === 0,
      reasons,
      knowledge: store ? { version: store.version, facts: store.index.knowledge.facts.length } : null,
      lastReload: this.lastReload ?? null,
      gateway: g ? { status: g.status, pingMs: g.pingMs ?? null } : null,
      uptimeSeconds: Math.round((Date.now() - this.startedAt.getTime()) / 1000),
    };
  }

  close(): void {
    this.loopDelay.disable();
  }
}
