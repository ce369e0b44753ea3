/**
 * Answering an interaction within Discord's 3 seconds, whatever the transport: the reply
 * goes out at once when it is ready in time; otherwise the interaction is deferred ("thinking…")
 * and the reply edited in when it comes. The gateway bot and the HTTP worker share this.
 *
 * Long work can report progress (a reload: files read, facts indexed): once deferred, the
 * latest progress message replaces "thinking…", at most once per `progressEveryMs`, so a
 * slow command is not a silent wait and never floods Discord with edits.
 */
import type { Reply } from "../replies/reply.ts";

/** What a transport can do with one interaction. */
export interface Responder {
  /** Answers at once with the message (Discord: callback type 4). */
  reply(reply: Reply): Promise<void>;
  /** Acknowledges now; the message comes later (callback type 5), private or not. */
  defer(ephemeral: boolean): Promise<void>;
  /** Replaces the deferred "thinking…" with the message. */
  edit(reply: Reply): Promise<void>;
  /** Removes the deferred message. */
  deleteDeferred(): Promise<void>;
  /** A further message after the first. */
  followUp(reply: Reply): Promise<void>;
}

/** Reports how long work is getting on: the latest message given is what the asker sees next. */
export type Progress = (reply: Reply) => void;

export interface RespondOptions {
  /** Defer when the reply is not ready after this long. */
  readonly deferAfterMs: number;
  /** Whether the reply will be private (decides the deferral's visibility). */
  readonly ephemeral: boolean;
  /** The command said its reply may be slow (a picture): defer at once, without waiting. */
  readonly deferNow?: boolean;
  /** Least time between two progress edits (default 2 s). */
  readonly progressEveryMs?: number;
}

/** Least time between two progress edits of one deferred reply. */
export const PROGRESS_EVERY_MS = 2_000;

/**
 * Sends `work`'s reply through `responder`, deferring first if it is slow to come. `work` is
 * the reply's promise, or a function given a `Progress` to report on the way.
 */
export async function respondInTime(
  work: Promise<Reply> | ((progress: Progress) => Promise<Reply>),
  responder: Responder,
  options: RespondOptions,
): Promise<void> {
  const every = options.progressEveryMs ?? PROGRESS_EVERY_MS;
  let deferred = false;
  let finished = false;
  let pending: Reply | undefined;
  let lastEdit = Number.NEGATIVE_INFINITY;
  let progressTimer: NodeJS.Timeout | undefined;
  // Edits go out one after another: the final reply must land after any progress edit.
  let edits: Promise<void> = Promise.resolve();

  const flush = () => {
    progressTimer = undefined;
    if (finished || pending === undefined) return;
    const reply = pending;
    pending = undefined;
    lastEdit = performance.now();
    // A progress edit that fails costs nothing but that edit; the final reply still comes.
    edits = edits
      .then(() => responder.edit({ ...reply, ephemeral: options.ephemeral }))
      .catch(() => undefined);
  };
  const schedule = () => {
    if (progressTimer !== undefined || finished || !deferred || pending === undefined) return;
    progressTimer = setTimeout(flush, Math.max(0, lastEdit + every - performance.now()));
  };
  const progress: Progress = (reply) => {
    if (finished) return;
    pending = reply;
    schedule();
  };

  const reply = typeof work === "function" ? work(progress) : work;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<"late">(
    (resolve) => (timer = setTimeout(() => resolve("late"), options.deferAfterMs)),
  );
  const first = options.deferNow ? "late" : await Promise.race([reply, late]);
  clearTimeout(timer);
  if (first !== "late") {
    finished = true;
    await responder.reply(first);
    return;
  }
  await responder.defer(options.ephemeral);
  deferred = true;
  schedule();
  const result = await reply.finally(() => {
    finished = true;
    clearTimeout(progressTimer);
  });
  await edits;
  if (result.ephemeral && !options.ephemeral) {
    // A public "thinking…" cannot be made private by an edit: replace it with a private
    // follow-up, so an apology or refusal meant for the asker is not posted to the channel.
    await responder.deleteDeferred();
    await responder.followUp(result);
    return;
  }
  await responder.edit(result);
}
