import type * as vscode from 'vscode';

/**
 * Registers the simulator panel, its serializer and the protocol listing provider.
 * Owned by the webview issue; extension.ts calls it once on activation.
 */
export interface SimulatorHost {
  context: vscode.ExtensionContext;
  log: vscode.LogOutputChannel;
}

export function registerSimulator(_host: SimulatorHost): void {
  // Filled in by the simulator webview work.
}
