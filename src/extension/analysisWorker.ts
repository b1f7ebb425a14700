import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { createCParser, distGrammarLocation } from '../core/c/treeSitter';
import { AnalysisSession, StageError } from './analysisSession';
import { codeCacheHook } from './codeCache';
import type { HostMessage, WorkerReply } from './protocol';
import { warmUp } from './warmUp';

/**
 * The analysis worker: a message loop around AnalysisSession, off the extension host's main thread.
 * Messages are queued and drained together, so document changes that arrived while a check ran are
 * applied first and checks for versions that are already stale are answered `cancelled`.
 */
interface WorkerInput {
  distDir: string;
  /** False when the host already has a document to check (see ClientOptions.warmUp). */
  warmUp?: boolean;
}

const port = parentPort;
if (!port) throw new Error('analysisWorker must run as a worker thread');

const queue: HostMessage[] = [];
let draining = false;
let session: AnalysisSession | undefined;
const faults = new Map<string, { kind: 'throw' | 'hang' | 'exit'; minVersion: number }>();

function reply(r: WorkerReply): void {
  port!.postMessage(r);
}

function failure(id: number, e: unknown, uri?: string): WorkerReply {
  if (e instanceof StageError) return { type: 'failed', id, uri: e.uri ?? uri, stage: e.stage, message: e.message, stack: e.stack };
  const err = e instanceof Error ? e : new Error(String(e));
  return { type: 'failed', id, uri, stage: 'check', message: err.message, stack: err.stack };
}

function injectFault(uri: string, version: number): void {
  const fault = faults.get(uri);
  if (!fault || version < fault.minVersion) return;
  faults.delete(uri);
  const kind = fault.kind;
  if (kind === 'throw') throw new StageError('check', uri, new Error('injected fault (test hook)'));
  if (kind === 'exit') process.exit(3);
  // 'hang': a busy loop the host's timeout must end by terminating this worker.
  for (;;) { /* spin until terminated */ }
}

function handle(s: AnalysisSession, m: HostMessage): void {
  switch (m.type) {
    case 'configure':
      s.configure({ knowledge: m.knowledge, maxStatesPerNode: m.maxStatesPerNode, defines: m.defines });
      reply({ type: 'ok', id: m.id });
      return;
    case 'open':
      s.open(m.uri, m.version, m.text);
      return;
    case 'change':
      s.change(m.uri, m.version, m.changes, m.length);
      return;
    case 'close':
      s.close(m.uri);
      return;
    case 'check': {
      if (!s.isOpen(m.uri)) {
        reply({ type: 'resync', id: m.id, uri: m.uri });
        return;
      }
      const current = s.versionOf(m.uri)!;
      if (current !== m.version) {
        reply({ type: 'cancelled', id: m.id, reason: `version ${m.version} superseded by ${current}` });
        return;
      }
      try {
        injectFault(m.uri, m.version);
        reply({ type: 'checked', id: m.id, result: s.check(m.uri) });
      } catch (e) {
        reply(failure(m.id, e, m.uri));
      }
      return;
    }
    case 'summarize': {
      const t0 = performance.now();
      try {
        const functions = s.summarize(m.file);
        reply({ type: 'summarized', id: m.id, uri: m.file.uri, functions, ms: performance.now() - t0 });
      } catch (e) {
        reply(failure(m.id, e, m.file.uri));
      }
      return;
    }
    case 'checkFile':
      try {
        injectFault(m.file.uri, Number.MAX_SAFE_INTEGER);
        reply({ type: 'checked', id: m.id, result: s.checkFile(m.file) });
      } catch (e) {
        reply(failure(m.id, e, m.file.uri));
      }
      return;
    case 'forget':
      s.forget(m.uri);
      reply({ type: 'ok', id: m.id });
      return;
    case 'fault':
      faults.set(m.uri, { kind: m.kind, minVersion: m.minVersion ?? 0 });
      reply({ type: 'ok', id: m.id });
      return;
  }
}

function drain(): void {
  if (draining || !session) return;
  draining = true;
  try {
    while (queue.length > 0) {
      // Apply every pending document message before the first check, so stale checks are seen as such.
      const firstCheck = queue.findIndex((m) => m.type === 'check' || m.type === 'checkFile' || m.type === 'summarize');
      const docMessages = firstCheck === -1 ? queue.splice(0) : queue.splice(0, firstCheck);
      for (const m of docMessages) handle(session, m);
      const next = queue.shift();
      if (!next) break;
      const later = queue.some((m) => m.type === 'change' && 'uri' in next && m.uri === next.uri);
      if (next.type === 'check' && later) {
        reply({ type: 'cancelled', id: next.id, reason: 'the document changed again' });
        continue;
      }
      handle(session, next);
    }
  } finally {
    draining = false;
  }
}

port.on('message', (m: HostMessage) => {
  queue.push(m);
  setImmediate(drain);
});

const input = workerData as WorkerInput;
createCParser(distGrammarLocation(input.distDir)).then(
  (parser) => {
    session = new AnalysisSession(parser);
    reply({ type: 'ready' });
    if (input.warmUp === false) {
      setImmediate(drain);
      return;
    }
    setImmediate(() => {
      // Pay the engine's first-run cost before the first file is opened (warmUp.ts); a request that
      // arrives meanwhile is taken off the port between the steps and stops it.
      const waiting = (): boolean => {
        for (let r = receiveMessageOnPort(port); r; r = receiveMessageOnPort(port)) queue.push(r.message as HostMessage);
        return queue.some((m) => m.type === 'check' || m.type === 'checkFile' || m.type === 'summarize');
      };
      try {
        const { ms, complete } = warmUp(parser, waiting);
        // The compiled engine, for the next window's worker (workerBoot.ts): only a complete warm-up's.
        const cache = codeCacheHook();
        const written = complete ? cache?.save() : undefined;
        reply({ type: 'warmedUp', ms, complete, codeCache: cache && `${cache.status()}${written ? `; wrote ${written}` : ''}` });
      } catch (e) {
        reply({ type: 'warmedUp', ms: -1, complete: false, error: e instanceof Error ? e.message : String(e) });
      }
      drain();
    });
  },
  (e: unknown) => {
    reply({ type: 'failed', id: -1, stage: 'parse', message: `cannot load the C grammar from ${input.distDir}: ${e instanceof Error ? e.message : String(e)}` });
    process.exit(2);
  },
);
