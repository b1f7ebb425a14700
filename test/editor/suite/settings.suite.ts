import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { EXTENSION_ID, LEAK, closeAll, lockstepApi, lockstepDiagnostics, openScratch, setSetting, sleep, waitFor, waitForAsync, waitForNone, waitForRule, wsUri } from './helpers';

interface Contributes {
  configuration: { properties: Record<string, { scope?: string; markdownDescription?: string; default?: unknown }> };
  jsonValidation: { fileMatch: string; url: string }[];
}

export function settingsSuite(): void {
  suite('settings', () => {
    suiteSetup(async () => {
      await lockstepApi();
    });
    teardown(async () => {
      for (const key of ['severity', 'run', 'maxFileSize', 'enable', 'codeLens.enable', 'configFile']) await setSetting(key, undefined);
      await closeAll();
    });

    test('every setting is contributed, resource-scoped, with a markdown description', () => {
      const pkg = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as { contributes: Contributes };
      const props = pkg.contributes.configuration.properties;
      for (const key of ['enable', 'run', 'severity', 'configFile', 'maxFileSize', 'exclude', 'codeLens.enable']) {
        const p = props[`lockstep.${key}`];
        assert.ok(p, `lockstep.${key}`);
        assert.equal(p.scope, 'resource', `lockstep.${key} scope`);
        assert.ok(p.markdownDescription && p.markdownDescription.length > 20, `lockstep.${key} description`);
      }
      assert.equal(props['lockstep.configFile']!.default, 'lockstep.json');
      assert.deepEqual(pkg.contributes.jsonValidation, [{ fileMatch: 'lockstep.json', url: './schemas/lockstep.schema.json' }]);
    });

    test('lockstep.severity overrides a rule\'s severity, and "off" hides it', async () => {
      const editor = await openScratch('severity.c', LEAK);
      const uri = editor.document.uri;
      assert.equal((await waitForRule(uri, 'lock-leak')).severity, vscode.DiagnosticSeverity.Error);
      await setSetting('severity', { 'lock-leak': 'hint' });
      await waitFor('the hint severity', () => lockstepDiagnostics(uri).find((d) => d.severity === vscode.DiagnosticSeverity.Hint));
      await setSetting('severity', { 'lock-leak': 'off' });
      await waitForNone(uri, 'lock-leak');
      await setSetting('severity', undefined);
      await waitFor('the rule\'s own severity', () => lockstepDiagnostics(uri).find((d) => d.severity === vscode.DiagnosticSeverity.Error));
    });

    test('lockstep.run = onSave analyses on save, not while typing', async () => {
      await setSetting('run', 'onSave');
      const clean = 'int g(spinlock_t *l, int x)\n{\n\tspin_lock(l);\n\tif (x) {\n\t\tspin_unlock(l);\n\t\treturn -1;\n\t}\n\tspin_unlock(l);\n\treturn 0;\n}\n';
      const editor = await openScratch('onsave.c', clean);
      const uri = editor.document.uri;
      const api = await lockstepApi();
      await waitFor('the first check', () => /0 findings/.test(api.statusText()));
      await editor.edit((b) => b.delete(new vscode.Range(4, 0, 5, 0)));
      // A negative check (nothing may happen), so it has to give the debounce time to fire; on a slow
      // machine it can only miss a bug, never fail good code.
      await sleep(1500);
      assert.equal(editor.document.isDirty, true, 'not saved yet');
      assert.deepEqual(lockstepDiagnostics(uri), [], 'no analysis while typing');
      await editor.document.save();
      await waitForRule(uri, 'lock-leak');
    });

    test('files over lockstep.maxFileSize are skipped and the status says why', async () => {
      const api = await lockstepApi();
      await setSetting('maxFileSize', 40);
      const editor = await openScratch('big.c', LEAK);
      await waitFor('the skipped status', () => /skipped/.test(api.statusText()));
      assert.match(api.statusText(), /over lockstep\.maxFileSize \(40\)/);
      assert.deepEqual(lockstepDiagnostics(editor.document.uri), []);
      await setSetting('maxFileSize', undefined);
      await waitForRule(editor.document.uri, 'lock-leak');
    });

    test('lockstep.enable = false clears the diagnostics', async () => {
      const editor = await openScratch('disabled.c', LEAK);
      const uri = editor.document.uri;
      await waitForRule(uri, 'lock-leak');
      await setSetting('enable', false);
      await waitForNone(uri, 'lock-leak');
      await setSetting('enable', true);
      await waitForRule(uri, 'lock-leak');
    });

    test('the CodeLens counts locks and runs "Simulate" for the function; the setting turns it off', async () => {
      const editor = await openScratch('lens.c', LEAK);
      const uri = editor.document.uri;
      await waitForRule(uri, 'lock-leak');
      const get = async (): Promise<vscode.CodeLens[]> => vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 10);
      const found = await waitForAsync('the two lenses', get, (l) => l.length >= 2);
      const titles = found.map((l) => l.command?.title);
      assert.deepEqual(titles, ['1 lock', '▶ Simulate with…']);
      const simulate = found[1]!.command!;
      assert.equal(simulate.command, 'lockstep.simulateFunction');
      assert.equal((simulate.arguments?.[0] as vscode.Uri).toString(), uri.toString());
      assert.equal(simulate.arguments?.[1], 'f');
      assert.equal(found[0]!.range.start.line, 0);
      await setSetting('codeLens.enable', false);
      const off = await waitForAsync('the lenses to go', get, (l) => l.length === 0);
      assert.deepEqual(off, []);
    });

    test('a bad lockstep.json is one diagnostic in that file; analysis goes on with built-in knowledge', async () => {
      const config = wsUri('lockstep.json');
      await vscode.workspace.fs.writeFile(config, new TextEncoder().encode('{\n  "locks": [ { "name": "my_lock", "kind": "grab" } ]\n}\n'));
      try {
        const d = await waitFor('the config diagnostic', () => lockstepDiagnostics(config)[0]);
        assert.match(d.message, /lockstep\.json/);
        assert.equal(d.severity, vscode.DiagnosticSeverity.Error);
        const editor = await openScratch('config.c', LEAK);
        await waitForRule(editor.document.uri, 'lock-leak');
        // A good config that teaches a project lock: its leak is found too.
        await vscode.workspace.fs.writeFile(config, new TextEncoder().encode(JSON.stringify({
          locks: [
            { name: 'my_lock', kind: 'acquire', family: 'my' },
            { name: 'my_unlock', kind: 'release', family: 'my' },
          ],
        })));
        await waitFor('the config diagnostic to go', () => lockstepDiagnostics(config).length === 0);
        const mine = await openScratch('mylock.c', 'int m(struct my *l, int x)\n{\n\tmy_lock(l);\n\tif (x)\n\t\treturn 1;\n\tmy_unlock(l);\n\treturn 0;\n}\n');
        await waitForRule(mine.document.uri, 'lock-leak');
      } finally {
        await vscode.workspace.fs.delete(config);
      }
    });

    test('editing lockstep.json is validated against the shipped schema (jsonValidation)', async () => {
      const config = wsUri('lockstep.json');
      await vscode.workspace.fs.writeFile(config, new TextEncoder().encode('{ "locks": 5 }\n'));
      try {
        const doc = await vscode.workspace.openTextDocument(config);
        await vscode.window.showTextDocument(doc);
        const d = await waitFor('a schema diagnostic from the JSON language service',
          () => vscode.languages.getDiagnostics(config).find((x) => x.source !== 'lockstep'));
        assert.match(d.message, /array/i);
      } finally {
        await closeAll();
        await vscode.workspace.fs.delete(config);
      }
    });
  });
}
