import type { ApiKnowledge } from '../core/apis/types';
import * as vscode from 'vscode';
import { AnalysisController } from './analysisController';
import { LockstepCodeActions, SHOW_RULE_DOC } from './codeActions';
import { LockstepCodeLens } from './codeLens';
import { FindingHover } from './findingHover';
import { C_SELECTOR } from './documents';
import { ProjectConfig } from './projectConfig';
import { showRuleDoc } from './ruleDocs';
import { registerPatchReview } from './patchReview/register';
import { registerSimulator } from './simulator/register';
import { SimulatorPanel } from './simulator/panel';
import { StatusItem } from './statusItem';
import { WorkspaceIndex, type IndexStats } from './workspaceIndex';
import { startWorker, type EarlyStart } from './workerStart';

/** What `activate` returns: read by the extension-host test suite, not a public API. */
export interface LockstepTestApi {
  statusText(): string;
  lastIndex(): IndexStats | undefined;
  /** Makes the worker's next check of `uri` at `minVersion` or later throw, hang or exit (crash-isolation tests). */
  injectFault(uri: vscode.Uri, kind: 'throw' | 'hang' | 'exit', minVersion?: number): Promise<void>;
  workerGeneration(): number;
  /**
   * Every status a document went through since activation (oldest first, the last 500), with how many
   * diagnostics it had at that moment: tests wait for an event that happened, even if a later check has
   * already replaced it.
   */
  statusLog(uri: vscode.Uri): { text: string; diagnostics: number }[];
  /**
   * Hands `message` to the open simulator panel as if its webview had posted it; resolves once the
   * lines it asked for are lit (false: no panel).
   */
  simulatorMessage(message: unknown): Promise<boolean>;
}

const STATUS_LOG_SIZE = 500;

export function activate(context: vscode.ExtensionContext, early: EarlyStart = startWorker(context)): LockstepTestApi {
  // The worker was started first (bootstrap.ts): it loads the C grammar while the rest registers.
  const { log, client, workerReady, t0 } = early;
  const collection = vscode.languages.createDiagnosticCollection('lockstep');
  const status = new StatusItem();
  const controller = new AnalysisController(client, collection, log, status, context.extensionUri);
  const index = new WorkspaceIndex(client, controller, log);
  const config = new ProjectConfig(log);
  const lenses = new LockstepCodeLens(controller);
  context.subscriptions.push(collection, status, controller, index, config, lenses);
  const statusLog: { uri: string; text: string; diagnostics: number }[] = [];
  context.subscriptions.push(status.onDidSet(({ uri, text }) => {
    statusLog.push({ uri: uri.toString(), text, diagnostics: collection.get(uri)?.length ?? 0 });
    if (statusLog.length > STATUS_LOG_SIZE) statusLog.splice(0, statusLog.length - STATUS_LOG_SIZE);
  }));

  let knowledge: ApiKnowledge | undefined;
  let defines: Record<string, string> | undefined;
  let reviewPatches: () => void = () => undefined;
  const configure = async (): Promise<void> => {
    const settings = await config.load();
    knowledge = settings.knowledge;
    defines = settings.defines;
    await client.request({ type: 'configure', knowledge, defines: settings.defines });
  };
  // Everything the worker knows is lost when it restarts: configuration first, then the index.
  client.onRestart(() => {
    configure().then(() => index.run(), (e: unknown) => log.error(`reconfiguring the restarted worker failed: ${String(e)}`));
  });

  context.subscriptions.push(
    vscode.languages.registerCodeActionsProvider(C_SELECTOR, new LockstepCodeActions(controller, () => knowledge), LockstepCodeActions.metadata),
    vscode.languages.registerCodeLensProvider(C_SELECTOR, lenses),
    vscode.languages.registerHoverProvider(C_SELECTOR, new FindingHover(controller)),
    vscode.commands.registerCommand('lockstep.analyzeWorkspace', () => index.run(vscode.ProgressLocation.Notification)),
    vscode.commands.registerCommand('lockstep.showOutput', () => log.show(true)),
    vscode.commands.registerCommand(SHOW_RULE_DOC, (rule: unknown) => showRuleDoc(context.extensionUri, rule)),
    // Trust granted: the workspace's lockstep.configFile and lockstep.maxFileSize now count (settings.ts).
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      void configure().then(() => index.run());
      controller.recheckOpen();
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration('lockstep')) return;
      log.info('settings changed');
      if (e.affectsConfiguration('lockstep.configFile') || e.affectsConfiguration('lockstep.exclude') || e.affectsConfiguration('lockstep.enable')) {
        void configure().then(() => index.run());
      }
      controller.republishAll();
      controller.recheckOpen();
      lenses.refresh();
    }),
  );
  const configUri = config.configUri();
  if (configUri) {
    const folder = vscode.workspace.getWorkspaceFolder(configUri);
    const watcher = vscode.workspace.createFileSystemWatcher(
      folder ? new vscode.RelativePattern(folder, vscode.workspace.asRelativePath(configUri, false)) : configUri.fsPath,
    );
    // Open patches are reviewed again too: they use the same knowledge and defines.
    const reload = (): void => void configure().then(() => {
      reviewPatches();
      return index.run();
    });
    context.subscriptions.push(watcher, watcher.onDidChange(reload), watcher.onDidCreate(reload), watcher.onDidDelete(reload));
  }

  registerSimulator({ context, log });
  reviewPatches = registerPatchReview({ context, log, knowledge: () => knowledge, defines: () => defines });

  const firstConfig = config.load(); // read while the worker starts
  workerReady.then(
    async () => {
      const settings = await firstConfig;
      knowledge = settings.knowledge;
      defines = settings.defines;
      reviewPatches(); // a patch opened before the config was read
      // A fresh worker has the built-in knowledge already: configuring it again would only throw away the
      // first check it may have made meanwhile (and make it again, competing with the squiggles' drawing).
      if (!settings.builtinOnly) await client.request({ type: 'configure', knowledge, defines: settings.defines });
      log.info(`analysis worker ready in ${Date.now() - t0} ms`);
      // Configured: check what is open now (the worker warms itself up meanwhile, see warmUp.ts), then the rest.
      controller.recheckOpen();
      await controller.whenIdle();
      await index.run();
    },
    (e: unknown) => log.error(`the analysis worker did not start: ${e instanceof Error ? e.message : String(e)}`),
  );

  log.info(`activated in ${Date.now() - t0} ms`);
  return {
    statusText: () => status.text,
    lastIndex: () => index.last,
    injectFault: async (uri, kind, minVersion) => {
      await client.request({ type: 'fault', uri: uri.toString(), kind, minVersion });
    },
    workerGeneration: () => client.generation,
    statusLog: (uri) => statusLog.filter((e) => e.uri === uri.toString()).map(({ text, diagnostics }) => ({ text, diagnostics })),
    simulatorMessage: async (message) => {
      const panel = SimulatorPanel.current;
      if (!panel) return false;
      panel.receive(message);
      await panel.highlightsDone();
      return true;
    },
  };
}

export function deactivate(): void {
  // Disposables registered on the context (worker, watchers, providers) are released by VS Code.
}
