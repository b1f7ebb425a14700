import * as vscode from 'vscode';
import { readSettings } from '../settings';
import type { PatchReviewController } from './patchReviewController';

/** Where patch documents are: by name (.patch, .diff, .eml, .mbox) or VS Code's diff language. */
export const PATCH_SELECTOR: vscode.DocumentSelector = [
  { pattern: '**/*.{patch,diff,eml,mbox,PATCH,DIFF,EML,MBOX}' },
  { language: 'diff' },
];

/** "introduces 1 lock-leak · fixes 1 ref-leak" on each patch's Subject / `diff --git` line. */
export class PatchReviewLens implements vscode.CodeLensProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly controller: PatchReviewController) {
    this.subscription = controller.onDidChangeResult(() => this.changed.fire());
  }

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    if (!readSettings(doc).codeLens) return [];
    const view = this.controller.resultFor(doc);
    if (!view) return [];
    return view.patches.map((p) => {
      const line = Math.min(p.headerLine, doc.lineCount - 1);
      // No command id: the summary is information, rendered as plain text.
      return new vscode.CodeLens(new vscode.Range(line, 0, line, 0), { title: p.summary, command: '', tooltip: p.label });
    });
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
