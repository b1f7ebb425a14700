import * as vscode from 'vscode';
import { RULE_IDS, type RuleId } from '../core/findings';
import { DEFAULT_MAX_FILE_BYTES } from '../core/input';
import { trustedValue } from './trustedSetting';

export type RunMode = 'onType' | 'onSave';
export type SeveritySetting = 'error' | 'warning' | 'information' | 'hint' | 'off';

/** The `lockstep.*` settings of one resource (they are all resource-scoped). */
export interface LockstepSettings {
  enable: boolean;
  run: RunMode;
  severity: Partial<Record<RuleId, SeveritySetting>>;
  configFile: string;
  maxFileSize: number;
  exclude: string[];
  codeLens: boolean;
}

export const DEFAULT_MAX_FILE_SIZE = 4 * 1024 * 1024;
const SEVERITIES = new Set<string>(['error', 'warning', 'information', 'hint', 'off']);

export function readSettings(scope?: vscode.ConfigurationScope): LockstepSettings {
  const c = vscode.workspace.getConfiguration('lockstep', scope);
  const rawSeverity = c.get<Record<string, unknown>>('severity') ?? {};
  const severity: Partial<Record<RuleId, SeveritySetting>> = {};
  for (const [rule, value] of Object.entries(rawSeverity)) {
    // Unknown rules or values are ignored (the settings schema already flags them).
    if ((RULE_IDS as readonly string[]).includes(rule) && typeof value === 'string' && SEVERITIES.has(value)) {
      severity[rule as RuleId] = value as SeveritySetting;
    }
  }
  // Workspace values of these two count only in a trusted workspace (issue 22: see trustedSetting.ts).
  const trusted = vscode.workspace.isTrusted;
  const max = trustedValue(c.get<number>('maxFileSize'), c.inspect<number>('maxFileSize'), trusted);
  const configFile = trustedValue(c.get<string>('configFile'), c.inspect<string>('configFile'), trusted);
  return {
    enable: c.get<boolean>('enable') ?? true,
    run: c.get<string>('run') === 'onSave' ? 'onSave' : 'onType',
    severity,
    configFile: (typeof configFile === 'string' && configFile) || 'lockstep.json',
    // Capped at the CLI's limit whatever a settings file says (the schema's maximum only warns).
    maxFileSize: typeof max === 'number' && max > 0 ? Math.min(max, DEFAULT_MAX_FILE_BYTES) : DEFAULT_MAX_FILE_SIZE,
    exclude: (c.get<unknown[]>('exclude') ?? []).filter((g): g is string => typeof g === 'string'),
    codeLens: c.get<boolean>('codeLens.enable') ?? true,
  };
}
