// Lights each context's current line in the listing (or C file) beside the panel: a gutter mark (the
// context's colour, its number, a circle for a packet and a square for a put), a bar, a label after the
// line when the line leaves room for it in a beside-the-panel editor, a hover that names every context on
// the line, the debugger's current-line background on the line of the step just taken, and marks in the
// overview ruler. The listing never opens over the user's editors: it goes to its own group beside the panel.
import * as vscode from 'vscode';
import { PALETTE_SIZE, type LineMark } from '../../webview/messages';
import { gutterMarkSvg, labelFits, markHover } from './lineMarks';

/** The same palette the webview's lanes use (`--vscode-charts-*`), so a context has one colour everywhere. */
export const CONTEXT_COLOURS = ['charts.blue', 'charts.orange', 'charts.green', 'charts.purple', 'charts.yellow', 'charts.red'] as const;

export class ListingHighlighter implements vscode.Disposable {
  private readonly laneTypes: vscode.TextEditorDecorationType[];
  /** Gutter marks by colour, role and number, made when first needed. */
  private readonly gutterTypes = new Map<string, vscode.TextEditorDecorationType>();
  private readonly currentType: vscode.TextEditorDecorationType;
  private readonly subscriptions: vscode.Disposable[] = [];
  private readonly changed = new vscode.EventEmitter<string | null>();
  private shown: { uri: string; marks: LineMark[] } | null = null;
  /** Fires with the uri whose lines are lit (null: none), for the `lockstep.simulatorListing` context key. */
  readonly onDidChangeListing = this.changed.event;

  constructor() {
    if (CONTEXT_COLOURS.length !== PALETTE_SIZE) throw new Error('context palette sizes differ');
    this.laneTypes = CONTEXT_COLOURS.map((c) => vscode.window.createTextEditorDecorationType({
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
    this.subscriptions.push(vscode.window.onDidChangeVisibleTextEditors(() => this.apply(false)), this.changed);
  }

  /** The URI whose lines are lit, or null. */
  get uri(): string | null {
    return this.shown?.uri ?? null;
  }

  async show(uri: string, marks: LineMark[], panelColumn: vscode.ViewColumn | undefined): Promise<void> {
    this.clearEditors(this.shown && this.shown.uri !== uri ? this.shown.uri : null);
    const before = this.shown?.uri ?? null;
    // A protocol listing we opened is ours to close when the panel moves on to another document
    // (a C file's own lines): it would only take a column from the code.
    if (before !== null && before !== uri && before.startsWith('lockstep-protocol:')) await closeTabsOf(before);
    this.shown = { uri, marks };
    if (before !== uri) this.changed.fire(uri);
    if (!this.editorsFor(uri).some((e) => e.viewColumn !== panelColumn)) {
      // A tab of it may exist without being visible yet (a window reload restores editors after the panel):
      // show that one rather than open a second copy in another group.
      const tab = vscode.window.tabGroups.all.find((g) => g.viewColumn !== panelColumn && g.tabs.some((t) => tabUri(t) === uri));
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(uri, true));
      await vscode.window.showTextDocument(doc, { viewColumn: tab?.viewColumn ?? listingColumn(panelColumn), preserveFocus: true, preview: true });
    }
    this.apply(true);
  }

  clear(): void {
    if (this.shown) this.clearEditors(this.shown.uri);
    const had = this.shown !== null;
    this.shown = null;
    if (had) this.changed.fire(null);
  }

  private editorsFor(uri: string): vscode.TextEditor[] {
    return vscode.window.visibleTextEditors.filter((e) => e.document.uri.toString() === uri);
  }

  private clearEditors(uri: string | null): void {
    if (uri === null) return;
    for (const e of this.editorsFor(uri)) {
      for (const t of [...this.laneTypes, ...this.gutterTypes.values()]) e.setDecorations(t, []);
      e.setDecorations(this.currentType, []);
    }
  }

  private gutterType(colour: number, label: string): vscode.TextEditorDecorationType {
    const svg = gutterMarkSvg(colour, label);
    let t = this.gutterTypes.get(svg);
    if (!t) {
      t = vscode.window.createTextEditorDecorationType({
        gutterIconPath: vscode.Uri.parse(`data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`),
        gutterIconSize: 'contain',
      });
      this.gutterTypes.set(svg, t);
    }
    return t;
  }

  private apply(reveal: boolean): void {
    if (!this.shown) return;
    const { uri, marks } = this.shown;
    for (const e of this.editorsFor(uri)) {
      const last = e.document.lineCount - 1;
      const lineOf = (line: number): vscode.TextLine => e.document.lineAt(Math.min(line, last));
      const tabSize = typeof e.options.tabSize === 'number' ? e.options.tabSize : 4;
      // Contexts on the same line share one label and one hover, so neither hides the other.
      const byLine = new Map<number, LineMark[]>();
      for (const m of marks) byLine.set(m.line, [...(byLine.get(m.line) ?? []), m]);
      const gutter = new Map<vscode.TextEditorDecorationType, vscode.Range[]>();
      for (const t of this.gutterTypes.values()) gutter.set(t, []);
      this.laneTypes.forEach((t, colour) => {
        const opts: vscode.DecorationOptions[] = [];
        for (const m of marks) {
          if (m.colour !== colour) continue;
          const sharing = byLine.get(m.line)!;
          const first = sharing[0] === m;
          const line = lineOf(m.line);
          const label = `◀ ${sharing.map((x) => x.label).join(', ')}`;
          opts.push({
            range: line.range,
            hoverMessage: first ? markHover(sharing) : undefined,
            renderOptions: first && labelFits(line.text, label, tabSize) ? { after: { contentText: label } } : undefined,
          });
          // One gutter mark per line: the context that made the current step wins, else the first.
          if (m === (sharing.find((x) => x.current) ?? sharing[0])) {
            const g = this.gutterType(m.colour, m.label);
            gutter.set(g, [...(gutter.get(g) ?? []), line.range]);
          }
        }
        e.setDecorations(t, opts);
      });
      for (const [t, ranges] of gutter) e.setDecorations(t, ranges);
      const current = marks.find((m) => m.current);
      e.setDecorations(this.currentType, current ? [lineOf(current.line).range] : []);
      const focus = current ?? marks[0];
      // The line's start, not its whole range: revealing a long line's end would scroll the listing sideways.
      if (reveal && focus) {
        const at = lineOf(focus.line).range.start;
        e.revealRange(new vscode.Range(at, at), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
      }
    }
  }

  dispose(): void {
    this.clear();
    for (const t of [...this.laneTypes, ...this.gutterTypes.values()]) t.dispose();
    this.currentType.dispose();
    for (const s of this.subscriptions) s.dispose();
  }
}

function tabUri(t: vscode.Tab): string | undefined {
  return t.input instanceof vscode.TabInputText ? t.input.uri.toString() : undefined;
}

/** Closes the tabs of `uri`; a group left with nothing else goes too (it was the listing's). */
async function closeTabsOf(uri: string): Promise<void> {
  const isListing = (t: vscode.Tab): boolean => tabUri(t) === uri;
  for (const g of vscode.window.tabGroups.all) {
    const ours = g.tabs.filter(isListing);
    if (ours.length === 0) continue;
    if (ours.length === g.tabs.length) await vscode.window.tabGroups.close(g, true);
    else await vscode.window.tabGroups.close(ours, true);
  }
}

/**
 * Where a listing that is not open yet goes: the group of another listing of ours if one is visible,
 * else the group right of the panel (a new group when there is none, as VS Code makes it for a column
 * past the last). Never the user's editor group the panel was opened beside.
 */
function listingColumn(panelColumn: vscode.ViewColumn | undefined): vscode.ViewColumn {
  const ours = vscode.window.tabGroups.all.find((g) => g.viewColumn !== panelColumn && g.tabs.some((t) => tabUri(t)?.startsWith('lockstep-protocol:')));
  if (ours) return ours.viewColumn;
  if (panelColumn === undefined) return vscode.ViewColumn.Beside;
  const all = vscode.window.tabGroups.all;
  const right = panelColumn + 1;
  // An empty group right of the panel (a window reload leaves the listing's group without its tab) is
  // the place; one that holds the user's files is not: then a new group after the last one.
  const there = all.find((g) => g.viewColumn === right);
  if (there && there.tabs.length > 0) return Math.max(...all.map((g) => g.viewColumn)) + 1;
  return right;
}
