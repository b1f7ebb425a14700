import * as vscode from 'vscode';
import type { Finding, Fix } from '../core/findings';
import type { ApiKnowledge } from '../core/apis/types';
import { suppressionFix } from '../core/fixes/suppression';
import { variantTextFix } from '../core/fixes/variantTextFix';
import type { AnalysisController } from './analysisController';
import { DIAGNOSTIC_SOURCE, diagnosticKey, findingKey, toRange } from './diagnostics';

export const SHOW_RULE_DOC = 'lockstep.showRuleDoc';

/**
 * Quick fixes for Lockstep diagnostics: the real fix first (`isPreferred`: the matching release
 * or put before the leaking exit, from the engine or from src/core/fixes), then a suppression
 * comment with a reason placeholder, then "Show documentation for <rule>". Every edit is a
 * WorkspaceEdit, so one undo reverts it.
 */
export class LockstepCodeActions implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] };

  constructor(private readonly controller: AnalysisController, private readonly knowledge: () => ApiKnowledge | undefined) {}

  provideCodeActions(doc: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const ours = context.diagnostics.filter((d) => d.source === DIAGNOSTIC_SOURCE);
    if (ours.length === 0) return [];
    const result = this.controller.resultFor(doc.uri);
    // Fix edits were computed for one version of the text: never apply them to another.
    const current = result && result.version === doc.version;
    const byKey = new Map<string, Finding>();
    for (const f of this.controller.findingsFor(doc.uri)) byKey.set(findingKey(f), f);
    const actions: vscode.CodeAction[] = [];
    const docs: vscode.CodeAction[] = [];
    const seenDocs = new Set<string>();
    for (const d of ours) {
      const rule = typeof d.code === 'object' ? String(d.code.value) : String(d.code ?? '');
      const finding = byKey.get(diagnosticKey(rule, d.range, d.message));
      if (finding && current) {
        for (const fix of finding.fixes ?? []) actions.push(this.fixAction(doc, fix, d));
        // The Linux context-mismatch is paired across files after the analysis: its fix is made here, on the text.
        const knowledge = this.knowledge();
        if (finding.ruleId === 'context-mismatch' && !finding.fixes?.length && knowledge) {
          const end = result.functions.find((f) => f.name === finding.functionName)?.range.end;
          const fix = variantTextFix(doc.getText(), finding, end, knowledge);
          if (fix) actions.push(this.fixAction(doc, fix, d));
        }
      }
      if (finding) actions.push(this.fixAction(doc, suppressionFix(doc.getText(), finding), d));
      if (finding?.ruleId === 'use-after-unlock' && finding.functionName) {
        // Show the interleaving: this function as the packet path against the file's delete path.
        const a = new vscode.CodeAction(`Simulate this: run ${finding.functionName} against a delete path`, vscode.CodeActionKind.QuickFix);
        a.command = { title: a.title, command: 'lockstep.simulateFunction', arguments: [doc.uri, finding.functionName, 'packet'] };
        a.diagnostics = [d];
        actions.push(a);
      }
      if (rule && !seenDocs.has(rule)) {
        seenDocs.add(rule);
        const a = new vscode.CodeAction(`Show documentation for ${rule}`, vscode.CodeActionKind.QuickFix);
        a.command = { title: a.title, command: SHOW_RULE_DOC, arguments: [rule] };
        a.diagnostics = [d];
        docs.push(a);
      }
    }
    return [...actions, ...docs];
  }

  private fixAction(doc: vscode.TextDocument, fix: Fix, diagnostic: vscode.Diagnostic): vscode.CodeAction {
    const a = new vscode.CodeAction(fix.title.replace(/`/g, ''), vscode.CodeActionKind.QuickFix);
    const edit = new vscode.WorkspaceEdit();
    for (const e of fix.edits) edit.replace(doc.uri, toRange(e.range), e.newText);
    a.edit = edit;
    a.diagnostics = [diagnostic];
    a.isPreferred = fix.isPreferred === true;
    return a;
  }
}
