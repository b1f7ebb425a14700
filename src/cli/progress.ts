/**
 * Progress on stderr for runs that take a while: nothing for the first second, then one line
 * rewritten in place (`\r`, erase to end of line) with what is being done and the seconds so far,
 * erased when the run ends. Only on a terminal: a pipe or a file never gets it, so logs and tests
 * see the same bytes whatever the speed. The line is drawn from a timer, so it moves only while
 * the main thread is free (the analysis runs in a worker thread for inputs over 256 KB).
 */
export interface ProgressStream {
  isTTY?: boolean;
  write(s: string): unknown;
}

export class Progress {
  private timer: NodeJS.Timeout | undefined;
  private shown = false;
  private last = '';
  private readonly started = performance.now();

  constructor(
    private readonly stream: ProgressStream,
    private readonly label: () => string,
    options: { afterMs?: number; everyMs?: number; enabled?: boolean } = {},
  ) {
    if (!(options.enabled ?? stream.isTTY === true)) return;
    const every = options.everyMs ?? 250;
    this.timer = setTimeout(() => {
      this.draw();
      this.timer = setInterval(() => this.draw(), every);
      this.timer.unref();
    }, options.afterMs ?? 1000);
    this.timer.unref();
  }

  private draw(): void {
    const secs = Math.floor((performance.now() - this.started) / 1000);
    const line = `${this.label()} ${secs} s`;
    if (line === this.last) return;
    this.last = line;
    this.stream.write(`\r\x1b[K${line}`);
    this.shown = true;
  }

  /** Whether a line is (or will be) drawn: only for a terminal. */
  get active(): boolean {
    return this.timer !== undefined;
  }

  /** Stops drawing and erases the line if one was drawn. */
  done(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.shown) this.stream.write('\r\x1b[K');
    this.shown = false;
  }
}
