/**
 * `npm run deploy-commands [-- --dry-run]`: brings the registered slash commands in line with
 * the registry — to one guild when DISCORD_GUILD_ID is set (instant, for development), globally
 * otherwise. It fetches what is registered, prints what would be added, changed and removed,
 * and writes (one bulk overwrite, which keeps the ids of commands that stay) only when
 * something differs; `--dry-run` prints and writes nothing.
 */
import { parseArgs } from "node:util";
import {
  REST,
  Routes,
  type APIApplication,
  type APIApplicationCommand,
  type RESTPutAPIApplicationCommandsResult,
} from "discord.js";
import { commands } from "../../commands/index.ts";
import { ConfigError, loadConfig, type Config } from "../../config.ts";
import { loadDotenv } from "../../env.ts";
import { ExitCode } from "../../ops/exit-codes.ts";

/** The exact JSON registered for each command. */
export function commandBodies() {
  return commands.map((c) => c.data);
}

export interface CommandChange {
  readonly name: string;
  /** For a changed command: the fields that differ (`options`, `description_localizations`, …). */
  readonly fields?: readonly string[];
}

export interface CommandDiff {
  readonly added: readonly CommandChange[];
  readonly changed: readonly CommandChange[];
  readonly removed: readonly CommandChange[];
  readonly unchanged: readonly string[];
}

export interface DeployResult {
  /** "guild <id>" or "global". */
  readonly scope: string;
  readonly diff: CommandDiff;
  /** Whether the commands were written (something differed, and not a dry run). */
  readonly wrote: boolean;
  /** What Discord holds now (after the write, if there was one). */
  readonly registered: RESTPutAPIApplicationCommandsResult;
}

/** Fields Discord adds or fills in that we never send: a difference there is not ours. */
const SERVER_FIELDS = new Set([
  "id",
  "application_id",
  "version",
  "guild_id",
  "name_localized",
  "description_localized",
]);
/** Fields Discord defaults when we leave them out: compared only when we set them. */
const DEFAULTED = new Set(["integration_types", "contexts", "dm_permission", "nsfw", "handler"]);

/** A command as compared: no server fields, no empty or default values, keys sorted. */
function canonical(value: unknown, top = false, sent?: Record<string, unknown>): unknown {
  if (Array.isArray(value)) return value.map((v) => canonical(v));
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const v = (value as Record<string, unknown>)[key];
    if (top && SERVER_FIELDS.has(key)) continue;
    if (top && sent && DEFAULTED.has(key) && !(key in sent)) continue;
    if (v === null || v === undefined || v === false) continue;
    if (Array.isArray(v) && v.length === 0) continue;
    if (typeof v === "object" && !Array.isArray(v) && Object.keys(v).length === 0) continue;
    if (top && key === "type" && v === 1) continue; // a chat-input command
    out[key] = canonical(v);
  }
  return out;
}

/** What differs between the registry and what Discord holds, by command name. */
export function diffCommands(
  local: readonly Record<string, unknown>[],
  remote: readonly Record<string, unknown>[],
): CommandDiff {
  const key = (c: Record<string, unknown>) => `${String(c["type"] ?? 1)}:${String(c["name"])}`;
  const remoteByKey = new Map(remote.map((c) => [key(c), c]));
  const localKeys = new Set(local.map(key));
  const added: CommandChange[] = [];
  const changed: CommandChange[] = [];
  const unchanged: string[] = [];
  for (const body of local) {
    const name = String(body["name"]);
    const held = remoteByKey.get(key(body));
    if (!held) {
      added.push({ name });
      continue;
    }
    const mine = canonical(body, true) as Record<string, unknown>;
    const theirs = canonical(held, true, body) as Record<string, unknown>;
    const fields = [...new Set([...Object.keys(mine), ...Object.keys(theirs)])]
      .filter((f) => JSON.stringify(mine[f]) !== JSON.stringify(theirs[f]))
      .sort();
    if (fields.length > 0) changed.push({ name, fields });
    else unchanged.push(name);
  }
  const removed = remote.filter((c) => !localKeys.has(key(c))).map((c) => ({ name: String(c["name"]) }));
  return { added, changed, removed, unchanged };
}

/** Compares the registry with what is registered and writes only when they differ. */
export async function deployCommands(
  config: Config,
  options: { dryRun?: boolean; rest?: REST } = {},
): Promise<DeployResult> {
  if (!config.token) throw new ConfigError(["DISCORD_TOKEN: is required to register commands"]);
  const rest = (options.rest ?? new REST({ api: config.apiBase })).setToken(config.token);
  const app = (await rest.get(Routes.currentApplication())) as APIApplication;
  const route = config.guildId
    ? Routes.applicationGuildCommands(app.id, config.guildId)
    : Routes.applicationCommands(app.id);
  // Full localization dictionaries, not just the names in the asking user's language.
  const held = (await rest.get(route, {
    query: new URLSearchParams({ with_localizations: "true" }),
  })) as APIApplicationCommand[];
  const bodies = commandBodies();
  const diff = diffCommands(
    bodies as unknown as Record<string, unknown>[],
    held as unknown as Record<string, unknown>[],
  );
  const differs = diff.added.length + diff.changed.length + diff.removed.length > 0;
  const scope = config.guildId ? `guild ${config.guildId}` : "global";
  if (!differs || options.dryRun) return { scope, diff, wrote: false, registered: held };
  const registered = (await rest.put(route, { body: bodies })) as RESTPutAPIApplicationCommandsResult;
  return { scope, diff, wrote: true, registered };
}

/** The report printed for a deploy. */
export function describeDeploy(result: DeployResult, dryRun: boolean): string {
  const { diff } = result;
  const lines = [
    `Commands, ${result.scope === "global" ? "global (changes can take up to an hour to appear)" : result.scope}:`,
  ];
  for (const c of diff.added) lines.push(`  + /${c.name}  added`);
  for (const c of diff.changed) lines.push(`  ~ /${c.name}  changed: ${(c.fields ?? []).join(", ")}`);
  for (const c of diff.removed) lines.push(`  - /${c.name}  removed`);
  if (diff.unchanged.length > 0) lines.push(`  = ${diff.unchanged.map((n) => `/${n}`).join(" ")}  unchanged`);
  const differs = diff.added.length + diff.changed.length + diff.removed.length > 0;
  lines.push(
    !differs
      ? "Up to date: nothing written."
      : dryRun
        ? "Dry run: nothing written (run without --dry-run to apply)."
        : `Wrote ${result.registered.length} commands.`,
  );
  return `${lines.join("\n")}\n`;
}

/** Everything printed goes through this: the token (and a URL's password) never reach the terminal. */
export function scrubber(
  config: Partial<Pick<Config, "token">>,
  env = process.env,
): (text: string) => string {
  const secrets = [config.token, env["DISCORD_TOKEN"]?.trim()].filter(
    (s): s is string => typeof s === "string" && s.length >= 8,
  );
  return (text) => secrets.reduce((acc, s) => acc.split(s).join("[REDACTED]"), text);
}

async function main(): Promise<number> {
  loadDotenv();
  let scrub = scrubber({});
  let dryRun = false;
  try {
    dryRun =
      parseArgs({ options: { "dry-run": { type: "boolean" } }, allowPositionals: false }).values[
        "dry-run"
      ] === true;
  } catch (error) {
    process.stderr.write(
      `${scrub((error as Error).message)}\nUsage: npm run deploy-commands [-- --dry-run]\n`,
    );
    return 64; // EX_USAGE
  }
  try {
    const config = loadConfig();
    scrub = scrubber(config);
    const result = await deployCommands(config, { dryRun });
    process.stdout.write(scrub(describeDeploy(result, dryRun)));
    return ExitCode.Ok;
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${scrub(error.message)}\n`);
      return ExitCode.Config;
    }
    const status = (error as { status?: unknown }).status;
    process.stderr.write(`Registration failed: ${scrub(String((error as Error).message))}\n`);
    return status === 401 || status === 403 ? ExitCode.GatewayRefused : ExitCode.Unavailable;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) process.exitCode = await main();
