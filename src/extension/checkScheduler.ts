/**
 * When each open document is checked. After a keystroke the check waits only TYPING_DELAY_MS (the changes
 * of one edit — an auto-closed bracket, a multi-cursor edit, a paste — make one check) instead of a
 * debounce: an incremental check of a 5,000-line file takes ~10 ms, so a 300 ms debounce (later 50 ms)
 * was most of the time from the last key to the squiggle, and a typist's keys are 100 ms or more apart
 * anyway. What keeps fast typing on a slow file from queueing check after check is that a document never
 * has two checks at once: a check asked for while one runs is made once that one is back, on the text as
 * it is then.
 */
export const TYPING_DELAY_MS = 10;

export class CheckScheduler<T> {
  private readonly timers = new Map<string, { timer: NodeJS.Timeout; target: T }>();
  private readonly running = new Set<string>();
  /** Documents asked for while their check ran: checked again when it is back. */
  private readonly again = new Map<string, T>();
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly run: (target: T) => Promise<void>) {}

  /** Checks `target` (known by `key`) after `delayMs`, replacing a check of it that has not started. */
  schedule(key: string, target: T, delayMs: number): void {
    this.drop(key);
    this.timers.set(key, { target, timer: setTimeout(() => {
      this.timers.delete(key);
      this.start(key, target);
    }, delayMs) });
  }

  /** Drops a check of `key` that has not started (the document closed). */
  cancel(key: string): void {
    this.drop(key);
    this.settle();
  }

  private drop(key: string): void {
    const t = this.timers.get(key);
    if (t) clearTimeout(t.timer);
    this.timers.delete(key);
    this.again.delete(key);
  }

  /** True while a check waits for its delay or runs. */
  get busy(): boolean {
    return this.timers.size > 0 || this.running.size > 0;
  }

  /**
   * Resolves once no check is waiting or running. Background work (the workspace index) waits for this
   * before each of its worker requests, so a file the user opens or types in is not queued behind it.
   */
  whenIdle(): Promise<void> {
    if (!this.busy) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t.timer);
    this.timers.clear();
    this.again.clear();
    // Nothing will run any more: let waiters go rather than hang.
    for (const w of this.idleWaiters.splice(0)) w();
  }

  private settle(): void {
    if (!this.busy) for (const w of this.idleWaiters.splice(0)) w();
  }

  private start(key: string, target: T): void {
    if (this.running.has(key)) {
      this.again.set(key, target);
      return;
    }
    this.running.add(key);
    void this.run(target).finally(() => {
      this.running.delete(key);
      const next = this.again.get(key);
      if (next !== undefined) {
        this.again.delete(key);
        this.start(key, next);
      }
      this.settle();
    });
  }
}
