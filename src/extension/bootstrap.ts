import type * as vscode from 'vscode';
import type { LockstepTestApi } from './extension';
import { startWorker } from './workerStart';

/**
 * The extension's entry (`dist/extension.js`): starts the analysis worker first, then loads the main
 * bundle (`dist/extensionMain.js`, ~1 MB: the simulator, the patch reviewer, the config schema), whose
 * loading would otherwise delay the worker's start — and with it the first diagnostics — by the time
 * the host takes to compile it.
 */
export function activate(context: vscode.ExtensionContext): LockstepTestApi {
  const early = startWorker(context);
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded now, not bundled here
  const main = require('./extensionMain.js') as typeof import('./extension');
  return main.activate(context, early);
}

export function deactivate(): void {
  // Disposables registered on the context (worker, watchers, providers) are released by VS Code.
}
