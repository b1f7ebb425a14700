import { fork, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { TargetName } from './targets';
import type { WorkReply, WorkRequest } from './worker';

/**
 * The main side of the fuzz worker, a child process: sends one input, waits at most `limitMs`,
 * and on a hang kills the child (the next input starts a fresh one). A child that dies on its own
 * is reported as a crash of that input, or as a memory failure when V8 ran out of heap. A process
 * rather than a worker thread, because a worker that exhausts its heap can abort the whole process.
 */
export type RunResult =
  | WorkReply
  | { outcome: 'hang'; ms: number; detail: string }
  | { outcome: 'crash' | 'memory'; ms: number; detail: string; errorName: string; stack?: string };

const WORKER_FILE = path.join(__dirname, 'worker.ts');
const TSX = pathToFileURL(require.resolve('tsx')).href;
/** Heap per worker: a hostile input that needs more is a memory failure, not a machine-wide stall. */
export const WORKER_HEAP_MB = 2048;

export class FuzzWorker {
  private child: ChildProcess | undefined;
  private ready: Promise<void> | undefined;
  private stderrTail = '';
  private nextId = 0;
  restarts = 0;

  /** `workerFile` and `heapMb` are for the harness's own tests (a worker that hangs or exhausts its heap on cue). */
  constructor(private readonly workerFile = WORKER_FILE, private readonly heapMb = WORKER_HEAP_MB) {}

  private start(): Promise<void> {
    const child = fork(this.workerFile, [], {
      execArgv: ['--import', TSX, `--max-old-space-size=${this.heapMb}`],
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
    });
    this.child = child;
    this.stderrTail = '';
    child.stderr?.on('data', (d: Buffer) => {
      this.stderrTail = (this.stderrTail + d.toString('utf8')).slice(-4000);
    });
    this.ready = new Promise((resolve, reject) => {
      const onMsg = (m: unknown): void => {
        if (typeof m === 'object' && m !== null && 'ready' in m) {
          child.off('message', onMsg);
          child.off('exit', onExit);
          resolve();
        }
      };
      const onExit = (code: number | null): void => reject(new Error(`fuzz worker failed to start (exit ${code}): ${this.stderrTail}`));
      child.on('message', onMsg);
      child.once('exit', onExit);
    });
    return this.ready;
  }

  async run(target: TargetName, bytes: Uint8Array, limitMs: number): Promise<RunResult> {
    if (this.child === undefined) await this.start();
    else await this.ready;
    const child = this.child!;
    const id = this.nextId++;
    const t0 = performance.now();
    return new Promise<RunResult>((resolve) => {
      let settled = false;
      const finish = (r: RunResult, kill: boolean): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        child.off('message', onMsg);
        child.off('exit', onExit);
        if (kill) {
          this.child = undefined;
          this.restarts++;
          child.kill('SIGKILL');
        }
        resolve(r);
      };
      const onMsg = (m: WorkReply): void => {
        if (m.id === id) finish(m, false);
      };
      const onExit = (code: number | null, signal: string | null): void => {
        const oom = /heap out of memory|Reached heap limit/.test(this.stderrTail);
        const detail = `worker died (exit ${code ?? '-'}, signal ${signal ?? '-'})${oom ? ': JavaScript heap out of memory' : ''}: ${this.stderrTail.split('\n').filter((l) => l.trim() !== '').slice(-3).join(' | ')}`;
        finish({ outcome: oom ? 'memory' : 'crash', ms: performance.now() - t0, detail, errorName: oom ? 'OutOfMemory' : 'WorkerDied' }, true);
      };
      const timer = setTimeout(() => finish({ outcome: 'hang', ms: performance.now() - t0, detail: `no answer after ${limitMs} ms` }, true), limitMs);
      child.on('message', onMsg);
      child.once('exit', onExit);
      const req: WorkRequest = { id, target, bytes };
      child.send(req);
    });
  }

  async close(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (child === undefined || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  }
}
