import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { EXTENSION_ID, LEAK, closeAll, lockstepApi, openScratch, waitFor, waitForRule } from './helpers';

interface Manifest {
  activationEvents: string[];
  contributes: { commands: { command: string; title: string; category?: string }[] };
  capabilities: { untrustedWorkspaces: { supported: boolean | 'limited'; restrictedConfigurations?: string[] } };
}

export function commandsSuite(): void {
  suite('commands and status', () => {
    suiteSetup(async () => {
      await lockstepApi();
    });
    teardown(closeAll);

    test('the five commands are contributed; the editor registers its two', async () => {
      const pkg = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as Manifest;
      const ids = pkg.contributes.commands.map((c) => c.command);
      for (const id of ['lockstep.analyzeWorkspace', 'lockstep.showOutput', 'lockstep.openSimulator', 'lockstep.simulateFunction', 'lockstep.reviewPatch']) {
        assert.ok(ids.includes(id), id);
      }
      const registered = await vscode.commands.getCommands(true);
      assert.ok(registered.includes('lockstep.analyzeWorkspace'));
      assert.ok(registered.includes('lockstep.showOutput'));
      assert.ok(pkg.activationEvents.includes('onWebviewPanel:lockstep.simulator'));
      // Untrusted workspaces are supported with the file-pointing and limit-raising settings restricted (issue 22).
      assert.equal(pkg.capabilities.untrustedWorkspaces.supported, 'limited');
      assert.deepEqual(pkg.capabilities.untrustedWorkspaces.restrictedConfigurations, ['lockstep.configFile', 'lockstep.maxFileSize']);
    });

    test('"Analyse workspace" indexes every C file and reports what it did', async () => {
      const stats = await vscode.commands.executeCommand<{ files: number; checked: number; failed: number; cancelled: boolean }>('lockstep.analyzeWorkspace');
      assert.ok(stats.files >= 4, `files ${stats.files}`);
      assert.ok(stats.checked >= 3, `checked ${stats.checked}`);
      assert.equal(stats.failed, 0);
      assert.equal(stats.cancelled, false);
    });

    test('"Show output" reveals the Lockstep log', async () => {
      await vscode.commands.executeCommand('lockstep.showOutput');
    });

    test('the status item shows the finding count and the last analysis time', async () => {
      const api = await lockstepApi();
      const editor = await openScratch('status.c', LEAK);
      await waitForRule(editor.document.uri, 'lock-leak');
      const text = await waitFor('the status text', () => /Lockstep: 1 finding — analysed .+ in \d+ ms/.test(api.statusText()) && api.statusText());
      assert.match(text, /1 finding/);
    });
  });
}
