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
  private readonly didSet = new vscode.EventEmitter<{ uri: vscode.Uri; text: string }>();
  /** Every state set for any document, with the text it shows (the test API logs them). */
  readonly onDidSet = this.didSet.event;

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
    this.didSet.dispose();
    this.item.dispose();
  }

  private set(uri: vscode.Uri, state: State): void {
    this.states.set(uri.toString(), state);
    if (vscode.window.activeTextEditor?.document.uri.toString() === uri.toString()) this.render();
    this.didSet.fire({ uri, text: StatusItem.present(state).join(' — ') });
  }

  /** The item's text and detail for a state (the detail may be empty). */
  private static present(s: State | undefined): [string, string?] {
    switch (s?.kind) {
      case 'done':
        return [`$(${s.count ? 'warning' : 'check'}) Lockstep: ${s.count} finding${s.count === 1 ? '' : 's'}`,
          `analysed ${s.at.toLocaleTimeString()} in ${s.ms.toFixed(0)} ms${s.incremental ? ' (incremental)' : ''}`];
      case 'skipped':
        return ['$(circle-slash) Lockstep: skipped', s.why];
      case 'error':
        return ['$(error) Lockstep: error', s.message];
      case 'disabled':
        return ['Lockstep: off', 'lockstep.enable is false'];
      case 'busy':
        return ['Lockstep: analysing'];
      default:
        return ['Lockstep'];
    }
  }

  private render(): void {
    const uri = vscode.window.activeTextEditor?.document.uri.toString();
    const s = uri ? this.states.get(uri) : undefined;
    this.item.busy = s?.kind === 'busy';
    this.item.severity = s?.kind === 'error' ? vscode.LanguageStatusSeverity.Error
      : s?.kind === 'skipped' ? vscode.LanguageStatusSeverity.Warning : vscode.LanguageStatusSeverity.Information;
    const [text, detail] = StatusItem.present(s);
    this.item.text = text;
    this.item.detail = detail;
  }
}
