/**
 * Where interactions wait their turn in a burst. Three lanes, each emptied before the next:
 * commands (slash commands, buttons, forms: Discord wants them acknowledged within 3 s), then
 * autocomplete (also 3 s, but only a suggestion), then `later`: the answers of interactions
 * already deferred, which have 15 minutes. Tasks are started one per turn of the event loop,
 * so the network gets a turn between two of them (answers already computed go out, new
 * interactions come in). A task is only started here, never awaited: one waiting on the
 * network does not hold up the next.
 */

export type Lane = "command" | "autocomplete" | "later";

const LANES: readonly Lane[] = ["command", "autocomplete", "later"];

interface Queued {
  readonly run: (waitedMs: number) => unknown;
  readonly at: number;
  readonly settle: (outcome: { ok: true; value: unknown } | { ok: false; error: unknown }) => void;
}

export class WorkQueue {
  private readonly lanes: Record<Lane, Queued[]> = { command: [], autocomplete: [], later: [] };
  private scheduled = false;

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** Tasks waiting, by lane. */
  get waiting(): Record<Lane, number> {
    return {
      command: this.lanes.command.length,
      autocomplete: this.lanes.autocomplete.length,
      later: this.lanes.later.length,
    };
  }

  /** Queues `run`, which is told how long it waited; resolves or rejects as its result does. */
  push<T>(lane: Lane, run: (waitedMs: number) => T | Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.lanes[lane].push({
        run,
        at: this.now(),
        settle: (o) => (o.ok ? resolve(o.value as T) : reject(o.error)),
      });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.next());
  }

  private next(): void {
    this.scheduled = false;
    const lane = LANES.find((l) => this.lanes[l].length > 0);
    const task = lane && this.lanes[lane].shift();
    if (!task) return;
    const now = this.now();
    this.schedule();
    let result: unknown;
    try {
      result = task.run(now - task.at);
    } catch (error) {
      task.settle({ ok: false, error });
      return;
    }
    Promise.resolve(result).then(
      (value) => task.settle({ ok: true, value }),
      (error: unknown) => task.settle({ ok: false, error }),
    );
  }
}
