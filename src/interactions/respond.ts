/**
 * Answering an interaction within Discord's 3 seconds, whatever the transport: the reply
 * goes out at once when it is ready in time; otherwise the interaction is deferred ("thinking…")
 * and the reply edited in when it comes. The gateway bot and the HTTP worker share this.
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

export interface RespondOptions {
  /** Defer when the reply is not ready after this long. */
  readonly deferAfterMs: number;
  /** Whether the reply will be private (decides the deferral's visibility). */
  readonly ephemeral: boolean;
  /** The command said its reply may be slow (a picture): defer at once, without waiting. */
  readonly deferNow?: boolean;
}

/** Sends `work`'s reply through `responder`, deferring first if it is slow to come. */
export async function respondInTime(
  work: Promise<Reply>,
  responder: Responder,
  options: RespondOptions,
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<"late">(
    (resolve) => (timer = setTimeout(() => resolve("late"), options.deferAfterMs)),
  );
  const first = options.deferNow ? "late" : await Promise.race([work, late]);
  clearTimeout(timer);
  if (first !== "late") {
    await responder.reply(first);
    return;
  }
  await responder.defer(options.ephemeral);
  const reply = await work;
  if (reply.ephemeral && !options.ephemeral) {
    // A public "thinking…" cannot be made private by an edit: replace it with a private
    // follow-up, so an apology or refusal meant for the asker is not posted to the channel.
    await responder.deleteDeferred();
    await responder.followUp(reply);
    return;
  }
  await responder.edit(reply);
}
