/**
 * A real discord.js Client wired to the fake Discord, for end-to-end tests.
 *
 * TEST ONLY: the options below skip Discord's identify throttle (a new IDENTIFY within 5 s of the last
 * one otherwise waits 3.7–6 s) so reconnect tests stay fast. Production code must never override
 * `buildIdentifyThrottler`: Discord enforces the spacing and resets the token of bots that ignore it.
 * The only option production shares with this file is `rest.api` (a REST proxy such as @discordjs/proxy).
 */

import { Client, Events, GatewayIntentBits, type ClientOptions } from "discord.js";
import type { FakeDiscord } from "./fake-discord.ts";

/** Guilds (to cache the guild), guild messages and their content: what a message-answering bot needs. */
export const TEST_INTENTS: readonly GatewayIntentBits[] = [
  GatewayIntentBits.Guilds,
  GatewayIntentBits.GuildMessages,
  GatewayIntentBits.MessageContent,
];

/** Client options pointing at `fake`; hand them to the bot's own client factory when it builds the Client. */
export function fakeClientOptions(
  fake: FakeDiscord,
  intents: readonly GatewayIntentBits[] = TEST_INTENTS,
): ClientOptions {
  return {
    intents: [...intents],
    rest: { api: fake.restBase },
    ws: { buildIdentifyThrottler: () => ({ waitForIdentify: async () => {} }) },
  };
}

/** Logs `client` in to `fake` and resolves once it is fully ready (guilds cached), not merely on READY. */
export async function loginToFake(
  client: Client,
  fake: FakeDiscord,
  timeoutMs = 5_000,
): Promise<Client<true>> {
  let timer: NodeJS.Timeout | undefined;
  const ready = new Promise<Client<true>>((resolve, reject) => {
    // login() resolves on READY, before GUILD_CREATE: only clientReady means the guild is cached.
    client.once(Events.ClientReady, resolve);
    timer = setTimeout(
      () =>
        reject(new Error(`discord-client: no clientReady within ${timeoutMs} ms of logging in to the fake`)),
      timeoutMs,
    );
  });
  try {
    const [, readyClient] = await Promise.all([client.login(fake.token), ready]);
    return readyClient;
  } finally {
    clearTimeout(timer);
  }
}

/** A new Client for `fake`, logged in and ready. Destroy it in afterEach. */
export async function createTestClient(
  fake: FakeDiscord,
  intents: readonly GatewayIntentBits[] = TEST_INTENTS,
): Promise<Client<true>> {
  const client = new Client(fakeClientOptions(fake, intents));
  try {
    return await loginToFake(client, fake);
  } catch (error) {
    await client.destroy();
    throw error;
  }
}
