/**
 * Bursts through the real discord.js client and the local fake Discord: a flood of autocompletes
 * does not hold up an answer, a user past the autocomplete limit gets empty lists (never an
 * error), and an interaction picked up close to its deadline is deferred before it is answered.
 * Timed figures are the bench's (test/bench/bursts.ts); these tests assert order and shape.
 */
import { afterEach, describe, expect, it } from "vitest";
import { AUTOCOMPLETE_LIMIT } from "../../../src/interactions/dispatcher.ts";
import { startBotHarness, type BotHarness } from "../../support/bot-harness.ts";
import { snowflake } from "../../support/fake-discord.ts";
import { callbackRequests } from "../../reliability/support.ts";

let current: BotHarness | undefined;
afterEach(async () => {
  await current?.stop();
  current = undefined;
});

async function start(): Promise<BotHarness> {
  current = await startBotHarness();
  return current;
}

describe("GIVEN a burst of interactions", () => {
  it("WHEN one user sends 1 000 autocompletes and then /ask THEN /ask is answered before the queued suggestions, and suggestions past the limit are empty lists", async () => {
    const h = await start();
    const completes = Array.from({ length: 1000 }, (_, i) =>
      h.fake.autocomplete({ name: "ask", options: { question: `relations ${i % 40}` } }),
    );
    const sentAt = Date.now();
    const ask = h.fake.slashCommand({
      name: "ask",
      options: { question: "When were relations established?" },
    });
    const answer = await ask.waitCallback(10_000);
    expect(answer.type).toBe(4);
    const [askRequest] = callbackRequests(h.fake, ask.id);
    expect(askRequest?.at! - sentAt).toBeLessThan(3_000);
    // Wait until the flood is over: every autocomplete answered, or skipped as too late.
    const count = () => h.fake.requests.filter((r) => r.path.endsWith("/callback")).length;
    let last = -1;
    await expect
      .poll(() => [last, (last = count())][0] === last, { timeout: 20_000, interval: 1_000 })
      .toBe(true);
    const answered = completes.flatMap((c) => callbackRequests(h.fake, c.id));
    // Most of the flood is answered after /ask, although all of it arrived before.
    expect(answered.filter((r) => r.at < askRequest!.at).length).toBeLessThan(answered.length / 2);
    // No error for anyone: every callback is an autocomplete result Discord took.
    expect(answered.length).toBeGreaterThan(0);
    for (const r of answered) {
      expect(r.status).toBe(204);
      expect((r.body as { type: number }).type).toBe(8);
    }
    const withChoices = answered.filter(
      (r) => ((r.body as { data: { choices: unknown[] } }).data.choices ?? []).length > 0,
    );
    const seconds = (Math.max(...answered.map((r) => r.at)) - sentAt) / 1000 + 1;
    expect(withChoices.length).toBeGreaterThanOrEqual(AUTOCOMPLETE_LIMIT.burst);
    expect(withChoices.length).toBeLessThanOrEqual(
      AUTOCOMPLETE_LIMIT.burst + Math.ceil(seconds * AUTOCOMPLETE_LIMIT.perSecond),
    );
    expect(answered.length - withChoices.length).toBeGreaterThan(500);
  });

  it("WHEN an interaction is picked up 2.5 s after Discord created it THEN it is deferred first and the answer edited in", async () => {
    const h = await start();
    const payload = h.fake.interactionPayload({
      kind: "command",
      name: "ask",
      options: { question: "When were relations established?" },
    });
    // Its id says when Discord created it: 2.5 s ago, as for one that waited in a burst.
    const handle = h.fake.interact({ ...payload, id: snowflake(Date.now() - 2_500) });
    expect((await handle.waitCallback()).type).toBe(5);
    const message = await handle.final();
    expect(JSON.stringify(message.embeds)).toContain("1931");
    // A fresh one is answered at once, as always.
    const fresh = h.fake.slashCommand({
      name: "ask",
      options: { question: "When were relations established?" },
    });
    expect((await fresh.waitCallback()).type).toBe(4);
  });
});
