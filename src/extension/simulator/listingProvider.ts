// Read-only documents for protocol listings: `lockstep-protocol:/seed-workflow.c` shows the listing of the
// `seed-workflow` protocol, whose line numbers are the ones the simulator's steps point at.
import * as vscode from 'vscode';
import { simulatorCore } from './coreSeam';

export const LISTING_SCHEME = 'lockstep-protocol';

export function protocolNameOf(uri: vscode.Uri): string {
  return uri.path.replace(/^\/+/, '').replace(/\.c$/, '');
}

export class ProtocolListingProvider implements vscode.TextDocumentContentProvider {
  provideTextDocumentContent(uri: vscode.Uri): string {
    const name = protocolNameOf(uri);
    const text = simulatorCore.protocolListing(name);
    if (text !== undefined) return text;
    const known = simulatorCore.listProtocols().map((p) => p.name).join(', ') || 'none available';
    return `/* Lockstep: there is no protocol named "${name.replace(/\*\//g, '* /')}". Known protocols: ${known}. */\n`;
  }
}
