/**
 * A per-key token bucket: `capacity` actions at once, refilled at `perSecond`. Cheap (one map
 * entry per key, no timers) and measured on the monotonic clock. Autocomplete uses it: typing
 * sends one request per keystroke or so, a script sends thousands.
 */
export class TokenBucket {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly capacity: number,
    private readonly perSecond: number,
    private readonly now: () => number = () => performance.now(),
    /** Keys kept at most; past it, full buckets are forgotten (a full bucket is the default). */
    private readonly maxKeys = 10_000,
  ) {}

  /** Takes a token for `key`; false when its bucket is empty. */
  take(key: string): boolean {
    const now = this.now();
    const bucket = this.buckets.get(key);
    const tokens = bucket
      ? Math.min(this.capacity, bucket.tokens + ((now - bucket.at) / 1000) * this.perSecond)
      : this.capacity;
    if (tokens < 1) {
      if (bucket) {
        bucket.tokens = tokens;
        bucket.at = now;
      }
      return false;
    }
    this.buckets.set(key, { tokens: tokens - 1, at: now });
    if (this.buckets.size > this.maxKeys) this.prune(now);
    return true;
  }

  private prune(now: number): void {
    for (const [key, b] of this.buckets)
      if (b.tokens + ((now - b.at) / 1000) * this.perSecond >= this.capacity) this.buckets.delete(key);
    // A flood of distinct keys: forget the oldest ones (they get a full bucket back: lenient, bounded).
    for (const key of this.buckets.keys()) {
      if (this.buckets.size <= this.maxKeys / 2) break;
      this.buckets.delete(key);
    }
  }
}
