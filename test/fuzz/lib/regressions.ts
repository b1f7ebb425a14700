import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { TargetName } from './targets';

/**
 * Saved failing inputs: `test/fuzz/regressions/<target>/<id>.input` (gzipped as `.input.gz` when
 * large) with `<id>.json` saying how it failed. `known-open.json` maps `<target>/<id>` to a reason;
 * the replay test skips those until the bug is fixed and the entry removed.
 */
export const REGRESSIONS_DIR = path.resolve(__dirname, '..', 'regressions');
export const KNOWN_OPEN_FILE = path.join(REGRESSIONS_DIR, 'known-open.json');

export interface RegressionMeta {
  target: TargetName;
  outcome: 'crash' | 'hang' | 'memory';
  /** How the input was made (mutations or generator). */
  kind: string;
  seed: number;
  index: number;
  detail: string;
  errorName?: string;
  stack?: string;
  /** Per-input time limit the failure was seen under; the replay uses the same. */
  limitMs: number;
  originalBytes: number;
  minimisedBytes: number;
}

export interface Regression {
  id: string;
  meta: RegressionMeta;
  bytes: Uint8Array;
}

const GZIP_OVER = 64 * 1024;

export function saveRegression(meta: RegressionMeta, bytes: Uint8Array, dir = REGRESSIONS_DIR): string {
  const id = createHash('sha256').update(bytes).digest('hex').slice(0, 12);
  const d = path.join(dir, meta.target);
  fs.mkdirSync(d, { recursive: true });
  if (bytes.length > GZIP_OVER) fs.writeFileSync(path.join(d, `${id}.input.gz`), gzipSync(bytes, { level: 9 }));
  else fs.writeFileSync(path.join(d, `${id}.input`), bytes);
  fs.writeFileSync(path.join(d, `${id}.json`), `${JSON.stringify(meta, null, 2)}\n`);
  return `${meta.target}/${id}`;
}

export function loadRegressions(dir = REGRESSIONS_DIR): Regression[] {
  const out: Regression[] = [];
  if (!fs.existsSync(dir)) return out;
  for (const target of fs.readdirSync(dir).sort()) {
    const d = path.join(dir, target);
    if (!fs.statSync(d).isDirectory()) continue;
    for (const f of fs.readdirSync(d).sort()) {
      if (!f.endsWith('.json')) continue;
      const id = f.slice(0, -'.json'.length);
      const meta = JSON.parse(fs.readFileSync(path.join(d, f), 'utf8')) as RegressionMeta;
      const plain = path.join(d, `${id}.input`);
      const bytes = fs.existsSync(plain) ? fs.readFileSync(plain) : gunzipSync(fs.readFileSync(path.join(d, `${id}.input.gz`)));
      out.push({ id: `${target}/${id}`, meta, bytes: new Uint8Array(bytes) });
    }
  }
  return out;
}

export function loadKnownOpen(file = KNOWN_OPEN_FILE): Record<string, string> {
  if (!fs.existsSync(file)) return {};
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, string>;
}
