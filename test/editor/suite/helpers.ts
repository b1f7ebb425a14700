import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { LockstepTestApi } from '../../../src/extension/extension';

export const EXTENSION_ID = 'lockstep-dev.lockstep';

export async function lockstepApi(): Promise<LockstepTestApi> {
  const ext = vscode.extensions.getExtension<LockstepTestApi>(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is installed`);
  return ext.isActive ? ext.exports : ext.activate();
}

export function folder(): vscode.Uri {
  const f = vscode.workspace.workspaceFolders?.[0];
  assert.ok(f, 'the suite runs with a workspace folder');
  return f.uri;
}

export function wsUri(rel: string): vscode.Uri {
  return vscode.Uri.joinPath(folder(), ...rel.split('/'));
}

/**
 * A ceiling for every wait: it only catches a hang. Tests wait on conditions, never on speed, and a
 * loaded 2-core machine can take many seconds for what takes milliseconds when it is idle.
 */
export const HANG_CEILING_MS = 120_000;

/** Polls until `probe` returns something truthy; fails naming `what` after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => T | undefined | null | false, timeoutMs = HANG_CEILING_MS): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(100);
  }
}

/** Like waitFor, for a value that takes a command round trip to read (CodeLens, hovers). */
export async function waitForAsync<T>(what: string, read: () => Thenable<T>, done: (v: T) => boolean, timeoutMs = HANG_CEILING_MS): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (done(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${JSON.stringify(v)?.slice(0, 400)})`);
    await sleep(100);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export function lockstepDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'lockstep');
}

export function ruleOf(d: vscode.Diagnostic): string {
  return typeof d.code === 'object' ? String(d.code.value) : String(d.code);
}

export async function waitForRule(uri: vscode.Uri, rule: string, timeoutMs?: number): Promise<vscode.Diagnostic> {
  return waitFor(`a ${rule} diagnostic in ${uri.path}`, () => lockstepDiagnostics(uri).find((d) => ruleOf(d) === rule), timeoutMs);
}

export async function waitForNone(uri: vscode.Uri, rule: string, timeoutMs?: number): Promise<void> {
  await waitFor(`no ${rule} diagnostic in ${uri.path}`, () => !lockstepDiagnostics(uri).some((d) => ruleOf(d) === rule), timeoutMs);
}

let scratchCount = 0;

/** Writes a new file under scratch/ (through the VS Code file system API) and opens it in an editor. */
export async function openScratch(name: string, text: string): Promise<vscode.TextEditor> {
  const uri = wsUri(`scratch/${scratchCount++}-${name}`);
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
  const doc = await vscode.workspace.openTextDocument(uri);
  return vscode.window.showTextDocument(doc);
}

/**
 * An untitled C document (never on disk): no file watcher or workspace index ever reads it, so a test
 * hook aimed at it (injectFault) can only be consumed by the editor's own check of it.
 */
export async function openUntitled(text: string): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument({ language: 'c', content: text });
  return vscode.window.showTextDocument(doc);
}

export async function setSetting(key: string, value: unknown, scope?: vscode.Uri): Promise<void> {
  await vscode.workspace.getConfiguration('lockstep', scope).update(key, value, vscode.ConfigurationTarget.Workspace);
}

export async function closeAll(): Promise<void> {
  // Untitled documents are dirty: closing them would ask to save. Revert them first.
  for (const doc of vscode.workspace.textDocuments.filter((d) => d.uri.scheme === 'untitled' && d.isDirty)) {
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  }
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

/** The fixture, formatted: the early return leaks the spin lock. */
export const LEAK = 'int f(spinlock_t *l, int x)\n{\n\tspin_lock(l);\n\tif (x)\n\t\treturn -1;\n\tspin_unlock(l);\n\treturn 0;\n}\n';
export const LEAK_FIXED = 'int f(spinlock_t *l, int x)\n{\n\tspin_lock(l);\n\tif (x) {\n\t\tspin_unlock(l);\n\t\treturn -1;\n\t}\n\tspin_unlock(l);\n\treturn 0;\n}\n';
