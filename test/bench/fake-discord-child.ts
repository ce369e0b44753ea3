/**
 * The local fake Discord in a process of its own, for benches whose figures must be the bot's
 * alone (test/bench/bursts.ts): building and sending thousands of interactions, and recording
 * the answers, cost this process's CPU, not the bot's.
 *
 * Protocol (IPC, `process.send`): it sends `{ type: "ready", restBase, token }` once listening;
 * `{ type: "burst", n, users }` sends n /ask at once, as soon as the bot's session is up, and
 * answers `{ type: "burst-result", outcomes }` once every interaction has its outcome;
 * `{ type: "stop" }` stops it.
 */
import { startFakeDiscord, type JsonObject } from "../support/fake-discord.ts";
import { QUESTIONS, userId } from "../reliability/support.ts";

/** One interaction's fate, times in ms from when the fake created it. */
export interface BurstOutcome {
  /** The first callback Discord took (inside its 3 s); undefined when none was. */
  readonly ackMs: number | undefined;
  /** 4: answered at once; 5: deferred, then edited. */
  readonly type: number | undefined;
  /** When the answer itself was there (the callback, or the edit after a deferral). */
  readonly answerMs: number | undefined;
  /** The answer holds the fact asked for. */
  readonly correct: boolean;
}

type Message = { type: "burst"; n: number; users: number } | { type: "stop" };

const fake = await startFakeDiscord();
const send = (message: unknown) => process.send?.(message);

process.on("message", (raw) => {
  const message = raw as Message;
  if (message.type === "stop") void fake.stop().then(() => process.exit(0));
  else if (message.type === "burst")
    void burst(message.n, message.users).then((outcomes) => send({ type: "burst-result", outcomes }));
});
send({ type: "ready", restBase: fake.restBase, token: fake.token });

/** How long to wait for deferred answers' edits after the last acknowledgement. */
const EDIT_GRACE_MS = 30_000;

async function burst(n: number, users: number): Promise<BurstOutcome[]> {
  await fake.waitFor("ready", 60_000).catch(() => undefined);
  fake.forgetHistory();
  const sent: Array<{ id: string; token: string; at: number; factId: string }> = [];
  for (let i = 0; i < n; i++) {
    const q = QUESTIONS[i % QUESTIONS.length]!;
    const at = Date.now();
    const handle = fake.slashCommand({
      name: "ask",
      userId: userId(i % users),
      options: { question: q.question },
    });
    sent.push({ id: handle.id, token: handle.token, at, factId: q.factId });
  }
  // Polled, not awaited per interaction: thousands of waiters would cost this process more
  // than the bot it measures.
  const outcomes = new Map<string, BurstOutcome>();
  const lastSent = sent.at(-1)?.at ?? Date.now();
  for (;;) {
    const byToken = new Map(sent.map((s) => [s.token, s]));
    const callbacks = new Map<string, { at: number; type: number; body: JsonObject }>();
    const edits = new Map<string, { at: number; body: JsonObject }>();
    for (const r of fake.requests) {
      const callback = /^\/interactions\/\d+\/([^/]+)\/callback$/.exec(r.path);
      if (callback && r.status === 204 && !callbacks.has(callback[1]!)) {
        const body = (r.body ?? {}) as JsonObject;
        callbacks.set(callback[1]!, { at: r.at, type: Number(body["type"]), body });
      }
      const edit = /^\/webhooks\/\d+\/([^/]+)\/messages\/@original$/.exec(r.path);
      if (edit && r.method === "PATCH" && r.status === 200 && byToken.has(edit[1]!))
        edits.set(edit[1]!, { at: r.at, body: (r.body ?? {}) as JsonObject });
    }
    for (const s of sent) {
      if (outcomes.has(s.id)) continue;
      const cb = callbacks.get(s.token);
      const edit = edits.get(s.token);
      if (cb?.type === 4)
        outcomes.set(s.id, {
          ackMs: cb.at - s.at,
          type: 4,
          answerMs: cb.at - s.at,
          correct: JSON.stringify(cb.body).includes(s.factId),
        });
      else if (cb?.type === 5 && edit)
        outcomes.set(s.id, {
          ackMs: cb.at - s.at,
          type: 5,
          answerMs: edit.at - s.at,
          correct: JSON.stringify(edit.body).includes(s.factId),
        });
    }
    const now = Date.now();
    const acksOver = now - lastSent > 3_500;
    const pendingDeferred = sent.some((s) => !outcomes.has(s.id) && callbacks.get(s.token)?.type === 5);
    if (outcomes.size === sent.length || (acksOver && !pendingDeferred) || now - lastSent > EDIT_GRACE_MS) {
      for (const s of sent) {
        if (outcomes.has(s.id)) continue;
        const cb = callbacks.get(s.token);
        outcomes.set(s.id, {
          ackMs: cb ? cb.at - s.at : undefined,
          type: cb?.type,
          answerMs: undefined,
          correct: false,
        });
      }
      return sent.map((s) => outcomes.get(s.id)!);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
