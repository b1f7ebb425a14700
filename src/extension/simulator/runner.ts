// Runs one explorer job in a worker thread and reports to the panel: elapsed-time progress while it runs,
// then the result, the other protocols' costs, or the failure. Cancel terminates the thread at once.
import { Worker } from 'node:worker_threads';
import type { CostView, RunProgress, RunResult } from '../../webview/model';
import type { Unmodelled } from '../../core/extract/types';
import type { WorkerJob, WorkerReply } from './workerProtocol';

export interface RunListener {
  progress(p: RunProgress): void;
  result(r: RunResult): void;
  costs(c: CostView[]): void;
  failed(message: string): void;
  /** A C job compiled (optional: only C runs report it). */
  extracted?(model: string, unmodelled: Unmodelled[]): void;
}

const PROGRESS_MS = 250;

export class ExplorerRun {
  private readonly worker: Worker;
  private readonly timer: ReturnType<typeof setInterval>;
  private readonly started = Date.now();
  private finished = false;
  private gotResult = false;
  private markDone!: () => void;
  /** Settles once the worker has stopped: finished, failed, crashed or cancelled. */
  readonly done = new Promise<void>((resolve) => (this.markDone = resolve));

  constructor(workerFile: string, job: WorkerJob, private readonly listener: RunListener) {
    this.worker = new Worker(workerFile, { workerData: job });
    this.timer = setInterval(() => {
      if (!this.gotResult) listener.progress({ states: null, transitions: null, ms: Date.now() - this.started });
    }, PROGRESS_MS);
    this.worker.on('message', (m: WorkerReply) => this.onReply(m));
    this.worker.on('error', (e) => this.fail(`the explorer crashed: ${e.message}`));
    this.worker.on('exit', (code) => {
      if (!this.finished) this.fail(`the explorer stopped unexpectedly (exit code ${code})`);
    });
  }

  /** True until the result (or a failure) has been delivered. */
  get running(): boolean {
    return !this.finished && !this.gotResult;
  }

  private onReply(m: WorkerReply): void {
    switch (m.type) {
      case 'progress':
        if (!this.gotResult) this.listener.progress(m.progress);
        return;
      case 'extracted':
        this.listener.extracted?.(m.model, m.unmodelled);
        return;
      case 'result':
        this.gotResult = true;
        this.listener.result(m.result);
        return;
      case 'costs':
        this.listener.costs(m.costs);
        return;
      case 'failed':
        this.fail(m.message);
        return;
      case 'done':
        this.stop();
        return;
    }
  }

  private fail(message: string): void {
    if (this.finished) return;
    const hadResult = this.gotResult;
    this.stop();
    // A failure while gathering other protocols' costs does not undo the result the reviewer has.
    if (!hadResult) this.listener.failed(message);
  }

  /** Stops the worker; no listener call follows. */
  stop(): void {
    if (this.finished) return;
    this.finished = true;
    clearInterval(this.timer);
    void this.worker.terminate();
    this.markDone();
  }
}
