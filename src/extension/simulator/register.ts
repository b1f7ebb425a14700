import * as vscode from 'vscode';
import { simulatorCore } from './coreSeam';
import { ListingHighlighter } from './decorations';
import { LISTING_SCHEME, ProtocolListingProvider } from './listingProvider';
import { SimulatorPanel, VIEW_TYPE, type PanelHost } from './panel';
import { askSimulateWith } from './simulateWith';
import { PANEL_COMMANDS } from '../../webview/messages';

/**
 * Registers the simulator panel, its serializer and the protocol listing provider.
 * Owned by the webview issue; extension.ts calls it once on activation.
 */
export interface SimulatorHost {
  context: vscode.ExtensionContext;
  log: vscode.LogOutputChannel;
}

function updateListingKey(highlighter: ListingHighlighter): void {
  const active = vscode.window.activeTextEditor?.document.uri.toString();
  void vscode.commands.executeCommand('setContext', 'lockstep.simulatorListing', active !== undefined && active === highlighter.uri);
}

/** Internal command (no palette entry): jump the panel to the next step at the cursor's line. */
export const NEXT_STEP_AT_LINE = 'lockstep.simulator.nextStepAtLine';

async function pickProtocol(): Promise<string | undefined> {
  const items = simulatorCore.listProtocols().map((p) => ({ label: p.name, description: p.title, detail: p.summary }));
  if (items.length === 0) {
    void vscode.window.showWarningMessage('Lockstep: no simulator protocols are available in this build.');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(items, { title: 'Lockstep: open simulator', placeHolder: 'Protocol to simulate', matchOnDescription: true, matchOnDetail: true });
  return picked?.label;
}

export function registerSimulator(host: SimulatorHost): void {
  const highlighter = new ListingHighlighter();
  const panelHost: PanelHost = { ...host, highlighter };
  const { subscriptions } = host.context;

  subscriptions.push(
    highlighter,
    vscode.workspace.registerTextDocumentContentProvider(LISTING_SCHEME, new ProtocolListingProvider()),
    vscode.window.registerWebviewPanelSerializer(VIEW_TYPE, {
      deserializeWebviewPanel: async (panel: vscode.WebviewPanel) => {
        SimulatorPanel.revive(panel, panelHost);
      },
    }),
    vscode.commands.registerCommand('lockstep.openSimulator', async (protocol?: unknown) => {
      const name = typeof protocol === 'string' ? protocol : await pickProtocol();
      if (name !== undefined) SimulatorPanel.open(panelHost, { protocol: name });
    }),
    // "Simulate with…": pick the other context and the counts, then run the two C functions.
    vscode.commands.registerCommand('lockstep.simulateFunction', async (uri?: unknown, functionName?: unknown, role?: unknown) => {
      try {
        const request = await askSimulateWith(host.context.extensionUri, uri, functionName, role);
        if (request === undefined) return;
        host.log.info(`simulator: simulate ${request.source.packet} (packet) with ${request.source.put} (put) in ${request.source.uri}`);
        SimulatorPanel.open(panelHost, { c: request });
      } catch (e) {
        host.log.error(`simulator: Simulate with… failed: ${String(e)}`);
        void vscode.window.showErrorMessage(`Lockstep: could not simulate: ${e instanceof Error ? e.message : String(e)}`);
      }
    }),
    vscode.commands.registerCommand(NEXT_STEP_AT_LINE, () => {
      const e = vscode.window.activeTextEditor;
      if (!e || !SimulatorPanel.current?.jumpToLine(e.document.uri, e.selection.active.line)) {
        void vscode.window.showInformationMessage('Lockstep: this line is not in the listing the simulator is stepping through.');
      }
    }),
    // The debugger-style commands (F10, Shift+F10, F5, Ctrl+Shift+F5, Ctrl+F5 while the panel or its
    // listing has focus: package.json's `when` clauses).
    ...PANEL_COMMANDS.map((c) => vscode.commands.registerCommand(`lockstep.sim.${c}`, () => {
      if (SimulatorPanel.current) SimulatorPanel.current.command(c);
      else void vscode.window.showInformationMessage('Lockstep: open the simulator first (Lockstep: Open simulator, or Simulate with… on a C function).');
    })),
    // `lockstep.simulatorListing`: the focused editor shows the document the simulator is stepping through,
    // so the panel's keys work there too (and only there).
    highlighter.onDidChangeListing(() => updateListingKey(highlighter)),
    vscode.window.onDidChangeActiveTextEditor(() => updateListingKey(highlighter)),
    // Clicking a line of the lit listing jumps the panel to the next step at that line.
    vscode.window.onDidChangeTextEditorSelection((ev) => {
      if (ev.kind !== vscode.TextEditorSelectionChangeKind.Mouse || !SimulatorPanel.current) return;
      const sel = ev.selections[0];
      if (sel && sel.isEmpty) SimulatorPanel.current.jumpToLine(ev.textEditor.document.uri, sel.active.line);
    }),
    { dispose: () => SimulatorPanel.current?.dispose() },
  );
}
