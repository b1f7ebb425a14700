import { testParser } from '../../helpers/grammar';
import { isDocumentedError, TARGET_RUNS, type TargetName } from './targets';
import { initWasmWithProbe } from './wasmMemory';

/**
 * The fuzz worker (a child process, see pool.ts): one parser for its lifetime, one input at a
 * time. The parent times each input and kills this process when one runs past the limit, so a
 * hang never hangs the run.
 */
export interface WorkRequest {
  id: number;
  target: TargetName;
  bytes: Uint8Array;
}

export type Outcome = 'ok' | 'refused' | 'crash';

export interface WorkReply {
  id: number;
  outcome: Outcome;
  detail: string;
  errorName?: string;
  stack?: string;
  ms: number;
  rssBytes: number;
  wasmBytes?: number;
}

async function main(): Promise<void> {
  const send = process.send?.bind(process);
  if (send === undefined) throw new Error('fuzz worker: not started with an IPC channel');
  const wasmBytes = await initWasmWithProbe();
  const parser = await testParser();
  process.on('message', (req: WorkRequest) => {
    const t0 = performance.now();
    let outcome: Outcome = 'ok';
    let detail: string;
    let errorName: string | undefined;
    let stack: string | undefined;
    try {
      detail = TARGET_RUNS[req.target](parser, req.bytes);
    } catch (e) {
      outcome = isDocumentedError(e) ? 'refused' : 'crash';
      errorName = e instanceof Error ? e.name || e.constructor.name : typeof e;
      detail = e instanceof Error ? e.message.slice(0, 500) : String(e).slice(0, 500);
      stack = e instanceof Error ? e.stack : undefined;
    }
    const reply: WorkReply = { id: req.id, outcome, detail, ms: performance.now() - t0, rssBytes: process.memoryUsage.rss(), wasmBytes: wasmBytes() };
    if (errorName !== undefined) reply.errorName = errorName;
    if (stack !== undefined) reply.stack = stack;
    send(reply);
  });
  send({ ready: true });
}

main().catch((e: unknown) => {
  // Startup failure (grammar not found): the parent sees this process exit and prints stderr.
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(70);
});
