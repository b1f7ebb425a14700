import { parentPort, workerData } from 'node:worker_threads';
import type { Parser } from 'web-tree-sitter';
import { builtinKnowledge } from '../../core/apis/builtin';
import { createCParser, distGrammarLocation } from '../../core/c/treeSitter';
import { decodeCSource } from '../../core/input';
import type { BaseProvider } from '../../core/patch/baseTree';
import { engineAnalyzer } from '../../core/patch/engineAnalyzer';
import { parsePatchDocument } from '../../core/patch/parsePatchDocument';
import { reviewDocument } from '../../core/patch/reviewPatch';
import { PatchParseError, type PatchDocument } from '../../core/patch/types';
import type { PatchHostMessage, PatchWorkerReply } from './protocol';
import { basePathsOf, toReviewView } from './reviewView';

/**
 * Patch-review worker (bundled to dist/patchReviewWorker.js): parses, applies and analyses a patch
 * off the extension host's thread. The host serialises reviews, so one is in flight at a time.
 */
const port = parentPort;
if (!port) throw new Error('patchReviewWorker must run as a worker thread');

function reply(r: PatchWorkerReply): void {
  port!.postMessage(r);
}

/** Base files the host read, decoded as the CLI decodes them (binary or non-UTF-8 files are refused). */
function mapBase(files: { path: string; bytes: Uint8Array | null }[]): BaseProvider {
  const byPath = new Map(files.map((f) => [f.path, f.bytes]));
  return {
    description: 'the workspace folder',
    read: (p) => {
      const bytes = byPath.get(p);
      return bytes ? decodeCSource(bytes, p) : undefined;
    },
  };
}

let parser: Parser | undefined;
const parsed = new Map<number, { document: PatchDocument; started: number }>();

function fail(id: number, e: unknown): void {
  if (e instanceof PatchParseError) {
    reply({ type: 'failed', id, message: `malformed patch: ${e.detail}`, line: e.line });
    return;
  }
  const err = e instanceof Error ? e : new Error(String(e));
  reply({ type: 'failed', id, message: err.message, ...(err.stack ? { stack: err.stack } : {}) });
}

function handle(m: PatchHostMessage): void {
  if (m.type === 'review') {
    const started = performance.now();
    try {
      const document = parsePatchDocument(m.text);
      parsed.set(m.id, { document, started });
      reply({ type: 'needFiles', id: m.id, paths: basePathsOf(document) });
    } catch (e) {
      fail(m.id, e);
    }
    return;
  }
  const job = parsed.get(m.id);
  parsed.delete(m.id);
  if (!job) return;
  try {
    // The project's lockstep.json (knowledge and defines), as the C analysis uses it; the built-ins when the host has none.
    const analyze = engineAnalyzer(parser!, m.knowledge ?? builtinKnowledge(), m.defines && Object.keys(m.defines).length > 0 ? m.defines : undefined);
    const review = reviewDocument(job.document, mapBase(m.files), { analyze });
    reply({ type: 'reviewed', id: m.id, view: toReviewView(review), ms: performance.now() - job.started });
  } catch (e) {
    fail(m.id, e);
  }
}

const input = workerData as { distDir: string };
const queue: PatchHostMessage[] = [];
port.on('message', (m: PatchHostMessage) => {
  if (parser) handle(m);
  else queue.push(m);
});
createCParser(distGrammarLocation(input.distDir)).then(
  (p) => {
    parser = p;
    reply({ type: 'ready' });
    for (const m of queue.splice(0)) handle(m);
  },
  (e: unknown) => {
    reply({ type: 'failed', id: -1, message: `cannot load the C grammar from ${input.distDir}: ${e instanceof Error ? e.message : String(e)}` });
    process.exit(2);
  },
);
