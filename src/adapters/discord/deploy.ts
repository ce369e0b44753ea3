/**
 * `npm run deploy-commands`: registers the slash commands from the registry — to one
 * guild when DISCORD_GUILD_ID is set (instant, for development), globally otherwise.
 */
import { REST, Routes, type APIApplication, type RESTPutAPIApplicationCommandsResult } from "discord.js";
import { commands } from "../../commands/index.ts";
import { ConfigError, loadConfig, type Config } from "../../config.ts";
import { loadDotenv } from "../../env.ts";

/** The exact JSON registered for each command. */
export function commandBodies() {
  return commands.map((c) => c.data);
}

/** Registers the commands; returns what Discord stored. */
export async function deployCommands(
  config: Config,
  rest = new REST({ api: config.apiBase }),
): Promise<{
  scope: string;
  registered: RESTPutAPIApplicationCommandsResult;
}> {
  if (!config.token) throw new ConfigError(["DISCORD_TOKEN: is required to register commands"]);
  rest.setToken(config.token);
  const app = (await rest.get(Routes.currentApplication())) as APIApplication;
  const route = config.guildId
    ? Routes.applicationGuildCommands(app.id, config.guildId)
    : Routes.applicationCommands(app.id);
  const registered = (await rest.put(route, {
    body: commandBodies(),
  })) as RESTPutAPIApplicationCommandsResult;
  return {
    scope: config.guildId ? `guild ${config.guildId}` : "global (may take up to an hour to appear)",
    registered,
  };
}

async function main(): Promise<void> {
  loadDotenv();
  try {
    const { scope, registered } = await deployCommands(loadConfig());
    process.stdout.write(`Registered ${registered.length} commands, ${scope}:\n`);
    for (const c of registered) process.stdout.write(`  /${c.name} — ${c.description}\n`);
  } catch (error) {
    process.stderr.write(
      `${error instanceof ConfigError ? error.message : `Registration failed: ${(error as Error).message}`}\n`,
    );
    process.exitCode = 1;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
