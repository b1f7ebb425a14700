import type { ApiKnowledge } from '../../core/apis/types';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { PatchReviewClient } from './patchReviewClient';
import { PatchReviewController } from './patchReviewController';
import { PATCH_SELECTOR, PatchReviewLens } from './patchLens';
import { POST_IMAGE_SCHEME, PostImageProvider } from './postImages';
import { PATCH_FILE_EXTENSIONS, type ReviewView } from './reviewView';

/** A review that runs longer than this stops the worker (a pathological patch); the editor carries on. */
const REVIEW_TIMEOUT_MS = 60_000;

export interface PatchReviewDeps {
  context: vscode.ExtensionContext;
  log: vscode.LogOutputChannel;
  /** The API knowledge the C analysis uses (lockstep.json merged into the built-ins). */
  knowledge?: () => ApiKnowledge | undefined;
  /** lockstep.json `defines`, as the C analysis uses them. */
  defines?: () => Record<string, string> | undefined;
}

/**
 * Patch review in the editor: diagnostics on the `+` lines of open patches, a CodeLens per patch
 * header, read-only post-images (`lockstep-patch:`), and "Lockstep: Review patch…".
 */
/** Returns what reviews the open patches again (after lockstep.json was reloaded). */
export function registerPatchReview({ context, log, knowledge, defines }: PatchReviewDeps): () => void {
  const dist = path.join(context.extensionPath, 'dist');
  const client = new PatchReviewClient({ workerFile: path.join(dist, 'patchReviewWorker.js'), distDir: dist, timeoutMs: REVIEW_TIMEOUT_MS, knowledge, defines });
  const collection = vscode.languages.createDiagnosticCollection('lockstep-patch');
  // The provider asks the controller, which is made next (the provider is only called later).
  const postImages: PostImageProvider = new PostImageProvider((doc): ReviewView | undefined => controller.viewOf(doc));
  const controller: PatchReviewController = new PatchReviewController(client, collection, log, context.extensionUri, postImages);
  const lens = new PatchReviewLens(controller);
  context.subscriptions.push(
    { dispose: () => client.dispose() }, collection, postImages, controller, lens,
    vscode.workspace.registerTextDocumentContentProvider(POST_IMAGE_SCHEME, postImages),
    vscode.languages.registerCodeLensProvider(PATCH_SELECTOR, lens),
    vscode.commands.registerCommand('lockstep.reviewPatch', (arg?: unknown) => reviewPatchCommand(arg, log)),
  );
  return () => controller.reviewOpen();
}

/** Picks a patch (or takes the Uri it is given, from the explorer or a test) and opens it: opening reviews it. */
async function reviewPatchCommand(arg: unknown, log: vscode.LogOutputChannel): Promise<void> {
  let uri = arg instanceof vscode.Uri ? arg : undefined;
  if (!uri) {
    const picked = await vscode.window.showOpenDialog({
      canSelectMany: false,
      openLabel: 'Review patch',
      title: 'Lockstep: Review patch',
      filters: { 'Patches and mails': [...PATCH_FILE_EXTENSIONS], 'All files': ['*'] },
      ...(vscode.workspace.workspaceFolders?.[0] ? { defaultUri: vscode.workspace.workspaceFolders[0].uri } : {}),
    });
    uri = picked?.[0];
  }
  if (!uri) return;
  try {
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc, { preview: false });
  } catch (e) {
    log.error(`Review patch: cannot open ${uri.toString()}: ${e instanceof Error ? e.message : String(e)}`);
    void vscode.window.showErrorMessage(`Lockstep: cannot open ${uri.fsPath || uri.toString()}.`);
  }
}
