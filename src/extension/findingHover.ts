import * as vscode from 'vscode';
import type { Finding } from '../core/findings';
import type { SourceRange } from '../core/source';
import type { AnalysisController } from './analysisController';
import { SHOW_RULE_DOC } from './codeActions';
import { explainingSteps } from './diagnosticText';
import { toRange } from './diagnostics';
import { readSettings } from './settings';

/**
 * The hover over a finding: its full text as the rule wrote it (Markdown: code as code, nothing cut),
 * a link to the rule's page, and the places that explain it as links to their lines. The diagnostic's
 * own message stays plain (the Problems panel shows it as text); this is where the Markdown goes.
 */
export class FindingHover implements vscode.HoverProvider {
  constructor(private readonly controller: AnalysisController) {}

  provideHover(doc: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const overrides = readSettings(doc).severity;
    const here = this.controller.shownFindings(doc.uri)
      .filter((f) => overrides[f.ruleId] !== 'off' && toRange(f.range).contains(position));
    if (here.length === 0) return undefined;
    const md = new vscode.MarkdownString(undefined, true);
    md.isTrusted = { enabledCommands: [SHOW_RULE_DOC] };
    here.forEach((f, i) => {
      if (i > 0) md.appendMarkdown('\n\n---\n\n');
      appendFinding(md, f, doc.uri);
    });
    return new vscode.Hover(md, toRange(here[0]!.range));
  }
}

function appendFinding(md: vscode.MarkdownString, f: Finding, docUri: vscode.Uri): void {
  const args = encodeURIComponent(JSON.stringify([f.ruleId]));
  md.appendMarkdown(`**Lockstep** · [${f.ruleId}](command:${SHOW_RULE_DOC}?${args} "Open the rule's page")\n\n`);
  md.appendMarkdown(`${escapeOutsideCode(f.message)}\n`);
  const places = [...f.related, ...explainingSteps(f)];
  if (places.length === 0) return;
  md.appendMarkdown('\n');
  for (const p of places) md.appendMarkdown(`- ${lineLink(p.uri ? vscode.Uri.parse(p.uri) : docUri, p.range)} ${escapeOutsideCode(p.message)}\n`);
}

/** `[line 12](file:///…#L12)`: opens that line (other files too, for lock-order cycles). */
function lineLink(uri: vscode.Uri, r: SourceRange): string {
  const line = r.start.line + 1;
  const file = uri.scheme === 'untitled' ? '' : `${uri.path.split('/').pop()}:`;
  return `[${file}${line}](${uri.with({ fragment: `L${line}` }).toString()})`;
}

/**
 * Escapes the Markdown that plain words could trigger; code spans (the rules' `names`) stay code.
 * (`_` inside a word such as spin_lock is not emphasis in CommonMark: left alone, it reads as written.)
 */
function escapeOutsideCode(text: string): string {
  return text.split(/(`[^`]*`)/).map((part, i) => (i % 2 === 1 ? part : part.replace(/[\\*[\]<>#|]/g, '\\$&'))).join('');
}
