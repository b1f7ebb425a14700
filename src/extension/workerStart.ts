import * as path from 'node:path';
import * as vscode from 'vscode';
import { AnalysisClient } from './analysisClient';
import { isLockstepDocument } from './documents';

/** A check that runs longer than this is treated as stuck: the worker is restarted. */
const CHECK_TIMEOUT_MS = 30_000;

/** What activation starts before anything else: the log and the analysis worker, loading already. */
export interface EarlyStart {
  log: vscode.LogOutputChannel;
  client: AnalysisClient;
  workerReady: Promise<void>;
  /** Date.now() when activation began. */
  t0: number;
}

/**
 * Creates the log and starts the analysis worker (its grammar and engine load on their own thread while
 * the extension host loads and registers the rest). Called by the small entry bundle (bootstrap.ts)
 * before it loads the main one, so the worker's start does not wait for the host's bundle either.
 */
export function startWorker(context: vscode.ExtensionContext): EarlyStart {
  const t0 = Date.now();
  const log = vscode.window.createOutputChannel('Lockstep', { log: true });
  context.subscriptions.push(log);
  const dist = path.join(context.extensionPath, 'dist');
  const userCache = path.join(context.globalStorageUri.fsPath, `analysisWorker-${String(context.extension.packageJSON.version)}-${process.versions.v8}.cache`);
  const client = new AnalysisClient({
    workerFile: path.join(dist, 'analysisWorker.js'), distDir: dist, timeoutMs: CHECK_TIMEOUT_MS, log,
    warmUp: () => !vscode.workspace.textDocuments.some(isLockstepDocument),
    // The compiled engine from an earlier window of this VS Code (per version: V8 rejects another's), else
    // the one the build made; written to the user's storage when neither fits this V8 (workerBoot.ts).
    codeCache: {
      bootFile: path.join(dist, 'workerBoot.js'),
      caches: [userCache, path.join(dist, 'analysisWorker.cache')],
      writeTo: userCache,
    },
  });
  context.subscriptions.push({ dispose: () => client.dispose() });
  return { log, client, workerReady: client.start(), t0 };
}
