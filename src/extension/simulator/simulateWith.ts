// "Simulate with…": the CodeLens / command on a C function asks for the other context (among the
// file's functions) and the scenario size, then runs the two functions in the simulator panel, whose
// steps light lines of that C document. The text comes from the open document (unsaved edits
// included), never from the disk.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { findProjectConfig } from '../../core/apis/config';
import { createCParser, distGrammarLocation } from '../../core/c/treeSitter';
import { functionNames } from '../../core/extract/extract';
import { COUNT_CHOICES, guessRole, otherContextCandidates, type CRole } from './cPick';
import type { CSourceJob } from './workerProtocol';

export interface CRunRequest {
  source: CSourceJob;
  packets: number;
  puts: number;
}

async function documentFor(uri: unknown): Promise<vscode.TextDocument | undefined> {
  const target = uri instanceof vscode.Uri ? uri : typeof uri === 'string' ? vscode.Uri.parse(uri) : vscode.window.activeTextEditor?.document.uri;
  if (!target) return undefined;
  return vscode.workspace.textDocuments.find((d) => d.uri.toString() === target.toString()) ?? vscode.workspace.openTextDocument(target);
}

async function listFunctions(extensionUri: vscode.Uri, text: string): Promise<string[]> {
  const parser = await createCParser(distGrammarLocation(vscode.Uri.joinPath(extensionUri, 'dist').fsPath));
  try {
    return functionNames(parser, text);
  } finally {
    parser.delete();
  }
}

/** Asks the questions; undefined when the user cancels or there is nothing to simulate. */
export async function askSimulateWith(extensionUri: vscode.Uri, uri: unknown, functionName: unknown, givenRole?: unknown): Promise<CRunRequest | undefined> {
  const doc = await documentFor(uri);
  if (!doc) {
    void vscode.window.showInformationMessage('Lockstep: open a C file to simulate one of its functions.');
    return undefined;
  }
  const text = doc.getText();
  const functions = await listFunctions(extensionUri, text);
  if (functions.length === 0) {
    void vscode.window.showInformationMessage(`Lockstep: ${path.basename(doc.uri.path)} defines no functions to simulate.`);
    return undefined;
  }
  let fn = typeof functionName === 'string' && functions.includes(functionName) ? functionName : undefined;
  if (fn === undefined) {
    fn = (await vscode.window.showQuickPick(functions, { title: 'Lockstep: Simulate with…', placeHolder: 'Function to simulate' }));
    if (fn === undefined) return undefined;
  }
  const guess = guessRole(fn);
  const roles: (vscode.QuickPickItem & { role: CRole })[] = [
    { label: `${fn} is the packet path`, description: 'run it as packet contexts', role: 'packet' },
    { label: `${fn} is the flow put / delete`, description: 'run it as put contexts', role: 'put' },
  ];
  if (guess === 'put') roles.reverse();
  // "Simulate this" on a finding already knows the role: the function that used the object is the packet path.
  const known = roles.find((r) => r.role === givenRole);
  const role = known ?? await vscode.window.showQuickPick(roles, { title: `Lockstep: Simulate ${fn} with… (1/3)`, placeHolder: 'Which context is this function?' });
  if (!role) return undefined;
  const other = await vscode.window.showQuickPick(otherContextCandidates(functions, fn, role.role), {
    title: `Lockstep: Simulate ${fn} with… (2/3)`,
    placeHolder: role.role === 'packet' ? 'The flow put / delete to run against it' : 'The packet path to run against it',
  });
  if (other === undefined) return undefined;
  const counts = await vscode.window.showQuickPick(COUNT_CHOICES.map((c) => ({ ...c })), { title: `Lockstep: Simulate ${fn} with… (3/3)`, placeHolder: 'How many contexts of each?' });
  if (!counts) return undefined;
  const [packet, put] = role.role === 'packet' ? [fn, other] : [other, fn];
  const configFile = doc.uri.scheme === 'file' ? findProjectConfig([doc.uri.fsPath]) ?? null : null;
  return {
    source: { uri: doc.uri.toString(), text, packet, put, grammar: distGrammarLocation(vscode.Uri.joinPath(extensionUri, 'dist').fsPath), configFile },
    packets: counts.packets,
    puts: counts.puts,
  };
}
