import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { TargetName } from './targets';
import type { WorkReply, WorkRequest } from './worker';

/**
 * The main thread's handle on the fuzz worker: sends one input, waits at most `limitMs`, and on a
 * hang terminates the worker (the next input starts a fresh one). A worker that dies on its own
 * (a wasm abort, an out-of-memory) is reported as a crash of that input.
 */
export type RunResult = WorkReply | { outcome: 'hang'; ms: number; detail: string } | { outcome: 'crash'; ms: number; detail: string; errorName: string; stack?: string };

const WORKER_FILE = path.join(__dirname, 'worker.ts');

export class FuzzWorker {
  private worker: Worker | undefined;
  private ready: Promise<void> | undefined;
  private nextId = 0;
  restarts = 0;

  private start(): Promise<void> {
    // Node 20 does not carry `--import tsx` hooks into workers: register tsx's require hook first.
    const boot = `require('tsx/cjs/api').register(); require(${JSON.stringify(WORKER_FILE)});`;
    const w = new Worker(boot, { eval: true, resourceLimits: { maxOldGenerationSizeMb: 2048 } });
    this.worker = w;
    this.ready = new Promise((resolve, reject) => {
      const onMsg = (m: unknown): void => {
        if (typeof m === 'object' && m !== null && 'ready' in m) {
          w.off('message', onMsg);
          w.off('error', reject);
          resolve();
        }
      };
      w.on('message', onMsg);
      w.once('error', reject);
    });
    return this.ready;
  }

  async run(target: TargetName, bytes: Uint8Array, limitMs: number): Promise<RunResult> {
    if (this.worker === undefined) await this.start();
    else await this.ready;
    const w = this.worker!;
    const id = this.nextId++;
    const t0 = performance.now();
    return new Promise<RunResult>((resolve) => {
      let settled = false;
      const finish = (r: RunResult, kill: boolean): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        w.off('message', onMsg);
        w.off('error', onError);
        w.off('exit', onExit);
        if (kill) {
          this.worker = undefined;
          this.restarts++;
          void w.terminate();
        }
        resolve(r);
      };
      const onMsg = (m: WorkReply): void => {
        if (m.id === id) finish(m, false);
      };
      const onError = (e: Error): void => finish({ outcome: 'crash', ms: performance.now() - t0, detail: `worker died: ${e.message}`, errorName: e.name, stack: e.stack }, true);
      const onExit = (code: number): void => finish({ outcome: 'crash', ms: performance.now() - t0, detail: `worker exited with code ${code}`, errorName: 'WorkerExit' }, true);
      const timer = setTimeout(() => finish({ outcome: 'hang', ms: performance.now() - t0, detail: `no answer after ${limitMs} ms` }, true), limitMs);
      w.on('message', onMsg);
      w.once('error', onError);
      w.once('exit', onExit);
      const req: WorkRequest = { id, target, bytes };
      w.postMessage(req);
    });
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    if (w !== undefined) await w.terminate();
  }
}
