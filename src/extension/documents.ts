import * as vscode from 'vscode';
import { readSettings } from './settings';

/** Schemes whose documents are views of something else (diffs, output, the simulator's listing). */
const SKIPPED_SCHEMES = new Set(['git', 'output', 'vscode-scm', 'comment', 'lockstep-protocol', 'lockstep-patch', 'debug']);

/** `.h` files open as C++ in VS Code by default: they are C here when they are headers of C code. */
export const C_SELECTOR: vscode.DocumentSelector = [
  { language: 'c' },
  { language: 'cpp', pattern: '**/*.h' },
];

/**
 * Whether Lockstep analyses this document: C (or a `.h` header), a scheme that is a real file
 * (any file system provider: `file`, `vscode-remote`, `vscode-vfs`, `untitled` …), enabled, and
 * not matched by `lockstep.exclude`. Documents are read through the VS Code API, never from disk.
 */
export function isLockstepDocument(doc: vscode.TextDocument): boolean {
  if (SKIPPED_SCHEMES.has(doc.uri.scheme)) return false;
  if (vscode.languages.match(C_SELECTOR, doc) === 0) return false;
  const settings = readSettings(doc);
  if (!settings.enable) return true; // still "ours": the controller clears what it showed
  return !settings.exclude.some((glob) => vscode.languages.match({ pattern: glob }, doc) > 0);
}
