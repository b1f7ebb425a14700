import * as vscode from 'vscode';
import type { ReviewView } from './reviewView';

/** Scheme of the read-only post-image documents ("this file after that patch"). */
export const POST_IMAGE_SCHEME = 'lockstep-patch';

/**
 * The post-image of file `fileIndex` after patch `patchIndex` of the patch document `patch`. The
 * path ends in the file's own name, so the editor picks its language (C) and title.
 */
export function postImageUri(patch: vscode.Uri, patchIndex: number, fileIndex: number, filePath: string): vscode.Uri {
  const query = new URLSearchParams({ doc: patch.toString(), p: String(patchIndex), f: String(fileIndex) }).toString();
  return vscode.Uri.from({ scheme: POST_IMAGE_SCHEME, path: `/${filePath.replace(/^\/+/, '')}`, query });
}

function parsePostImageUri(uri: vscode.Uri): { doc: string; patchIndex: number; fileIndex: number } | undefined {
  const q = new URLSearchParams(uri.query);
  const doc = q.get('doc');
  const patchIndex = Number(q.get('p'));
  const fileIndex = Number(q.get('f'));
  if (!doc || !Number.isInteger(patchIndex) || !Number.isInteger(fileIndex)) return undefined;
  return { doc, patchIndex, fileIndex };
}

/** Serves post-images from the latest review of each open patch document. */
export class PostImageProvider implements vscode.TextDocumentContentProvider {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  constructor(private readonly viewOf: (patchDoc: string) => ReviewView | undefined) {}

  provideTextDocumentContent(uri: vscode.Uri): string {
    const ref = parsePostImageUri(uri);
    const view = ref && this.viewOf(ref.doc);
    if (!ref || !view) return `// Lockstep: no review of this patch is open (${uri.path.slice(1)})\n`;
    const file = view.patches[ref.patchIndex]?.files[ref.fileIndex];
    if (!file || file.postText === undefined) return `// Lockstep: the patch has no post-image of ${uri.path.slice(1)}\n`;
    return file.postText;
  }

  /** Tells open post-image editors of `patchDoc` to re-read their text (the patch was reviewed again). */
  refresh(patchDoc: string): void {
    for (const d of vscode.workspace.textDocuments) {
      if (d.uri.scheme === POST_IMAGE_SCHEME && parsePostImageUri(d.uri)?.doc === patchDoc) this.changed.fire(d.uri);
    }
  }

  dispose(): void {
    this.changed.dispose();
  }
}
