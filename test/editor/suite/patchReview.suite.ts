import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { HANG_CEILING_MS, closeAll, lockstepApi, lockstepDiagnostics, openScratch, sleep, waitFor, waitForNone, waitForRule, wsUri } from './helpers';

const PATCH = 'patches/table-full.patch';
const BASE = 'datapath/flow_table.c';
const LEAKING_LINE = '+\t\treturn -ENOSPC;';

async function lensTitles(uri: vscode.Uri): Promise<{ line: number; title: string }[]> {
  const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
  return (lenses ?? []).filter((l) => l.command?.title).map((l) => ({ line: l.range.start.line, title: l.command!.title }));
}

/** Polls the CodeLens titles until `done` accepts them (the lens follows the review, which runs in a worker). */
async function waitForLenses(uri: vscode.Uri, done: (titles: { line: number; title: string }[]) => boolean, timeoutMs = HANG_CEILING_MS): Promise<{ line: number; title: string }[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const titles = await lensTitles(uri);
    if (done(titles)) return titles;
    if (Date.now() > deadline) throw new Error(`timed out waiting for the patch CodeLens (last: ${JSON.stringify(titles)})`);
    await sleep(200);
  }
}

function lineOf(doc: vscode.TextDocument, text: string): number {
  for (let i = 0; i < doc.lineCount; i++) if (doc.lineAt(i).text === text) return i;
  throw new Error(`no line ${JSON.stringify(text)} in ${doc.uri.path}`);
}

export function patchReviewSuite(): void {
  suite('patch review', () => {
    suiteSetup(async () => {
      await lockstepApi();
    });
    teardown(closeAll);

    test('"Review patch…" opens a patch; the lock leak it introduces is a diagnostic on its + line, the header CodeLens sums it up', async () => {
      const uri = wsUri(PATCH);
      await vscode.commands.executeCommand('lockstep.reviewPatch', uri);
      const editor = await waitFor('the patch in the active editor', () => vscode.window.activeTextEditor?.document.uri.toString() === uri.toString() && vscode.window.activeTextEditor);
      const doc = editor.document;
      const d = await waitForRule(uri, 'lock-leak');
      assert.equal(d.source, 'lockstep');
      assert.equal(d.range.start.line, lineOf(doc, LEAKING_LINE), 'on the patch’s own + line');
      assert.equal(d.range.start.character, 1, 'after the + prefix');
      const code = d.code as { value: string; target: vscode.Uri };
      assert.equal(code.value, 'lock-leak');
      assert.match(code.target.path, /\/docs\/rules\/lock-leak\.md$/);
      assert.equal(d.severity, vscode.DiagnosticSeverity.Error);
      assert.match(d.message, /'&table->lock' taken at line 12 \(spin_lock\) is still held at the return on line 14/);
      assert.equal(lockstepDiagnostics(uri).length, 1, 'only the introduced finding');

      // Related: the post-image (a read-only virtual document) and the base file in the workspace.
      const post = d.relatedInformation?.find((r) => r.location.uri.scheme === 'lockstep-patch' && /after the patch/.test(r.message));
      assert.ok(post, 'related: the post-image');
      const postDoc = await vscode.workspace.openTextDocument(post.location.uri);
      assert.equal(postDoc.lineAt(post.location.range.start.line).text, '\t\treturn -ENOSPC;');
      assert.equal(postDoc.lineAt(post.location.range.start.line - 1).text, '\tif (table->count >= FLOW_MAX)');
      const base = d.relatedInformation?.find((r) => r.location.uri.toString() === wsUri(BASE).toString());
      assert.ok(base, 'related: the base file');
      const baseDoc = await vscode.workspace.openTextDocument(wsUri(BASE));
      assert.equal(baseDoc.lineAt(base.location.range.start.line).text, '\ttable->flows[table->count] = flow;', 'where the return goes in');
      assert.ok(d.relatedInformation?.some((r) => r.location.uri.scheme === 'lockstep-patch' && /acquired here/.test(r.message)), 'related: the acquire site, in the post-image');

      const titles = await waitForLenses(uri, (t) => t.length > 0);
      assert.deepEqual(titles, [{ line: lineOf(doc, 'Subject: [PATCH] datapath: refuse a flow insert when the table is full'), title: 'introduces 1 lock-leak' }]);
    });

    test('editing the patch re-reviews it: without the early return nothing is introduced', async () => {
      const uri = wsUri(PATCH);
      const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
      await waitForRule(uri, 'lock-leak');
      const line = lineOf(editor.document, LEAKING_LINE);
      assert.ok(await editor.edit((b) => b.replace(editor.document.lineAt(line).range, '+\t\ttable->count = 0;')));
      try {
        await waitForNone(uri, 'lock-leak');
        const titles = await waitForLenses(uri, (t) => t.length > 0 && t[0]!.title !== 'introduces 1 lock-leak');
        assert.deepEqual(titles.map((l) => l.title), ['no lock or refcount findings change']);
      } finally {
        await vscode.commands.executeCommand('workbench.action.files.revert');
      }
      await waitForRule(uri, 'lock-leak');
    });

    test('a malformed patch is one warning on the line it breaks, not a crash; fixing the line brings the review back', async () => {
      const good = new TextDecoder().decode(await vscode.workspace.fs.readFile(wsUri(PATCH)));
      const editor = await openScratch('broken.patch', good.replace('@@ -10,6 +10,8 @@', '@@ -10,6 +10,12 @@'));
      const uri = editor.document.uri;
      const d = await waitFor('the malformed-patch warning', () => lockstepDiagnostics(uri)[0]);
      assert.equal(d.severity, vscode.DiagnosticSeverity.Warning);
      assert.match(d.message, /^Lockstep cannot review this patch: malformed patch: hunk @@ -10,6 \+10,12 @@ \(line 14\) has more old lines than its header counts/);
      assert.equal(editor.document.lineAt(d.range.start.line).text, '-- ');
      assert.deepEqual(await lensTitles(uri), []);
      const header = lineOf(editor.document, '@@ -10,6 +10,12 @@ struct flow_table {');
      assert.ok(await editor.edit((b) => b.replace(editor.document.lineAt(header).range, '@@ -10,6 +10,8 @@ struct flow_table {')));
      await waitForRule(uri, 'lock-leak');
      assert.equal(lockstepDiagnostics(uri).length, 1);
      await vscode.commands.executeCommand('workbench.action.files.save');
    });
  });
}
