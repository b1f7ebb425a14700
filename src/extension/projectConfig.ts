import * as vscode from 'vscode';
import { builtinKnowledge } from '../core/apis/builtin';
import { ConfigError, MAX_CONFIG_BYTES, mergeKnowledge, parseProjectConfig } from '../core/apis/config';
import type { ApiKnowledge } from '../core/apis/types';
import { readSettings } from './settings';

/** What the analysis takes from the project: API knowledge and the macros for `#if`/`#ifdef`. */
export interface ProjectSettings {
  knowledge: ApiKnowledge;
  /** lockstep.json `defines` (name → value as a string, as `-DNAME=VALUE`); empty without a config. */
  defines: Record<string, string>;
  /** True when this is the built-in knowledge alone, no defines (what a fresh worker already has). */
  builtinOnly?: boolean;
}

function builtinOnly(): ProjectSettings {
  return { knowledge: builtinKnowledge(), defines: {}, builtinOnly: true };
}

/**
 * The project's API knowledge: built-in plus the `lockstep.json` (setting `lockstep.configFile`)
 * of the first workspace folder, read through the VS Code file system API, and its `defines`. A bad
 * config becomes one diagnostic in that file, and analysis goes on with the built-in knowledge.
 */
export class ProjectConfig implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('lockstep-config');

  constructor(private readonly log: vscode.LogOutputChannel) {}

  /** The config file that applies (it may not exist). */
  configUri(): vscode.Uri | undefined {
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!folder) return undefined;
    const name = readSettings(folder.uri).configFile;
    return /^([a-z]:)?[\\/]/i.test(name) ? vscode.Uri.file(name) : vscode.Uri.joinPath(folder.uri, name);
  }

  async load(): Promise<ProjectSettings> {
    const uri = this.configUri();
    this.collection.clear();
    if (!uri) return builtinOnly();
    let text: string;
    try {
      // A repository may plant `lockstep.json -> /dev/zero` or a FIFO: read regular files of bounded size only.
      const st = await vscode.workspace.fs.stat(uri);
      if ((st.type & vscode.FileType.File) === 0 || st.size > MAX_CONFIG_BYTES) {
        this.log.error(`${vscode.workspace.asRelativePath(uri)}: ${(st.type & vscode.FileType.File) === 0 ? 'not a regular file' : `${st.size} bytes, over the ${MAX_CONFIG_BYTES}-byte limit`}; analysing with the built-in knowledge`);
        return builtinOnly();
      }
      text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    } catch {
      return builtinOnly(); // no config file: built-in knowledge only
    }
    try {
      const parsed = parseProjectConfig(text, vscode.workspace.asRelativePath(uri));
      const knowledge = mergeKnowledge(builtinKnowledge(), parsed);
      const defines = Object.fromEntries(Object.entries(parsed.defines ?? {}).map(([k, v]) => [k, String(v)]));
      const n = Object.keys(defines).length;
      this.log.info(`using ${vscode.workspace.asRelativePath(uri)}: ${knowledge.locks.length} lock APIs, ${knowledge.refs.length} ref APIs${n ? `, ${n} defines` : ''}`);
      return { knowledge, defines };
    } catch (e) {
      const message = e instanceof ConfigError ? e.message : `cannot use the config: ${e instanceof Error ? e.message : String(e)}`;
      this.log.error(`${message}; analysing with the built-in knowledge`);
      const d = new vscode.Diagnostic(configErrorRange(text, message), message, vscode.DiagnosticSeverity.Error);
      d.source = 'lockstep';
      this.collection.set(uri, [d]);
      return builtinOnly();
    }
  }

  dispose(): void {
    this.collection.dispose();
  }
}

/** Where in the config text a ConfigError points: `file:line:col:` or a JSON pointer's last key. */
export function configErrorRange(text: string, message: string): vscode.Range {
  const lc = /:(\d+):(\d+): /.exec(message);
  if (lc) {
    const line = Math.max(0, Number(lc[1]) - 1);
    const col = Math.max(0, Number(lc[2]) - 1);
    return new vscode.Range(line, col, line, col + 1);
  }
  const pointer = /: (\/[^\s:]*): /.exec(message)?.[1];
  const key = pointer?.split('/').filter((s) => s !== '' && !/^\d+$/.test(s)).at(-1);
  const at = key ? text.indexOf(`"${key}"`) : -1;
  if (at < 0) return new vscode.Range(0, 0, 0, 1);
  const before = text.slice(0, at);
  const line = before.split('\n').length - 1;
  const col = at - (before.lastIndexOf('\n') + 1);
  return new vscode.Range(line, col, line, col + key!.length + 2);
}
