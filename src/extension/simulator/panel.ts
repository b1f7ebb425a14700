// The simulator's webview panel: one at a time, opened beside the code. Every message from the webview is
// parsed (type and fields) before use; a bad one is dropped and logged. Runs go to a worker thread; the
// lines of the current step are lit in the listing next to the panel.
import * as vscode from 'vscode';
import { parseFromWebview, type FromWebview, type ToWebview } from '../../webview/messages';
import { protocolView } from './adapt';
import { simulatorCore } from './coreSeam';
import type { ListingHighlighter } from './decorations';
import { makeNonce, simulatorHtml } from './html';
import { ExplorerRun } from './runner';
import type { WorkerJob } from './workerProtocol';

export const VIEW_TYPE = 'lockstep.simulator';

export interface PanelHost {
  context: vscode.ExtensionContext;
  log: vscode.LogOutputChannel;
  highlighter: ListingHighlighter;
}

export interface OpenOptions {
  protocol?: string;
  note?: string;
}

export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

export class SimulatorPanel implements vscode.Disposable {
  static current: SimulatorPanel | undefined;

  private run: ExplorerRun | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private highlightChain: Promise<void> = Promise.resolve();
  private pending: ToWebview[] = [];
  private runIsReplay = false;

  static open(host: PanelHost, opts: OpenOptions): SimulatorPanel {
    const existing = SimulatorPanel.current;
    if (existing) {
      existing.options = opts;
      existing.panel.reveal(undefined, false);
      existing.sendInit();
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(VIEW_TYPE, 'Lockstep simulator',
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: false }, webviewOptions(host.context.extensionUri));
    return new SimulatorPanel(panel, host, opts);
  }

  /** Restores a panel VS Code kept across a reload; the webview restores its own state (getState). */
  static revive(panel: vscode.WebviewPanel, host: PanelHost): SimulatorPanel {
    SimulatorPanel.current?.dispose();
    panel.webview.options = webviewOptions(host.context.extensionUri);
    return new SimulatorPanel(panel, host, {});
  }

  private constructor(readonly panel: vscode.WebviewPanel, private readonly host: PanelHost, private options: OpenOptions) {
    SimulatorPanel.current = this;
    const icon = vscode.Uri.joinPath(host.context.extensionUri, 'media', 'simulator.svg');
    panel.iconPath = icon;
    panel.webview.html = this.html();
    this.disposables.push(
      panel.webview.onDidReceiveMessage((m: unknown) => this.receive(m)),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  private html(): string {
    const w = this.panel.webview;
    const root = this.host.context.extensionUri;
    return simulatorHtml({
      cspSource: w.cspSource,
      nonce: makeNonce(),
      scriptUri: w.asWebviewUri(vscode.Uri.joinPath(root, 'dist', 'webview.js')).toString(),
      styleUri: w.asWebviewUri(vscode.Uri.joinPath(root, 'media', 'simulator.css')).toString(),
      codiconUri: w.asWebviewUri(vscode.Uri.joinPath(root, 'dist', 'codicons', 'codicon.css')).toString(),
    });
  }

  post(m: ToWebview): void {
    void this.panel.webview.postMessage(m);
  }

  /**
   * A hidden webview is torn down (its state kept by setState) and a message posted to it is lost:
   * outcomes of a run are kept until the webview is back and says it is ready.
   */
  private deliver(m: ToWebview): void {
    if (this.panel.visible) this.post(m);
    else if (m.type !== 'progress') this.pending.push(m);
  }

  private sendInit(): void {
    let protocols: ToWebview & { type: 'init' };
    try {
      protocols = { type: 'init', protocols: simulatorCore.listProtocols().map(protocolView), protocol: this.options.protocol ?? null, note: this.options.note ?? null };
    } catch (e) {
      this.host.log.error(`simulator: listing protocols failed: ${String(e)}`);
      protocols = { type: 'init', protocols: [], protocol: null, note: 'The simulator core could not list its protocols; see the Lockstep output.' };
    }
    if (protocols.protocols.length === 0 && protocols.note === null) {
      protocols.note = 'No protocols are available in this build of Lockstep.';
    }
    this.post(protocols);
  }

  private receive(raw: unknown): void {
    const parsed = parseFromWebview(raw);
    if (!parsed.ok) {
      this.host.log.warn(`simulator: dropped a message from the webview: ${parsed.error}`);
      return;
    }
    this.handle(parsed.message);
  }

  private handle(m: FromWebview): void {
    switch (m.type) {
      case 'ready': {
        this.sendInit();
        if (this.run?.running) this.post({ type: 'running', replay: this.runIsReplay });
        const pending = this.pending;
        this.pending = [];
        for (const p of pending) this.post(p);
        return;
      }
      case 'run':
        this.start({ kind: 'explore', scenario: m.scenario });
        return;
      case 'replay':
        this.start({ kind: 'replay', scenario: m.scenario, schedule: m.schedule });
        return;
      case 'cancel':
        if (this.run?.running) {
          this.run.stop();
          this.post({ type: 'cancelled' });
        }
        return;
      case 'highlight': {
        const { uri, marks } = m;
        this.highlightChain = this.highlightChain.then(async () => {
          if (uri === null) this.host.highlighter.clear();
          else await this.host.highlighter.show(uri, marks, this.panel.viewColumn);
        }).catch((e: unknown) => this.host.log.warn(`simulator: could not show ${uri ?? 'the listing'}: ${String(e)}`));
        return;
      }
      case 'copy':
        void vscode.env.clipboard.writeText(m.text).then(() => vscode.window.setStatusBarMessage('Lockstep: schedule copied', 3000));
        return;
    }
  }

  private start(job: WorkerJob): void {
    this.run?.stop();
    const known = simulatorCore.listProtocols().some((p) => p.name === job.scenario.protocol);
    // A replayed schedule names its own protocol; the worker checks that one.
    if (job.kind === 'explore' && !known) {
      this.post({ type: 'runFailed', message: `unknown protocol "${job.scenario.protocol}"` });
      return;
    }
    const workerFile = vscode.Uri.joinPath(this.host.context.extensionUri, 'dist', 'simWorker.js').fsPath;
    this.host.log.info(`simulator: ${job.kind} ${JSON.stringify(job.scenario)}`);
    this.pending = [];
    this.runIsReplay = job.kind === 'replay';
    this.run = new ExplorerRun(workerFile, job, {
      progress: (progress) => this.deliver({ type: 'progress', progress }),
      result: (result) => {
        this.host.log.info(`simulator: ${result.protocol} ${result.verdict}, ${result.stats.states} states in ${Math.round(result.stats.ms)} ms`);
        this.deliver({ type: 'result', result });
      },
      costs: (costs) => this.deliver({ type: 'costs', costs }),
      failed: (message) => {
        this.host.log.warn(`simulator: run failed: ${message}`);
        this.deliver({ type: 'runFailed', message });
      },
    });
  }

  /** Posts a jump request for `line` of `uri` when that document is the one the panel is lighting. */
  jumpToLine(uri: vscode.Uri, line: number): boolean {
    if (this.host.highlighter.uri !== uri.toString()) return false;
    this.post({ type: 'jumpToLine', uri: uri.toString(), line });
    return true;
  }

  dispose(): void {
    if (SimulatorPanel.current === this) SimulatorPanel.current = undefined;
    this.run?.stop();
    this.host.highlighter.clear();
    for (const d of this.disposables) d.dispose();
    this.disposables.length = 0;
    this.panel.dispose();
  }
}
