/**
 * Where interactions wait their turn in a burst: answers before suggestions. Tasks are started
 * one per turn of the event loop, so the network gets a turn between two of them (answers
 * already computed go out, new interactions come in), and a command never waits behind queued
 * autocompletes: the command lane is always emptied first. A task is only started here, never
 * awaited: one waiting on the network does not hold up the next.
 */

/** Commands (slash commands, buttons, forms) before autocomplete. */
export type Lane = "command" | "autocomplete";

interface Queued {
  readonly run: (waitedMs: number) => unknown;
  readonly at: number;
  readonly done: (value: void) => void;
}

export class WorkQueue {
  private readonly lanes: Record<Lane, Queued[]> = { command: [], autocomplete: [] };
  private scheduled = false;

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** Tasks waiting, by lane. */
  get waiting(): Record<Lane, number> {
    return { command: this.lanes.command.length, autocomplete: this.lanes.autocomplete.length };
  }

  /**
   * Queues `run`; it is given how long it waited. The promise settles when the task's own promise
   * does (never rejects: a task handles its own errors, a rejection is swallowed here).
   */
  push(lane: Lane, run: (waitedMs: number) => unknown): Promise<void> {
    return new Promise<void>((done) => {
      this.lanes[lane].push({ run, at: this.now(), done });
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
    const task = this.lanes.command.shift() ?? this.lanes.autocomplete.shift();
    if (!task) return;
    if (this.lanes.command.length + this.lanes.autocomplete.length > 0) this.schedule();
    let result: unknown;
    try {
      result = task.run(this.now() - task.at);
    } catch {
      result = undefined;
    }
    void Promise.resolve(result).then(
      () => task.done(),
      () => task.done(),
    );
  }
}
