import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { closeAll, lockstepApi, waitFor, wsUri } from './helpers';

function openTabUris(): string[] {
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs)
    .map((t) => (t.input instanceof vscode.TabInputText ? t.input.uri.toString() : ''))
    .filter((u) => u !== '');
}

const mark = { context: 'c0', label: 'packet 1', colour: 0, line: 3, current: true };

export function simulatorSuite(): void {
  suite('simulator panel (extension side)', () => {
    suiteSetup(async () => {
      await lockstepApi();
    });
    teardown(closeAll);

    test('a highlight message may light only a protocol listing or a C file the panel simulated (issue 22 item 8)', async () => {
      const api = await lockstepApi();
      await vscode.commands.executeCommand('lockstep.openSimulator', 'ovs-windows');
      assert.equal(await api.simulatorMessage({ type: 'cancel' }), true, 'the panel is open');
      const local = wsUri('clean.c').toString();
      // A webview that asks for a workspace file, another spelling of a local file, an unknown listing.
      for (const uri of [local, local.replace(/^file:/, 'FILE:'), 'file:///etc/hostname', 'lockstep-protocol:/no-such-protocol.c']) {
        assert.equal(await api.simulatorMessage({ type: 'highlight', uri, marks: [mark] }), true);
      }
      // Malformed fields are dropped before anything happens (one of each kind).
      assert.equal(await api.simulatorMessage({ type: 'highlight', uri: 'command:workbench.action.terminal.new', marks: [] }), true);
      assert.equal(await api.simulatorMessage({ type: 'highlight', uri: local, marks: [{ ...mark, line: -1 }] }), true);
      // The positive control: another protocol's listing is lit (so the messages above did reach the panel).
      assert.equal(await api.simulatorMessage({ type: 'highlight', uri: 'lockstep-protocol:/rcu.c', marks: [mark] }), true);
      // (A document, not a tab: the webview's own highlight of its protocol may close the listing's tab again.)
      await waitFor('the rcu listing to be opened', () => vscode.workspace.textDocuments.some((d) => d.uri.toString() === 'lockstep-protocol:/rcu.c'));
      const tabs = openTabUris();
      for (const refused of [local, 'file:///etc/hostname', 'lockstep-protocol:/no-such-protocol.c']) {
        assert.ok(!tabs.includes(refused), `${refused} must not be opened: ${tabs.join(', ')}`);
      }
      // Nothing else in the suite opens these two, so not even their documents may exist.
      for (const refused of ['file:///etc/hostname', 'lockstep-protocol:/no-such-protocol.c']) {
        assert.ok(!vscode.workspace.textDocuments.some((d) => d.uri.toString() === refused), `${refused} was loaded`);
      }
    });
  });
}
