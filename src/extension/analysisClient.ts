import { Worker } from 'node:worker_threads';
import { isWorkerReply, type HostMessage, type WorkerReply } from './protocol';
import { ANALYSIS_YOUNG_GENERATION_MB } from '../core/analysis/threadLimits';

/** Where the client reports; the extension passes its LogOutputChannel, tests a recorder. */
export interface ClientLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface ClientOptions {
  /** The bundled worker (`dist/analysisWorker.js`), or a .ts file with `execArgv: ['--import', 'tsx']` in tests. */
  workerFile: string;
  distDir: string;
  /** A request that takes longer ends the worker (it may be stuck in a pathological input) and restarts it. */
  timeoutMs: number;
  log: ClientLog;
  execArgv?: string[];
  /**
   * Asked at each (re)start: should the new worker warm itself up (warmUp.ts)? Not when a C document is
   * already open (a window that restores its editors): that document's check comes at once and warms it.
   */
  warmUp?: () => boolean;
  /**
   * Start the bundled worker through its boot loader with a V8 code cache (workerBoot.ts): the loader's
   * file, the caches to try in order, and where to write one when none is accepted.
   */
  codeCache?: { bootFile: string; caches: string[]; writeTo?: string };
}

export class RequestTimeout extends Error {
  constructor(readonly request: string, readonly uri: string | undefined, ms: number) {
    super(`${request}${uri ? ` of ${uri}` : ''} took longer than ${ms} ms; the analysis worker was restarted`);
    this.name = 'RequestTimeout';
  }
}

export class WorkerDied extends Error {
  constructor(detail: string) {
    super(`the analysis worker stopped (${detail}); restarting it`);
    this.name = 'WorkerDied';
  }
}

type Request = HostMessage & { id: number };
type RequestWithoutId = Request extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

interface Pending {
  resolve(r: WorkerReply): void;
  reject(e: Error): void;
  timer: NodeJS.Timeout;
}

/**
 * Owns the analysis worker thread: request/reply with ids and per-request timeouts, and a restart
 * (with back-off) whenever the worker dies or times out. Listeners of `onRestart` re-send what the
 * worker has lost (configuration, open documents, the workspace index).
 */
export class AnalysisClient {
  private worker: Worker | undefined;
  private ready: Promise<void> | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly restartListeners: (() => void)[] = [];
  private restarts = 0;
  private lastRestart = 0;
  private disposed = false;
  private restartTimer: NodeJS.Timeout | undefined;
  /** Incremented on every (re)start: lets callers tell a reply of the old worker from the new. */
  generation = 0;

  constructor(private readonly options: ClientOptions) {}

  onRestart(listener: () => void): void {
    this.restartListeners.push(listener);
  }

  start(): Promise<void> {
    if (this.ready) return this.ready;
    this.generation++;
    const cache = this.options.codeCache;
    const boot = cache ? { boot: { script: this.options.workerFile, caches: cache.caches, writeTo: cache.writeTo } } : {};
    const worker = new Worker(cache ? cache.bootFile : this.options.workerFile, {
      workerData: { distDir: this.options.distDir, warmUp: this.options.warmUp?.() ?? true, ...boot },
      execArgv: this.options.execArgv,
      // A runaway input must not take the extension host's memory with it.
      resourceLimits: { maxOldGenerationSizeMb: 1024, maxYoungGenerationSizeMb: ANALYSIS_YOUNG_GENERATION_MB },
    });
    this.worker = worker;
    this.ready = new Promise<void>((resolve, reject) => {
      const onReady = (m: unknown): void => {
        if (isWorkerReply(m) && m.type === 'ready') {
          worker.off('message', onReady);
          resolve();
        } else if (isWorkerReply(m) && m.type === 'failed' && m.id === -1) {
          worker.off('message', onReady);
          reject(new Error(m.message));
        }
      };
      worker.on('message', onReady);
      worker.once('exit', (code) => reject(new WorkerDied(`exit code ${code} before it was ready`)));
    });
    this.ready.catch(() => undefined);
    worker.on('message', (m: unknown) => this.onMessage(m));
    worker.on('error', (e) => this.options.log.error(`analysis worker error: ${e.stack ?? e.message}`));
    worker.on('exit', (code) => this.onExit(worker, code));
    return this.ready;
  }

  /** A document message (no reply). Dropped while the worker restarts; the restart re-sends documents. */
  post(message: Extract<HostMessage, { type: 'open' | 'change' | 'close' }>): void {
    this.worker?.postMessage(message);
  }

  async request(message: RequestWithoutId, timeoutMs = this.options.timeoutMs): Promise<WorkerReply> {
    await this.start();
    const worker = this.worker!;
    const id = this.nextId++;
    const full = { ...message, id } as Request;
    return new Promise<WorkerReply>((resolve, reject) => {
      const uri = 'uri' in full ? full.uri : 'file' in full ? full.file.uri : undefined;
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new RequestTimeout(full.type, uri, timeoutMs));
        this.options.log.error(`analysis timeout: ${full.type}${uri ? ` ${uri}` : ''} after ${timeoutMs} ms; terminating the worker`);
        void worker.terminate();
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      worker.postMessage(full);
    });
  }

  dispose(): void {
    this.disposed = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.failPending(new Error('analysis stopped'));
    void this.worker?.terminate();
    this.worker = undefined;
  }

  private onMessage(m: unknown): void {
    if (isWorkerReply(m) && m.type === 'warmedUp') {
      if (m.error !== undefined) this.options.log.warn(`warming up the analysis worker failed: ${m.error}`);
      else this.options.log.info(`analysis worker warmed up in ${Math.round(m.ms)} ms${m.complete ? '' : ' (stopped early: a request came)'}${m.codeCache ? `; code cache ${m.codeCache}` : ''}`);
      return;
    }
    if (!isWorkerReply(m) || !('id' in m)) return;
    const p = this.pending.get(m.id);
    if (!p) return;
    this.pending.delete(m.id);
    clearTimeout(p.timer);
    p.resolve(m);
  }

  private onExit(worker: Worker, code: number): void {
    if (worker !== this.worker) return;
    this.worker = undefined;
    this.ready = undefined;
    this.failPending(new WorkerDied(`exit code ${code}`));
    if (this.disposed) return;
    const now = Date.now();
    if (now - this.lastRestart > 60_000) this.restarts = 0;
    this.lastRestart = now;
    const delay = Math.min(10_000, 100 * 2 ** this.restarts++);
    this.options.log.warn(`analysis worker exited (code ${code}); restarting in ${delay} ms`);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      if (this.disposed) return;
      this.start().then(
        () => {
          this.options.log.info('analysis worker restarted');
          for (const l of this.restartListeners) l();
        },
        (e: unknown) => this.options.log.error(`analysis worker failed to restart: ${e instanceof Error ? e.message : String(e)}`),
      );
    }, delay);
  }

  private failPending(error: Error): void {
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(error);
    }
    this.pending.clear();
  }
}
