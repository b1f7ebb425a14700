import * as vscode from 'vscode';
import { C_SELECTOR } from './documents';

type State =
  | { kind: 'busy' }
  | { kind: 'done'; count: number; ms: number; at: Date; incremental: boolean }
  | { kind: 'skipped'; why: string }
  | { kind: 'error'; message: string }
  | { kind: 'disabled' };

/**
 * The language status item of C files: the active document's finding count and when it was last
 * analysed (how long it took), or why it was skipped or failed. Clicking opens the "Lockstep" log.
 */
export class StatusItem implements vscode.Disposable {
  private readonly item: vscode.LanguageStatusItem;
  private readonly states = new Map<string, State>();
  private readonly sub: vscode.Disposable;

  constructor() {
    this.item = vscode.languages.createLanguageStatusItem('lockstep.status', C_SELECTOR);
    this.item.name = 'Lockstep';
    this.item.command = { title: 'Show output', command: 'lockstep.showOutput' };
    this.item.text = 'Lockstep';
    this.sub = vscode.window.onDidChangeActiveTextEditor(() => this.render());
  }

  busy(uri: vscode.Uri): void {
    this.set(uri, { kind: 'busy' });
  }

  done(uri: vscode.Uri, count: number, ms: number, incremental: boolean): void {
    this.set(uri, { kind: 'done', count, ms, at: new Date(), incremental });
  }

  skipped(uri: vscode.Uri, why: string): void {
    this.set(uri, { kind: 'skipped', why });
  }

  error(uri: vscode.Uri, message: string): void {
    this.set(uri, { kind: 'error', message });
  }

  disabled(uri: vscode.Uri): void {
    this.set(uri, { kind: 'disabled' });
  }

  /** The text shown now (tests read it through the `lockstep.statusText` command). */
  get text(): string {
    return `${this.item.text}${this.item.detail ? ` — ${this.item.detail}` : ''}`;
  }

  dispose(): void {
    this.sub.dispose();
    this.item.dispose();
  }

  private set(uri: vscode.Uri, state: State): void {
    this.states.set(uri.toString(), state);
    if (vscode.window.activeTextEditor?.document.uri.toString() === uri.toString()) this.render();
  }

  private render(): void {
    const uri = vscode.window.activeTextEditor?.document.uri.toString();
    const s = uri ? this.states.get(uri) : undefined;
    this.item.busy = s?.kind === 'busy';
    this.item.severity = s?.kind === 'error' ? vscode.LanguageStatusSeverity.Error
      : s?.kind === 'skipped' ? vscode.LanguageStatusSeverity.Warning : vscode.LanguageStatusSeverity.Information;
    switch (s?.kind) {
      case 'done':
        this.item.text = `$(${s.count ? 'warning' : 'check'}) Lockstep: ${s.count} finding${s.count === 1 ? '' : 's'}`;
        this.item.detail = `analysed ${s.at.toLocaleTimeString()} in ${s.ms.toFixed(0)} ms${s.incremental ? ' (incremental)' : ''}`;
        break;
      case 'skipped':
        this.item.text = '$(circle-slash) Lockstep: skipped';
        this.item.detail = s.why;
        break;
      case 'error':
        this.item.text = '$(error) Lockstep: error';
        this.item.detail = s.message;
        break;
      case 'disabled':
        this.item.text = 'Lockstep: off';
        this.item.detail = 'lockstep.enable is false';
        break;
      case 'busy':
        this.item.text = 'Lockstep: analysing';
        this.item.detail = undefined;
        break;
      default:
        this.item.text = 'Lockstep';
        this.item.detail = undefined;
    }
  }
}
