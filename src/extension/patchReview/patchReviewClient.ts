import type { ApiKnowledge } from '../../core/apis/types';
import { Worker } from 'node:worker_threads';
import { ANALYSIS_YOUNG_GENERATION_MB } from '../../core/analysis/threadLimits';
import type { PatchHostMessage, PatchWorkerReply } from './protocol';
import type { ReviewView } from './reviewView';

export interface PatchClientOptions {
  /** `dist/patchReviewWorker.js`, or the .ts entry with `execArgv: ['--import', 'tsx']` in tests. */
  workerFile: string;
  distDir: string;
  /** A review that takes longer ends the worker; the next review starts a new one. */
  timeoutMs: number;
  execArgv?: string[];
  /** The project's API knowledge (lockstep.json merged into the built-ins), when the host has loaded it. */
  knowledge?: () => ApiKnowledge | undefined;
  /** lockstep.json `defines` (as `-DNAME=VALUE`), the same macros the editor's file checks use. */
  defines?: () => Record<string, string> | undefined;
}

export type ReadBaseFiles = (paths: string[]) => Promise<{ path: string; bytes: Uint8Array | null }[]>;

/** A patch that does not parse: `line` is 0-based. */
export class PatchReviewFailed extends Error {
  constructor(message: string, readonly line?: number) {
    super(message);
    this.name = 'PatchReviewFailed';
  }
}

/**
 * Owns the patch-review worker: started on the first review, reviews run one at a time (the
 * worker asks for base files in between), a review over the time limit or a worker that dies ends
 * the worker and fails that review only.
 */
export class PatchReviewClient {
  private worker: Worker | undefined;
  private ready: Promise<void> | undefined;
  private nextId = 1;
  private chain: Promise<unknown> = Promise.resolve();
  private current: { id: number; reject(e: Error): void; onReply(r: PatchWorkerReply): void } | undefined;
  private disposed = false;

  constructor(private readonly options: PatchClientOptions) {}

  /** Reviews `text`; queued behind the review in flight. */
  review(text: string, readFiles: ReadBaseFiles): Promise<{ view: ReviewView; ms: number }> {
    const run = this.chain.then(() => this.runOne(text, readFiles));
    this.chain = run.catch(() => undefined);
    return run;
  }

  private start(): Promise<void> {
    if (this.ready) return this.ready;
    const worker = new Worker(this.options.workerFile, {
      workerData: { distDir: this.options.distDir },
      execArgv: this.options.execArgv ?? [],
      resourceLimits: { maxYoungGenerationSizeMb: ANALYSIS_YOUNG_GENERATION_MB },
    });
    this.worker = worker;
    this.ready = new Promise<void>((resolve, reject) => {
      worker.on('message', (r: PatchWorkerReply) => {
        if (r.type === 'ready') resolve();
        else if (r.type === 'failed' && r.id === -1) reject(new Error(r.message));
        else this.current?.onReply(r);
      });
      const died = (why: string): void => {
        if (this.worker !== worker) return;
        this.worker = undefined;
        this.ready = undefined;
        const e = new Error(`the patch-review worker stopped (${why})`);
        reject(e);
        this.current?.reject(e);
      };
      worker.on('error', (e) => died(e.message));
      worker.on('exit', (code) => died(`exit code ${code}`));
    });
    return this.ready;
  }

  private async runOne(text: string, readFiles: ReadBaseFiles): Promise<{ view: ReviewView; ms: number }> {
    if (this.disposed) throw new Error('the patch-review client is disposed');
    await this.start();
    const worker = this.worker!;
    const id = this.nextId++;
    const post = (m: PatchHostMessage): void => worker.postMessage(m);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`the review took longer than ${this.options.timeoutMs} ms; the patch-review worker was stopped`));
        this.stopWorker();
      }, this.options.timeoutMs);
      const settle = (): void => {
        clearTimeout(timer);
        this.current = undefined;
      };
      this.current = {
        id,
        reject: (e) => {
          settle();
          reject(e);
        },
        onReply: (r) => {
          if (r.type === 'ready' || r.id !== id) return;
          if (r.type === 'needFiles') {
            readFiles(r.paths).then(
              (files) => post({ type: 'files', id, files, knowledge: this.options.knowledge?.(), defines: this.options.defines?.() }),
              (e: unknown) => this.current?.reject(e instanceof Error ? e : new Error(String(e))),
            );
          } else if (r.type === 'reviewed') {
            settle();
            resolve({ view: r.view, ms: r.ms });
          } else {
            settle();
            reject(new PatchReviewFailed(r.message, r.line));
          }
        },
      };
      post({ type: 'review', id, text });
    });
  }

  private stopWorker(): void {
    const w = this.worker;
    this.worker = undefined;
    this.ready = undefined;
    this.current = undefined;
    if (w) void w.terminate();
  }

  dispose(): void {
    this.disposed = true;
    this.current?.reject(new Error('the patch-review client is disposed'));
    this.stopWorker();
  }
}
