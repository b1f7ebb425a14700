import * as vscode from 'vscode';
import type { AnalysisController } from './analysisController';
import { toRange } from './diagnostics';
import { readSettings } from './settings';

/** "2 locks · 1 ref" above each function that takes locks or references, and "▶ Simulate with…" beside it. */
export function lensTitle(locks: number, refs: number): string {
  const parts: string[] = [];
  if (locks) parts.push(`${locks} lock${locks === 1 ? '' : 's'}`);
  if (refs) parts.push(`${refs} ref${refs === 1 ? '' : 's'}`);
  return parts.join(' · ');
}

export class LockstepCodeLens implements vscode.CodeLensProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;

  constructor(private readonly controller: AnalysisController) {
    controller.onDidChangeResult(() => this.changed.fire());
  }

  refresh(): void {
    this.changed.fire();
  }

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    if (!readSettings(doc).codeLens) return [];
    const result = this.controller.resultFor(doc.uri);
    if (!result || result.version !== doc.version) return [];
    const lenses: vscode.CodeLens[] = [];
    for (const fn of result.functions) {
      if (fn.locks + fn.refs === 0) continue;
      const at = toRange(fn.range).with({ end: toRange(fn.range).start });
      // A lens without a command id renders as plain text: the counts are information only.
      lenses.push(new vscode.CodeLens(at, { title: lensTitle(fn.locks, fn.refs), command: '' }));
      lenses.push(new vscode.CodeLens(at, {
        title: '▶ Simulate with…',
        tooltip: `Simulate ${fn.name} in the Lockstep simulator`,
        command: 'lockstep.simulateFunction',
        arguments: [doc.uri, fn.name],
      }));
    }
    return lenses;
  }

  dispose(): void {
    this.changed.dispose();
  }
}
