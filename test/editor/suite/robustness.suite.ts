import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { LEAK, closeAll, lockstepApi, lockstepDiagnostics, openUntitled, waitFor, waitForRule } from './helpers';

export function robustnessSuite(): void {
  suite('crash isolation', () => {
    teardown(closeAll);

    test('an exception in analysis clears that file\'s diagnostics, shows on the status item, and the next edit recovers', async () => {
      const api = await lockstepApi();
      const editor = await openUntitled(LEAK);
      const uri = editor.document.uri;
      await waitForRule(uri, 'lock-leak');
      const seen = api.statusLog(uri).length;
      await api.injectFault(uri, 'throw', editor.document.version + 1);
      await editor.edit((b) => b.insert(new vscode.Position(0, 0), ' '));
      // The log, not the item's current text: a later re-check (the index finishing) may already have
      // replaced the error by the time this looks.
      const failed = await waitFor('the error on the status item', () => api.statusLog(uri).slice(seen).find((e) => /Lockstep: error — check: injected fault/.test(e.text)));
      assert.equal(failed.diagnostics, 0, 'no stale diagnostics while the error shows');
      await editor.edit((b) => b.delete(new vscode.Range(0, 0, 0, 1)));
      await waitForRule(uri, 'lock-leak');
      await waitFor('the status to show the finding again', () => /1 finding/.test(api.statusText()));
    });

    test('a worker that dies is restarted and the open documents are analysed again', async () => {
      const api = await lockstepApi();
      const editor = await openUntitled(LEAK);
      const uri = editor.document.uri;
      await waitForRule(uri, 'lock-leak');
      const before = api.workerGeneration();
      await api.injectFault(uri, 'exit', editor.document.version + 1);
      await editor.edit((b) => b.insert(new vscode.Position(0, 0), ' '));
      await waitFor('a new worker', () => api.workerGeneration() > before);
      await waitForRule(uri, 'lock-leak');
      // And it keeps working on type.
      await editor.edit((b) => b.replace(new vscode.Range(4, 0, 4, 12), '\t\t{ spin_unlock(l); return -1; }'));
      await waitFor('the fix to be seen by the new worker', () => lockstepDiagnostics(uri).length === 0);
    });
  });
}
