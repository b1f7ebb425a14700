import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Finding } from '../core/findings';
import { InputError, readBoundedFile } from '../core/input';
import { jsonEnvelope, type JsonEnvelope } from '../core/report/envelope';
import { writeJson } from '../core/report/jsonStream';
import { displayPath } from '../core/report/location';

/**
 * Known findings (`--baseline FILE`): a project adopting Lockstep records what it has today and
 * from then on sees only new findings. An entry is the file (relative to the baseline's folder,
 * `/`-separated) and the finding's key — rule, function and lock/object — never a line, so edits
 * above a known finding do not bring it back. Counted: two known leaks of one lock in one function
 * hide two, not three.
 */
export interface BaselineEntry {
  file: string;
  ruleId: string;
  functionName: string;
  key: string;
  /** For people reading the file; not compared. */
  message: string;
}

export interface BaselineFile extends JsonEnvelope {
  kind: 'lockstep-baseline';
  findings: BaselineEntry[];
}

const MAX_BASELINE_BYTES = 64 * 1024 * 1024;

function fileKey(uri: string, baselineFile: string): string {
  const dir = path.dirname(path.resolve(baselineFile));
  return displayPath(path.isAbsolute(uri) ? uri : path.resolve(uri), dir).split(path.sep).join('/');
}

function entryKey(e: { file: string; key: string }): string {
  return `${e.file}\u0000${e.key}`;
}

export function baselineEntries(findings: readonly Finding[], baselineFile: string): BaselineEntry[] {
  return findings.map((f) => ({ file: fileKey(f.uri, baselineFile), ruleId: f.ruleId, functionName: f.functionName, key: f.key, message: f.message }));
}

export function writeBaseline(file: string, findings: readonly Finding[]): void {
  const doc: BaselineFile = { ...jsonEnvelope(), kind: 'lockstep-baseline', findings: baselineEntries(findings, file) };
  const fd = fs.openSync(file, 'w');
  try {
    writeJson(doc, (chunk) => fs.writeSync(fd, chunk));
  } finally {
    fs.closeSync(fd);
  }
}

/** Throws InputError naming the file when it is missing, unreadable or not a baseline. */
export function readBaseline(file: string): BaselineEntry[] {
  let doc: unknown;
  try {
    doc = JSON.parse(readBoundedFile(file, MAX_BASELINE_BYTES).toString('utf8').replace(/^\ufeff/, ''));
  } catch (e) {
    if (e instanceof InputError) throw new InputError(`--baseline ${e.message}${e.message.endsWith('no such file') ? ' (write one with --update-baseline)' : ''}`);
    throw new InputError(`--baseline ${file}: not JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  const d = doc as Partial<BaselineFile> | null;
  if (d === null || typeof d !== 'object' || d.kind !== 'lockstep-baseline' || !Array.isArray(d.findings)) {
    throw new InputError(`--baseline ${file}: not a Lockstep baseline (write one with --update-baseline)`);
  }
  return d.findings.filter((e): e is BaselineEntry => typeof e === 'object' && e !== null && typeof e.file === 'string' && typeof e.key === 'string');
}

/** The findings the baseline does not know, and how many it hid. */
export function subtractBaseline(findings: readonly Finding[], entries: readonly BaselineEntry[], baselineFile: string): { findings: Finding[]; known: number } {
  const counts = new Map<string, number>();
  for (const e of entries) counts.set(entryKey(e), (counts.get(entryKey(e)) ?? 0) + 1);
  const out: Finding[] = [];
  let known = 0;
  for (const f of findings) {
    const k = entryKey({ file: fileKey(f.uri, baselineFile), key: f.key });
    const n = counts.get(k) ?? 0;
    if (n > 0) {
      counts.set(k, n - 1);
      known++;
    } else {
      out.push(f);
    }
  }
  return { findings: out, known };
}
