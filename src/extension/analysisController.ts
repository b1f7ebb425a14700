import * as vscode from 'vscode';
import type { Finding } from '../core/findings';
import { RequestTimeout, WorkerDied, type AnalysisClient } from './analysisClient';
import { toDiagnostic } from './diagnostics';
import { isLockstepDocument } from './documents';
import type { CheckReply, WorkerReply } from './protocol';
import { readSettings } from './settings';
import type { StatusItem } from './statusItem';
import { CheckScheduler, TYPING_DELAY_MS } from './checkScheduler';

/** What the last successful check of a document produced (code actions and lenses read it). */
export interface DocumentResult {
  version: number;
  findings: Finding[];
  functions: CheckReply['functions'];
}

/** A check that is not back by then shows "analysing" on the status item (fast ones would only flicker). */
const BUSY_AFTER_MS = 400;

/**
 * Keeps the worker's copy of each open C document in step with the editor and turns check
 * results into diagnostics: on open, on change (after a short pause in typing, one check of a document
 * at a time, see CheckScheduler, when `lockstep.run` is `onType`) and on save. A newer edit cancels the pending check of its document; a result for an older version is
 * dropped. A failure logs file and stage, clears that document's diagnostics and shows on the status item.
 */
export class AnalysisController implements vscode.Disposable {
  private readonly scheduler = new CheckScheduler<vscode.TextDocument>((doc) => this.check(doc));
  /** Documents whose text the worker has (by uri string), with the length it should have. */
  private readonly synced = new Map<string, number>();
  private readonly results = new Map<string, DocumentResult>();
  private readonly ownFindings = new Map<string, Finding[]>();
  private lockOrder = new Map<string, Finding[]>();
  /** When each document opened (performance.now() and the wall clock), until its first result: logged, for the first-diagnostics time. */
  private readonly openedAt = new Map<string, { at: number; wall: number }>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  private readonly disposables: vscode.Disposable[] = [];
  /** Fired when a document's result changes (CodeLens refresh). */
  readonly onDidChangeResult = this.changed.event;

  constructor(
    private readonly client: AnalysisClient,
    private readonly collection: vscode.DiagnosticCollection,
    private readonly log: vscode.LogOutputChannel,
    private readonly status: StatusItem,
    private readonly extensionUri: vscode.Uri,
  ) {
    const ws = vscode.workspace;
    this.disposables.push(
      ws.onDidOpenTextDocument((d) => {
        if (isLockstepDocument(d)) this.openedAt.set(d.uri.toString(), { at: performance.now(), wall: Date.now() });
        this.schedule(d, 0);
      }),
      ws.onDidChangeTextDocument((e) => this.onChange(e)),
      ws.onDidSaveTextDocument((d) => this.schedule(d, 0)),
      ws.onDidCloseTextDocument((d) => this.onClose(d)),
      this.changed,
    );
    client.onRestart(() => {
      // The new worker knows nothing: re-send every open document and check it again.
      this.synced.clear();
      this.recheckOpen();
    });
  }

  /** Checks every open Lockstep document (activation, settings change, after the index). */
  recheckOpen(): void {
    for (const d of vscode.workspace.textDocuments) {
      // In onSave mode unsaved text is never analysed, whatever asked for the re-check.
      if (isLockstepDocument(d)) {
        if (!(d.isDirty && readSettings(d).run === 'onSave')) this.schedule(d, 0);
      } else if (this.ownFindings.has(d.uri.toString()) || this.synced.has(d.uri.toString())) this.drop(d); // newly excluded
    }
  }

  resultFor(uri: vscode.Uri): DocumentResult | undefined {
    return this.results.get(uri.toString());
  }

  findingsFor(uri: vscode.Uri): Finding[] {
    return this.ownFindings.get(uri.toString()) ?? [];
  }

  /** Everything shown in `uri`: its own findings and the lock-order cycles that close there. */
  shownFindings(uri: vscode.Uri): Finding[] {
    const key = uri.toString();
    return [...(this.ownFindings.get(key) ?? []), ...(this.lockOrder.get(key) ?? [])];
  }

  /** Resolves when no check of an open document is waiting or running (see CheckScheduler.whenIdle). */
  async whenIdle(): Promise<void> {
    while (this.scheduler.busy) await this.scheduler.whenIdle();
  }

  isOpenInWorker(uri: vscode.Uri): boolean {
    return this.synced.has(uri.toString());
  }

  /** Diagnostics of a workspace file the index checked (not open in an editor). */
  publishIndexed(uri: vscode.Uri, reply: CheckReply): void {
    if (this.synced.has(uri.toString())) return; // the open copy is authoritative
    this.ownFindings.set(uri.toString(), reply.findings);
    this.setLockOrder(reply.lockOrder);
    this.publish(uri);
  }

  forget(uri: vscode.Uri): void {
    this.ownFindings.delete(uri.toString());
    this.results.delete(uri.toString());
    this.collection.delete(uri);
  }

  /** Re-renders every diagnostic (severity settings changed). */
  republishAll(): void {
    const uris = new Set([...this.ownFindings.keys(), ...this.lockOrder.keys()]);
    for (const u of uris) this.publish(vscode.Uri.parse(u));
  }

  dispose(): void {
    this.scheduler.dispose();
    for (const d of this.disposables) d.dispose();
  }

  private onChange(e: vscode.TextDocumentChangeEvent): void {
    const doc = e.document;
    if (e.contentChanges.length === 0 || !isLockstepDocument(doc)) return;
    const key = doc.uri.toString();
    const length = this.synced.get(key);
    if (length !== undefined) {
      const changes = e.contentChanges.map((c) => ({ offset: c.rangeOffset, length: c.rangeLength, text: c.text }));
      const next = changes.reduce((n, c) => n - c.length + c.text.length, length);
      this.synced.set(key, next);
      this.client.post({ type: 'change', uri: key, version: doc.version, changes, length: next });
    }
    this.scheduler.cancel(key);
    if (readSettings(doc).run === 'onType') this.schedule(doc, TYPING_DELAY_MS);
  }

  private onClose(doc: vscode.TextDocument): void {
    const key = doc.uri.toString();
    this.scheduler.cancel(key);
    if (this.synced.delete(key)) this.client.post({ type: 'close', uri: key });
    this.results.delete(key);
    this.openedAt.delete(key);
    // A file that is not part of the workspace index has nothing left to show once closed.
    if (!vscode.workspace.getWorkspaceFolder(doc.uri)) this.forget(doc.uri);
    this.changed.fire(doc.uri);
  }

  private schedule(doc: vscode.TextDocument, delay: number): void {
    if (!isLockstepDocument(doc)) return;
    this.scheduler.schedule(doc.uri.toString(), doc, delay);
  }

  private syncDocument(doc: vscode.TextDocument): void {
    const text = doc.getText();
    this.synced.set(doc.uri.toString(), text.length);
    this.client.post({ type: 'open', uri: doc.uri.toString(), version: doc.version, text });
  }

  private async check(doc: vscode.TextDocument, resynced = false): Promise<void> {
    if (doc.isClosed) return;
    const key = doc.uri.toString();
    const settings = readSettings(doc);
    if (!settings.enable) {
      this.drop(doc);
      this.status.disabled(doc.uri);
      return;
    }
    const size = doc.offsetAt(doc.lineAt(doc.lineCount - 1).range.end);
    if (size > settings.maxFileSize) {
      this.drop(doc);
      const why = `${vscode.workspace.asRelativePath(doc.uri)} has ${size} characters, over lockstep.maxFileSize (${settings.maxFileSize}); not analysed`;
      this.log.warn(why);
      this.status.skipped(doc.uri, why);
      return;
    }
    if (!this.synced.has(key)) this.syncDocument(doc);
    const busy = setTimeout(() => this.status.busy(doc.uri), BUSY_AFTER_MS);
    const t0 = performance.now();
    let reply: WorkerReply;
    try {
      reply = await this.client.request({ type: 'check', uri: key, version: doc.version });
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      const stage = e instanceof RequestTimeout ? 'timeout' : e instanceof WorkerDied ? 'worker' : 'check';
      this.fail(doc.uri, stage, err.message, err.stack);
      return;
    } finally {
      clearTimeout(busy);
    }
    switch (reply.type) {
      case 'checked': {
        const roundTrip = { sent: t0, back: performance.now() };
        if (doc.isClosed || reply.result.version !== doc.version) return; // a newer check follows
        this.accept(doc.uri, reply.result, roundTrip);
        return;
      }
      case 'resync':
        this.synced.delete(key);
        if (!resynced) await this.check(doc, true);
        return;
      case 'failed':
        this.fail(doc.uri, reply.stage, reply.message, reply.stack);
        return;
      default:
        return; // cancelled: the document changed again
    }
  }

  /** `roundTrip`: when the check was sent and when its reply came (performance.now()). */
  private accept(uri: vscode.Uri, r: CheckReply, roundTrip: { sent: number; back: number }): void {
    const roundTripMs = roundTrip.back - roundTrip.sent;
    const key = uri.toString();
    this.results.set(key, { version: r.version, findings: r.findings, functions: r.functions });
    this.ownFindings.set(key, r.findings);
    this.setLockOrder(r.lockOrder);
    this.publish(uri);
    const shown = this.collection.get(uri)?.length ?? 0;
    this.status.done(uri, shown, r.ms, r.incremental);
    const opened = this.openedAt.get(key);
    if (opened !== undefined) {
      this.openedAt.delete(key);
      // The wall-clock times let the editor suite split click → squiggle into VS Code's share and ours.
      const now = performance.now();
      this.log.info(`first diagnostics for ${vscode.workspace.asRelativePath(uri)}: ${(now - opened.at).toFixed(0)} ms after it opened (${(roundTrip.sent - opened.at).toFixed(0)} ms to the request, ${roundTripMs.toFixed(0)} ms round trip, ${r.ms.toFixed(0)} ms of it in the worker, ${(now - roundTrip.back).toFixed(0)} ms to publish; opened at ${new Date(opened.wall).toISOString()}, published at ${new Date(opened.wall + now - opened.at).toISOString()})`);
    }
    this.log.debug(`checked ${vscode.workspace.asRelativePath(uri)} v${r.version}: ${r.findings.length} findings, ${r.stats.lines} lines, ${r.ms.toFixed(1)} ms in the worker, ${roundTripMs.toFixed(1)} ms round trip${r.incremental ? ' (incremental)' : ''}`);
    this.changed.fire(uri);
  }

  private fail(uri: vscode.Uri, stage: string, message: string, stack?: string): void {
    this.log.error(`analysis failed in ${vscode.workspace.asRelativePath(uri)} at stage "${stage}": ${message}${stack ? `\n${stack}` : ''}`);
    // No stale diagnostics: what is shown must come from the text that is there.
    this.ownFindings.delete(uri.toString());
    this.results.delete(uri.toString());
    this.collection.delete(uri);
    this.status.error(uri, `${stage}: ${message}`);
    this.changed.fire(uri);
  }

  private drop(doc: vscode.TextDocument): void {
    const key = doc.uri.toString();
    if (this.synced.delete(key)) this.client.post({ type: 'close', uri: key });
    this.forget(doc.uri);
    this.changed.fire(doc.uri);
  }

  /** Lock-order cycles span files: replace the whole set and re-render every file it touches. */
  private setLockOrder(findings: Finding[]): void {
    const next = new Map<string, Finding[]>();
    for (const f of findings) {
      const list = next.get(f.uri) ?? [];
      list.push(f);
      next.set(f.uri, list);
    }
    const touched = new Set([...this.lockOrder.keys(), ...next.keys()]);
    const same = touched.size === 0 || [...touched].every((u) => JSON.stringify(this.lockOrder.get(u)) === JSON.stringify(next.get(u)));
    this.lockOrder = next;
    if (!same) for (const u of touched) this.publish(vscode.Uri.parse(u));
  }

  private publish(uri: vscode.Uri): void {
    const findings = this.shownFindings(uri);
    const overrides = readSettings(uri).severity;
    const diagnostics = findings
      .map((f) => toDiagnostic(f, uri, this.extensionUri, overrides))
      .filter((d): d is vscode.Diagnostic => d !== undefined);
    this.collection.set(uri, diagnostics);
  }
}
