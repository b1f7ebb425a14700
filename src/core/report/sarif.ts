import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as sarif from 'sarif';
import type { Finding, Severity } from '../findings';
import { VERSION } from '../version';
import type { SourceRange } from '../source';
import { allRules, DEFAULT_HELP_BASE_URI, ruleHelpUri } from './ruleCatalog';
import { hasScheme } from './location';
import type { ReportNote } from './json';
import { writeJson } from './jsonStream';

export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';
/** `uriBaseId` of relative artifact paths; `originalUriBaseIds` maps it to the working directory. */
export const SRCROOT = '%SRCROOT%';

export interface SarifOptions {
  /** Relative finding paths are relative to this directory. */
  cwd: string;
  /** Base URI of the rule pages, ending in `/` (default: the rules registry's RULE_DOC_BASE). */
  helpBaseUri?: string;
  /** Inputs skipped or read in another encoding, findings cut by a cap: tool execution notifications. */
  notes?: readonly ReportNote[];
}

function level(s: Severity): sarif.Result.level {
  return s;
}

function region(r: SourceRange): sarif.Region {
  // SARIF lines and columns are 1-based; endColumn is the column after the last character, as ours.
  return { startLine: r.start.line + 1, startColumn: r.start.column + 1, endLine: r.end.line + 1, endColumn: r.end.column + 1 };
}

function artifact(uri: string, cwd: string): sarif.ArtifactLocation {
  if (hasScheme(uri)) return { uri };
  if (path.isAbsolute(uri)) {
    const rel = path.relative(cwd, uri);
    if (rel.startsWith('..') || path.isAbsolute(rel)) return { uri: pathToFileURL(uri).href };
    uri = rel;
  }
  return { uri: uri.split(path.sep).join('/').split('/').map(encodeURIComponent).join('/'), uriBaseId: SRCROOT };
}

function physical(uri: string, range: SourceRange, cwd: string): sarif.PhysicalLocation {
  return { artifactLocation: artifact(uri, cwd), region: region(range) };
}

function result(f: Finding, ruleIndex: number, cwd: string): sarif.Result {
  const res: sarif.Result = {
    ruleId: f.ruleId,
    ruleIndex,
    level: level(f.severity),
    message: { text: f.message },
    locations: [{
      physicalLocation: physical(f.uri, f.range, cwd),
      logicalLocations: [{ name: f.functionName, kind: 'function' }],
    }],
    partialFingerprints: { 'lockstepKey/v1': f.key },
  };
  if (f.related.length > 0) {
    res.relatedLocations = f.related.map((r, i) => ({
      id: i + 1,
      physicalLocation: physical(r.uri ?? f.uri, r.range, cwd),
      message: { text: r.message },
    }));
  }
  if (f.path.length > 0) {
    res.codeFlows = [{
      message: { text: `path in ${f.functionName}()` },
      threadFlows: [{
        locations: f.path.map((step, i) => ({
          executionOrder: i + 1,
          location: { physicalLocation: physical(f.uri, step.range, cwd), message: { text: step.message } },
        })),
      }],
    }];
  }
  if (f.fixes && f.fixes.length > 0) {
    res.fixes = f.fixes.map((fix) => ({
      description: { text: fix.title },
      artifactChanges: [{
        artifactLocation: artifact(f.uri, cwd),
        replacements: fix.edits.map((e) => ({ deletedRegion: region(e.range), insertedContent: { text: e.newText } })),
      }],
    }));
  }
  return res;
}

/** A SARIF 2.1.0 log with every rule described (so viewers can show docs for rules with no result). */
export function toSarif(findings: readonly Finding[], options: SarifOptions): sarif.Log {
  const rules = allRules();
  const index = new Map(rules.map((r, i) => [r.id, i]));
  const base = options.helpBaseUri ?? DEFAULT_HELP_BASE_URI;
  const descriptors: sarif.ReportingDescriptor[] = rules.map((r) => ({
    id: r.id,
    name: r.name,
    shortDescription: { text: r.short },
    helpUri: ruleHelpUri(r.id, base),
    help: { text: `${r.short} See ${ruleHelpUri(r.id, base)}` },
    defaultConfiguration: { level: level(r.defaultSeverity) },
  }));
  return {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [{
      tool: { driver: { name: 'Lockstep', version: VERSION, semanticVersion: VERSION, rules: descriptors } },
      originalUriBaseIds: { [SRCROOT]: { uri: `${pathToFileURL(options.cwd).href.replace(/\/?$/, '/')}` } },
      columnKind: 'utf16CodeUnits',
      ...(options.notes && options.notes.length > 0 ? {
        invocations: [{
          executionSuccessful: true,
          toolExecutionNotifications: options.notes.map((n): sarif.Notification => ({
            level: 'note',
            message: { text: n.message },
            ...(n.file !== undefined ? { locations: [{ physicalLocation: { artifactLocation: artifact(n.file, options.cwd) } }] } : {}),
          })),
        }],
      } : {}),
      results: findings.map((f) => result(f, index.get(f.ruleId) ?? -1, options.cwd)),
    }],
  };
}

export function formatSarif(findings: readonly Finding[], options: SarifOptions): string {
  const parts: string[] = [];
  writeSarif(findings, options, (c) => parts.push(c));
  return parts.join('');
}

/** Streams the log (see jsonStream): no size of report can break JSON.stringify. */
export function writeSarif(findings: readonly Finding[], options: SarifOptions, write: (chunk: string) => void): void {
  writeJson(toSarif(findings, options), write);
}
