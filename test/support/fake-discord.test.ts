import {
  ActionRowBuilder,
  ButtonBuilder,
  ButtonStyle,
  Client,
  ComponentType,
  DiscordAPIError,
  Events,
  GatewayIntentBits,
  MessageFlags,
  PermissionFlagsBits,
  StringSelectMenuBuilder,
  TextInputStyle,
  type ChatInputCommandInteraction,
  type ClientEvents,
  type Message,
} from "discord.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestClient, fakeClientOptions, loginToFake, TEST_INTENTS } from "./discord-client.ts";
import { startFakeDiscord, type FakeDiscord, type FakeDiscordOptions } from "./fake-discord.ts";

/** The next `event` on `client` whose arguments satisfy `predicate`; register it before the action. */
function nextEvent<E extends keyof ClientEvents>(
  client: Client,
  event: E,
  predicate: (...args: ClientEvents[E]) => boolean = () => true,
  timeoutMs = 5_000,
): Promise<ClientEvents[E]> {
  return new Promise((resolve, reject) => {
    const listener = (...args: ClientEvents[E]): void => {
      if (!predicate(...args)) return;
      clearTimeout(timer);
      client.off(event, listener);
      resolve(args);
    };
    const timer = setTimeout(() => {
      client.off(event, listener);
      reject(new Error(`no ${String(event)} within ${timeoutMs} ms`));
    }, timeoutMs);
    client.on(event, listener);
  });
}

/** Answers chat-input command `name` with `handler`; the fake sees whatever the handler sends. */
function onCommand(
  client: Client,
  name: string,
  handler: (i: ChatInputCommandInteraction) => Promise<unknown>,
): void {
  client.on(Events.InteractionCreate, (interaction) => {
    if (interaction.isChatInputCommand() && interaction.commandName === name) void handler(interaction);
  });
}

const callbackRequests = (fake: FakeDiscord) => fake.requests.filter((r) => r.path.endsWith("/callback"));

describe("GIVEN the real discord.js client logged in to the fake Discord", () => {
  let fake: FakeDiscord;
  let client: Client<true>;

  beforeEach(async () => {
    fake = await startFakeDiscord({
      roles: [{ name: "Curator", permissions: PermissionFlagsBits.ManageMessages }],
    });
    client = await createTestClient(fake);
    onCommand(client, "ping", (i) => i.reply("pong"));
  });

  afterEach(async () => {
    await client.destroy();
    await fake.stop();
  });

  it("THEN the client is ready with the bot user, the guild, its channels and roles cached", () => {
    const guild = client.guilds.cache.get(fake.guildId);
    expect(client.user.id).toBe(fake.botUser.id);
    expect(client.application.id).toBe(fake.applicationId);
    expect(guild?.name).toBe(fake.guildName);
    expect(guild?.roles.everyone.id).toBe(fake.guildId);
    expect(guild?.roles.cache.find((r) => r.name === "Curator")?.permissions.has("ManageMessages")).toBe(
      true,
    );
    for (const { id } of fake.channels) expect(client.channels.cache.get(id)?.isTextBased()).toBe(true);
    expect(guild?.members.me?.id).toBe(fake.botUser.id);
    expect(fake.identifies).toEqual([
      expect.objectContaining({ ok: true, intents: 1 | (1 << 9) | (1 << 15), shard: [0, 1] }),
    ]);
    expect(fake.requests[0]).toMatchObject({
      method: "GET",
      path: "/gateway/bot",
      authorization: `Bot ${fake.token}`,
    });
    expect(fake.connectionUrls).toEqual(["/?v=10&encoding=json"]);
  });

  it("THEN REST rejects a wrong bot token with 401 and records unknown routes as 404", async () => {
    const me = await fetch(`${fake.restBase}/v10/users/@me`, { headers: { Authorization: "Bot nope" } });
    const unknown = await fetch(`${fake.restBase}/v10/guilds/${fake.guildId}/bans`, {
      headers: { Authorization: `Bot ${fake.token}` },
    });
    expect(me.status).toBe(401);
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get("content-type")).toBe("application/json");
    expect(await unknown.json()).toEqual({ message: "404: Not Found", code: 0 });
    expect(fake.unhandledRequests.map((r) => r.path)).toEqual([`/guilds/${fake.guildId}/bans`]);
  });

  it("WHEN commands are deployed THEN the PUT body is stored and answered with ids and versions", async () => {
    const definitions = [
      {
        name: "ask",
        description: "Ask about two countries",
        options: [
          { name: "question", description: "Your question", type: 3, required: true, autocomplete: true },
        ],
      },
    ];
    const deployed = await client.application.commands.set(definitions, fake.guildId);
    const put = fake.requests.find((r) => r.method === "PUT");
    expect(put).toMatchObject({
      path: `/applications/${fake.applicationId}/guilds/${fake.guildId}/commands`,
      body: definitions,
    });
    expect(fake.registeredCommands(fake.guildId)).toEqual([
      expect.objectContaining({ name: "ask", application_id: fake.applicationId, guild_id: fake.guildId }),
    ]);
    expect([...deployed.keys()]).toEqual([fake.registeredCommands(fake.guildId)[0]?.["id"]]);
    // The command id and option types now come from the registration.
    const handle = fake.slashCommand({ name: "ask", options: { question: "Japan?" } });
    expect(handle.payload["data"]).toMatchObject({
      id: deployed.first()?.id,
      options: [{ name: "question", type: 3 }],
    });
    await expect(client.application.commands.set([{ name: "Bad Name", description: "x" }])).rejects.toThrow(
      /APPLICATION_COMMAND_INVALID_NAME/,
    );
  });

  it("WHEN a slash command is replied to THEN the fake sees callback type 4 with the content", async () => {
    onCommand(client, "ask", (i) => i.reply(`You asked: ${i.options.getString("question", true)}`));
    const handle = fake.slashCommand({ name: "ask", options: { question: "Why 1905?" } });
    expect(await handle.callback).toEqual({
      type: 4,
      data: expect.objectContaining({ content: "You asked: Why 1905?" }),
    });
    const message = await handle.final();
    expect(message).toMatchObject({
      content: "You asked: Why 1905?",
      type: 20,
      interaction_metadata: { id: handle.id },
    });
    expect(callbackRequests(fake)[0]?.query).toEqual({ with_response: "false" });
  });

  it("WHEN the reply asks withResponse THEN discord.js gets the created message back", async () => {
    const response = new Promise<string | undefined>((resolve) =>
      onCommand(client, "echo", async (i) => {
        const callback = await i.reply({ content: "stored", withResponse: true });
        resolve(callback.resource?.message?.id);
      }),
    );
    const handle = fake.slashCommand({ name: "echo" });
    expect(await response).toBe((await handle.final()).id);
    expect(callbackRequests(fake)[0]?.query).toEqual({ with_response: "true" });
  });

  it("WHEN the bot sends a file THEN the multipart payload_json is recorded as the body", async () => {
    const channel = client.channels.cache.get(fake.channels[0]?.id ?? "");
    if (!channel?.isSendable()) throw new Error("the first fake channel should be sendable");
    const sent = await channel.send({
      content: "sources",
      files: [{ attachment: Buffer.from("a,b"), name: "facts.csv" }],
    });
    const post = fake.requests.find((r) => r.method === "POST" && r.path.endsWith("/messages"));
    expect(post).toMatchObject({ files: ["facts.csv"], body: { content: "sources" } });
    expect(sent.attachments.first()?.name).toBe("facts.csv");
  });

  it("WHEN the bot replies, follows up and edits with files THEN each message carries its attachments, bytes intact", async () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff, 0x0d, 0x0a]);
    onCommand(client, "picture", async (i) => {
      await i.deferReply();
      await i.editReply({ content: "here", files: [{ attachment: png, name: "a.png", description: "alt" }] });
      await i.followUp({ content: "more", files: [{ attachment: Buffer.from("b"), name: "b.txt" }] });
      await i.editReply({ content: "edited, attachment kept" });
    });
    const handle = fake.slashCommand({ name: "picture" });
    const follow = await handle.followUp(0);
    expect(follow.attachments).toMatchObject([{ filename: "b.txt", size: 1 }]);
    await expect.poll(async () => (await handle.final()).content).toBe("edited, attachment kept");
    const [attachment, ...rest] = (await handle.final()).attachments;
    expect(rest).toEqual([]);
    expect(attachment).toMatchObject({ filename: "a.png", size: png.length, description: "alt" });
    expect(fake.attachmentData(String(attachment?.["id"]))).toEqual(png);
  });

  it("WHEN an edit lists no attachments THEN the message loses them, as on Discord", async () => {
    onCommand(client, "drop", async (i) => {
      await i.reply({ content: "with", files: [{ attachment: Buffer.from("x"), name: "x.txt" }] });
      await i.editReply({ content: "without", attachments: [] });
    });
    const handle = fake.slashCommand({ name: "drop" });
    await expect.poll(async () => (await handle.final()).content).toBe("without");
    expect((await handle.final()).attachments).toEqual([]);
  });

  it("WHEN the handler defers and edits THEN final() resolves with the edited reply", async () => {
    onCommand(client, "slow", async (i) => {
      await i.deferReply();
      await i.editReply("found 3 facts");
    });
    const handle = fake.slashCommand({ name: "slow" });
    expect((await handle.callback).type).toBe(5);
    const message = await handle.final();
    expect(message.content).toBe("found 3 facts");
    expect(message.flags & (1 << 7)).toBe(0); // no longer "thinking…"
    expect(fake.requests.some((r) => r.method === "PATCH" && r.path.endsWith("/messages/@original"))).toBe(
      true,
    );
  });

  it("WHEN the handler follows up after an ephemeral defer THEN the follow-up replaces the loading message", async () => {
    onCommand(client, "private", async (i) => {
      await i.deferReply({ flags: "Ephemeral" });
      await i.followUp("only for you");
      await i.followUp("and a second message");
    });
    const handle = fake.slashCommand({ name: "private" });
    const message = await handle.final();
    expect(message).toMatchObject({ content: "only for you", flags: 1 << 6 });
    expect((await handle.followUp(0)).content).toBe("and a second message");
  });

  it("WHEN autocomplete is answered THEN the fake sees type 8 with the choices", async () => {
    client.on(Events.InteractionCreate, (i) => {
      if (!i.isAutocomplete()) return;
      const typed = i.options.getFocused();
      void i.respond(
        ["Japan", "Jamaica"].filter((c) => c.startsWith(typed)).map((c) => ({ name: c, value: c })),
      );
    });
    const handle = fake.autocomplete({ name: "ask", options: { question: "Ja" } });
    expect(handle.payload["data"]).toMatchObject({
      options: [{ name: "question", value: "Ja", focused: true }],
    });
    expect((await handle.callback).type).toBe(8);
    expect(await handle.choices()).toEqual([
      { name: "Japan", value: "Japan" },
      { name: "Jamaica", value: "Jamaica" },
    ]);
    await expect(handle.final()).rejects.toThrow(/shows no message/);
  });

  it("WHEN a button and a select menu are used THEN update (type 7) edits the message they sit on", async () => {
    onCommand(client, "facts", (i) =>
      i.reply({
        content: "page 1",
        components: [
          new ActionRowBuilder<ButtonBuilder>().addComponents(
            new ButtonBuilder().setCustomId("facts:next").setLabel("Next").setStyle(ButtonStyle.Primary),
          ),
          new ActionRowBuilder<StringSelectMenuBuilder>().addComponents(
            new StringSelectMenuBuilder()
              .setCustomId("facts:pick")
              .addOptions({ label: "Treaty", value: "treaty" }),
          ),
        ],
      }),
    );
    const seenMessageIds: string[] = [];
    client.on(Events.InteractionCreate, (i) => {
      if (i.isButton()) {
        seenMessageIds.push(i.message.id);
        void i.update({ content: "page 2" });
      } else if (i.isStringSelectMenu()) {
        void i.update({ content: `picked ${i.values.join()}`, components: [] });
      }
    });
    const shown = await fake.slashCommand({ name: "facts" }).final();

    const click = fake.button({ customId: "facts:next", messageId: shown.id });
    expect((await click.callback).type).toBe(7);
    expect(await click.final()).toMatchObject({ id: shown.id, content: "page 2" });
    expect(seenMessageIds).toEqual([shown.id]);

    const pick = fake.select({ customId: "facts:pick", values: ["treaty"], messageId: shown.id });
    expect(await pick.final()).toMatchObject({ id: shown.id, content: "picked treaty", components: [] });
    expect(() => fake.button({ customId: "facts:next", messageId: shown.id })).toThrow(
      /no component "facts:next"/,
    );
  });

  it("WHEN a button opens a modal and the user sends it THEN the submission carries the values and the message, and can be answered", async () => {
    onCommand(client, "rate", (i) =>
      i.reply({
        content: "an answer",
        components: [
          new ActionRowBuilder<ButtonBuilder>().addComponents(
            new ButtonBuilder().setCustomId("rate:down").setLabel("👎").setStyle(ButtonStyle.Secondary),
          ),
        ],
      }),
    );
    const submitted: Array<{ customId: string; text: string; messageId: string | undefined }> = [];
    client.on(Events.InteractionCreate, (i) => {
      if (i.isButton())
        void i.showModal({
          custom_id: "rate:why",
          title: "What is wrong?",
          components: [
            {
              type: ComponentType.Label,
              label: "What is wrong?",
              component: {
                type: ComponentType.TextInput,
                custom_id: "comment",
                style: TextInputStyle.Paragraph,
                required: false,
                max_length: 20,
              },
            },
          ],
        });
      if (i.isModalSubmit()) {
        submitted.push({
          customId: i.customId,
          text: i.fields.getTextInputValue("comment"),
          messageId: i.message?.id,
        });
        void i.reply({ content: "thanks", flags: MessageFlags.Ephemeral });
      }
    });
    const shown = await fake.slashCommand({ name: "rate" }).final();
    const click = fake.button({ customId: "rate:down", messageId: shown.id });
    expect(await click.modal()).toMatchObject({ custom_id: "rate:why", title: "What is wrong?" });
    await expect(click.final()).rejects.toThrow(/callback 9, which shows no message/);

    expect(() => fake.submitModal(click, { comment: "x".repeat(21) })).toThrow(/allows 20 characters/);
    expect(() => fake.submitModal(click, { other: "x" })).toThrow(/has no input other/);
    const sent = fake.submitModal(click, { comment: "wrong year" });
    expect(await sent.final()).toMatchObject({ content: "thanks", flags: 64 });
    expect(submitted).toEqual([{ customId: "rate:why", text: "wrong year", messageId: shown.id }]);
    expect(() => fake.submitModal(sent, {})).toThrow(/answered with a modal/);
  });

  it("WHEN a modal breaks Discord's limits THEN the callback is refused with 50035", async () => {
    const errors: unknown[] = [];
    onCommand(client, "form", (i) =>
      i
        .showModal({
          custom_id: "f",
          title: "x".repeat(46),
          components: [
            {
              type: ComponentType.Label,
              label: "y".repeat(46),
              component: {
                type: ComponentType.TextInput,
                custom_id: "t",
                style: TextInputStyle.Short,
                max_length: 4001,
              },
            },
          ],
        })
        .catch((e: unknown) => errors.push(e)),
    );
    fake.slashCommand({ name: "form" });
    await expect.poll(() => errors.length).toBe(1);
    expect(errors[0]).toBeInstanceOf(DiscordAPIError);
    expect(String(errors[0])).toMatch(/title\[BASE_TYPE_BAD_LENGTH\]/);
    expect(String(errors[0])).toMatch(/label\[BASE_TYPE_BAD_LENGTH\]/);
    expect(String(errors[0])).toMatch(/max_length\[NUMBER_TYPE_MAX\]/);
  });

  it("WHEN a button answers with a deferred update and deletes the reply THEN the message it sits on is deleted", async () => {
    onCommand(client, "gone", (i) =>
      i.reply({
        content: "soon gone",
        components: [
          new ActionRowBuilder<ButtonBuilder>().addComponents(
            new ButtonBuilder().setCustomId("gone:del").setLabel("🗑").setStyle(ButtonStyle.Secondary),
          ),
        ],
      }),
    );
    client.on(Events.InteractionCreate, (i) => {
      if (i.isButton()) void i.deferUpdate().then(() => i.deleteReply());
    });
    const shown = await fake.slashCommand({ name: "gone" }).final();
    const deleted = nextEvent(client, Events.MessageDelete, (m) => m.id === shown.id);
    const click = fake.button({ customId: "gone:del", messageId: shown.id });
    expect((await click.callback).type).toBe(6);
    await deleted;
    expect(fake.message(shown.id)).toBeUndefined();
  });

  it("WHEN a user mentions the bot THEN message.reply creates a reply that echoes back as the bot's MESSAGE_CREATE", async () => {
    client.on(Events.MessageCreate, (m) => {
      if (m.author.bot || !m.mentions.users.has(client.user.id)) return;
      void m.reply(`you said: ${m.content.replace(/^<@\d+>\s*/, "")}`);
    });
    const echoed = nextEvent(client, Events.MessageCreate, (m) => m.author.id === client.user.id);
    fake.userMessage({ content: "ignore me", bot: true, userId: "111111111111111111", mentionsBot: true });
    const asked = fake.userMessage({ content: "hello", mentionsBot: true });

    const reply = await asked.reply();
    expect(reply.content).toBe("you said: hello");
    expect(reply.message_reference).toMatchObject({
      message_id: asked.message.id,
      channel_id: fake.channels[0]?.id,
    });
    const [echo] = await echoed;
    expect(echo).toMatchObject({ id: reply.id, content: "you said: hello" });
    expect(echo.reference?.messageId).toBe(asked.message.id);
    // The other bot's message came first on the same socket, so its (absent) reply would be here by now.
    expect(fake.messages.filter((m) => m.author.id === fake.botUser.id)).toHaveLength(1);
  });

  it("WHEN member permissions, roles and DMs vary THEN the handler sees them", async () => {
    const seen: Array<{ inGuild: boolean; canManage: boolean | undefined; roles: string[] }> = [];
    onCommand(client, "who", async (i) => {
      const roles = i.inCachedGuild() ? [...i.member.roles.cache.keys()] : [];
      seen.push({ inGuild: i.inGuild(), canManage: i.memberPermissions?.has("ManageMessages"), roles });
      await i.reply("ok");
    });
    const curator = fake.roleId("Curator");
    await fake.slashCommand({ name: "who", roles: [curator] }).callback;
    await fake.slashCommand({ name: "who", permissions: "0" }).callback;
    await fake.slashCommand({ name: "who", guildId: null }).callback;
    expect(seen).toEqual([
      { inGuild: true, canManage: true, roles: expect.arrayContaining([curator]) },
      { inGuild: true, canManage: false, roles: [fake.guildId] },
      { inGuild: false, canManage: undefined, roles: [] },
    ]);
  });

  it("WHEN the bot breaks Discord's rules THEN the fake answers like Discord does", async () => {
    const errors: unknown[] = [];
    onCommand(client, "long", async (i) => {
      await i.reply("x".repeat(2001)).catch((e: unknown) => errors.push(e));
      await i.reply("short");
      await i.followUp("").catch((e: unknown) => errors.push(e));
      // discord.js guards a second reply itself, so go around it to see Discord's answer.
      await client.rest
        .post(`/interactions/${i.id}/${i.token}/callback`, {
          body: { type: 4, data: { content: "again" } },
          auth: false,
        })
        .catch((e: unknown) => errors.push(e));
    });
    const handle = fake.slashCommand({ name: "long" });
    expect((await handle.final()).content).toBe("short");
    await expect.poll(() => errors.length).toBe(3);
    expect(errors.map((e) => (e instanceof DiscordAPIError ? e.code : e))).toEqual([50035, 50006, 40060]);
    expect(String(errors[0])).toMatch(/content\[BASE_TYPE_MAX_LENGTH\]: Must be 2000 or fewer in length/);
  });

  it("WHEN the bot answers after the deadline THEN Discord has forgotten the interaction (10062)", async () => {
    fake.interactionDeadlineMs = 20;
    const outcome = new Promise<unknown>((resolve) =>
      onCommand(client, "late", async (i) => {
        await new Promise((wait) => setTimeout(wait, 80)); // well past the 20 ms deadline
        await i.reply("too late").then(() => resolve("delivered"), resolve);
      }),
    );
    fake.slashCommand({ name: "late" });
    expect(await outcome).toMatchObject({ code: 10062, message: "Unknown interaction" });
  });

  describe("WHEN the gateway connection breaks", () => {
    it("AND closes with 4000 THEN the client resumes without identifying and answers the next interaction", async () => {
      const resumed = fake.waitFor("resumed");
      fake.closeGateway(4000);
      await resumed;
      expect(fake.resumes).toEqual([
        expect.objectContaining({ ok: true, url: "/resume?v=10&encoding=json" }),
      ]);
      expect(fake.identifies).toHaveLength(1);
      expect((await fake.slashCommand({ name: "ping" }).final()).content).toBe("pong");
    });

    it("AND the TCP connection drops THEN the client resumes and gets the interaction missed meanwhile", async () => {
      const resumed = fake.waitFor("resumed");
      fake.dropConnection();
      const handle = fake.slashCommand({ name: "ping" }); // sent while disconnected: replayed on resume
      await resumed;
      expect((await handle.final()).content).toBe("pong");
      expect(fake.resumes[0]).toMatchObject({ ok: true, replayed: 1 });
      expect(fake.closeCodes).toEqual([1006]);
      expect(fake.identifies).toHaveLength(1);
    });

    it("AND Discord asks for a reconnect (op 7) THEN the client resumes", async () => {
      const resumed = fake.waitFor("resumed");
      fake.sendReconnect();
      await resumed;
      expect(fake.identifies).toHaveLength(1);
      expect((await fake.slashCommand({ name: "ping" }).final()).content).toBe("pong");
    });

    it("AND closes with 1000 THEN the client identifies anew and answers", async () => {
      const ready = fake.waitFor("ready");
      fake.closeGateway(1000);
      await ready;
      expect(fake.identifies).toHaveLength(2);
      expect(fake.resumes).toHaveLength(0);
      expect((await fake.slashCommand({ name: "ping" }).final()).content).toBe("pong");
    });

    it("AND the session is invalidated THEN the client re-identifies, or resumes on the same socket when allowed", async () => {
      const ready = fake.waitFor("ready");
      fake.invalidateSession(false);
      await ready;
      expect(fake.identifies).toHaveLength(2);
      expect((await fake.slashCommand({ name: "ping" }).final()).content).toBe("pong");

      const resumed = fake.waitFor("resumed");
      fake.invalidateSession(true);
      await resumed;
      expect(fake.connectionUrls).toHaveLength(2); // resumed without reconnecting
      expect((await fake.slashCommand({ name: "ping" }).final()).content).toBe("pong");
    });
  });

  describe("WHEN REST fails", () => {
    it("AND the callback gets a 429 THEN discord.js waits Retry-After and delivers it exactly once", async () => {
      fake.failNext({ method: "POST", path: /\/callback$/, status: 429, retryAfterSec: 0.2 });
      const handle = fake.slashCommand({ name: "ping" });
      expect((await handle.final()).content).toBe("pong");
      const [limited, delivered, ...rest] = callbackRequests(fake);
      expect([limited?.status, delivered?.status, rest.length]).toEqual([429, 204, 0]);
      expect((delivered?.at ?? 0) - (limited?.at ?? 0)).toBeGreaterThanOrEqual(190);
    });

    it("AND the callback gets a 502 THEN discord.js retries and delivers it exactly once", async () => {
      fake.failNext({ path: "/callback", status: 502 });
      expect((await fake.slashCommand({ name: "ping" }).callback).type).toBe(4);
      expect(callbackRequests(fake).map((r) => r.status)).toEqual([502, 204]);
    });

    it("AND a channel message gets a global 429 THEN the reply still arrives once", async () => {
      client.on(Events.MessageCreate, (m: Message) => void (m.author.bot ? undefined : m.reply("noted")));
      fake.failNext({
        method: "POST",
        path: /^\/channels\/\d+\/messages$/,
        status: 429,
        retryAfterSec: 0.1,
        global: true,
      });
      expect((await fake.userMessage({ content: "hi" }).reply()).content).toBe("noted");
      const posts = fake.requests.filter((r) => r.method === "POST" && r.path.startsWith("/channels/"));
      expect(posts.map((r) => r.status)).toEqual([429, 200]);
    });
  });
});

describe("GIVEN clients with other options", () => {
  let started: FakeDiscord | undefined;
  let client: Client | undefined;

  /** Each test starts its own fake with the options it needs; afterEach stops it. */
  async function start(options?: FakeDiscordOptions): Promise<FakeDiscord> {
    started = await startFakeDiscord(options);
    return started;
  }

  afterEach(async () => {
    await client?.destroy();
    await started?.stop();
    client = undefined;
    started = undefined;
  });

  it("WHEN the MessageContent intent is missing THEN content arrives only for messages that mention the bot", async () => {
    const fake = await start();
    client = await createTestClient(
      fake,
      TEST_INTENTS.filter((i) => i !== GatewayIntentBits.MessageContent),
    );
    const contents: string[] = [];
    client.on(Events.MessageCreate, (m) => void contents.push(m.content));
    const mentioned = nextEvent(client, Events.MessageCreate, (m) => m.content.length > 0);
    fake.userMessage({ content: "not for the bot" });
    fake.userMessage({ content: "for the bot", mentionsBot: true });
    await mentioned;
    expect(contents).toEqual(["", `<@${fake.botUser.id}> for the bot`]);
  });

  it("WHEN a REST request hangs THEN the client times out, retries, and the callback lands once", async () => {
    const fake = await start();
    const options = fakeClientOptions(fake);
    client = new Client({ ...options, rest: { ...options.rest, timeout: 300 } });
    await loginToFake(client, fake);
    onCommand(client, "ping", (i) => i.reply("pong"));
    fake.failNext({ path: "/callback", hang: true });
    expect((await fake.slashCommand({ name: "ping" }).final()).content).toBe("pong");
    expect(callbackRequests(fake).map((r) => r.status)).toEqual([undefined, 204]);
  });

  it("WHEN logging in with a wrong token THEN login fails", async () => {
    const fake = await start();
    client = new Client(fakeClientOptions(fake));
    await expect(client.login("not-the-token")).rejects.toThrow(/token/i);
  });

  it("WHEN heartbeats go unanswered THEN the client drops the zombie connection and resumes", async () => {
    const fake = await start({ heartbeatIntervalMs: 100 });
    client = await createTestClient(fake);
    const closed = fake.waitFor("close");
    const resumed = fake.waitFor("resumed");
    fake.ackHeartbeats = false;
    await closed;
    fake.ackHeartbeats = true;
    await resumed;
    expect(fake.closeCodes).toEqual([4200]); // discord.js closes with 4200 when it means to resume
    expect(fake.identifies).toHaveLength(1);
  });
});
