// Lights each context's current line in the listing (or C file) beside the panel: a gutter dot, a bar and a
// label in the context's colour, the debugger's current-line background on the line of the step just taken, and marks
// in the overview ruler. The editor is opened in the column next to the panel and scrolled to the line.
import * as vscode from 'vscode';
import { PALETTE_SIZE, type LineMark } from '../../webview/messages';

/** The same palette the webview's lanes use (`--vscode-charts-*`), so a context has one colour everywhere. */
export const CONTEXT_COLOURS = ['charts.blue', 'charts.orange', 'charts.green', 'charts.purple', 'charts.yellow', 'charts.red'] as const;

export class ListingHighlighter implements vscode.Disposable {
  private readonly laneTypes: vscode.TextEditorDecorationType[];
  private readonly currentType: vscode.TextEditorDecorationType;
  private readonly subscriptions: vscode.Disposable[] = [];
  private shown: { uri: string; marks: LineMark[] } | null = null;

  /** `media`: the folder holding lanes/lane-N.svg, the gutter dots in the same colours. */
  constructor(media: vscode.Uri) {
    if (CONTEXT_COLOURS.length !== PALETTE_SIZE) throw new Error('context palette sizes differ');
    this.laneTypes = CONTEXT_COLOURS.map((c, i) => vscode.window.createTextEditorDecorationType({
      gutterIconPath: vscode.Uri.joinPath(media, 'lanes', `lane-${i}.svg`),
      gutterIconSize: 'contain',
      isWholeLine: true,
      borderColor: new vscode.ThemeColor(c),
      borderStyle: 'solid',
      borderWidth: '0 0 0 3px',
      overviewRulerColor: new vscode.ThemeColor(c),
      overviewRulerLane: vscode.OverviewRulerLane.Left,
      after: { color: new vscode.ThemeColor(c), margin: '0 0 0 2em', fontStyle: 'italic' },
    }));
    this.currentType = vscode.window.createTextEditorDecorationType({
      isWholeLine: true,
      backgroundColor: new vscode.ThemeColor('editor.stackFrameHighlightBackground'),
    });
    // A listing editor closed and reopened (or moved) loses its decorations: put them back.
    this.subscriptions.push(vscode.window.onDidChangeVisibleTextEditors(() => this.apply(false)));
  }

  /** The URI whose lines are lit, or null. */
  get uri(): string | null {
    return this.shown?.uri ?? null;
  }

  async show(uri: string, marks: LineMark[], panelColumn: vscode.ViewColumn | undefined): Promise<void> {
    this.clearEditors(this.shown && this.shown.uri !== uri ? this.shown.uri : null);
    this.shown = { uri, marks };
    if (!this.editorsFor(uri).some((e) => e.viewColumn !== panelColumn)) {
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(uri, true));
      const viewColumn = panelColumn === undefined || panelColumn === vscode.ViewColumn.One ? vscode.ViewColumn.Two : panelColumn - 1;
      await vscode.window.showTextDocument(doc, { viewColumn, preserveFocus: true, preview: true });
    }
    this.apply(true);
  }

  clear(): void {
    if (this.shown) this.clearEditors(this.shown.uri);
    this.shown = null;
  }

  private editorsFor(uri: string): vscode.TextEditor[] {
    return vscode.window.visibleTextEditors.filter((e) => e.document.uri.toString() === uri);
  }

  private clearEditors(uri: string | null): void {
    if (uri === null) return;
    for (const e of this.editorsFor(uri)) {
      for (const t of this.laneTypes) e.setDecorations(t, []);
      e.setDecorations(this.currentType, []);
    }
  }

  private apply(reveal: boolean): void {
    if (!this.shown) return;
    const { uri, marks } = this.shown;
    for (const e of this.editorsFor(uri)) {
      const last = e.document.lineCount - 1;
      const range = (line: number): vscode.Range => e.document.lineAt(Math.min(line, last)).range;
      // Contexts on the same line share one label, so neither hides the other.
      const byLine = new Map<number, LineMark[]>();
      for (const m of marks) byLine.set(m.line, [...(byLine.get(m.line) ?? []), m]);
      this.laneTypes.forEach((t, colour) => {
        const opts: vscode.DecorationOptions[] = [];
        for (const m of marks) {
          if (m.colour !== colour) continue;
          const sharing = byLine.get(m.line)!;
          const first = sharing[0] === m;
          opts.push({
            range: range(m.line),
            hoverMessage: `${m.label}${m.current ? ' — made the current step' : ''}`,
            renderOptions: first ? { after: { contentText: `◀ ${sharing.map((x) => x.label).join(', ')}` } } : undefined,
          });
        }
        e.setDecorations(t, opts);
      });
      const current = marks.find((m) => m.current);
      e.setDecorations(this.currentType, current ? [range(current.line)] : []);
      const focus = current ?? marks[0];
      if (reveal && focus) e.revealRange(range(focus.line), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    }
  }

  dispose(): void {
    this.clear();
    for (const t of this.laneTypes) t.dispose();
    this.currentType.dispose();
    for (const s of this.subscriptions) s.dispose();
  }
}
