import * as vscode from 'vscode';
import { RULE_IDS } from '../core/findings';
import { ruleDocUri } from './diagnostics';

/**
 * Opens a rule's page (shipped in the package under docs/rules) inside VS Code: the Markdown
 * preview when the built-in Markdown extension is there, else the file itself.
 */
export async function showRuleDoc(extensionUri: vscode.Uri, ruleId: unknown): Promise<void> {
  const id = typeof ruleId === 'string' && (RULE_IDS as readonly string[]).includes(ruleId)
    ? ruleId
    : await vscode.window.showQuickPick([...RULE_IDS], { placeHolder: 'Lockstep rule' });
  if (!id) return;
  const uri = ruleDocUri(extensionUri, id);
  try {
    await vscode.workspace.fs.stat(uri);
  } catch {
    void vscode.window.showWarningMessage(`Lockstep: no documentation page for ${id} in this build.`);
    return;
  }
  try {
    await vscode.commands.executeCommand('markdown.showPreview', uri);
  } catch {
    await vscode.window.showTextDocument(uri, { preview: true });
  }
}
