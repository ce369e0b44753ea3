/**
 * The Discord adapter: discord.js events in, dispatcher calls, replies out. Discord
 * objects live only here; everything it runs is platform-neutral.
 */
import { performance } from "node:perf_hooks";
import {
  Client,
  ComponentType,
  DefaultRestOptions,
  DiscordAPIError,
  Events,
  GatewayIntentBits,
  MessageFlags,
  Partials,
  PermissionFlagsBits,
  type ClientOptions,
  type Interaction,
  type InteractionEditReplyOptions,
  type InteractionUpdateOptions,
  type Message,
} from "discord.js";
import type { Config } from "../../config.ts";
import type { Actor } from "../../interactions/command.ts";
import type { Dispatcher } from "../../interactions/dispatcher.ts";
import type { Logger } from "../../logger.ts";
import { respondInTime } from "../../interactions/respond.ts";
import { WorkQueue } from "../../interactions/work-queue.ts";
import { noticeReply } from "../../replies/messages.ts";
import type { Reply } from "../../replies/reply.ts";
import { recentIds } from "../recent-ids.ts";
import { isAdmin } from "./admin.ts";
import { guardPackets } from "./packet-guard.ts";
import { interactionPayload, messageBody, messagePayload, NO_PINGS } from "./payload.ts";

export interface BotOptions {
  readonly config: Config;
  readonly dispatcher: Dispatcher;
  readonly log: Logger;
  /**
   * Extra client options: the shards and the shared identify throttle of a gateway process
   * (src/main.ts); tests shorten the identify throttle.
   */
  readonly clientOptions?: Partial<ClientOptions>;
  /** Defer a slash command whose reply is not ready after this long (Discord allows 3 s). */
  readonly deferAfterMs?: number;
  /**
   * How long one attempt of an interaction callback may take. Discord drops an interaction
   * not acknowledged within 3 s, so waiting the REST default of 15 s per attempt only delays
   * the error; other requests (edits, follow-ups, chat replies) keep the REST timeout.
   */
  readonly callbackTimeoutMs?: number;
  /** How long shutdown waits for interactions in flight. */
  readonly drainMs?: number;
  /**
   * How long shutdown keeps reading the gateway before it waits for the work in flight:
   * an interaction already on the wire when the signal comes still gets an answer (the
   * "restarting" notice) instead of "the application did not respond".
   */
  readonly settleMs?: number;
}

/** Why the bot stopped: asked to, or Discord closed the gateway with a code it cannot recover from. */
export type BotStopped =
  { readonly reason: "shutdown" } | { readonly reason: "gateway-closed"; readonly code: number };

export interface Bot {
  readonly client: Client;
  /** Resolves when logged in and guilds are ready. */
  readonly ready: Promise<void>;
  /**
   * Resolves once the bot has stopped: after shutdown(), or by itself when Discord closes the
   * gateway for good (4004 bad token, 4010–4014 shard or intents refused). Then the process
   * should exit non-zero: nothing will reconnect.
   */
  readonly stopped: Promise<BotStopped>;
  /** Stops taking work, finishes what is in flight, closes the gateway. Idempotent. */
  shutdown(): Promise<void>;
}

/** Intents: guilds + guild messages for mentions; message content only for auto-answer channels. */
export function intentsFor(config: Config): GatewayIntentBits[] {
  const intents = [
    GatewayIntentBits.Guilds,
    GatewayIntentBits.GuildMessages,
    GatewayIntentBits.DirectMessages,
  ];
  if (config.chatChannelIds.length > 0) intents.push(GatewayIntentBits.MessageContent);
  return intents;
}

/** Discord's window for acknowledging an interaction. */
const INTERACTION_WINDOW_MS = 3_000;
/** A suggestion picked up with less than this left of the window is not sent: it would land late. */
const AUTOCOMPLETE_MARGIN_MS = 500;
const CALLBACK_URL = /\/interactions\/\d+\/[^/]+\/callback(?:\?|$)/;
/** 40060 Interaction has already been acknowledged. */
const ALREADY_ACKNOWLEDGED = 40060;
/** 10008 Unknown Message: already deleted. */
const UNKNOWN_MESSAGE = 10008;

/**
 * The REST transport with a shorter time limit for interaction callbacks. An attempt that
 * runs out is aborted like any timed-out request (an AbortError, which @discordjs/rest retries).
 */
export function withCallbackTimeout(
  makeRequest: typeof DefaultRestOptions.makeRequest,
  timeoutMs: number,
): typeof DefaultRestOptions.makeRequest {
  return (url, init) => {
    if (!CALLBACK_URL.test(url)) return makeRequest(url, init);
    const own = new AbortController();
    const timer = setTimeout(() => own.abort(), timeoutMs);
    const signal = init.signal ? AbortSignal.any([init.signal as AbortSignal, own.signal]) : own.signal;
    return makeRequest(url, { ...init, signal }).finally(() => clearTimeout(timer));
  };
}

/**
 * Runs an interaction callback; true when Discord took it. A 40060 ("already acknowledged")
 * means an earlier attempt whose response was lost did reach Discord: the callback was
 * delivered, and the retry's refusal is no failure.
 */
async function acknowledge(send: () => Promise<unknown>): Promise<"sent" | "already"> {
  try {
    await send();
    return "sent";
  } catch (error) {
    if (error instanceof DiscordAPIError && error.code === ALREADY_ACKNOWLEDGED) return "already";
    throw error;
  }
}

// The interaction or webhook token in a REST path: valid for 15 minutes, it lets anyone post as the bot.
const TOKEN_IN_PATH = /\/(interactions\/\d+|webhooks\/\d+)\/[^/?]+/g;

/**
 * A REST error as it may be logged. discord.js errors carry the request URL, which holds the
 * interaction token, and the whole request body (the message, user text included); keep what
 * explains the failure (status, code, method, route) and drop the rest.
 */
export function loggableError(error: unknown): unknown {
  if (!(error instanceof Error) || typeof (error as { url?: unknown }).url !== "string") return error;
  const e = error as Error & { url: string; code?: unknown; status?: unknown; method?: unknown };
  const copy = new Error(e.message);
  copy.name = e.name;
  copy.stack = e.stack;
  return Object.assign(copy, {
    code: e.code,
    status: e.status,
    method: e.method,
    url: e.url.replace(TOKEN_IN_PATH, "/$1/[token]"),
  });
}

function commandNameOf(interaction: Interaction): string | undefined {
  return interaction.isCommand() || interaction.isAutocomplete()
    ? interaction.commandName
    : interaction.isMessageComponent() || interaction.isModalSubmit()
      ? interaction.customId.slice(0, 100)
      : undefined;
}

export function startBot(options: BotOptions): Bot {
  const { config, dispatcher, log } = options;
  const deferAfterMs = options.deferAfterMs ?? 2000;
  const extra = options.clientOptions ?? {};
  const makeRequest = withCallbackTimeout(
    extra.rest?.makeRequest ?? DefaultRestOptions.makeRequest,
    options.callbackTimeoutMs ?? INTERACTION_WINDOW_MS,
  );
  const client = new Client({
    intents: intentsFor(config),
    partials: [Partials.Channel],
    allowedMentions: NO_PINGS,
    ...extra,
    // Merged, not replaced: extra REST options (a timeout) must never drop the configured
    // API base and send requests to discord.com instead.
    rest: { ...extra.rest, api: config.apiBase, makeRequest },
  });
  guardPackets(client, log);
  const queue = new WorkQueue();
  const inFlight = new Set<Promise<unknown>>();
  let closing = false;

  const track = (work: Promise<unknown>) => {
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work));
  };

  const actorOf = (i: Interaction | Message): Actor => {
    const user = "author" in i ? i.author : i.user;
    const member = i.member;
    const roles =
      member && "roles" in member
        ? Array.isArray(member.roles)
          ? member.roles
          : [...member.roles.cache.keys()]
        : [];
    const permissions = "memberPermissions" in i ? i.memberPermissions : null;
    const admin = isAdmin(config, {
      userId: user.id,
      guildId: i.guildId ?? null,
      roles,
      manageGuild: Boolean(permissions?.has(PermissionFlagsBits.ManageGuild)),
    });
    const locale = "locale" in i && typeof i.locale === "string" ? i.locale : "en-US";
    return { id: user.id, name: user.username, isAdmin: admin, guildId: i.guildId ?? null, locale };
  };

  // Gateway events are delivered at least once: a resume can replay events the bot already
  // handled (@discordjs/ws may resume with a stale sequence after op 9). Handle each id once,
  // or a user gets two answers (chat) or the second one fails with 40060 (interactions).
  const firstSight = recentIds(10_000);

  client.on(Events.InteractionCreate, (interaction) => {
    if (!firstSight(interaction.id)) {
      log.debug({ id: interaction.id }, "interaction replayed by the gateway; ignored");
      return;
    }
    if (closing) {
      // Shutting down: say so rather than leave the user with "did not respond".
      if (interaction.isRepliable())
        track(
          interaction
            .reply(interactionPayload(noticeReply("I'm restarting — please try again in a moment.")))
            .catch(() => undefined),
        );
      return;
    }
    // In a burst, answers go before suggestions, and each waits its turn (see WorkQueue).
    track(
      queue.push(interaction.isAutocomplete() ? "autocomplete" : "command", (waitedMs) =>
        handleInteraction(interaction, waitedMs).catch((error) =>
          log.error(
            { err: loggableError(error), command: commandNameOf(interaction) },
            "interaction delivery failed",
          ),
        ),
      ),
    );
  });

  client.on(Events.MessageCreate, (message) => {
    if (closing || message.author.bot || !client.user) return;
    if (!firstSight(message.id)) {
      log.debug({ id: message.id }, "message replayed by the gateway; ignored");
      return;
    }
    track(
      handleMessage(message).catch((error) => log.error({ err: loggableError(error) }, "chat reply failed")),
    );
  });

  async function handleInteraction(interaction: Interaction, waitedMs: number): Promise<void> {
    const actor = actorOf(interaction);
    // How much of Discord's 3 s is gone: what it waited here, or since Discord created it (its
    // id's timestamp, on Discord's clock: a skew of a minute or more is taken as no information).
    const sinceCreated = Date.now() - interaction.createdTimestamp;
    const age = Math.max(waitedMs, sinceCreated >= 0 && sinceCreated < 60_000 ? sinceCreated : 0);
    const delivered = (how: "sent" | "already") => {
      if (how === "already")
        log.info(
          { id: interaction.id, command: commandNameOf(interaction) },
          "interaction callback had reached Discord before its retry (40060); delivered",
        );
    };
    if (interaction.isAutocomplete()) {
      // Too little of the window left for the answer to arrive in time (what it waited here, on
      // the monotonic clock, or its age by its id): Discord would refuse it, so it is skipped.
      if (age >= INTERACTION_WINDOW_MS - AUTOCOMPLETE_MARGIN_MS) {
        log.debug({ id: interaction.id, waitedMs: Math.round(waitedMs) }, "autocomplete too late; skipped");
        return;
      }
      const focused = interaction.options.getFocused(true);
      const options = Object.fromEntries(interaction.options.data.map((o) => [o.name, o.value]));
      const choices = dispatcher.autocomplete(
        interaction.commandName,
        { name: focused.name, value: String(focused.value) },
        options,
        actor.id,
      );
      delivered(await acknowledge(() => interaction.respond(choices)));
      return;
    }
    if (interaction.isChatInputCommand()) {
      const options = Object.fromEntries(interaction.options.data.map((o) => [o.name, o.value]));
      // Picked up late (in a burst): deferred first, a cheap call, and its answer waits in the
      // `later` lane, so the time left goes to acknowledging the others within Discord's 3 s.
      const rushed = age >= deferAfterMs;
      const run = (progress: (reply: Reply) => void) =>
        dispatcher.command(interaction.commandName, options, actor, { progress });
      await respondInTime(
        (progress) => (rushed ? queue.push("later", () => run(progress)) : run(progress)),
        {
          reply: async (reply) =>
            delivered(await acknowledge(() => interaction.reply(interactionPayload(reply)))),
          defer: async (ephemeral) => {
            const deferred = await acknowledge(() =>
              interaction.deferReply(ephemeral ? { flags: MessageFlags.Ephemeral } : {}),
            );
            if (deferred === "already") {
              // The defer reached Discord but its response did not reach us: discord.js does not
              // know the interaction is deferred, and would refuse the edit that follows.
              interaction.deferred = true;
              delivered(deferred);
            }
          },
          edit: async (reply) => {
            await interaction.editReply(messageBody(reply) as InteractionEditReplyOptions);
          },
          deleteDeferred: () => interaction.deleteReply(),
          followUp: async (reply) => {
            await interaction.followUp(interactionPayload(reply));
          },
        },
        {
          // The 2 s before deferring count from when Discord created the interaction.
          deferAfterMs: Math.max(0, deferAfterMs - age),
          ephemeral: dispatcher.isPrivate(interaction.commandName, options),
          deferNow: rushed || dispatcher.commandDefers(interaction.commandName, options),
        },
      );
      return;
    }
    if (interaction.isButton() || interaction.isStringSelectMenu()) {
      const values = interaction.isStringSelectMenu() ? interaction.values : [];
      const defer = dispatcher.componentDefers(interaction.customId);
      if (defer) {
        const work = dispatcher.component(interaction.customId, values, actor);
        const deferred = await acknowledge(() =>
          defer === "update"
            ? interaction.deferUpdate()
            : interaction.deferReply({ flags: MessageFlags.Ephemeral }),
        );
        if (deferred === "already") {
          interaction.deferred = true; // as for slash commands above
          delivered(deferred);
        }
        const result = await work;
        // After deferUpdate, editReply edits the message the component sits on; after deferReply,
        // the private reply. A result of the other kind than declared goes where it still can
        // (a slow handler opens no form and deletes nothing: an acknowledged interaction can't).
        if ("update" in result)
          await interaction.editReply(messageBody(result.update) as InteractionEditReplyOptions);
        else if ("reply" in result && defer === "reply")
          await interaction.editReply(messageBody(result.reply) as InteractionEditReplyOptions);
        else if ("reply" in result)
          await interaction.followUp(interactionPayload({ ...result.reply, ephemeral: true }));
        return;
      }
      const result = await dispatcher.component(interaction.customId, values, actor);
      if ("delete" in result) {
        // Acknowledged without a change, then the message the button sits on is deleted through
        // the interaction's own webhook: no channel permission is needed for that.
        const deferred = await acknowledge(() => interaction.deferUpdate());
        if (deferred === "already") interaction.deferred = true;
        delivered(deferred);
        await interaction.deleteReply().catch((error: unknown) => {
          if (!(error instanceof DiscordAPIError && error.code === UNKNOWN_MESSAGE)) throw error;
        });
        return;
      }
      delivered(
        await acknowledge(() =>
          "update" in result
            ? interaction.update(messageBody(result.update) as InteractionUpdateOptions)
            : "modal" in result
              ? interaction.showModal(result.modal)
              : interaction.reply(interactionPayload({ ...result.reply, ephemeral: true })),
        ),
      );
      return;
    }
    if (interaction.isModalSubmit()) {
      // Text fields only, by their custom ids; whatever else a form might carry is not ours.
      const fields = new Map<string, string>();
      for (const [id, field] of interaction.fields.fields)
        if (field.type === ComponentType.TextInput && typeof field.value === "string")
          fields.set(id, field.value);
      const result = await dispatcher.modalSubmit(interaction.customId, fields, actor);
      delivered(
        await acknowledge(() =>
          "update" in result && interaction.isFromMessage()
            ? interaction.update(messageBody(result.update) as InteractionUpdateOptions)
            : interaction.reply(
                interactionPayload({
                  ...("update" in result ? result.update : result.reply),
                  ephemeral: true,
                }),
              ),
        ),
      );
    }
  }

  async function handleMessage(message: Message): Promise<void> {
    const me = client.user!;
    // In a DM every message is addressed to the bot: nobody types a mention there.
    // The bot's own managed role is easy to pick by mistake in the @ menu; it counts too.
    const mentioned =
      !message.inGuild() ||
      message.mentions.has(me, {
        ignoreEveryone: true,
        ignoreRoles: true,
        ignoreRepliedUser: false,
      }) ||
      message.mentions.roles.some((role) => role.tags?.botId === me.id);
    const inChatChannel = config.chatChannelIds.includes(message.channelId);
    if (!mentioned && !inChatChannel) return;
    const text = message.content.replace(new RegExp(`<@[!&]?\\d+>`, "g"), " ").trim();
    if (!mentioned && !text.endsWith("?")) return;
    const reply = await dispatcher.chat(text, actorOf(message), { quietWhenUnknown: !mentioned });
    // The question may be deleted before the answer is ready: then post it without the reference.
    // The question's id as nonce, enforced: when a timed-out POST is retried after Discord did
    // create the message, Discord returns that message instead of posting the answer twice.
    if (reply)
      await message.reply({
        ...messagePayload(reply),
        failIfNotExists: false,
        nonce: message.id,
        enforceNonce: true,
      });
  }

  let shuttingDown: Promise<void> | undefined;
  let notReady: (error: Error) => void = () => undefined;
  let stoppedBecause: (why: BotStopped) => void = () => undefined;
  const stopped = new Promise<BotStopped>((resolve) => (stoppedBecause = resolve));

  // discord.js emits shardDisconnect only for close codes it will not recover from (4004 bad
  // token, 4010–4014): it will never reconnect, so stop rather than linger deaf and "running".
  client.on(Events.ShardDisconnect, (event, shard) => {
    if (closing) return;
    log.error(
      { shard, code: event.code },
      "Discord closed the gateway for good (is DISCORD_TOKEN right, are the intents allowed?); stopping",
    );
    notReady(new Error(`Discord closed the gateway with code ${event.code}`)); // no-op once ready
    void stop({ reason: "gateway-closed", code: event.code });
  });
  client.on(Events.ShardError, (error, shard) =>
    log.warn({ shard, err: loggableError(error) }, "gateway error"),
  );
  client.on(Events.ShardResume, (shard, replayed) => log.info({ shard, replayed }, "gateway resumed"));
  client.on(Events.Warn, (message) => log.warn({ message }, "discord.js warning"));
  client.on(Events.Error, (error) => log.error({ err: loggableError(error) }, "discord.js error"));

  const ready = new Promise<void>((resolve, reject) => {
    notReady = reject;
    client.once(Events.ClientReady, (c) => {
      log.info({ user: c.user.tag, guilds: c.guilds.cache.size }, "connected to Discord");
      resolve();
    });
    client.login(config.token).catch(reject);
  });

  function stop(why: BotStopped): Promise<void> {
    closing = true;
    shuttingDown ??= (async () => {
      const deadline = performance.now() + (options.drainMs ?? 10_000);
      await sleep(Math.min(options.settleMs ?? 250, options.drainMs ?? 10_000));
      // Work that starts while draining (a "restarting" notice) is awaited too, not only a snapshot.
      while (inFlight.size > 0 && performance.now() < deadline)
        await Promise.race([Promise.allSettled([...inFlight]), sleep(deadline - performance.now())]);
      await client.destroy();
      log.info({ unfinished: inFlight.size }, "disconnected from Discord");
      stoppedBecause(why);
    })();
    return shuttingDown;
  }

  return {
    client,
    ready,
    stopped,
    shutdown: () => stop({ reason: "shutdown" }),
  };
}

/** A delay that never keeps the process alive on its own. */
function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)).unref());
}
