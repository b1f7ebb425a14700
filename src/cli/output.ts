import * as fs from 'node:fs';

/**
 * Where a command writes its report: standard output or `-o FILE`. Writes are synchronous and
 * buffered (64 KB), so a report of any size streams out in bounded memory, and the process can
 * exit as soon as the command returns. A reader that goes away (`lockstep check . | head`) ends the
 * output quietly: EPIPE is not an error of ours.
 */
export interface OutputSink {
  write(text: string): void;
  /** Flushes; closes the file for `-o`. */
  close(): void;
  /** True once the reader went away; later writes are dropped. */
  readonly broken: boolean;
}

const FLUSH_BYTES = 1 << 16;

/** Sleeps without a busy loop (a non-blocking pipe that is full says EAGAIN; its reader needs time). */
function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function writeAll(fd: number, bytes: Buffer): void {
  let off = 0;
  while (off < bytes.length) {
    try {
      off += fs.writeSync(fd, bytes, off, bytes.length - off);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
      pause(5);
    }
  }
}

class FdSink implements OutputSink {
  private pending: string[] = [];
  private size = 0;
  broken = false;

  constructor(private readonly fd: number, private readonly ownsFd: boolean) {}

  write(text: string): void {
    if (this.broken || text.length === 0) return;
    this.pending.push(text);
    this.size += text.length;
    if (this.size >= FLUSH_BYTES) this.flush();
  }

  private flush(): void {
    if (this.pending.length === 0 || this.broken) return;
    const bytes = Buffer.from(this.pending.join(''), 'utf8');
    this.pending = [];
    this.size = 0;
    try {
      writeAll(this.fd, bytes);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EPIPE') throw e;
      this.broken = true;
    }
  }

  close(): void {
    this.flush();
    if (this.ownsFd) fs.closeSync(this.fd);
  }
}

export function stdoutSink(): OutputSink {
  return new FdSink(1, false);
}

/** `-o FILE`: created or truncated; the error says why it cannot be (a folder, no permission, …). */
export function fileSink(file: string): OutputSink {
  return new FdSink(fs.openSync(file, 'w'), true);
}

/** A sink that keeps the text, for tests and for hosts that post-process it. */
export class StringSink implements OutputSink {
  private readonly parts: string[] = [];
  readonly broken = false;
  write(text: string): void {
    this.parts.push(text);
  }
  close(): void {}
  text(): string {
    return this.parts.join('');
  }
}
