import * as vscode from 'vscode';
import { decodeCSource, InputError } from '../core/input';
import type { AnalysisClient } from './analysisClient';
import type { AnalysisController } from './analysisController';
import { readSettings } from './settings';

const C_GLOB = '**/*.{c,h}';
/** A kernel tree has ~60,000 C files; past this many the index stops and says so in the log. */
export const MAX_INDEXED_FILES = 20_000;

export interface IndexStats {
  files: number;
  summarized: number;
  checked: number;
  skipped: number;
  failed: number;
  ms: number;
  cancelled: boolean;
}

/**
 * Background analysis of the workspace's C files, so cross-file summaries and lock-order cycles
 * see every file: phase 1 summarises each closed file in the worker, phase 2 checks each against
 * all summaries and publishes its diagnostics; then the open documents are checked again. A file
 * watcher keeps it current. Runs under window progress; a new run cancels the previous one.
 */
export class WorkspaceIndex implements vscode.Disposable {
  private running: vscode.CancellationTokenSource | undefined;
  private readonly watcher: vscode.FileSystemWatcher;
  private readonly disposables: vscode.Disposable[] = [];
  last: IndexStats | undefined;

  constructor(
    private readonly client: AnalysisClient,
    private readonly controller: AnalysisController,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.watcher = vscode.workspace.createFileSystemWatcher(C_GLOB);
    this.disposables.push(
      this.watcher,
      this.watcher.onDidCreate((u) => void this.refresh(u)),
      this.watcher.onDidChange((u) => void this.refresh(u)),
      this.watcher.onDidDelete((u) => void this.remove(u)),
    );
  }

  /** Indexes the workspace. `location` Notification gives a Cancel button (the command); Window is quiet. */
  run(location: vscode.ProgressLocation = vscode.ProgressLocation.Window): Thenable<IndexStats> {
    this.running?.cancel();
    const own = new vscode.CancellationTokenSource();
    this.running = own;
    return vscode.window.withProgress(
      { location, title: 'Lockstep: analysing workspace', cancellable: true },
      async (progress, token) => {
        token.onCancellationRequested(() => own.cancel());
        try {
          return await this.index(own.token, progress);
        } finally {
          own.dispose();
          if (this.running === own) this.running = undefined;
        }
      },
    );
  }

  cancel(): void {
    this.running?.cancel();
  }

  dispose(): void {
    this.running?.cancel();
    for (const d of this.disposables) d.dispose();
  }

  private async index(token: vscode.CancellationToken, progress: vscode.Progress<{ message?: string; increment?: number }>): Promise<IndexStats> {
    const t0 = Date.now();
    const stats: IndexStats = { files: 0, summarized: 0, checked: 0, skipped: 0, failed: 0, ms: 0, cancelled: false };
    const folder = vscode.workspace.workspaceFolders?.[0];
    const settings = readSettings(folder?.uri);
    if (!folder || !settings.enable) return stats;
    const exclude = settings.exclude.length ? `{${settings.exclude.join(',')}}` : undefined;
    const files = await vscode.workspace.findFiles(C_GLOB, exclude, MAX_INDEXED_FILES + 1, token);
    if (files.length > MAX_INDEXED_FILES) {
      this.log.warn(`workspace has more than ${MAX_INDEXED_FILES} C files; indexing the first ${MAX_INDEXED_FILES} (add folders to lockstep.exclude)`);
      files.length = MAX_INDEXED_FILES;
    }
    files.sort((a, b) => (a.toString() < b.toString() ? -1 : 1));
    stats.files = files.length;
    this.log.info(`indexing ${files.length} C files`);
    const step = files.length ? 50 / files.length : 0;
    const texts = new Map<string, string>();
    // Phase 1: summaries of every closed file.
    for (const [i, uri] of files.entries()) {
      if (token.isCancellationRequested) break;
      if (i % 25 === 0) progress.report({ message: `summaries ${i}/${files.length}` });
      progress.report({ increment: step });
      if (this.controller.isOpenInWorker(uri)) continue;
      const text = await this.read(uri, settings.maxFileSize, stats);
      if (text === undefined) continue;
      if (await this.request(uri, 'summarize', text, stats)) {
        stats.summarized++;
        // Keep small files for phase 2 rather than reading them twice; large ones are read again.
        if (text.length < 256 * 1024) texts.set(uri.toString(), text);
      }
    }
    // Phase 2: findings of every closed file against all summaries.
    for (const [i, uri] of files.entries()) {
      if (token.isCancellationRequested) break;
      if (i % 25 === 0) progress.report({ message: `checks ${i}/${files.length}` });
      progress.report({ increment: step });
      if (this.controller.isOpenInWorker(uri)) continue;
      const text = texts.get(uri.toString()) ?? await this.read(uri, settings.maxFileSize, undefined);
      if (text === undefined) continue;
      if (await this.request(uri, 'checkFile', text, stats)) stats.checked++;
    }
    stats.cancelled = token.isCancellationRequested;
    stats.ms = Date.now() - t0;
    this.last = stats;
    this.log.info(`index ${stats.cancelled ? 'cancelled' : 'done'}: ${stats.summarized} summarised, ${stats.checked} checked, ${stats.skipped} skipped, ${stats.failed} failed in ${stats.ms} ms`);
    if (!stats.cancelled) this.controller.recheckOpen();
    return stats;
  }

  private async read(uri: vscode.Uri, max: number, stats: IndexStats | undefined): Promise<string | undefined> {
    try {
      const stat = await vscode.workspace.fs.stat(uri);
      if (stat.size > max) {
        if (stats) stats.skipped++;
        this.log.info(`${vscode.workspace.asRelativePath(uri)}: ${stat.size} bytes, over lockstep.maxFileSize; not indexed`);
        return undefined;
      }
      return decodeCSource(await vscode.workspace.fs.readFile(uri), vscode.workspace.asRelativePath(uri), max);
    } catch (e) {
      if (stats) stats.skipped++;
      this.log.info(e instanceof InputError ? e.message : `${vscode.workspace.asRelativePath(uri)}: cannot read (${e instanceof Error ? e.message : String(e)})`);
      return undefined;
    }
  }

  private async request(uri: vscode.Uri, type: 'summarize' | 'checkFile', text: string, stats: IndexStats): Promise<boolean> {
    // The editor first: the worker runs one request at a time, so a file the user opens or types in
    // would otherwise wait behind this one (a large file's summary can take a second).
    await this.controller.whenIdle();
    try {
      const reply = await this.client.request({ type, file: { uri: uri.toString(), text } });
      if (reply.type === 'failed') {
        stats.failed++;
        this.log.error(`analysis failed in ${vscode.workspace.asRelativePath(uri)} at stage "${reply.stage}": ${reply.message}`);
        if (type === 'checkFile') this.controller.forget(uri);
        return false;
      }
      if (reply.type === 'checked') this.controller.publishIndexed(uri, reply.result);
      return true;
    } catch (e) {
      stats.failed++;
      this.log.error(`analysis of ${vscode.workspace.asRelativePath(uri)} (${type}) failed: ${e instanceof Error ? e.message : String(e)}`);
      if (type === 'checkFile') this.controller.forget(uri);
      return false;
    }
  }

  /** A file changed on disk: summarise and check it again unless an editor holds it. */
  private async refresh(uri: vscode.Uri): Promise<void> {
    const settings = readSettings(uri);
    if (!settings.enable || this.controller.isOpenInWorker(uri)) return;
    // languages.match reads only the uri and language of the document it is given.
    if (settings.exclude.some((g) => vscode.languages.match({ pattern: g }, { uri, languageId: 'c' } as vscode.TextDocument) > 0)) return;
    const stats: IndexStats = { files: 1, summarized: 0, checked: 0, skipped: 0, failed: 0, ms: 0, cancelled: false };
    const text = await this.read(uri, settings.maxFileSize, stats);
    if (text === undefined) return;
    if (await this.request(uri, 'summarize', text, stats)) await this.request(uri, 'checkFile', text, stats);
  }

  private async remove(uri: vscode.Uri): Promise<void> {
    this.controller.forget(uri);
    try {
      await this.client.request({ type: 'forget', uri: uri.toString() });
    } catch {
      // The worker restarted: it has forgotten everything anyway.
    }
  }
}
