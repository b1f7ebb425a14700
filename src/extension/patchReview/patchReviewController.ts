import * as path from 'node:path';
import * as vscode from 'vscode';
import { toDiagnostic, toRange } from '../diagnostics';
import { readSettings } from '../settings';
import { PatchReviewFailed, type PatchReviewClient } from './patchReviewClient';
import { POST_IMAGE_SCHEME, postImageUri, type PostImageProvider } from './postImages';
import { diagnosticMessage, isPatchFileName, type ReviewView, type ViewFinding, type ViewPatch } from './reviewView';

/** Typing in a patch re-reviews it this long after the last change. */
const DEBOUNCE_MS = 500;
/** Views of other things, never reviewed (the post-images themselves among them). */
const SKIPPED_SCHEMES = new Set([POST_IMAGE_SCHEME, 'git', 'output', 'vscode-scm', 'comment', 'debug', 'lockstep-protocol']);

export function isPatchDocument(doc: vscode.TextDocument): boolean {
  if (SKIPPED_SCHEMES.has(doc.uri.scheme)) return false;
  return isPatchFileName(doc.uri.path) || doc.languageId === 'diff';
}

interface Reviewed {
  version: number;
  view: ReviewView;
}

/**
 * Reviews open patch documents in the patch-review worker (on open, debounced on change, on save)
 * and shows the findings each patch introduces on its `+` lines. A review is dropped when the
 * document changed meanwhile; failures are logged and never thrown at the editor.
 */
export class PatchReviewController implements vscode.Disposable {
  private readonly results = new Map<string, Reviewed>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly running = new Set<string>();
  private readonly again = new Set<string>();
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeResult = this.changed.event;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    private readonly client: PatchReviewClient,
    private readonly collection: vscode.DiagnosticCollection,
    private readonly log: vscode.LogOutputChannel,
    private readonly extensionUri: vscode.Uri,
    private readonly postImages: PostImageProvider,
  ) {
    this.subscriptions.push(
      vscode.workspace.onDidOpenTextDocument((d) => this.schedule(d, 0)),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.contentChanges.length) this.schedule(e.document, DEBOUNCE_MS);
      }),
      vscode.workspace.onDidSaveTextDocument((d) => this.schedule(d, 0)),
      vscode.workspace.onDidCloseTextDocument((d) => this.forget(d.uri)),
      // Severity overrides, `enable` and the size limit apply to patches too: review them again.
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('lockstep')) this.reviewOpen();
      }),
    );
    this.reviewOpen();
  }

  /** Reviews every open patch again (settings changed, or lockstep.json's knowledge or defines). */
  reviewOpen(): void {
    for (const d of vscode.workspace.textDocuments) this.schedule(d, 0);
  }

  viewOf(docUri: string): ReviewView | undefined {
    return this.results.get(docUri)?.view;
  }

  resultFor(doc: vscode.TextDocument): ReviewView | undefined {
    const r = this.results.get(doc.uri.toString());
    return r && r.version === doc.version ? r.view : undefined;
  }

  schedule(doc: vscode.TextDocument, delayMs: number): void {
    if (!isPatchDocument(doc)) return;
    const key = doc.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.set(key, setTimeout(() => {
      this.timers.delete(key);
      void this.review(doc);
    }, delayMs));
  }

  private forget(uri: vscode.Uri): void {
    const key = uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
    if (this.results.delete(key)) this.changed.fire();
    this.collection.delete(uri);
  }

  private async review(doc: vscode.TextDocument): Promise<void> {
    const key = doc.uri.toString();
    // One review per document at a time; a change meanwhile asks for one more afterwards.
    if (this.running.has(key)) {
      this.again.add(key);
      return;
    }
    if (doc.isClosed) return;
    const settings = readSettings(doc);
    if (!settings.enable) {
      this.collection.delete(doc.uri);
      if (this.results.delete(key)) this.changed.fire();
      return;
    }
    const max = settings.maxFileSize;
    const text = doc.getText();
    if (text.length > max) {
      this.log.warn(`patch review: ${doc.uri.fsPath || key} has ${text.length} characters, over lockstep.maxFileSize (${max}); not reviewed`);
      this.collection.delete(doc.uri);
      return;
    }
    const version = doc.version;
    const folder = vscode.workspace.getWorkspaceFolder(doc.uri) ?? vscode.workspace.workspaceFolders?.[0];
    this.running.add(key);
    try {
      const { view, ms } = await this.client.review(text, (paths) => readBaseFiles(folder?.uri, paths));
      if (doc.isClosed || doc.version !== version) return;
      this.results.set(key, { version, view });
      this.publish(doc, view, folder?.uri);
      this.postImages.refresh(key);
      this.changed.fire();
      const introduced = view.patches.reduce((n, p) => n + p.introduced.length, 0);
      this.log.info(`patch review: ${path.basename(doc.uri.path)} — ${view.patches.length} patch(es), ${introduced} introduced finding(s), base ${folder?.uri.fsPath ?? '(no workspace folder)'}, ${Math.round(ms)} ms`);
    } catch (e) {
      if (doc.isClosed || doc.version !== version) return;
      if (e instanceof PatchReviewFailed && e.line !== undefined) {
        this.log.warn(`patch review: ${path.basename(doc.uri.path)}:${e.line + 1}: ${e.message}`);
        const line = Math.min(e.line, doc.lineCount - 1);
        const d = new vscode.Diagnostic(doc.lineAt(line).range, `Lockstep cannot review this patch: ${e.message}`, vscode.DiagnosticSeverity.Warning);
        d.source = 'lockstep';
        this.collection.set(doc.uri, [d]);
      } else {
        this.log.error(`patch review of ${doc.uri.fsPath || key} failed: ${e instanceof Error ? e.message : String(e)}`);
        this.collection.delete(doc.uri);
      }
      if (this.results.delete(key)) this.changed.fire();
    } finally {
      this.running.delete(key);
      if (this.again.delete(key)) this.schedule(doc, 0);
    }
  }

  private publish(doc: vscode.TextDocument, view: ReviewView, base: vscode.Uri | undefined): void {
    const overrides = readSettings(doc).severity;
    const diagnostics: vscode.Diagnostic[] = [];
    view.patches.forEach((patch, patchIndex) => {
      for (const f of patch.introduced) {
        const d = this.diagnostic(doc, view, patch, patchIndex, f, base, overrides);
        if (d) diagnostics.push(d);
      }
    });
    this.collection.set(doc.uri, diagnostics);
  }

  private diagnostic(
    doc: vscode.TextDocument, view: ReviewView, patch: ViewPatch, patchIndex: number, f: ViewFinding,
    base: vscode.Uri | undefined, overrides: ReturnType<typeof readSettings>['severity'],
  ): vscode.Diagnostic | undefined {
    const file = f.fileIndex !== undefined ? patch.files[f.fileIndex] : undefined;
    const post = file?.postText !== undefined ? postImageUri(doc.uri, patchIndex, f.fileIndex!, file.path) : undefined;
    // The finding's own related locations and path are in post-image coordinates: they point there.
    const d = toDiagnostic(f.finding, post ?? doc.uri, this.extensionUri, overrides);
    if (!d) return undefined;
    const line = Math.min(f.patchLine, doc.lineCount - 1);
    const lineText = doc.lineAt(line).text;
    d.range = new vscode.Range(line, lineText.startsWith('+') ? 1 : 0, line, lineText.length);
    d.message = diagnosticMessage(view, patch, f);
    const extra: vscode.DiagnosticRelatedInformation[] = [];
    if (post && file) {
      extra.push(new vscode.DiagnosticRelatedInformation(new vscode.Location(post, toRange(f.finding.range)),
        `after the patch: ${file.path}:${f.finding.range.start.line + 1}`));
    }
    if (base && file?.inBase && file.basePath) {
      const pre = file.postToPre[f.finding.range.start.line] ?? 0;
      const baseUri = vscode.Uri.joinPath(base, ...file.basePath.split('/'));
      extra.push(new vscode.DiagnosticRelatedInformation(new vscode.Location(baseUri, new vscode.Position(pre, 0)),
        `before the patch (workspace file): ${file.basePath}:${pre + 1}`));
    }
    d.relatedInformation = [...extra, ...(post ? d.relatedInformation ?? [] : [])];
    return d;
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    for (const s of this.subscriptions) s.dispose();
    this.changed.dispose();
  }
}

/**
 * Reads the base files a review asks for from the workspace folder (through the VS Code file system
 * API). Over-large or binary files are refused by the review itself, with a message naming the file.
 */
async function readBaseFiles(folder: vscode.Uri | undefined, paths: string[]): Promise<{ path: string; bytes: Uint8Array | null }[]> {
  return Promise.all(paths.map(async (p) => {
    const norm = path.posix.normalize(p.replace(/\\/g, '/'));
    // Patch paths are repository-relative: one that climbs out of the folder is not read.
    if (!folder || norm.startsWith('../') || norm === '..' || path.posix.isAbsolute(norm)) return { path: p, bytes: null };
    const uri = vscode.Uri.joinPath(folder, ...norm.split('/'));
    try {
      const stat = await vscode.workspace.fs.stat(uri);
      if (stat.type & vscode.FileType.Directory) return { path: p, bytes: null };
      return { path: p, bytes: await vscode.workspace.fs.readFile(uri) };
    } catch {
      return { path: p, bytes: null };
    }
  }));
}
