// The simulator's webview panel: one at a time, opened beside the code. Every message from the webview is
// parsed (type and fields) before use; a bad one is dropped and logged. Runs go to a worker thread; the
// lines of the current step are lit in the listing next to the panel.
import * as vscode from 'vscode';
import { parseFromWebview, type FromWebview, type PanelCommand, type ToWebview } from '../../webview/messages';
import { protocolView } from './adapt';
import { simulatorCore } from './coreSeam';
import type { ListingHighlighter } from './decorations';
import { makeNonce, simulatorHtml } from './html';
import { ExplorerRun } from './runner';
import { cProtocolInfo, cProtocolName, cScenario, unmodelledWords } from './cPick';
import { HighlightScope } from './highlightScope';
import type { CRunRequest } from './simulateWith';
import type { CSourceJob, WorkerJob } from './workerProtocol';
import type { Unmodelled } from '../../core/extract/types';
import type { ProtocolInfo } from '../../webview/model';

export const VIEW_TYPE = 'lockstep.simulator';
/** workspaceState key: the C files this workspace's panel compiled (a reloaded panel may light them again). */
const SOURCES_KEY = 'lockstep.simulator.sources';

export interface PanelHost {
  context: vscode.ExtensionContext;
  log: vscode.LogOutputChannel;
  highlighter: ListingHighlighter;
}

export interface OpenOptions {
  protocol?: string;
  note?: string;
  /** Run two C functions ("Simulate with…"). */
  c?: CRunRequest;
}

/** The C functions the panel last compiled: runs and replays of that model go to them. */
interface CModel {
  name: string;
  source: CSourceJob;
  info: ProtocolInfo;
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
  private cModel: CModel | null = null;
  /** The webview has said 'ready' since it was (re)loaded: messages posted before that are lost. */
  private ready = false;
  /** The documents a `highlight` message may name: the protocols' listings and the C files compiled here. */
  private readonly scope: HighlightScope;

  static open(host: PanelHost, opts: OpenOptions): SimulatorPanel {
    const existing = SimulatorPanel.current;
    if (existing) {
      existing.options = opts;
      existing.panel.reveal(undefined, false);
      existing.sendInit();
      existing.startC();
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(VIEW_TYPE, 'Lockstep simulator',
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: false }, webviewOptions(host.context.extensionUri));
    const created = new SimulatorPanel(panel, host, opts);
    created.startC();
    return created;
  }

  /** Starts the C run the panel was opened for (once; later runs come from the webview's form). */
  private startC(): void {
    const c = this.options.c;
    if (!c) return;
    this.options = { ...this.options, c: undefined };
    const name = cProtocolName(c.source.uri, c.source.packet, c.source.put);
    this.scope.addSource(canonicalUri(c.source.uri));
    void this.host.context.workspaceState.update(SOURCES_KEY, this.scope.rememberedSources);
    this.cModel = { name, source: c.source, info: cProtocolInfo(c.source.uri, c.source.packet, c.source.put) };
    this.options.protocol = name;
    this.sendInit();
    const scenario = cScenario(name, c);
    this.start({ kind: 'exploreC', scenario, source: c.source });
    this.post({ type: 'running', replay: false });
  }

  /** Restores a panel VS Code kept across a reload; the webview restores its own state (getState). */
  static revive(panel: vscode.WebviewPanel, host: PanelHost): SimulatorPanel {
    SimulatorPanel.current?.dispose();
    panel.webview.options = webviewOptions(host.context.extensionUri);
    return new SimulatorPanel(panel, host, {});
  }

  private constructor(readonly panel: vscode.WebviewPanel, private readonly host: PanelHost, private options: OpenOptions) {
    SimulatorPanel.current = this;
    const remembered = host.context.workspaceState.get<unknown>(SOURCES_KEY);
    this.scope = new HighlightScope(
      simulatorCore.listProtocols().map((p) => canonicalUri(p.listingUri)),
      Array.isArray(remembered) ? remembered.filter((u): u is string => typeof u === 'string') : [],
    );
    void vscode.commands.executeCommand('setContext', 'lockstep.simulatorOpen', true);
    const icon = vscode.Uri.joinPath(host.context.extensionUri, 'media', 'simulator.svg');
    panel.iconPath = icon;
    panel.webview.html = this.html();
    this.disposables.push(
      panel.webview.onDidReceiveMessage((m: unknown) => this.receive(m)),
      panel.onDidDispose(() => this.dispose()),
      panel.onDidChangeViewState(() => {
        if (!panel.visible) this.ready = false;
      }),
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
    if (this.panel.visible && this.ready) this.post(m);
    else if (m.type !== 'progress') this.pending.push(m);
  }

  private sendInit(): void {
    let protocols: ToWebview & { type: 'init' };
    try {
      const list = simulatorCore.listProtocols().map(protocolView);
      if (this.cModel) list.push(this.cModel.info);
      protocols = { type: 'init', protocols: list, protocol: this.options.protocol ?? null, note: this.options.note ?? null };
    } catch (e) {
      this.host.log.error(`simulator: listing protocols failed: ${String(e)}`);
      protocols = { type: 'init', protocols: [], protocol: null, note: 'The simulator core could not list its protocols; see the Lockstep output.' };
    }
    if (protocols.protocols.length === 0 && protocols.note === null) {
      protocols.note = 'No protocols are available in this build of Lockstep.';
    }
    this.post(protocols);
  }

  /** Every message of the webview comes here (public for the extension-host tests' hook). */
  receive(raw: unknown): void {
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
        this.ready = true;
        this.sendInit();
        if (this.run?.running) this.post({ type: 'running', replay: this.runIsReplay });
        const pending = this.pending;
        this.pending = [];
        for (const p of pending) this.post(p);
        return;
      }
      case 'run':
        if (this.cModel && m.scenario.protocol === this.cModel.name) this.start({ kind: 'exploreC', scenario: m.scenario, source: this.cModel.source });
        else this.start({ kind: 'explore', scenario: m.scenario });
        return;
      case 'replay':
        // A schedule names its model first: `<file>:<packet>+<put>:<counts>:<steps>` for C functions.
        if (this.cModel && m.schedule.trim().startsWith(`${this.cModel.name}:`)) {
          this.start({ kind: 'exploreC', scenario: { ...m.scenario, protocol: this.cModel.name }, source: this.cModel.source, schedule: m.schedule });
        } else this.start({ kind: 'replay', scenario: m.scenario, schedule: m.schedule });
        return;
      case 'cancel':
        if (this.run?.running) {
          this.run.stop();
          this.post({ type: 'cancelled' });
        }
        return;
      case 'highlight': {
        const { marks } = m;
        const uri = m.uri === null ? null : canonicalUri(m.uri);
        if (uri !== null && !this.scope.allows(uri)) {
          this.host.log.warn(`simulator: refused to light ${m.uri!.slice(0, 200)}: not a listing or a C file this panel simulated`);
          return;
        }
        this.highlightChain = this.highlightChain.then(async () => {
          if (uri === null) this.host.highlighter.clear();
          else await this.host.highlighter.show(uri, marks, this.panel.viewColumn);
        }).catch((e: unknown) => this.host.log.warn(`simulator: could not show ${uri ?? 'the listing'}: ${String(e)}`));
        return;
      }
      case 'copy':
        vscode.env.clipboard.writeText(m.text).then(() => {
          // Said where the user is looking (the panel) and in the status bar.
          this.post({ type: 'copied' });
          vscode.window.setStatusBarMessage('Lockstep: schedule copied', 3000);
        }, (e: unknown) => this.host.log.warn(`simulator: could not copy the schedule: ${String(e)}`));
        return;
    }
  }

  private start(job: WorkerJob): void {
    this.run?.stop();
    const known = simulatorCore.listProtocols().some((p) => p.name === job.scenario.protocol);
    // A replayed schedule names its own protocol; the worker checks that one.
    if (job.kind === 'explore' && !known) {
      const c = /\.[ch]:\w+\+\w+$/.test(job.scenario.protocol);
      this.post({ type: 'runFailed', message: c ? `${job.scenario.protocol}: run "Simulate with…" on the C function again (the panel no longer holds that file's text)` : `unknown protocol "${job.scenario.protocol}"` });
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
      extracted: (model, unmodelled) => this.reportExtraction(model, unmodelled),
    });
  }

  /** What the C model could not represent: every item in the output channel, a summary in the panel. */
  private reportExtraction(model: string, unmodelled: Unmodelled[]): void {
    const file = model.slice(0, model.indexOf(':'));
    this.host.log.info(`simulator: compiled ${model}; ${unmodelled.length} thing(s) not modelled exactly`);
    for (const u of unmodelled) this.host.log.info(`simulator:   ${u.context} ${file}:${u.line + 1} ${u.reason}: ${u.text} — ${u.note}`);
    const shown = unmodelled.slice(0, 3).map((u) => `line ${u.line + 1}: ${unmodelledWords(u.reason)} (${u.text})`).join('; ');
    const note = unmodelled.length === 0
      ? `Compiled ${model} from your C: everything was modelled. Steps light lines of ${file}.`
      : `Compiled ${model} from your C. Not modelled exactly (${unmodelled.length}): ${shown}${unmodelled.length > 3 ? '; …' : ''} — the full list is in the Lockstep output.`;
    this.options = { ...this.options, note };
    if (this.panel.visible) this.sendInit();
  }

  /** Resolves when every `highlight` received so far has been shown (or refused). */
  highlightsDone(): Promise<void> {
    return this.highlightChain;
  }

  /** One of the editor's `lockstep.sim.*` commands: the panel steps as with its own keys. */
  command(command: PanelCommand): void {
    if (!this.panel.visible) this.panel.reveal(undefined, true);
    this.deliver({ type: 'command', command });
  }

  /** Posts a jump request for `line` of `uri` when that document is the one the panel is lighting. */
  jumpToLine(uri: vscode.Uri, line: number): boolean {
    if (this.host.highlighter.uri !== uri.toString()) return false;
    this.post({ type: 'jumpToLine', uri: uri.toString(), line });
    return true;
  }

  dispose(): void {
    if (SimulatorPanel.current === this) {
      SimulatorPanel.current = undefined;
      void vscode.commands.executeCommand('setContext', 'lockstep.simulatorOpen', false);
    }
    this.run?.stop();
    this.host.highlighter.clear();
    for (const d of this.disposables) d.dispose();
    this.disposables.length = 0;
    this.panel.dispose();
  }
}

/** VS Code's one spelling of a URI (percent-encoding, case of the scheme), so two spellings compare equal. */
function canonicalUri(uri: string): string {
  try {
    return vscode.Uri.parse(uri, true).toString();
  } catch {
    return `invalid:${uri}`;
  }
}
