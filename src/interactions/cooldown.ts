/** Whether a user may have another answer now, or how long to wait. */
export type CooldownResult = { ok: true } | { ok: false; retryInMs: number };

/** A per-user answer cooldown: this process's (Cooldown) or shared by every process (src/cluster). */
export interface CooldownPolicy {
  take(userId: string): CooldownResult | Promise<CooldownResult>;
}

/**
 * Per-user answer cooldown: at most N answers per sliding window. Windows are measured on the
 * monotonic clock: a wall-clock step (NTP, `date -s`) neither locks users out for the length of
 * the step nor cuts a window short.
 */
export class Cooldown implements CooldownPolicy {
  private readonly hits = new Map<string, number[]>();

  constructor(
    /** Answers allowed per window; 0 disables the cooldown. */
    private readonly answers: number,
    private readonly windowMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Records an answer for the user if allowed; otherwise says how long to wait. */
  take(userId: string): CooldownResult {
    if (this.answers <= 0 || this.windowMs <= 0) return { ok: true };
    const now = this.now();
    const recent = (this.hits.get(userId) ?? []).filter((t) => now - t < this.windowMs);
    if (recent.length >= this.answers) {
      this.hits.set(userId, recent);
      return { ok: false, retryInMs: this.windowMs - (now - recent[0]!) };
    }
    recent.push(now);
    this.hits.set(userId, recent);
    // Keep memory bounded under a flood of distinct users.
    if (this.hits.size > 10_000) this.prune(now);
    return { ok: true };
  }

  private prune(now: number): void {
    for (const [user, times] of this.hits)
      if (times.every((t) => now - t >= this.windowMs)) this.hits.delete(user);
  }
}
