/**
 * The HTTP interactions transport (KIZUNA_ROLE=http): Discord POSTs each interaction to
 * the Interactions Endpoint URL, signed; the HTTP response is the first callback, and edits
 * and follow-ups go through Discord's REST API (@discordjs/rest) with the interaction's own
 * token. Stateless: any number of workers behind any HTTP load balancer, each running the
 * same dispatcher as the gateway bot and the console.
 *
 * Routes: `POST /interactions`, `GET /health`. Everything else is 404 (405 for a wrong
 * method). A request is verified before its body is parsed; a bad or missing signature or a
 * stale timestamp gets 401 and nothing else happens.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";
import { REST, type RawFile } from "@discordjs/rest";
import {
  ComponentType,
  InteractionResponseType,
  InteractionType,
  PermissionFlagsBits,
  Routes,
  type APIApplicationCommandInteractionDataBasicOption,
  type APIInteraction,
  type APIInteractionResponse,
} from "discord-api-types/v10";
import type { Config } from "../../config.ts";
import type { Actor } from "../../interactions/command.ts";
import type { Dispatcher } from "../../interactions/dispatcher.ts";
import { respondInTime, type Responder } from "../../interactions/respond.ts";
import type { Logger } from "../../logger.ts";
import { noticeReply } from "../../replies/messages.ts";
import type { Reply } from "../../replies/reply.ts";
import { isAdmin } from "../discord/admin.ts";
import { loggableError } from "../discord/bot.ts";
import { recentIds } from "../recent-ids.ts";
import { apiMessage, apiMessageBody, EPHEMERAL } from "./payload.ts";
import { createVerifier } from "./verify.ts";

/** Discord's interaction payloads are a few KB; anything far bigger is not from Discord. */
export const MAX_BODY_BYTES = 256 * 1024;

export interface HttpWorkerOptions {
  readonly config: Pick<
    Config,
    "httpHost" | "httpPort" | "publicKey" | "apiBase" | "adminRoleIds" | "adminUserIds"
  >;
  readonly dispatcher: Dispatcher;
  readonly log: Logger;
  /** Defer a command whose reply is not ready after this long (Discord allows 3 s). */
  readonly deferAfterMs?: number;
  /** What GET /health reports besides the process's own state (the registry, when there is one). */
  readonly health?: () => Promise<Record<string, unknown>> | Record<string, unknown>;
  /** The clock signatures' timestamps are checked against (tests). */
  readonly now?: () => number;
  /** Least time between two progress edits of a deferred reply (default 2 s; tests shorten it). */
  readonly progressEveryMs?: number;
  /** REST client for edits and follow-ups (default: one on DISCORD_API_BASE). */
  readonly rest?: REST;
}

export interface HttpWorker {
  /** The port listened on (HTTP_PORT, or the one picked for 0). */
  readonly port: number;
  /** `http://host:port` as listened on. */
  readonly url: string;
  /** Stops taking requests, finishes the interactions in flight (up to `drainMs`), closes. Idempotent. */
  close(drainMs?: number): Promise<void>;
}

/** Starts listening; resolves once the port is open. */
export async function startHttpWorker(options: HttpWorkerOptions): Promise<HttpWorker> {
  const { config, dispatcher, log } = options;
  const progressEveryMs = options.progressEveryMs;
  if (!config.publicKey) throw new Error("DISCORD_PUBLIC_KEY is required to verify interactions");
  const verifier = await createVerifier(config.publicKey, options.now);
  const deferAfterMs = options.deferAfterMs ?? 2_000;
  // Edits and follow-ups are authorized by the interaction token in their path, not the bot token.
  const rest = options.rest ?? new REST({ api: config.apiBase });
  const firstSight = recentIds(10_000);
  const inFlight = new Set<Promise<unknown>>();
  let closing = false;

  const server = createServer((req, res) => {
    const work = handle(req, res).catch((error: unknown) => {
      log.error({ err: loggableError(error) }, "http request failed");
      if (!res.headersSent) send(res, 500, { error: "internal error" });
    });
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work));
  });
  // A client that trickles its request (slowloris) cannot hold a socket for long.
  server.requestTimeout = 10_000;
  server.headersTimeout = 5_000;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? "/").split("?")[0];
    if (path === "/health") {
      if (req.method !== "GET" && req.method !== "HEAD") return methodNotAllowed(res, "GET, HEAD");
      const extra = (await options.health?.()) ?? {};
      return send(res, closing ? 503 : 200, { status: closing ? "closing" : "ok", ...extra });
    }
    if (path !== "/interactions") return send(res, 404, { error: "not found" });
    if (req.method !== "POST") return methodNotAllowed(res, "POST");
    const body = await readBody(req, MAX_BODY_BYTES);
    if (body === "too-large") return send(res, 413, { error: "body too large" }, true);
    const verdict = await verifier.verify(
      header(req, "x-signature-ed25519"),
      header(req, "x-signature-timestamp"),
      body,
    );
    if (verdict !== "ok") {
      log.debug({ verdict, from: req.socket.remoteAddress }, "interaction refused: signature");
      return send(res, 401, { error: "invalid request signature" });
    }
    let interaction: APIInteraction;
    try {
      interaction = JSON.parse(body.toString("utf8")) as APIInteraction;
    } catch {
      return send(res, 400, { error: "body is not JSON" });
    }
    if (typeof interaction !== "object" || interaction === null || typeof interaction.type !== "number")
      return send(res, 400, { error: "not an interaction" });
    if (interaction.type === InteractionType.Ping)
      return send(res, 200, { type: InteractionResponseType.Pong });
    // A signed request seen before is a replay (Discord sends each interaction once).
    if (!firstSight(String(interaction.id))) {
      log.warn({ id: interaction.id }, "interaction refused: already handled");
      return send(res, 401, { error: "interaction already handled" });
    }
    await answer(interaction, res);
  }

  async function answer(interaction: APIInteraction, res: ServerResponse): Promise<void> {
    const respond = (body: APIInteractionResponse) => send(res, 200, body);
    if (closing) {
      // Shutting down: say so rather than leave the user with "did not respond".
      if (interaction.type === InteractionType.ApplicationCommandAutocomplete)
        return respond({
          type: InteractionResponseType.ApplicationCommandAutocompleteResult,
          data: { choices: [] },
        });
      return respond({
        type: InteractionResponseType.ChannelMessageWithSource,
        data: apiMessage(noticeReply("I'm restarting — please try again in a moment.")),
      });
    }
    const actor = actorOf(interaction, config);
    switch (interaction.type) {
      case InteractionType.ApplicationCommandAutocomplete: {
        const options = flatOptions(interaction.data.options);
        const focused = options.find((o) => "focused" in o && o.focused);
        const choices = dispatcher.autocomplete(
          interaction.data.name,
          { name: focused?.name ?? "", value: String(focused && "value" in focused ? focused.value : "") },
          Object.fromEntries(options.map((o) => [o.name, "value" in o ? o.value : undefined])),
          actor.id,
        );
        return respond({
          type: InteractionResponseType.ApplicationCommandAutocompleteResult,
          data: { choices: [...choices] },
        });
      }
      case InteractionType.ApplicationCommand: {
        const name = interaction.data.name;
        const options = Object.fromEntries(
          flatOptions("options" in interaction.data ? interaction.data.options : undefined).map((o) => [
            o.name,
            "value" in o ? o.value : undefined,
          ]),
        );
        const responder = interactionResponder(interaction, res, rest);
        await respondInTime((progress) => dispatcher.command(name, options, actor, { progress }), responder, {
          deferAfterMs,
          ephemeral: dispatcher.isPrivate(name, options),
          deferNow: dispatcher.commandDefers(name, options),
          ...(progressEveryMs !== undefined ? { progressEveryMs } : {}),
        }).catch((error: unknown) =>
          log.error({ err: loggableError(error), command: name }, "interaction delivery failed"),
        );
        // Whatever failed, Discord gets an answer to its request rather than a hung one.
        if (!res.headersSent) await send(res, 500, { error: "internal error" });
        return;
      }
      case InteractionType.MessageComponent: {
        const values = "values" in interaction.data ? interaction.data.values : [];
        const defer = dispatcher.componentDefers(interaction.data.custom_id);
        if (defer) {
          // A slow handler (a picture): acknowledge now, then edit the message or the private reply.
          const work = dispatcher.component(interaction.data.custom_id, values, actor);
          await respond(
            defer === "update"
              ? { type: InteractionResponseType.DeferredMessageUpdate }
              : {
                  type: InteractionResponseType.DeferredChannelMessageWithSource,
                  data: { flags: EPHEMERAL },
                },
          );
          const result = await work;
          const responder = interactionResponder(interaction, res, rest);
          if ("update" in result) await responder.edit(result.update);
          else if ("reply" in result && defer === "reply") await responder.edit(result.reply);
          else if ("reply" in result) await responder.followUp({ ...result.reply, ephemeral: true });
          return;
        }
        const result = await dispatcher.component(interaction.data.custom_id, values, actor);
        if ("delete" in result) {
          // Acknowledged without a change, then the message is deleted through the interaction's
          // own webhook: no channel permission is needed for that.
          await respond({ type: InteractionResponseType.DeferredMessageUpdate });
          await rest
            .delete(Routes.webhookMessage(interaction.application_id, interaction.token, "@original"), {
              auth: false,
            })
            .catch((error: unknown) => log.warn({ err: loggableError(error) }, "deleting the answer failed"));
          return;
        }
        return respond(
          "update" in result
            ? { type: InteractionResponseType.UpdateMessage, data: apiMessageBody(result.update) }
            : "modal" in result
              ? { type: InteractionResponseType.Modal, data: result.modal }
              : {
                  type: InteractionResponseType.ChannelMessageWithSource,
                  data: apiMessage({ ...result.reply, ephemeral: true }),
                },
        );
      }
      case InteractionType.ModalSubmit: {
        // Text fields only, by their custom ids; whatever else a form might carry is not ours.
        const fields = new Map<string, string>();
        // A form's inputs come in action rows, or one per label (Discord's newer form layout).
        for (const row of (interaction.data.components ?? []) as unknown as FormRow[])
          for (const field of row.components ?? (row.component ? [row.component] : []))
            if (field.type === ComponentType.TextInput && typeof field.value === "string")
              fields.set(field.custom_id, field.value);
        const result = await dispatcher.modalSubmit(interaction.data.custom_id, fields, actor);
        return respond(
          "update" in result && interaction.message
            ? { type: InteractionResponseType.UpdateMessage, data: apiMessageBody(result.update) }
            : {
                type: InteractionResponseType.ChannelMessageWithSource,
                data: apiMessage({ ...("update" in result ? result.update : result.reply), ephemeral: true }),
              },
        );
      }
      default:
        return respond({
          type: InteractionResponseType.ChannelMessageWithSource,
          data: apiMessage(noticeReply("I can't handle that kind of interaction yet.")),
        });
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.httpPort, config.httpHost, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const host = config.httpHost.includes(":") ? `[${config.httpHost}]` : config.httpHost;
  log.info({ host: config.httpHost, port }, "listening for interactions on POST /interactions");

  let closed: Promise<void> | undefined;
  return {
    port,
    url: `http://${host}:${port}`,
    close(drainMs = 10_000) {
      closing = true;
      closed ??= (async () => {
        // No new connections; keep-alive sockets are closed once idle.
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        const deadline = performance.now() + drainMs;
        while (inFlight.size > 0 && performance.now() < deadline)
          await Promise.race([Promise.allSettled([...inFlight]), sleep(deadline - performance.now())]);
        server.closeAllConnections();
        await stopped;
        log.info({ unfinished: inFlight.size }, "stopped listening for interactions");
      })();
      return closed;
    },
  };
}

/**
 * One interaction's transport: the HTTP response carries the first callback (a reply or the
 * deferral); once it is on the wire, edits and follow-ups go to the interaction's webhook.
 */
function interactionResponder(interaction: APIInteraction, res: ServerResponse, rest: REST): Responder {
  const { application_id: app, token } = interaction;
  const original = Routes.webhookMessage(app, token, "@original");
  const first = (body: APIInteractionResponse) => send(res, 200, body);
  return {
    reply: (reply) =>
      first({ type: InteractionResponseType.ChannelMessageWithSource, data: apiMessage(reply) }),
    defer: (ephemeral) =>
      first({
        type: InteractionResponseType.DeferredChannelMessageWithSource,
        ...(ephemeral ? { data: { flags: EPHEMERAL } } : {}),
      }),
    edit: async (reply) => {
      await rest.patch(original, {
        body: withAttachments(apiMessageBody(reply), reply),
        files: filesOf(reply),
        auth: false,
      });
    },
    deleteDeferred: async () => {
      await rest.delete(original, { auth: false });
    },
    followUp: async (reply) => {
      await rest.post(Routes.webhook(app, token), {
        body: withAttachments(apiMessage(reply), reply),
        files: filesOf(reply),
        auth: false,
      });
    },
  };
}

/** One row of a submitted form, as Discord sends it. */
interface FormRow {
  readonly components?: ReadonlyArray<{ type: number; custom_id: string; value?: unknown }>;
  readonly component?: { type: number; custom_id: string; value?: unknown };
}

/** A reply's files as @discordjs/rest uploads them (multipart). */
function filesOf(reply: Reply): RawFile[] | undefined {
  return reply.files?.map((f) => ({ name: f.name, data: f.data }));
}

/** The message with its files described (`attachments`), as a multipart upload needs them. */
function withAttachments<T extends object>(body: T, reply: Reply): T {
  if (!reply.files?.length) return body;
  return {
    ...body,
    attachments: reply.files.map((f, id) => ({
      id,
      filename: f.name,
      ...(f.description ? { description: f.description } : {}),
    })),
  };
}

/** Who acts, from the interaction as Discord sent it (`member` in a server, `user` in a DM). */
function actorOf(interaction: APIInteraction, config: Pick<Config, "adminRoleIds" | "adminUserIds">): Actor {
  const member = interaction.member;
  const user = member?.user ?? interaction.user;
  const id = user?.id ?? "0";
  const guildId = interaction.guild_id ?? null;
  let manageGuild = false;
  try {
    manageGuild = (BigInt(member?.permissions ?? "0") & PermissionFlagsBits.ManageGuild) !== 0n;
  } catch {
    manageGuild = false;
  }
  return {
    id,
    name: user?.username ?? "unknown",
    isAdmin: isAdmin(config, { userId: id, guildId, roles: member?.roles ?? [], manageGuild }),
    guildId,
    locale: "locale" in interaction && typeof interaction.locale === "string" ? interaction.locale : "en-US",
  };
}

type FlatOption = APIApplicationCommandInteractionDataBasicOption | { name: string; focused?: boolean };

/** Option values by name; a subcommand's own options count as the command's (none are registered today). */
function flatOptions(options: readonly unknown[] | undefined): FlatOption[] {
  const out: FlatOption[] = [];
  for (const o of options ?? []) {
    if (typeof o !== "object" || o === null || typeof (o as { name?: unknown }).name !== "string") continue;
    const nested = (o as { options?: unknown }).options;
    if (Array.isArray(nested)) out.push(...flatOptions(nested));
    else out.push(o as FlatOption);
  }
  return out;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The raw body (signatures cover its exact bytes), or "too-large" past `max` bytes. */
async function readBody(req: IncomingMessage, max: number): Promise<Buffer | "too-large"> {
  if (Number(req.headers["content-length"] ?? 0) > max) return "too-large";
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > max) return "too-large";
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Writes a JSON response; resolves once it is handed to the socket (then a webhook edit may follow). */
function send(res: ServerResponse, status: number, body: unknown, close = false): Promise<void> {
  return new Promise((resolve) => {
    if (res.headersSent || res.destroyed) return resolve();
    const text = JSON.stringify(body);
    res.writeHead(status, {
      "content-type": "application/json",
      "content-length": Buffer.byteLength(text),
      ...(close ? { connection: "close" } : {}),
    });
    res.end(text, () => resolve());
    // A client gone before the end still releases the caller.
    res.once("close", () => resolve());
  });
}

function methodNotAllowed(res: ServerResponse, allow: string): Promise<void> {
  res.setHeader("allow", allow);
  return send(res, 405, { error: "method not allowed" });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)).unref());
}
