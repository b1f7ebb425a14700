import * as vscode from 'vscode';

export function activate(context: vscode.ExtensionContext): void {
  const output = vscode.window.createOutputChannel('Lockstep', { log: true });
  context.subscriptions.push(output);
  output.info('Lockstep activated');
}

export function deactivate(): void {
  // Disposables registered on the context are released by VS Code.
}
