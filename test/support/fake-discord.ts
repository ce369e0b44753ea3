/**
 * A local fake Discord: REST API v10 over HTTP and gateway v10 over WebSocket, both on 127.0.0.1,
 * so end-to-end tests drive the real, unmodified discord.js Client without reaching the internet.
 *
 * It speaks Discord's wire protocol, never discord.js internals, and enforces the Discord rules a bot
 * most often breaks (2000-character content, embed limits, 25 autocomplete choices, the 3 s callback
 * deadline, one acknowledgement per interaction, intents filtering message events) so those bugs
 * fail here instead of in production. Only `ws` and node built-ins are used.
 *
 * Usage: `const fake = await startFakeDiscord()`, point the client at it with
 * `rest: { api: fake.restBase }` and `client.login(fake.token)` (see discord-client.ts), inject
 * traffic with `fake.slashCommand(...)` / `fake.userMessage(...)`, and `await fake.stop()` at the end.
 */

import { generateKeyPairSync, randomBytes, sign, type KeyObject } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocketServer, type RawData, type WebSocket } from "ws";

/** A JSON object as it travels over the wire; the fake reads fields defensively. */
export type JsonObject = Record<string, unknown>;

export interface FakeUser {
  id: string;
  username: string;
  global_name: string | null;
  discriminator: string;
  avatar: string | null;
  public_flags: number;
  bot?: boolean;
}

export interface FakeRole {
  id: string;
  name: string;
  /** Permission bitfield as a decimal string, as Discord sends it. */
  permissions: string;
  position: number;
  color: number;
  hoist: boolean;
  managed: boolean;
  mentionable: boolean;
  icon: null;
  unicode_emoji: null;
  flags: number;
}

export interface FakeChannel {
  id: string;
  type: number;
  name: string;
  guild_id: string;
  position: number;
  permission_overwrites: JsonObject[];
  parent_id: null;
  nsfw: boolean;
  topic: null;
  last_message_id: string | null;
  rate_limit_per_user: number;
}

/** A message as Discord would return it (the subset of fields the fake fills). */
export interface FakeMessage {
  id: string;
  channel_id: string;
  guild_id?: string;
  author: FakeUser;
  member?: JsonObject;
  content: string;
  timestamp: string;
  edited_timestamp: string | null;
  tts: boolean;
  mention_everyone: boolean;
  mentions: FakeUser[];
  mention_roles: string[];
  attachments: JsonObject[];
  embeds: JsonObject[];
  components: JsonObject[];
  pinned: boolean;
  type: number;
  flags: number;
  message_reference?: { type: number; message_id: string; channel_id: string; guild_id?: string };
  referenced_message?: FakeMessage | null;
  webhook_id?: string;
  application_id?: string;
  interaction_metadata?: JsonObject;
}

/** One REST request as the fake received it. `path` is percent-decoded and without `/api/v10`. */
export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  /** File names of multipart uploads; the body is then the `payload_json` part. */
  files: string[];
  /** The uploaded files themselves, in order. */
  uploads: Upload[];
  authorization: string | undefined;
  at: number;
  /** The status answered; undefined while the request hangs. */
  status?: number;
}

/** A file sent with a message (a multipart part with a file name). */
export interface Upload {
  name: string;
  contentType: string | undefined;
  data: Buffer;
}

/** An injected REST failure; the first request matching `method` and `path` consumes it. */
export interface RestFault {
  method?: string;
  /** Matched against the recorded `path` (e.g. `/interactions/1/t/callback`); a string matches as a substring. */
  path: RegExp | string;
  status?: 403 | 429 | 500 | 502 | 503;
  /** The error quotes the request's Authorization header back, as a careless proxy might. */
  echoAuthorization?: boolean;
  retryAfterSec?: number;
  global?: boolean;
  /** How many matching requests fail; default 1. */
  times?: number;
  /** Answer after this delay (with `status`, or normally without it). */
  delayMs?: number;
  /** Never answer: for client timeout tests. */
  hang?: boolean;
  /** Act on the request as usual, then never send the response (Discord did it; the answer was lost). */
  lostResponse?: boolean;
}

export interface FakeDiscordOptions {
  applicationId?: string;
  botUserId?: string;
  botUsername?: string;
  guildId?: string;
  guildName?: string;
  /** Text channels of the guild; the first is where helpers act by default. */
  channelIds?: string[];
  /** Roles besides @everyone (whose id is the guild id). */
  roles?: Array<{ id?: string; name: string; permissions?: string | bigint; position?: number }>;
  heartbeatIntervalMs?: number;
  /** Discord drops interactions not acknowledged within 3 s; later callbacks get 10062 Unknown interaction. */
  interactionDeadlineMs?: number;
  /** The Interactions Endpoint URL: when set, interactions are POSTed there, signed, instead of the gateway. */
  interactionsEndpoint?: string;
}

/** How an HTTP delivery is signed: as Discord does, or as a forger would. */
export type Signing = "valid" | "forged" | "none" | "stale" | "other-key";

/** One interaction POSTed to an Interactions Endpoint URL, and what the endpoint answered. */
export interface HttpDelivery {
  readonly id: string;
  readonly url: string;
  readonly signing: Signing;
  readonly at: number;
  /** The HTTP status; undefined while in flight, or when no answer came within the deadline. */
  status?: number;
  /** The response body (the first callback when 200). */
  response?: unknown;
  /** Milliseconds from sending to the whole response. */
  ms?: number;
  /** "timeout" (no answer within Discord's 3 s) or a network error's message. */
  error?: string;
}

export interface InteractionCallback {
  type: number;
  data?: JsonObject;
}

/** What a test holds after injecting an interaction; every wait rejects after `timeoutMs` (default 5 s). */
export interface InteractionHandle {
  readonly id: string;
  readonly token: string;
  /** The INTERACTION_CREATE data as dispatched. */
  readonly payload: JsonObject;
  /** The accepted callback (e.g. `{ type: 4, data }`), awaited with the default timeout. */
  readonly callback: Promise<InteractionCallback>;
  /** Follow-up messages so far (the first follow-up after a defer edits @original instead, as on Discord). */
  readonly followUps: readonly FakeMessage[];
  waitCallback(timeoutMs?: number): Promise<InteractionCallback>;
  /** The message the user sees: the type 4/7 reply, or @original once edited after a type 5/6 defer. */
  final(timeoutMs?: number): Promise<FakeMessage>;
  /** The autocomplete choices of a type 8 callback. */
  choices(timeoutMs?: number): Promise<Array<{ name: string; value: string | number }>>;
  /** The form of a type 9 (modal) callback. */
  modal(timeoutMs?: number): Promise<JsonObject>;
  /** Follow-up number `index` (0-based) once it exists. */
  followUp(index?: number, timeoutMs?: number): Promise<FakeMessage>;
  /** Over HTTP: the POST and the endpoint's answer, once it came (or failed). Undefined over the gateway. */
  readonly delivery?: Promise<HttpDelivery>;
}

export interface UserMessageHandle {
  readonly message: FakeMessage;
  /** The first message the bot creates in the same channel after this one. */
  reply(timeoutMs?: number): Promise<FakeMessage>;
  /** Every bot message in the channel within `windowMs`: for asserting that the bot stays silent. */
  repliesWithin(windowMs: number): Promise<FakeMessage[]>;
}

/** Option values by name; types come from the registered command when known, else from the JS type. */
export type OptionValues = Record<string, string | number | boolean>;

export interface RawOption {
  name: string;
  type: number;
  value?: string | number | boolean;
  options?: RawOption[];
  focused?: boolean;
}

export interface InteractionInput {
  userId?: string;
  username?: string;
  /** Omitted: the fake guild; `null`: a DM (the payload carries `user` instead of `member`). */
  guildId?: string | null;
  channelId?: string;
  /** The member's permission bitfield; default: @everyone plus the member's roles. */
  permissions?: string;
  /** Role ids of the member (see `roleId(name)`). */
  roles?: string[];
  locale?: string;
  /** Deliver to this Interactions Endpoint URL (default: `fake.interactionsEndpoint`, else the gateway). */
  endpoint?: string;
  /** How an HTTP delivery is signed (default "valid"). */
  signing?: Signing;
}

export interface SlashCommandInput extends InteractionInput {
  name: string;
  options?: OptionValues | RawOption[];
  subcommand?: string;
  subcommandGroup?: string;
}

export interface AutocompleteInput extends SlashCommandInput {
  /** The option being typed; default: the last one. */
  focused?: string;
}

export interface ComponentInput extends InteractionInput {
  customId: string;
  /** A message the fake knows (e.g. `(await handle.final()).id`), or an id to stand for an unseen one. */
  messageId?: string;
  /** Content and components of the message when the fake has not seen it. */
  messageContent?: string;
  messageComponents?: JsonObject[];
}

export interface SelectInput extends ComponentInput {
  values: string[];
  /** 3 string select (default), 5 user, 6 role, 7 mentionable, 8 channel. */
  componentType?: number;
}

export interface UserMessageInput {
  content: string;
  userId?: string;
  username?: string;
  bot?: boolean;
  /** Prefix the content with `<@BOT>` and list the bot in `mentions`. */
  mentionsBot?: boolean;
  channelId?: string;
  /** A direct message: sent in the author's DM channel with the bot (no guild, no member). */
  dm?: boolean;
  referencedMessageId?: string;
}

export type GatewayEvent = "connection" | "identify" | "ready" | "resume" | "resumed" | "close" | "heartbeat";

export interface IdentifyRecord {
  at: number;
  ok: boolean;
  intents: number;
  shard: unknown;
}

export interface ResumeRecord {
  at: number;
  ok: boolean;
  seq: number;
  replayed: number;
  url: string;
}

export interface DispatchPayload {
  op: 0;
  t: string;
  s: number;
  d: unknown;
}

const API_PREFIX = "/api/v10";
const DEFAULT_TIMEOUT_MS = 5_000;
const Intent = { Guilds: 1 << 0, GuildMessages: 1 << 9, DirectMessages: 1 << 12, MessageContent: 1 << 15 };
const Flag = { Ephemeral: 1 << 6, Loading: 1 << 7, ComponentsV2: 1 << 15 };
const InteractionType = { Command: 2, Component: 3, Autocomplete: 4, ModalSubmit: 5 };
/** Callback types each interaction type may answer with. */
const ALLOWED_CALLBACKS: Record<number, number[]> = {
  2: [4, 5, 9, 12],
  3: [4, 5, 6, 7, 9],
  4: [8],
  5: [4, 5, 6, 7],
};
/** Close codes after which Discord forgets the session (a RESUME would fail); 4009 is "session timed out". */
const NON_RESUMABLE = new Set([1000, 1001, 4004, 4007, 4009, 4010, 4011, 4012, 4013, 4014]);
/** View channel, send, embed, attach, history, reactions, external emoji, app commands, thread messages. */
const EVERYONE_PERMISSIONS = [6, 10, 11, 14, 15, 16, 18, 31, 38]
  .reduce((bits, bit) => bits | (1n << BigInt(bit)), 0n)
  .toString();
const DISCORD_EPOCH = 1_420_070_400_000n;
let snowflakeIncrement = 0n;

/** A real-format snowflake (19 digits today): @discordjs/rest buckets routes by snowflake shape. */
export function snowflake(at = Date.now()): string {
  snowflakeIncrement = (snowflakeIncrement + 1n) & 0xfffn;
  return (((BigInt(at) - DISCORD_EPOCH) << 22n) | (1n << 17n) | snowflakeIncrement).toString();
}

const isObject = (v: unknown): v is JsonObject => typeof v === "object" && v !== null && !Array.isArray(v);
const asObject = (v: unknown): JsonObject => (isObject(v) ? v : {});
const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const objects = (v: unknown): JsonObject[] => asArray(v).filter(isObject);
const charCount = (v: unknown): number => (typeof v === "string" ? [...v].length : 0);
const now = (): string => new Date().toISOString();

interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

const apiError = (status: number, code: number, message: string): Reply => ({
  status,
  body: { message, code },
});

interface FieldError {
  path: Array<string | number>;
  code: string;
  message: string;
}

/** Discord's 50035 shape, which discord.js flattens into `content[BASE_TYPE_MAX_LENGTH]: …`. */
function formError(errors: FieldError[]): Reply {
  const tree: JsonObject = {};
  for (const { path, code, message } of errors) {
    let node = tree;
    for (const key of path) {
      const next = asObject(node[String(key)]);
      node[String(key)] = next;
      node = next;
    }
    node["_errors"] = [...asArray(node["_errors"]), { code, message }];
  }
  return { status: 400, body: { message: "Invalid Form Body", code: 50035, errors: tree } };
}

function maxLength(errors: FieldError[], path: FieldError["path"], value: unknown, max: number): void {
  if (charCount(value) > max) {
    errors.push({ path, code: "BASE_TYPE_MAX_LENGTH", message: `Must be ${max} or fewer in length.` });
  }
}

/** Discord's message limits; `creating` also rejects an empty message (50006). */
function validateMessage(body: JsonObject, creating: boolean, fileCount: number): Reply | undefined {
  const errors: FieldError[] = [];
  maxLength(errors, ["content"], body["content"], 2000);
  const embeds = objects(body["embeds"]);
  if (embeds.length > 10)
    errors.push({
      path: ["embeds"],
      code: "BASE_TYPE_MAX_LENGTH",
      message: "Must be 10 or fewer in length.",
    });
  let embedChars = 0;
  embeds.forEach((embed, i) => {
    const footer = asObject(embed["footer"]);
    const author = asObject(embed["author"]);
    maxLength(errors, ["embeds", i, "title"], embed["title"], 256);
    maxLength(errors, ["embeds", i, "description"], embed["description"], 4096);
    maxLength(errors, ["embeds", i, "footer", "text"], footer["text"], 2048);
    maxLength(errors, ["embeds", i, "author", "name"], author["name"], 256);
    const fields = objects(embed["fields"]);
    if (fields.length > 25) {
      errors.push({
        path: ["embeds", i, "fields"],
        code: "BASE_TYPE_MAX_LENGTH",
        message: "Must be 25 or fewer in length.",
      });
    }
    fields.forEach((field, j) => {
      maxLength(errors, ["embeds", i, "fields", j, "name"], field["name"], 256);
      maxLength(errors, ["embeds", i, "fields", j, "value"], field["value"], 1024);
      embedChars += charCount(field["name"]) + charCount(field["value"]);
    });
    embedChars += charCount(embed["title"]) + charCount(embed["description"]);
    embedChars += charCount(footer["text"]) + charCount(author["name"]);
  });
  if (embedChars > 6000) {
    errors.push({
      path: ["embeds"],
      code: "MAX_EMBED_SIZE_EXCEEDED",
      message: "Embed size exceeds maximum size of 6000",
    });
  }
  const flags = typeof body["flags"] === "number" ? body["flags"] : 0;
  if ((flags & Flag.ComponentsV2) === 0 && asArray(body["components"]).length > 5) {
    errors.push({
      path: ["components"],
      code: "BASE_TYPE_MAX_LENGTH",
      message: "Must be 5 or fewer in length.",
    });
  }
  if (errors.length > 0) return formError(errors);
  const empty =
    (typeof body["content"] !== "string" || body["content"].trim() === "") &&
    embeds.length === 0 &&
    asArray(body["components"]).length === 0 &&
    asArray(body["attachments"]).length === 0 &&
    asArray(body["sticker_ids"]).length === 0 &&
    body["poll"] === undefined &&
    fileCount === 0;
  return creating && empty ? apiError(400, 50006, "Cannot send an empty message") : undefined;
}

function validateChoices(data: JsonObject): Reply | undefined {
  const errors: FieldError[] = [];
  const choices = data["choices"];
  if (!Array.isArray(choices)) {
    errors.push({ path: ["data", "choices"], code: "BASE_TYPE_REQUIRED", message: "This field is required" });
  } else {
    if (choices.length > 25) {
      errors.push({
        path: ["data", "choices"],
        code: "BASE_TYPE_MAX_LENGTH",
        message: "Must be 25 or fewer in length.",
      });
    }
    objects(choices).forEach((choice, i) => {
      const name = charCount(choice["name"]);
      if (name < 1 || name > 100) {
        errors.push({
          path: ["data", "choices", i, "name"],
          code: "BASE_TYPE_BAD_LENGTH",
          message: "Must be between 1 and 100 in length.",
        });
      }
      maxLength(errors, ["data", "choices", i, "value"], choice["value"], 100);
    });
  }
  return errors.length > 0 ? formError(errors) : undefined;
}

/** Text inputs of a modal, wherever they sit (a Label's `component`, or a legacy action row). */
function textInputs(components: unknown): JsonObject[] {
  return objects(components).flatMap((c) =>
    c["type"] === 4
      ? [c]
      : [...textInputs(c["components"]), ...textInputs(c["component"] === undefined ? [] : [c["component"]])],
  );
}

/** Discord's checks on a modal (callback type 9): sizes of the title, labels and text inputs. */
function validateModal(data: JsonObject): Reply | undefined {
  const errors: FieldError[] = [];
  const between = (path: FieldError["path"], value: unknown, min: number, max: number) => {
    const n = charCount(value);
    if (typeof value !== "string" || n < min || n > max)
      errors.push({
        path,
        code: "BASE_TYPE_BAD_LENGTH",
        message: `Must be between ${min} and ${max} in length.`,
      });
  };
  between(["data", "custom_id"], data["custom_id"], 1, 100);
  between(["data", "title"], data["title"], 1, 45);
  const top = objects(data["components"]);
  if (top.length < 1 || top.length > 5)
    errors.push({
      path: ["data", "components"],
      code: "BASE_TYPE_BAD_LENGTH",
      message: "Must be between 1 and 5 in length.",
    });
  top.forEach((c, i) => {
    const at = ["data", "components", i];
    if (c["type"] === 18) {
      between([...at, "label"], c["label"], 1, 45);
      if (c["description"] !== undefined) between([...at, "description"], c["description"], 0, 100);
      if (!isObject(c["component"]))
        errors.push({
          path: [...at, "component"],
          code: "BASE_TYPE_REQUIRED",
          message: "This field is required",
        });
    } else if (c["type"] === 1) {
      const inner = objects(c["components"]);
      if (inner.length !== 1 || inner[0]?.["type"] !== 4)
        errors.push({
          path: [...at, "components"],
          code: "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
          message: "An action row in a modal holds one text input.",
        });
      else between([...at, "components", 0, "label"], inner[0]["label"], 1, 45);
    } else if (c["type"] !== 10) {
      errors.push({
        path: [...at, "type"],
        code: "UNION_TYPE_CHOICES",
        message: `Component type ${String(c["type"])} is not valid in a modal`,
      });
    }
  });
  const seen = new Set<string>();
  textInputs(top).forEach((t, i) => {
    const at = ["data", "text_inputs", i];
    between([...at, "custom_id"], t["custom_id"], 1, 100);
    if (t["style"] !== 1 && t["style"] !== 2)
      errors.push({
        path: [...at, "style"],
        code: "BASE_TYPE_CHOICES",
        message: "Value must be one of {1, 2}.",
      });
    const min = t["min_length"];
    const max = t["max_length"];
    if (min !== undefined && (typeof min !== "number" || min < 0 || min > 4000))
      errors.push({
        path: [...at, "min_length"],
        code: "NUMBER_TYPE_MAX",
        message: "Must be between 0 and 4000.",
      });
    if (max !== undefined && (typeof max !== "number" || max < 1 || max > 4000))
      errors.push({
        path: [...at, "max_length"],
        code: "NUMBER_TYPE_MAX",
        message: "Must be between 1 and 4000.",
      });
    maxLength(errors, [...at, "placeholder"], t["placeholder"], 100);
    maxLength(errors, [...at, "value"], t["value"], 4000);
    const id = String(t["custom_id"]);
    if (seen.has(id))
      errors.push({
        path: [...at, "custom_id"],
        code: "COMPONENT_CUSTOM_ID_DUPLICATED",
        message: "Component custom id cannot be duplicated",
      });
    seen.add(id);
  });
  return errors.length > 0 ? formError(errors) : undefined;
}

const NAME_PATTERN = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;

/** The checks Discord applies to a bulk command overwrite that a bot can plausibly get wrong. */
function validateCommands(commands: JsonObject[]): FieldError[] {
  const errors: FieldError[] = [];
  const checkName = (path: FieldError["path"], name: unknown): void => {
    if (typeof name !== "string" || !NAME_PATTERN.test(name) || name !== name.toLowerCase()) {
      errors.push({
        path: [...path, "name"],
        code: "APPLICATION_COMMAND_INVALID_NAME",
        message: `Command name is invalid`,
      });
    }
  };
  const checkDescription = (path: FieldError["path"], description: unknown): void => {
    const length = charCount(description);
    if (length < 1 || length > 100) {
      errors.push({
        path: [...path, "description"],
        code: "BASE_TYPE_BAD_LENGTH",
        message: "Must be between 1 and 100 in length.",
      });
    }
  };
  const checkOptions = (path: FieldError["path"], options: JsonObject[]): void => {
    if (options.length > 25) {
      errors.push({
        path: [...path, "options"],
        code: "BASE_TYPE_MAX_LENGTH",
        message: "Must be 25 or fewer in length.",
      });
    }
    let optionalSeen = false;
    options.forEach((option, i) => {
      const at = [...path, "options", i];
      checkName(at, option["name"]);
      checkDescription(at, option["description"]);
      if (option["required"] === true && optionalSeen) {
        errors.push({
          path: at,
          code: "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
          message: "Required options must be placed before non-required options",
        });
      }
      if (option["required"] !== true && option["type"] !== 1 && option["type"] !== 2) optionalSeen = true;
      if (asArray(option["choices"]).length > 25) {
        errors.push({
          path: [...at, "choices"],
          code: "BASE_TYPE_MAX_LENGTH",
          message: "Must be 25 or fewer in length.",
        });
      }
      checkOptions(at, objects(option["options"]));
    });
  };
  const seen = new Set<string>();
  commands.forEach((command, i) => {
    const type = typeof command["type"] === "number" ? command["type"] : 1;
    if (type === 1) {
      checkName([i], command["name"]);
      checkDescription([i], command["description"]);
    }
    checkOptions([i], objects(command["options"]));
    const key = `${type}:${String(command["name"])}`;
    if (seen.has(key)) {
      errors.push({
        path: [i, "name"],
        code: "APPLICATION_COMMANDS_DUPLICATE_NAME",
        message: "Application command names must be unique",
      });
    }
    seen.add(key);
  });
  return errors;
}

/** Custom ids anywhere in a component tree (action rows, v2 containers, sections' accessories). */
function customIds(components: unknown): string[] {
  return objects(components).flatMap((c) => [
    ...(typeof c["custom_id"] === "string" ? [c["custom_id"]] : []),
    ...customIds(c["components"]),
    ...customIds(c["accessory"] === undefined ? [] : [c["accessory"]]),
  ]);
}

async function readBody(
  req: IncomingMessage,
): Promise<{ body: unknown; files: string[]; uploads: Upload[] }> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  if (raw.length === 0) return { body: undefined, files: [], uploads: [] };
  const type = req.headers["content-type"] ?? "";
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(type);
  if (type.startsWith("multipart/form-data") && boundary) {
    // discord.js sends multipart only with files; the message itself is the payload_json part.
    let body: unknown;
    const files: string[] = [];
    const uploads: Upload[] = [];
    for (const part of raw.toString("latin1").split(`--${boundary[1] ?? boundary[2] ?? ""}`)) {
      const split = part.indexOf("\r\n\r\n");
      if (split < 0) continue;
      const head = part.slice(0, split);
      const content = part.slice(split + 4).replace(/\r\n$/, "");
      const filename = /filename="([^"]*)"/.exec(head)?.[1];
      if (/name="payload_json"/.test(head))
        body = JSON.parse(Buffer.from(content, "latin1").toString("utf8"));
      else if (filename !== undefined) {
        files.push(filename);
        // latin1 maps bytes to characters one to one: the part's bytes come back unchanged.
        const contentType = /content-type:\s*([^\r\n;]+)/i.exec(head)?.[1]?.trim();
        uploads.push({ name: filename, contentType, data: Buffer.from(content, "latin1") });
      }
    }
    return { body, files, uploads };
  }
  const text = raw.toString("utf8");
  try {
    return { body: JSON.parse(text), files: [], uploads: [] };
  } catch {
    return { body: text, files: [], uploads: [] };
  }
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port));
  });
}

interface Session {
  id: string;
  seq: number;
  intents: number;
  /** Dispatches kept for RESUME replay, as Discord buffers them. */
  log: DispatchPayload[];
}

interface Connection {
  socket: WebSocket;
  url: string;
  /** Set once identified or resumed: only then does the connection receive dispatches. */
  session: Session | null;
}

interface InteractionRecord {
  id: string;
  token: string;
  type: number;
  label: string;
  payload: JsonObject;
  deadline: number;
  callbacks: InteractionCallback[];
  originalMessageId?: string;
  componentMessageId?: string;
  /** The user can see an answer: a type 4/7 callback, or @original edited after a defer. */
  answered: boolean;
  followUps: FakeMessage[];
  /** Over HTTP: the POST in flight. Its response is the callback, so the webhook waits for it. */
  delivery?: Promise<HttpDelivery>;
}

interface Waiter {
  probe: () => boolean;
  timer: NodeJS.Timeout;
}

interface Route {
  method: string;
  pattern: RegExp;
  /** Interaction callbacks and webhooks are authorized by their token, not the bot token. */
  auth: boolean;
  handle: (params: string[], req: RecordedRequest) => Reply;
}

/** The running fake; create it with `startFakeDiscord()`. */
export class FakeDiscord {
  /** What the client passes as `rest: { api }`; @discordjs/rest appends `/v10`. */
  readonly restBase: string;
  readonly gatewayUrl: string;
  /** The bot token the client must log in with; other tokens get 401 / close 4004. */
  readonly token: string;
  readonly applicationId: string;
  readonly botUser: FakeUser;
  readonly guildId: string;
  readonly guildName: string;
  readonly channels: FakeChannel[];
  /** Roles of the guild, @everyone (id = guild id) first. */
  readonly roles: FakeRole[];
  /** The default user behind injected interactions and messages; also the guild owner. */
  readonly testerId: string;

  /** Every REST request, in arrival order. */
  readonly requests: RecordedRequest[] = [];
  /** Requests no route answered (404/405): a bot calling an endpoint the fake lacks shows up here. */
  readonly unhandledRequests: RecordedRequest[] = [];
  /** Every dispatch the fake produced, across sessions. */
  readonly dispatches: DispatchPayload[] = [];
  readonly identifies: IdentifyRecord[] = [];
  readonly resumes: ResumeRecord[] = [];
  readonly connectionUrls: string[] = [];
  readonly closeCodes: number[] = [];
  /** Every message the fake knows, in creation order (edits update them in place). */
  readonly messages: FakeMessage[] = [];
  /** Answer heartbeats; set false to make the client see a zombie connection. */
  ackHeartbeats = true;
  /** Discord's 3 s to acknowledge an interaction; lower it to test late answers (10062 Unknown interaction). */
  interactionDeadlineMs: number;
  /**
   * The Interactions Endpoint URL set in the developer portal. While set, interactions are
   * POSTed there, signed with the application's key, and never sent over the gateway.
   */
  interactionsEndpoint: string | undefined;
  /** The application's public key (hex), as the developer portal shows it: the bot verifies with it. */
  readonly publicKeyHex: string;
  /** Every interaction POSTed to an endpoint, in order. */
  readonly httpDeliveries: HttpDelivery[] = [];
  private readonly signingKey: KeyObject;

  private readonly heartbeatIntervalMs: number;
  private readonly users = new Map<string, FakeUser>();
  private readonly messagesById = new Map<string, FakeMessage>();
  private readonly uploadsById = new Map<string, Upload>();
  private readonly dmChannels = new Map<string, string>();
  /** Nonces of messages created with `enforce_nonce`, to their message ids (Discord keeps them a few minutes). */
  private readonly nonces = new Map<string, string>();
  private readonly interactions = new Map<string, InteractionRecord>();
  private readonly commands = new Map<string, JsonObject[]>();
  private readonly faults: Array<RestFault & { left: number }> = [];
  private readonly waiters = new Set<Waiter>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly counts: Record<GatewayEvent, number> = {
    connection: 0,
    identify: 0,
    ready: 0,
    resume: 0,
    resumed: 0,
    close: 0,
    heartbeat: 0,
  };
  private readonly routes: Route[];
  private session: Session | null = null;
  private current: Connection | null = null;
  private stopped = false;

  /** @internal Use `startFakeDiscord()`, which also opens the ports. */
  constructor(
    private readonly http: Server,
    private readonly gatewayHttp: Server,
    private readonly wss: WebSocketServer,
    ports: { rest: number; gateway: number },
    options: FakeDiscordOptions,
  ) {
    this.restBase = `http://127.0.0.1:${ports.rest}/api`;
    this.gatewayUrl = `ws://127.0.0.1:${ports.gateway}`;
    this.applicationId = options.applicationId ?? snowflake();
    this.botUser = {
      id: options.botUserId ?? this.applicationId,
      username: options.botUsername ?? "Kizuna",
      global_name: null,
      discriminator: "0",
      avatar: null,
      public_flags: 0,
      bot: true,
    };
    this.users.set(this.botUser.id, this.botUser);
    // Shaped like a real token (base64 user id . timestamp . hmac) but worthless outside this fake.
    this.token = `${Buffer.from(this.botUser.id).toString("base64url")}.fake.${randomBytes(20).toString("base64url")}`;
    this.guildId = options.guildId ?? snowflake();
    this.guildName = options.guildName ?? "Kizuna Test Guild";
    this.testerId = snowflake();
    this.user(this.testerId, "tester");
    this.heartbeatIntervalMs = options.heartbeatIntervalMs ?? 41_250;
    this.interactionDeadlineMs = options.interactionDeadlineMs ?? 3_000;
    this.interactionsEndpoint = options.interactionsEndpoint;
    const keys = generateKeyPairSync("ed25519");
    this.signingKey = keys.privateKey;
    // The raw 32-byte key is the tail of its SPKI encoding.
    this.publicKeyHex = keys.publicKey.export({ format: "der", type: "spki" }).subarray(-32).toString("hex");
    const channelIds = options.channelIds ?? [snowflake(), snowflake()];
    this.channels = channelIds.map((id, position) => ({
      id,
      type: 0,
      name: position === 0 ? "general" : `channel-${position + 1}`,
      guild_id: this.guildId,
      position,
      permission_overwrites: [],
      parent_id: null,
      nsfw: false,
      topic: null,
      last_message_id: null,
      rate_limit_per_user: 0,
    }));
    const role = (id: string, name: string, permissions: string, position: number): FakeRole => ({
      id,
      name,
      permissions,
      position,
      color: 0,
      hoist: false,
      managed: false,
      mentionable: false,
      icon: null,
      unicode_emoji: null,
      flags: 0,
    });
    this.roles = [
      role(this.guildId, "@everyone", EVERYONE_PERMISSIONS, 0),
      ...(options.roles ?? []).map((r, i) =>
        role(r.id ?? snowflake(), r.name, String(r.permissions ?? "0"), r.position ?? i + 1),
      ),
    ];
    this.routes = this.buildRoutes();
    http.on("request", (req: IncomingMessage, res: ServerResponse) => void this.onRequest(req, res));
    wss.on("connection", (socket, req) => this.onConnection(socket, req));
  }

  // ---------------------------------------------------------------- lookups

  /** The id of the guild role called `name`. */
  roleId(name: string): string {
    const role = this.roles.find((r) => r.name === name);
    if (!role)
      throw new Error(`fake-discord: no role "${name}"; roles: ${this.roles.map((r) => r.name).join(", ")}`);
    return role.id;
  }

  /** A user the fake knows, created on first use. */
  user(id: string, username?: string, bot = false): FakeUser {
    let user = this.users.get(id);
    if (!user) {
      user = {
        id,
        username: username ?? `user${id.slice(-4)}`,
        global_name: null,
        discriminator: "0",
        avatar: null,
        public_flags: 0,
        ...(bot ? { bot } : {}),
      };
      this.users.set(id, user);
    }
    return user;
  }

  message(id: string): FakeMessage | undefined {
    return this.messagesById.get(id);
  }

  /** Commands stored by the last bulk overwrite: global without `guildId`. */
  registeredCommands(guildId?: string): JsonObject[] {
    return this.commands.get(guildId ?? "global") ?? [];
  }

  // ---------------------------------------------------------------- waiting

  /** Resolves on the next occurrence of `event` after this call; call it before the action that causes it. */
  waitFor(event: GatewayEvent, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<void> {
    const seen = this.counts[event];
    return this.until(
      () => (this.counts[event] > seen ? true : undefined),
      timeoutMs,
      `gateway ${event}`,
    ).then(() => undefined);
  }

  /** The next message created (by anyone) after this call that satisfies `predicate`. */
  waitForMessage(
    predicate: (m: FakeMessage) => boolean,
    timeoutMs = DEFAULT_TIMEOUT_MS,
  ): Promise<FakeMessage> {
    const from = this.messages.length;
    return this.until(() => this.messages.slice(from).find(predicate), timeoutMs, "a matching message");
  }

  /** Polls nothing: `probe` re-runs whenever the fake's state changes. A throwing probe rejects. */
  private until<T>(probe: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const waiter: Waiter = {
        probe: () => {
          let value: T | undefined;
          try {
            value = probe();
          } catch (error) {
            this.forget(waiter);
            reject(error instanceof Error ? error : new Error(String(error)));
            return true;
          }
          if (value === undefined) return false;
          this.forget(waiter);
          resolve(value);
          return true;
        },
        timer: setTimeout(() => {
          this.forget(waiter);
          reject(
            new Error(
              `fake-discord: timed out after ${timeoutMs} ms waiting for ${what}${this.recentRequests()}`,
            ),
          );
        }, timeoutMs),
      };
      if (!waiter.probe()) this.waiters.add(waiter);
    });
  }

  private forget(waiter: Waiter): void {
    clearTimeout(waiter.timer);
    this.waiters.delete(waiter);
  }

  private changed(): void {
    for (const waiter of [...this.waiters]) waiter.probe();
  }

  private recentRequests(): string {
    const last = this.requests.slice(-5).map((r) => `  ${r.method} ${r.path} -> ${r.status ?? "pending"}`);
    return last.length > 0 ? `; last REST requests:\n${last.join("\n")}` : "; no REST requests yet";
  }

  private later(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.add(timer);
    });
  }

  // ---------------------------------------------------------------- gateway

  /** Close the live connection with `code`: 4000 makes the client resume; 1000/4004/… end the session. */
  closeGateway(code = 4000, reason = ""): void {
    const conn = this.liveConnection();
    if (NON_RESUMABLE.has(code)) this.session = null;
    conn.socket.close(code, reason);
  }

  /** Kill the TCP socket without a close frame (the client sees 1006 and resumes). */
  dropConnection(): void {
    this.liveConnection().socket.terminate();
  }

  /** Op 7: the client should reconnect and resume. */
  sendReconnect(): void {
    this.send(this.liveConnection(), { op: 7, d: null });
  }

  /** Op 9: resumable → the client sends RESUME on the same socket; otherwise it re-identifies. */
  invalidateSession(resumable: boolean): void {
    const conn = this.liveConnection();
    if (!resumable) this.session = null;
    this.send(conn, { op: 9, d: resumable });
  }

  /** Detaches the live connection so dispatches queue for replay instead of going to a socket on its way out. */
  private liveConnection(): Connection {
    const conn = this.current;
    if (!conn) throw new Error("fake-discord: no live gateway connection (is the client logged in?)");
    conn.session = null;
    this.current = null;
    return conn;
  }

  private send(conn: Connection, payload: object): void {
    if (conn.socket.readyState === conn.socket.OPEN) conn.socket.send(JSON.stringify(payload));
  }

  /** Sends a dispatch to the session; Discord skips events the session's intents did not ask for. */
  private dispatch(t: string, d: unknown, intent?: number): void {
    const session = this.session;
    if (!session || (intent !== undefined && (session.intents & intent) === 0)) return;
    const payload: DispatchPayload = { op: 0, t, s: ++session.seq, d };
    session.log.push(payload);
    if (session.log.length > 1000) session.log.shift();
    this.dispatches.push(payload);
    if (this.current?.session === session) this.send(this.current, payload);
  }

  private requireSession(what: string): void {
    if (!this.session) {
      throw new Error(
        `fake-discord: cannot send ${what}: no gateway session; wait for the client to be ready first`,
      );
    }
  }

  private onConnection(socket: WebSocket, req: IncomingMessage): void {
    const conn: Connection = { socket, url: req.url ?? "/", session: null };
    this.connectionUrls.push(conn.url);
    this.counts.connection++;
    socket.on("error", () => {}); // a terminated or reset socket; its close event does the bookkeeping
    socket.on("close", (code) => {
      if (this.current === conn) this.current = null;
      this.closeCodes.push(code);
      this.counts.close++;
      this.changed();
    });
    const query = new URL(conn.url, "ws://127.0.0.1").searchParams;
    if (query.get("v") !== "10") {
      socket.close(4012, "Invalid API version");
      return;
    }
    if ((query.get("encoding") ?? "json") !== "json") {
      socket.close(4002, "Only JSON encoding is supported by the fake");
      return;
    }
    socket.on("message", (data, isBinary) => this.onGatewayMessage(conn, data, isBinary));
    this.send(conn, { op: 10, d: { heartbeat_interval: this.heartbeatIntervalMs } });
    this.changed();
  }

  private onGatewayMessage(conn: Connection, data: RawData, isBinary: boolean): void {
    let payload: unknown;
    try {
      payload = isBinary ? undefined : JSON.parse(data.toString());
    } catch {
      payload = undefined;
    }
    if (!isObject(payload)) {
      conn.socket.close(4002, "Error while decoding payload.");
      return;
    }
    const d = asObject(payload["d"]);
    switch (payload["op"]) {
      case 1:
        this.counts.heartbeat++;
        if (this.ackHeartbeats) this.send(conn, { op: 11 });
        break;
      case 2:
        this.onIdentify(conn, d);
        break;
      case 6:
        this.onResume(conn, d);
        break;
      case 3: // presence update
      case 4: // voice state update
      case 8: // request guild members
        if (!conn.session) conn.socket.close(4003, "Not authenticated.");
        break;
      default:
        conn.socket.close(4001, "Unknown opcode.");
    }
    this.changed();
  }

  private onIdentify(conn: Connection, d: JsonObject): void {
    const intents = typeof d["intents"] === "number" ? d["intents"] : 0;
    const ok = d["token"] === this.token;
    this.identifies.push({ at: Date.now(), ok, intents, shard: d["shard"] });
    this.counts.identify++;
    if (!ok) {
      conn.socket.close(4004, "Authentication failed.");
      return;
    }
    if (conn.session) {
      conn.socket.close(4005, "Already authenticated.");
      return;
    }
    this.session = { id: randomBytes(16).toString("hex"), seq: 0, intents, log: [] };
    conn.session = this.session;
    this.current = conn;
    this.dispatch("READY", {
      v: 10,
      user: { ...this.botUser, verified: true, mfa_enabled: false, flags: 0, email: null },
      guilds: [{ id: this.guildId, unavailable: true }],
      session_id: this.session.id,
      session_type: "normal",
      resume_gateway_url: `${this.gatewayUrl}/resume`,
      shard: d["shard"] ?? [0, 1],
      application: { id: this.applicationId, flags: 0 },
      private_channels: [],
      relationships: [],
      presences: [],
      guild_join_requests: [],
      geo_ordered_rtc_regions: [],
      user_settings: {},
      auth: {},
      _trace: ["fake-discord"],
    });
    // Without the GUILDS intent Discord sends no GUILD_CREATE, and discord.js then marks ready at once.
    this.dispatch("GUILD_CREATE", this.guildPayload(), Intent.Guilds);
    this.counts.ready++;
  }

  private onResume(conn: Connection, d: JsonObject): void {
    const seq = typeof d["seq"] === "number" ? d["seq"] : 0;
    const session = this.session;
    if (d["token"] !== this.token) {
      conn.socket.close(4004, "Authentication failed.");
      return;
    }
    const ok = session !== null && d["session_id"] === session.id && seq <= session.seq;
    const missed = ok ? session.log.filter((p) => p.s > seq) : [];
    this.resumes.push({ at: Date.now(), ok, seq, replayed: missed.length, url: conn.url });
    this.counts.resume++;
    if (!ok) {
      this.send(conn, { op: 9, d: false });
      return;
    }
    conn.session = session;
    this.current = conn;
    for (const payload of missed) this.send(conn, payload);
    this.dispatch("RESUMED", { _trace: ["fake-discord"] });
    this.counts.resumed++;
  }

  private member(user: FakeUser, roles: string[] = []): JsonObject {
    return {
      roles,
      joined_at: now(),
      nick: null,
      avatar: null,
      banner: null,
      premium_since: null,
      deaf: false,
      mute: false,
      pending: false,
      flags: 0,
      communication_disabled_until: null,
      user,
    };
  }

  private guildPayload(): JsonObject {
    return {
      id: this.guildId,
      name: this.guildName,
      icon: null,
      splash: null,
      discovery_splash: null,
      banner: null,
      description: null,
      owner_id: this.testerId,
      afk_channel_id: null,
      afk_timeout: 300,
      verification_level: 0,
      default_message_notifications: 0,
      explicit_content_filter: 0,
      mfa_level: 0,
      nsfw_level: 0,
      premium_tier: 0,
      premium_subscription_count: 0,
      premium_progress_bar_enabled: false,
      preferred_locale: "en-US",
      features: [],
      application_id: null,
      system_channel_id: null,
      system_channel_flags: 0,
      rules_channel_id: null,
      public_updates_channel_id: null,
      safety_alerts_channel_id: null,
      vanity_url_code: null,
      max_members: 500_000,
      emojis: [],
      stickers: [],
      roles: this.roles,
      channels: this.channels,
      threads: [],
      members: [this.member(this.botUser), this.member(this.user(this.testerId))],
      member_count: 2,
      large: false,
      unavailable: false,
      joined_at: now(),
      voice_states: [],
      presences: [],
      stage_instances: [],
      guild_scheduled_events: [],
      soundboard_sounds: [],
    };
  }

  // ---------------------------------------------------------------- messages

  private channel(id: string): FakeChannel | undefined {
    return this.channels.find((c) => c.id === id);
  }

  private createMessage(
    channelId: string,
    author: FakeUser,
    body: JsonObject,
    extra: Partial<FakeMessage>,
    logged = true,
  ): FakeMessage {
    const message: FakeMessage = {
      id: snowflake(),
      channel_id: channelId,
      ...(this.channel(channelId) ? { guild_id: this.guildId } : {}),
      author,
      content: typeof body["content"] === "string" ? body["content"] : "",
      timestamp: now(),
      edited_timestamp: null,
      tts: body["tts"] === true,
      mention_everyone: false,
      mentions: [],
      mention_roles: [],
      attachments: [],
      embeds: objects(body["embeds"]),
      components: objects(body["components"]),
      pinned: false,
      type: 0,
      flags: typeof body["flags"] === "number" ? body["flags"] : 0,
      ...extra,
    };
    if (logged) this.messages.push(message);
    this.messagesById.set(message.id, message);
    const channel = this.channel(channelId);
    if (channel) channel.last_message_id = message.id;
    return message;
  }

  /**
   * The attachments of a message sent with `uploads`, stored so a test can read their bytes.
   * Descriptions come from the body's `attachments` entries, matched by upload index as Discord does.
   */
  private attach(body: JsonObject, uploads: readonly Upload[]): JsonObject[] {
    const described = objects(body["attachments"]);
    return uploads.map((upload, i) => {
      const id = snowflake();
      this.uploadsById.set(id, upload);
      const entry = described.find((a) => String(a["id"]) === String(i));
      return {
        id,
        filename: upload.name,
        size: upload.data.length,
        url: `${this.restBase}/attachments/${id}/${upload.name}`,
        proxy_url: `${this.restBase}/attachments/${id}/${upload.name}`,
        ...(upload.contentType ? { content_type: upload.contentType } : {}),
        ...(typeof entry?.["description"] === "string" ? { description: entry["description"] } : {}),
      };
    });
  }

  /** The bytes of an attachment the bot uploaded (by the attachment's id). */
  attachmentData(id: string): Buffer | undefined {
    return this.uploadsById.get(id)?.data;
  }

  /** Applies an edit body; fields present replace the old ones, as on Discord. */
  private editMessage(message: FakeMessage, body: JsonObject, uploads: readonly Upload[] = []): void {
    // Existing attachments stay unless the body lists which to keep; new uploads are added.
    const kept = Array.isArray(body["attachments"])
      ? message.attachments.filter((a) =>
          objects(body["attachments"]).some((k) => String(k["id"]) === a["id"]),
        )
      : message.attachments;
    if (Array.isArray(body["attachments"]) || uploads.length > 0)
      message.attachments = [...kept, ...this.attach(body, uploads)];
    if (typeof body["content"] === "string" || body["content"] === null)
      message.content = body["content"] ?? "";
    if (Array.isArray(body["embeds"])) message.embeds = objects(body["embeds"]);
    if (Array.isArray(body["components"])) message.components = objects(body["components"]);
    if (typeof body["flags"] === "number") message.flags = (message.flags & Flag.Ephemeral) | body["flags"];
    message.flags &= ~Flag.Loading;
    message.edited_timestamp = now();
  }

  /** Echoes a message event like Discord: not for ephemeral messages, and only with the matching intents. */
  private echo(t: "MESSAGE_CREATE" | "MESSAGE_UPDATE", message: FakeMessage): void {
    if ((message.flags & Flag.Ephemeral) !== 0 || !this.session) return;
    const inGuild = message.guild_id !== undefined;
    const visible =
      (this.session.intents & Intent.MessageContent) !== 0 ||
      !inGuild ||
      message.author.id === this.botUser.id ||
      message.mentions.some((u) => u.id === this.botUser.id);
    // Without MESSAGE_CONTENT Discord blanks content of guild messages that do not mention the bot.
    const d = visible
      ? { ...message }
      : { ...message, content: "", embeds: [], attachments: [], components: [] };
    if (inGuild && !d.member) d.member = { ...this.member(message.author), user: undefined };
    // Discord tells the type of a DM's channel, which a client may not have cached (discord.js drops it otherwise).
    this.dispatch(
      t,
      inGuild ? d : { ...d, channel_type: 1 },
      inGuild ? Intent.GuildMessages : Intent.DirectMessages,
    );
  }

  /** Dispatches MESSAGE_CREATE for a message a user writes; the handle waits for the bot's answer. */
  userMessage(input: UserMessageInput): UserMessageHandle {
    this.requireSession("a user message");
    const author = this.user(input.userId ?? this.testerId, input.username, input.bot);
    const channelId = input.dm
      ? this.dmChannelId(author.id)
      : (input.channelId ?? this.channels[0]?.id ?? "");
    if (!input.dm && !this.channel(channelId)) throw new Error(`fake-discord: unknown channel ${channelId}`);
    const referenced =
      input.referencedMessageId === undefined ? undefined : this.message(input.referencedMessageId);
    if (input.referencedMessageId !== undefined && !referenced) {
      throw new Error(`fake-discord: cannot reply to unknown message ${input.referencedMessageId}`);
    }
    const from = this.messages.length;
    const content = input.mentionsBot ? `<@${this.botUser.id}> ${input.content}` : input.content;
    const message = this.createMessage(
      channelId,
      author,
      { content },
      {
        mentions: [...(input.mentionsBot ? [this.botUser] : []), ...(referenced ? [referenced.author] : [])],
        ...(input.dm ? {} : { member: { ...this.member(author), user: undefined } }),
        ...(referenced ? this.replyFields(referenced) : {}),
      },
    );
    this.echo("MESSAGE_CREATE", message);
    this.changed();
    const fromBot = (m: FakeMessage): boolean =>
      m.channel_id === channelId && m.author.id === this.botUser.id;
    return {
      message,
      reply: (timeoutMs = DEFAULT_TIMEOUT_MS) =>
        this.until(
          () => this.messages.slice(from + 1).find(fromBot),
          timeoutMs,
          `a bot reply in channel ${channelId}`,
        ),
      repliesWithin: async (windowMs) => {
        await this.later(windowMs);
        return this.messages.slice(from + 1).filter(fromBot);
      },
    };
  }

  private replyFields(referenced: FakeMessage): Partial<FakeMessage> {
    return {
      type: 19,
      message_reference: {
        type: 0,
        message_id: referenced.id,
        channel_id: referenced.channel_id,
        ...(referenced.guild_id ? { guild_id: referenced.guild_id } : {}),
      },
      referenced_message: { ...referenced, referenced_message: null },
    };
  }

  // ---------------------------------------------------------------- interactions

  /**
   * Delivers a complete interaction payload (it needs `id`, `token` and `type`): over the
   * gateway as INTERACTION_CREATE, or — with an endpoint (the argument, else
   * `interactionsEndpoint`) — as a signed POST whose response is the first callback.
   */
  interact(
    payload: JsonObject,
    endpoint = this.interactionsEndpoint,
    signing: Signing = "valid",
  ): InteractionHandle {
    if (endpoint === undefined) this.requireSession("an interaction");
    const id = String(payload["id"]);
    const token = String(payload["token"]);
    const data = asObject(payload["data"]);
    const record: InteractionRecord = {
      id,
      token,
      type: Number(payload["type"]),
      label:
        typeof data["custom_id"] === "string" ? `component ${data["custom_id"]}` : `/${String(data["name"])}`,
      payload,
      deadline: Date.now() + this.interactionDeadlineMs,
      callbacks: [],
      answered: false,
      followUps: [],
      ...(isObject(payload["message"]) ? { componentMessageId: String(payload["message"]["id"]) } : {}),
    };
    this.interactions.set(token, record);
    let delivery: Promise<HttpDelivery> | undefined;
    if (endpoint === undefined) this.dispatch("INTERACTION_CREATE", payload);
    else delivery = record.delivery = this.post(record, endpoint, signing);
    this.changed();
    const waitCallback = (timeoutMs = DEFAULT_TIMEOUT_MS): Promise<InteractionCallback> =>
      this.until(() => record.callbacks[0], timeoutMs, `the callback of ${record.label}`);
    return {
      id,
      token,
      payload,
      followUps: record.followUps,
      get callback() {
        return waitCallback();
      },
      waitCallback,
      final: (timeoutMs = DEFAULT_TIMEOUT_MS) =>
        this.until(
          () => {
            const type = record.callbacks[0]?.type;
            if (type === 8 || type === 9)
              throw new Error(`fake-discord: ${record.label} got callback ${type}, which shows no message`);
            const id = record.originalMessageId;
            if (!record.answered || id === undefined) return undefined;
            // A deleted reply is gone from the lookups but still what the user last saw.
            return this.message(id) ?? this.messages.find((m) => m.id === id);
          },
          timeoutMs,
          `the message answering ${record.label}`,
        ),
      choices: (timeoutMs = DEFAULT_TIMEOUT_MS) =>
        waitCallback(timeoutMs).then((cb) => {
          if (cb.type !== 8)
            throw new Error(`fake-discord: ${record.label} got callback ${cb.type}, not 8 (autocomplete)`);
          return objects(cb.data?.["choices"]).map((c) => ({
            name: String(c["name"]),
            value: c["value"] as string | number,
          }));
        }),
      modal: (timeoutMs = DEFAULT_TIMEOUT_MS) =>
        waitCallback(timeoutMs).then((cb) => {
          if (cb.type !== 9)
            throw new Error(`fake-discord: ${record.label} got callback ${cb.type}, not 9 (modal)`);
          return cb.data ?? {};
        }),
      followUp: (index = 0, timeoutMs = DEFAULT_TIMEOUT_MS) =>
        this.until(() => record.followUps[index], timeoutMs, `follow-up #${index} of ${record.label}`),
      ...(delivery ? { delivery } : {}),
    };
  }

  /**
   * Sends a dispatch exactly as given, malformed or not (`d: null`, a field of the wrong type):
   * for tests of what the bot does with payloads Discord should never send.
   */
  dispatchRaw(t: string, d: unknown): void {
    this.requireSession(`a raw ${t}`);
    this.dispatch(t, d);
    this.changed();
  }

  /**
   * The INTERACTION_CREATE data `slashCommand` or `button` would send, not sent: a test alters
   * it (a field removed or malformed) and sends it with `interact` or `dispatchRaw`.
   */
  interactionPayload(
    input: ({ kind: "command" } & SlashCommandInput) | ({ kind: "button" } & ComponentInput),
  ): JsonObject {
    return input.kind === "command"
      ? this.commandInteraction(InteractionType.Command, input)
      : this.componentInteraction(input, { custom_id: input.customId, component_type: 2 });
  }

  /** Signs a body as Discord does: Ed25519 over timestamp + body, hex. */
  signature(timestamp: string, body: string, key: KeyObject = this.signingKey): string {
    return sign(null, Buffer.from(timestamp + body), key).toString("hex");
  }

  /** A signed (or forged) POST of a raw body to an endpoint, as Discord's delivery: the PING check and tests of refusals. */
  async postRaw(
    url: string,
    body: string,
    signing: Signing = "valid",
  ): Promise<{ status: number; body: unknown }> {
    const seconds = Math.floor(Date.now() / 1000) - (signing === "stale" ? 3600 : 0);
    const timestamp = String(seconds);
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (signing !== "none") {
      headers["x-signature-timestamp"] = timestamp;
      headers["x-signature-ed25519"] =
        signing === "forged"
          ? this.signature(timestamp, `${body} `)
          : signing === "other-key"
            ? this.signature(timestamp, body, generateKeyPairSync("ed25519").privateKey)
            : this.signature(timestamp, body);
    }
    const response = await fetch(url, {
      method: "POST",
      headers,
      body,
      signal: AbortSignal.timeout(this.interactionDeadlineMs),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON: kept as text
    }
    return { status: response.status, body: parsed };
  }

  /** Delivers one interaction over HTTP; a 200's body is taken as its callback, as Discord takes it. */
  private async post(record: InteractionRecord, url: string, signing: Signing): Promise<HttpDelivery> {
    const delivery: HttpDelivery = { id: record.id, url, signing, at: Date.now() };
    this.httpDeliveries.push(delivery);
    const started = performance.now();
    try {
      const { status, body } = await this.postRaw(url, JSON.stringify(record.payload), signing);
      delivery.status = status;
      delivery.response = body;
      delivery.ms = performance.now() - started;
      if (status === 200 && !this.stopped) {
        // Recorded as the callback request it stands for, so callback counts cover both transports.
        const callback: RecordedRequest = {
          method: "POST",
          path: `/interactions/${record.id}/${record.token}/callback`,
          query: {},
          body,
          files: [],
          uploads: [],
          authorization: undefined,
          at: Date.now(),
        };
        this.requests.push(callback);
        callback.status = this.onCallback(record.id, record.token, callback).status;
      }
    } catch (error) {
      delivery.error =
        error instanceof Error && error.name === "TimeoutError"
          ? "timeout"
          : String((error as Error).message);
    }
    this.changed();
    return delivery;
  }

  /** A chat-input command as a user would run it. */
  slashCommand(input: SlashCommandInput): InteractionHandle {
    return this.interact(this.commandInteraction(InteractionType.Command, input), ...this.deliveryOf(input));
  }

  /** Where an input's interaction goes, and how it is signed. */
  private deliveryOf(input: InteractionInput): [string | undefined, Signing] {
    return [input.endpoint ?? this.interactionsEndpoint, input.signing ?? "valid"];
  }

  /** The user typing into option `focused` of a command (type 4); answer with `interaction.respond`. */
  autocomplete(input: AutocompleteInput): InteractionHandle {
    return this.interact(
      this.commandInteraction(InteractionType.Autocomplete, input, input.focused ?? ""),
      ...this.deliveryOf(input),
    );
  }

  /** A click on button `customId` of a message. */
  button(input: ComponentInput): InteractionHandle {
    return this.interact(
      this.componentInteraction(input, { custom_id: input.customId, component_type: 2 }),
      ...this.deliveryOf(input),
    );
  }

  /**
   * The user fills in and sends the modal that `opened` got as its callback: text values by
   * the inputs' custom ids. As Discord's client, it refuses values the form does not allow
   * (a required one missing, one over max_length). The submission carries the message the
   * form was opened from, and arrives in the shape of the form (Label or action row).
   */
  submitModal(
    opened: InteractionHandle,
    values: Record<string, string>,
    input: InteractionInput = {},
  ): InteractionHandle {
    const record = this.interactions.get(opened.token);
    const callback = record?.callbacks[0];
    if (!record || callback?.type !== 9 || !callback.data)
      throw new Error(
        "fake-discord: submitModal needs an interaction that was answered with a modal (type 9)",
      );
    const form = callback.data;
    const value = (input: JsonObject): JsonObject => {
      const id = String(input["custom_id"]);
      const text = Object.hasOwn(values, id) ? values[id]! : "";
      const max = typeof input["max_length"] === "number" ? input["max_length"] : 4000;
      if (input["required"] !== false && text === "")
        throw new Error(`fake-discord: the form's "${id}" is required; Discord would not send it empty`);
      if (charCount(text) > max)
        throw new Error(
          `fake-discord: the form's "${id}" allows ${max} characters; Discord would not send more`,
        );
      return { type: 4, id: Number(input["id"] ?? 0), custom_id: id, value: text };
    };
    const unknown = Object.keys(values).filter(
      (k) => !textInputs(form["components"]).some((t) => t["custom_id"] === k),
    );
    if (unknown.length) throw new Error(`fake-discord: the form has no input ${unknown.join(", ")}`);
    const components = objects(form["components"]).flatMap((c): JsonObject[] =>
      c["type"] === 18 && isObject(c["component"])
        ? [{ type: 18, id: Number(c["id"] ?? 0), component: value(c["component"]) }]
        : c["type"] === 1
          ? [{ type: 1, id: Number(c["id"] ?? 0), components: objects(c["components"]).map(value) }]
          : [],
    );
    const opener = asObject(asObject(record.payload["member"])["user"] ?? record.payload["user"]);
    const base = this.baseInteraction(InteractionType.ModalSubmit, {
      userId: String(opener["id"] ?? this.testerId),
      ...(record.payload["guild_id"] === undefined ? { guildId: null } : {}),
      channelId: String(record.payload["channel_id"]),
      ...input,
    });
    const from =
      record.componentMessageId === undefined ? undefined : this.message(record.componentMessageId);
    return this.interact({
      ...base,
      data: { custom_id: form["custom_id"], components },
      ...(from ? { message: { ...from } } : {}),
    });
  }

  /** A choice in select menu `customId` of a message. */
  select(input: SelectInput): InteractionHandle {
    const component_type = input.componentType ?? 3;
    return this.interact(
      this.componentInteraction(input, { custom_id: input.customId, component_type, values: input.values }),
      ...this.deliveryOf(input),
    );
  }

  private dmChannelId(userId: string): string {
    let id = this.dmChannels.get(userId);
    if (id === undefined) {
      id = snowflake();
      this.dmChannels.set(userId, id);
    }
    return id;
  }

  private baseInteraction(type: number, input: InteractionInput): JsonObject {
    const id = snowflake();
    const user = this.user(input.userId ?? this.testerId, input.username);
    const guildId = input.guildId === undefined ? this.guildId : input.guildId;
    if (guildId !== null && guildId !== this.guildId)
      throw new Error(`fake-discord: unknown guild ${guildId}`);
    const common = {
      id,
      application_id: this.applicationId,
      type,
      // Real tokens are long base64 strings that start with "interaction:<id>:".
      token: Buffer.from(`interaction:${id}:${randomBytes(24).toString("hex")}`).toString("base64url"),
      version: 1,
      locale: input.locale ?? "en-US",
      app_permissions: EVERYONE_PERMISSIONS,
      entitlements: [], // without these two discord.js throws inside its handler and drops the interaction
      authorizing_integration_owners: { "0": guildId ?? "0" },
      attachment_size_limit: 10_485_760,
    };
    if (guildId === null) {
      const channelId = input.channelId ?? this.dmChannelId(user.id);
      const channel = { id: channelId, type: 1, last_message_id: null, flags: 0, recipients: [user] };
      return { ...common, context: 1, channel_id: channelId, channel, user };
    }
    const channel = this.channel(input.channelId ?? this.channels[0]?.id ?? "");
    if (!channel) throw new Error(`fake-discord: unknown channel ${String(input.channelId)}`);
    const roles = input.roles ?? [];
    const permissions =
      input.permissions ??
      this.roles
        .filter((r) => r.id === this.guildId || roles.includes(r.id))
        .reduce((bits, r) => bits | BigInt(r.permissions), 0n)
        .toString();
    return {
      ...common,
      context: 0,
      guild_id: guildId,
      guild: { id: guildId, locale: "en-US", features: [] },
      guild_locale: "en-US",
      channel_id: channel.id,
      channel: { ...channel, permissions },
      member: { ...this.member(user, roles), permissions },
    };
  }

  private commandInteraction(type: number, input: SlashCommandInput, focused?: string): JsonObject {
    const base = this.baseInteraction(type, input);
    const guildId = typeof base["guild_id"] === "string" ? base["guild_id"] : undefined;
    const isCommand = (c: JsonObject): boolean => c["name"] === input.name && (c["type"] ?? 1) === 1;
    const command =
      (guildId ? this.registeredCommands(guildId).find(isCommand) : undefined) ??
      this.registeredCommands().find(isCommand);
    let definitions = command ? objects(command["options"]) : undefined;
    const nest = (name: string | undefined): JsonObject | undefined => {
      const def = name === undefined ? undefined : definitions?.find((o) => o["name"] === name);
      if (name !== undefined && definitions) definitions = def ? objects(def["options"]) : [];
      return def;
    };
    nest(input.subcommandGroup);
    nest(input.subcommand);
    const resolved: Record<string, JsonObject> = {};
    let options: RawOption[];
    if (Array.isArray(input.options)) {
      options = input.options;
    } else {
      const values = Object.entries(input.options ?? {});
      const focusName = focused === "" ? values.at(-1)?.[0] : focused;
      options = values.map(([name, value]) => {
        const def = definitions?.find((o) => o["name"] === name);
        if (definitions && !def) {
          const known = definitions.map((o) => String(o["name"])).join(", ") || "none";
          throw new Error(`fake-discord: /${input.name} has no option "${name}" (registered: ${known})`);
        }
        const optionType =
          typeof def?.["type"] === "number"
            ? def["type"]
            : typeof value === "boolean"
              ? 5
              : typeof value === "number"
                ? Number.isInteger(value)
                  ? 4
                  : 10
                : 3;
        // The focused option carries the user's partial input, which Discord sends as a string.
        if (focusName === name) return { name, type: optionType, value: String(value), focused: true };
        this.resolve(resolved, optionType, String(value));
        return { name, type: optionType, value };
      });
    }
    if (input.subcommand !== undefined) options = [{ name: input.subcommand, type: 1, options }];
    if (input.subcommandGroup !== undefined) options = [{ name: input.subcommandGroup, type: 2, options }];
    return {
      ...base,
      data: {
        id: command?.["id"] ?? snowflake(),
        name: input.name,
        type: 1,
        options,
        ...(command?.["guild_id"] ? { guild_id: command["guild_id"] } : {}),
        ...(Object.keys(resolved).length > 0 ? { resolved } : {}),
      },
    };
  }

  /** Fills `resolved` for user, channel and role options, without which discord.js getters return null. */
  private resolve(resolved: Record<string, JsonObject>, type: number, id: string): void {
    const add = (kind: string, value: unknown): void => {
      resolved[kind] = { ...resolved[kind], [id]: value };
    };
    if (type === 6 || type === 9) {
      const role = this.roles.find((r) => r.id === id);
      if (role) return add("roles", role);
      const user = this.user(id);
      add("users", user);
      add("members", { ...this.member(user), user: undefined, permissions: EVERYONE_PERMISSIONS });
    } else if (type === 7) {
      const channel = this.channel(id);
      if (channel)
        add("channels", { id, name: channel.name, type: channel.type, permissions: EVERYONE_PERMISSIONS });
    } else if (type === 8) {
      const role = this.roles.find((r) => r.id === id);
      if (role) add("roles", role);
    }
  }

  private componentInteraction(input: ComponentInput, data: JsonObject): JsonObject {
    const base = this.baseInteraction(InteractionType.Component, input);
    const channelId = String(base["channel_id"]);
    let message = input.messageId === undefined ? undefined : this.message(input.messageId);
    if (message) {
      const ids = customIds(message.components);
      if (!ids.includes(input.customId)) {
        throw new Error(
          `fake-discord: message ${message.id} has no component "${input.customId}" (it has: ${ids.join(", ") || "none"})`,
        );
      }
    } else {
      // A message the fake never saw (e.g. posted before the test): known from now on so an update can
      // edit it, but not logged as new, or it would pass for a bot reply.
      message = this.createMessage(
        channelId,
        this.botUser,
        { content: input.messageContent ?? "", components: input.messageComponents ?? [] },
        { ...(input.messageId ? { id: input.messageId } : {}), application_id: this.applicationId },
        false,
      );
    }
    return { ...base, data, message: { ...message } };
  }

  // ---------------------------------------------------------------- REST

  /** Makes the next matching REST request(s) fail, hang, or answer late. */
  failNext(fault: RestFault): void {
    if (fault.status === undefined && !fault.hang && !fault.lostResponse && fault.delayMs === undefined) {
      throw new Error("fake-discord: failNext needs status, hang, lostResponse or delayMs");
    }
    this.faults.push({ ...fault, left: fault.times ?? 1 });
  }

  private takeFault(method: string, path: string): RestFault | undefined {
    const index = this.faults.findIndex(
      (f) =>
        (f.method === undefined || f.method.toUpperCase() === method) &&
        (typeof f.path === "string" ? path.includes(f.path) : f.path.test(path)),
    );
    const fault = this.faults[index];
    if (!fault) return undefined;
    if (--fault.left <= 0) this.faults.splice(index, 1);
    return fault;
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const { body, files, uploads } = await readBody(req).catch(() => ({
      body: undefined,
      files: [],
      uploads: [],
    }));
    let path = url.pathname;
    try {
      path = decodeURIComponent(path);
    } catch {
      // keep the raw path; no route will match it
    }
    if (path.startsWith(API_PREFIX)) path = path.slice(API_PREFIX.length);
    const record: RecordedRequest = {
      method: req.method ?? "GET",
      path,
      query: Object.fromEntries(url.searchParams),
      body,
      files,
      uploads,
      authorization: req.headers.authorization,
      at: Date.now(),
    };
    this.requests.push(record);
    // Discord takes an HTTP response as the callback before the webhook exists; a webhook request
    // racing that response on loopback waits for it, as it could not overtake it over the internet.
    const webhookToken = /^\/webhooks\/\d+\/([^/]+)/.exec(path)?.[1];
    const pending = webhookToken === undefined ? undefined : this.interactions.get(webhookToken)?.delivery;
    if (pending) await pending;
    const fault = this.takeFault(record.method, path);
    if (fault?.hang) return;
    if (fault?.delayMs !== undefined) await this.later(fault.delayMs);
    let reply: Reply;
    try {
      reply = fault?.status !== undefined ? this.faultReply(fault, record) : this.route(record);
    } catch (error) {
      // A bug in the fake must fail the test loudly, not leave the client waiting for an answer.
      reply = apiError(500, 0, `fake-discord bug: ${error instanceof Error ? error.stack : String(error)}`);
    }
    record.status = reply.status;
    if (fault?.lostResponse) {
      this.changed();
      return;
    }
    if (!res.destroyed) {
      const json = reply.body === undefined ? undefined : JSON.stringify(reply.body);
      // A 204 must carry no JSON content type: @discordjs/rest would try to parse the empty body.
      res.writeHead(reply.status, {
        ...(json === undefined ? {} : { "Content-Type": "application/json" }),
        ...reply.headers,
      });
      res.end(json);
    }
    this.changed();
  }

  private faultReply(fault: RestFault, req: RecordedRequest): Reply {
    if (fault.status !== 429) {
      const message = fault.echoAuthorization
        ? `Refused: Authorization: ${req.authorization ?? "(none)"}`
        : "Server error";
      return { status: fault.status ?? 500, body: { message, code: 0 } };
    }
    // Discord rounds the header up to whole seconds; the exact value keeps tests fast and discord.js reads it fine.
    const retryAfter = fault.retryAfterSec ?? 1;
    const headers: Record<string, string> = {
      "Retry-After": String(retryAfter),
      "X-RateLimit-Scope": fault.global ? "global" : "user",
      "X-RateLimit-Limit": "1",
      "X-RateLimit-Remaining": "0",
      "X-RateLimit-Reset-After": String(retryAfter),
    };
    if (fault.global) headers["X-RateLimit-Global"] = "true";
    const body = {
      message: "You are being rate limited.",
      retry_after: retryAfter,
      global: fault.global ?? false,
    };
    return { status: 429, body, headers };
  }

  private route(req: RecordedRequest): Reply {
    const matches = this.routes.filter((r) => r.pattern.test(req.path));
    const route = matches.find((r) => r.method === req.method);
    if (!route) {
      this.unhandledRequests.push(req);
      return matches.length > 0
        ? apiError(405, 0, "405: Method Not Allowed")
        : apiError(404, 0, "404: Not Found");
    }
    if (route.auth && req.authorization !== `Bot ${this.token}`) return apiError(401, 0, "401: Unauthorized");
    return route.handle(route.pattern.exec(req.path)?.slice(1) ?? [], req);
  }

  private buildRoutes(): Route[] {
    const ok = (body: unknown): Reply => ({ status: 200, body });
    const noContent: Reply = { status: 204 };
    const app = (id: string | undefined): boolean => id === this.applicationId;
    const missingAccess = apiError(403, 50001, "Missing Access");
    const commands =
      (scope: string) =>
      (params: string[], req: RecordedRequest): Reply => {
        if (!app(params[0]) || (scope !== "global" && params[1] !== this.guildId)) return missingAccess;
        return req.method === "GET"
          ? ok(this.commands.get(scope === "global" ? "global" : this.guildId) ?? [])
          : this.putCommands(scope, req.body);
      };
    const webhookMessage = (params: string[], req: RecordedRequest): Reply => {
      const [appId, token, messageId] = params;
      const record = app(appId) ? this.interactions.get(token ?? "") : undefined;
      if (!record || record.callbacks.length === 0) return apiError(404, 10015, "Unknown Webhook");
      const id = messageId === "@original" ? record.originalMessageId : messageId;
      const message = id === undefined ? undefined : this.message(id);
      const owned = id === record.originalMessageId || record.followUps.some((m) => m.id === id);
      if (!message || !owned) return apiError(404, 10008, "Unknown Message");
      if (req.method === "GET") return ok(message);
      if (req.method === "DELETE") return this.deleteMessage(message);
      const invalid = validateMessage(asObject(req.body), false, req.files.length);
      if (invalid) return invalid;
      this.editMessage(message, asObject(req.body), req.uploads);
      if (id === record.originalMessageId) record.answered = true;
      this.echo("MESSAGE_UPDATE", message);
      return ok(message);
    };
    const channelMessage = (params: string[], req: RecordedRequest): Reply => {
      const [channelId, messageId] = params;
      const message = this.message(messageId ?? "");
      if (!message || message.channel_id !== channelId) return apiError(404, 10008, "Unknown Message");
      if (req.method === "GET") return ok(message);
      if (message.author.id !== this.botUser.id && req.method === "PATCH") {
        return apiError(403, 50005, "Cannot edit a message authored by another user");
      }
      if (req.method === "DELETE") return this.deleteMessage(message);
      const invalid = validateMessage(asObject(req.body), false, req.files.length);
      if (invalid) return invalid;
      this.editMessage(message, asObject(req.body), req.uploads);
      this.echo("MESSAGE_UPDATE", message);
      return ok(message);
    };
    const id = "(\\d{17,20})";
    const route = (method: string, pattern: string, auth: boolean, handle: Route["handle"]): Route => ({
      method,
      pattern: new RegExp(`^${pattern}$`),
      auth,
      handle,
    });
    return [
      route("GET", "/gateway/bot", true, () =>
        ok({
          url: this.gatewayUrl,
          shards: 1,
          session_start_limit: { total: 1000, remaining: 999, reset_after: 86_400_000, max_concurrency: 1 },
        }),
      ),
      route("GET", "/gateway", false, () => ok({ url: this.gatewayUrl })),
      route("GET", "/users/@me", true, () =>
        ok({ ...this.botUser, verified: true, mfa_enabled: false, flags: 0 }),
      ),
      route("GET", "/applications/@me", true, () =>
        ok({
          id: this.applicationId,
          name: this.botUser.username,
          description: "",
          flags: 0,
          bot: this.botUser,
        }),
      ),
      ...["GET", "PUT"].flatMap((method) => [
        route(method, `/applications/${id}/commands`, true, commands("global")),
        route(method, `/applications/${id}/guilds/${id}/commands`, true, commands("guild")),
      ]),
      route("POST", `/interactions/${id}/([^/]+)/callback`, false, ([interactionId, token], req) =>
        this.onCallback(interactionId ?? "", token ?? "", req),
      ),
      route("POST", `/webhooks/${id}/([^/]+)`, false, ([appId, token], req) =>
        this.onFollowUp(appId, token ?? "", req),
      ),
      ...["GET", "PATCH", "DELETE"].map((method) =>
        route(method, `/webhooks/${id}/([^/]+)/messages/(@original|\\d{17,20})`, false, webhookMessage),
      ),
      route("GET", `/channels/${id}`, true, ([channelId]) => {
        const channel = this.channel(channelId ?? "");
        return channel ? ok(channel) : apiError(404, 10003, "Unknown Channel");
      }),
      route("POST", `/channels/${id}/messages`, true, ([channelId], req) =>
        this.onChannelMessage(channelId ?? "", req),
      ),
      ...["GET", "PATCH", "DELETE"].map((method) =>
        route(method, `/channels/${id}/messages/${id}`, true, channelMessage),
      ),
      route("POST", `/channels/${id}/typing`, true, ([channelId]) =>
        this.channel(channelId ?? "") ? noContent : apiError(404, 10003, "Unknown Channel"),
      ),
    ];
  }

  private putCommands(scope: string, body: unknown): Reply {
    if (!Array.isArray(body)) {
      return formError([{ path: [], code: "BASE_TYPE_ARRAY", message: "Must be an array" }]);
    }
    const errors = validateCommands(objects(body));
    if (errors.length > 0) return formError(errors);
    const key = scope === "global" ? "global" : this.guildId;
    const previous = this.commands.get(key) ?? [];
    // Like Discord, an overwrite keeps the id of a command whose name and type are unchanged.
    const stored = objects(body).map((command) => {
      const type = command["type"] ?? 1;
      const old = previous.find((p) => p["name"] === command["name"] && p["type"] === type);
      return {
        ...command,
        id: old?.["id"] ?? snowflake(),
        application_id: this.applicationId,
        version: snowflake(),
        type,
        description: command["description"] ?? "",
        default_member_permissions: command["default_member_permissions"] ?? null,
        nsfw: command["nsfw"] ?? false,
        ...(scope === "global" ? {} : { guild_id: this.guildId }),
      };
    });
    this.commands.set(key, stored);
    return { status: 200, body: stored };
  }

  private onCallback(interactionId: string, token: string, req: RecordedRequest): Reply {
    const record = this.interactions.get(token);
    if (!record || record.id !== interactionId) return apiError(404, 10062, "Unknown interaction");
    if (record.callbacks.length > 0)
      return apiError(400, 40060, "Interaction has already been acknowledged.");
    if (Date.now() > record.deadline) return apiError(404, 10062, "Unknown interaction");
    const body = asObject(req.body);
    const type = typeof body["type"] === "number" ? body["type"] : -1;
    const data = isObject(body["data"]) ? body["data"] : undefined;
    if (!(ALLOWED_CALLBACKS[record.type] ?? []).includes(type)) {
      return formError([
        {
          path: ["type"],
          code: "INTERACTION_CALLBACK_TYPE_INVALID",
          message: `Callback type ${type} is not valid for interaction type ${record.type}`,
        },
      ]);
    }
    const invalid =
      type === 8
        ? validateChoices(data ?? {})
        : type === 9
          ? validateModal(data ?? {})
          : type === 4 || type === 7
            ? validateMessage(data ?? {}, type === 4, req.files.length)
            : undefined;
    if (invalid) return invalid;
    record.callbacks.push(data ? { type, data } : { type });

    const channelId = String(record.payload["channel_id"]);
    let message: FakeMessage | undefined;
    if (type === 4 || type === 5) {
      const flags = typeof data?.["flags"] === "number" ? data["flags"] : 0;
      const user = asObject(asObject(record.payload["member"])["user"] ?? record.payload["user"]);
      message = this.createMessage(channelId, this.botUser, type === 4 ? (data ?? {}) : {}, {
        attachments: type === 4 ? this.attach(data ?? {}, req.uploads) : [],
        type: record.type === InteractionType.Command ? 20 : 0,
        flags: type === 5 ? (flags & Flag.Ephemeral) | Flag.Loading : flags,
        webhook_id: this.applicationId,
        application_id: this.applicationId,
        interaction_metadata: {
          id: record.id,
          type: record.type,
          user,
          authorizing_integration_owners: record.payload["authorizing_integration_owners"],
          ...(record.type === InteractionType.Command
            ? { name: asObject(record.payload["data"])["name"] }
            : {}),
        },
      });
      record.originalMessageId = message.id;
      record.answered = type === 4;
      this.echo("MESSAGE_CREATE", message);
    } else if (type === 6 || type === 7) {
      record.originalMessageId = record.componentMessageId;
      message = record.componentMessageId === undefined ? undefined : this.message(record.componentMessageId);
      if (message && type === 7) {
        this.editMessage(message, data ?? {}, req.uploads);
        record.answered = true;
        this.echo("MESSAGE_UPDATE", message);
      }
    }
    if (req.query["with_response"] !== "true") return { status: 204 };
    return {
      status: 200,
      body: {
        interaction: {
          id: record.id,
          type: record.type,
          response_message_id: message?.id ?? null,
          response_message_loading: type === 5,
          response_message_ephemeral: message ? (message.flags & Flag.Ephemeral) !== 0 : false,
        },
        resource: { type, ...(message ? { message } : {}) },
      },
    };
  }

  private onFollowUp(appId: string | undefined, token: string, req: RecordedRequest): Reply {
    const record = appId === this.applicationId ? this.interactions.get(token) : undefined;
    // The interaction webhook exists only once the interaction is acknowledged.
    if (!record || record.callbacks.length === 0) return apiError(404, 10015, "Unknown Webhook");
    const body = asObject(req.body);
    const invalid = validateMessage(body, true, req.files.length);
    if (invalid) return invalid;
    const original =
      record.originalMessageId === undefined ? undefined : this.message(record.originalMessageId);
    if (record.callbacks[0]?.type === 5 && original && (original.flags & Flag.Loading) !== 0) {
      // The first follow-up after a deferred reply replaces the "thinking…" message and keeps its visibility.
      this.editMessage(original, { ...body, flags: undefined }, req.uploads);
      record.answered = true;
      this.echo("MESSAGE_UPDATE", original);
      return { status: 200, body: original };
    }
    const message = this.createMessage(String(record.payload["channel_id"]), this.botUser, body, {
      attachments: this.attach(body, req.uploads),
      webhook_id: this.applicationId,
      application_id: this.applicationId,
    });
    record.followUps.push(message);
    this.echo("MESSAGE_CREATE", message);
    return { status: 200, body: message };
  }

  private onChannelMessage(channelId: string, req: RecordedRequest): Reply {
    const isDm = [...this.dmChannels.values()].includes(channelId);
    if (!this.channel(channelId) && !isDm) return apiError(404, 10003, "Unknown Channel");
    const body = asObject(req.body);
    const invalid = validateMessage(body, true, req.files.length);
    if (invalid) return invalid;
    const reference = asObject(body["message_reference"]);
    const referencedId = typeof reference["message_id"] === "string" ? reference["message_id"] : undefined;
    const referenced = referencedId === undefined ? undefined : this.message(referencedId);
    if (referencedId !== undefined && !referenced && reference["fail_if_not_exists"] !== false) {
      return formError([
        {
          path: ["message_reference"],
          code: "MESSAGE_REFERENCE_UNKNOWN_MESSAGE",
          message: "Unknown message",
        },
      ]);
    }
    // With enforce_nonce, a nonce already used by this author returns that message instead of a new one.
    const nonce = body["nonce"];
    const nonceKey =
      body["enforce_nonce"] === true && (typeof nonce === "string" || typeof nonce === "number")
        ? String(nonce)
        : undefined;
    const earlier = nonceKey === undefined ? undefined : this.message(this.nonces.get(nonceKey) ?? "");
    if (earlier) return { status: 200, body: earlier };
    const pingsAuthor = referenced && asObject(body["allowed_mentions"])["replied_user"] !== false;
    const message = this.createMessage(channelId, this.botUser, body, {
      attachments: this.attach(body, req.uploads),
      mentions: pingsAuthor ? [referenced.author] : [],
      ...(referenced ? this.replyFields(referenced) : {}),
    });
    if (nonceKey !== undefined) this.nonces.set(nonceKey, message.id);
    this.echo("MESSAGE_CREATE", message);
    return { status: 200, body: message };
  }

  private deleteMessage(message: FakeMessage): Reply {
    this.messagesById.delete(message.id);
    if ((message.flags & Flag.Ephemeral) === 0) {
      const intent = message.guild_id ? Intent.GuildMessages : Intent.DirectMessages;
      this.dispatch(
        "MESSAGE_DELETE",
        { id: message.id, channel_id: message.channel_id, guild_id: message.guild_id },
        intent,
      );
    }
    return { status: 204 };
  }

  // ---------------------------------------------------------------- lifecycle

  /**
   * Drops what the fake has recorded so far (requests, dispatches, messages, nonces, answered
   * interactions), so a long load run measures the bot's memory rather than the fake's
   * history. Interactions not yet answered are kept; an edit or follow-up to a forgotten one
   * gets 404 like an expired one. Not while a test waits on messages (`reply`, `waitForMessage`).
   */
  forgetHistory(): void {
    this.requests.length = 0;
    this.unhandledRequests.length = 0;
    this.dispatches.length = 0;
    this.messages.length = 0;
    this.messagesById.clear();
    this.nonces.clear();
    for (const [token, record] of this.interactions) if (record.answered) this.interactions.delete(token);
  }

  /** Closes every socket and both servers, and cancels pending waits, so the test process can exit. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const waiter of this.waiters) clearTimeout(waiter.timer);
    this.waiters.clear();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const socket of this.wss.clients) socket.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    for (const server of [this.http, this.gatewayHttp]) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }
}

/** Starts the fake on two free loopback ports: REST at `fake.restBase`, the gateway at `fake.gatewayUrl`. */
export async function startFakeDiscord(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
  const http = createServer();
  const gatewayHttp = createServer((_req, res) => {
    res.writeHead(426).end();
  });
  const wss = new WebSocketServer({ server: gatewayHttp });
  const [rest, gateway] = await Promise.all([listen(http), listen(gatewayHttp)]);
  return new FakeDiscord(http, gatewayHttp, wss, { rest, gateway }, options);
}
