import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { LEAK, closeAll, lockstepApi, lockstepDiagnostics, openScratch, ruleOf, waitFor, waitForNone, waitForRule, wsUri } from './helpers';

export function diagnosticsSuite(): void {
  suite('diagnostics', () => {
    suiteSetup(async () => {
      await lockstepApi();
    });
    teardown(closeAll);

    test('a lock leak is one lockstep diagnostic with its rule id, doc link, severity and related locations', async () => {
      const editor = await openScratch('leak.c', LEAK);
      const d = await waitForRule(editor.document.uri, 'lock-leak');
      assert.equal(d.source, 'lockstep');
      assert.equal(typeof d.code, 'object');
      const code = d.code as { value: string; target: vscode.Uri };
      assert.equal(code.value, 'lock-leak');
      assert.match(code.target.path, /\/docs\/rules\/lock-leak\.md$/);
      assert.equal(d.severity, vscode.DiagnosticSeverity.Error);
      assert.equal(d.range.start.line, 4, 'on the leaking return');
      // Plain words (the Problems panel shows text): code in quotes, the branch left to the related locations.
      assert.equal(d.message, "'l' taken at line 3 (spin_lock) is still held at the return on line 5");
      const acquire = d.relatedInformation?.find((r) => /acquired here/.test(r.message));
      assert.ok(acquire, 'related: the acquire site');
      assert.equal(acquire.location.range.start.line, 2);
      assert.equal(acquire.location.uri.toString(), editor.document.uri.toString());
      assert.deepEqual(d.relatedInformation?.map((r) => `${r.location.range.start.line + 1}: ${r.message}`),
        ["3: 'l' acquired here (spin_lock)", "4: branch taken: 'x' is true"], 'related: the acquire and the branch that leads to the exit, nothing else');
      // The hover has the rule's own text, Markdown: code as code, nothing cut.
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', editor.document.uri, d.range.start);
      const md = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
      assert.match(md, /`l` taken at line 3 \(spin_lock\) is still held at the return on line 5, reached when `x` \(line 4\) is true/);
      assert.match(md, /\[lock-leak\]\(command:lockstep\.showRuleDoc\?/);
      assert.equal(lockstepDiagnostics(editor.document.uri).length, 1);
    });

    test('typing the missing unlock clears the diagnostic (analysis on type, debounced)', async () => {
      const braced = 'int f(spinlock_t *l, int x)\n{\n\tspin_lock(l);\n\tif (x) {\n\t\treturn -1;\n\t}\n\tspin_unlock(l);\n\treturn 0;\n}\n';
      const editor = await openScratch('type.c', braced);
      const uri = editor.document.uri;
      await waitForRule(uri, 'lock-leak');
      // One character at a time, like a user: every keystroke is a change event and a new version.
      const typed = 'spin_unlock(l); ';
      for (const [i, ch] of [...typed].entries()) {
        await editor.edit((b) => b.insert(new vscode.Position(4, 2 + i), ch));
      }
      assert.equal(editor.document.lineAt(4).text, '\t\tspin_unlock(l); return -1;');
      await waitForNone(uri, 'lock-leak');
      // Breaking it again brings the finding back.
      await editor.edit((b) => b.delete(new vscode.Range(4, 2, 4, 2 + typed.length)));
      await waitForRule(uri, 'lock-leak');
    });

    test('correct code has no diagnostics and the status item says so', async () => {
      const api = await lockstepApi();
      const editor = await openScratch('clean.c', 'int g(spinlock_t *l)\n{\n\tspin_lock(l);\n\tspin_unlock(l);\n\treturn 0;\n}\n');
      await waitFor('the status item to report the check', () => /Lockstep: 0 findings — analysed/.test(api.statusText()));
      assert.deepEqual(lockstepDiagnostics(editor.document.uri), []);
    });

    test('a header (.h) is analysed as C', async () => {
      const editor = await openScratch('inline.h', 'static inline int h(spinlock_t *l, int x)\n{\n\tspin_lock(l);\n\tif (x)\n\t\treturn 1;\n\tspin_unlock(l);\n\treturn 0;\n}\n');
      await waitForRule(editor.document.uri, 'lock-leak');
    });

    test('closed files get findings from the workspace index', async () => {
      const api = await lockstepApi();
      const closed = wsUri('drivers/closed_leak.c');
      assert.ok(!vscode.workspace.textDocuments.some((d) => d.uri.toString() === closed.toString()), 'the file is not open');
      const d = await waitForRule(closed, 'lock-leak');
      assert.match(d.message, /'m' taken at line 6 \(mutex_lock\)/);
      const refs = await waitForRule(wsUri('drivers/refs.c'), 'ref-leak');
      assert.equal(refs.severity, vscode.DiagnosticSeverity.Warning);
      const stats = await waitFor('the index to finish', () => api.lastIndex());
      assert.ok(stats.files >= 4, `indexed ${stats.files} files`);
      assert.equal(stats.failed, 0);
    });

    test('a lock-order cycle across two files is reported, with the other file as related information', async () => {
      const decl = 'struct pair { spinlock_t x_lock; spinlock_t y_lock; };\n';
      const order = (name: string, first: string, second: string): string =>
        `${decl}void ${name}(struct pair *p)\n{\n\tspin_lock(&p->${first});\n\tspin_lock(&p->${second});\n\tspin_unlock(&p->${second});\n\tspin_unlock(&p->${first});\n}\n`;
      const xy = wsUri('scratch/order_xy.c');
      // One file stays closed: the index (file watcher) brings its lock-order edges in.
      await vscode.workspace.fs.writeFile(xy, new TextEncoder().encode(order('take_xy', 'x_lock', 'y_lock')));
      const editor = await openScratch('order_yx.c', order('take_yx', 'y_lock', 'x_lock'));
      const find = (): vscode.Diagnostic | undefined =>
        [...lockstepDiagnostics(xy), ...lockstepDiagnostics(editor.document.uri)].find((d) => ruleOf(d) === 'lock-order');
      const d = await waitFor('a lock-order diagnostic', find);
      assert.match(d.message, /lock order cycle between '&p->x_lock' and '&p->y_lock'/);
      const files = new Set((d.relatedInformation ?? []).map((r) => r.location.uri.path.split('/').pop()));
      assert.ok(files.has('order_xy.c') && [...files].some((f) => f !== 'order_xy.c'), [...files].join(', '));
      // Taking them in the same order in the open file removes the cycle everywhere.
      const fixed = order('take_yx', 'x_lock', 'y_lock');
      await editor.edit((b) => b.replace(new vscode.Range(0, 0, editor.document.lineCount, 0), fixed));
      await waitFor('the cycle to go', () => !find());
    });

    test('deleting and restoring an indexed file removes and restores its findings', async () => {
      const uri = wsUri('drivers/closed_leak.c');
      const text = await vscode.workspace.fs.readFile(uri);
      await waitForRule(uri, 'lock-leak');
      await vscode.workspace.fs.delete(uri);
      await waitFor('diagnostics of the deleted file to go', () => lockstepDiagnostics(uri).length === 0);
      await vscode.workspace.fs.writeFile(uri, text);
      await waitForRule(uri, 'lock-leak');
    });
  });
}
