import * as path from 'node:path';
import type { Parser } from 'web-tree-sitter';
import { analyzeFiles as analyzeSet } from '../../../src/core/project';
import { builtinKnowledge } from '../../../src/core/apis/builtin';
import { DEFAULT_TIMEOUT_PER_FUNCTION_S } from '../../../src/cli/args';
import { ConfigError, mergeKnowledge, parseProjectConfig } from '../../../src/core/apis/config';
import { findProtocol } from '../../../src/core/flowtable/protocols/index';
import { decodeCSource, InputError } from '../../../src/core/input';
import { directoryBase, engineAnalyzer, formatReviewText, PatchParseError, reviewPatch, reviewToJson, reviewToSarif } from '../../../src/core/patch/index';
import { ModelError } from '../../../src/core/sim/compile';
import { renderResult } from '../../../src/core/sim/lanes';
import { decodeSchedule, ScheduleError } from '../../../src/core/sim/schedule';
import { simulateReplay } from '../../../src/core/sim/simulate';
import { lossy } from './bytes';

/**
 * The four fuzz targets, each driven through its public API the way a host drives it. A target
 * returns normally or throws; `classify` decides whether a throw is a documented refusal
 * (ConfigError, InputError, PatchParseError, ScheduleError, ModelError) or a crash.
 */
export const TARGETS = ['c', 'patch', 'schedule', 'config'] as const;
export type TargetName = (typeof TARGETS)[number];

export function isTarget(s: string): s is TargetName {
  return (TARGETS as readonly string[]).includes(s);
}

/** What a target returns: a short description of what it produced, for the log. */
export type TargetRun = (parser: Parser, bytes: Uint8Array) => string;

const repoRoot = path.resolve(__dirname, '..', '..', '..');
export const PATCH_BASE_DIR = path.join(repoRoot, 'test', 'fixtures', 'patches', 'base');

/** The file a config input's knowledge is exercised on: a sample that calls locks and refs. */
const CONFIG_PROBE_C = `struct dev { int lock; int ref; };
void dev_put(struct dev *d);
int probe(struct dev *d, int x)
{
  spin_lock(&d->lock);
  my_lock(d, 1);
  if (x) { spin_unlock(&d->lock); return 1; }
  kref_get(&d->ref);
  my_unlock(d, 1);
  dev_put(d);
  return 0;
}
`;

const DOCUMENTED_ERRORS: readonly (abstract new (...args: never[]) => Error)[] = [ConfigError, InputError, PatchParseError, ScheduleError, ModelError];

/** True when the error is one a caller is documented to catch (a refusal with a message, not a crash). */
export function isDocumentedError(e: unknown): boolean {
  return DOCUMENTED_ERRORS.some((C) => e instanceof C);
}

function runC(parser: Parser, bytes: Uint8Array): string {
  let text: string;
  try {
    text = decodeCSource(bytes, 'fuzz.c');
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    // Over the size limit: refused, as documented. Binary or bad UTF-8: the editor still hands
    // the analysis its (lossily decoded) document text, so analyse that too.
    if (/over the .*-byte limit/.test(e.message)) throw e;
    text = lossy(bytes);
  }
  // As `lockstep check` runs it: with its default CPU limit per function.
  const r = analyzeSet(parser, [{ uri: 'file:///fuzz/fuzz.c', text }], { knowledge: builtinKnowledge(), timeoutPerFunctionMs: DEFAULT_TIMEOUT_PER_FUNCTION_S * 1000 });
  return `${r.findings.length} findings`;
}

function runPatch(parser: Parser, bytes: Uint8Array): string {
  // As `lockstep patch` decodes: NUL refused, other bytes decoded leniently.
  const nul = bytes.indexOf(0);
  if (nul >= 0) throw new InputError(`fuzz.patch: binary data (NUL byte at offset ${nul}), not a patch`);
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  const review = reviewPatch(text, directoryBase(PATCH_BASE_DIR), { analyze: engineAnalyzer(parser, builtinKnowledge()) });
  formatReviewText(review, 'fuzz.patch');
  JSON.stringify(reviewToJson(review, 'fuzz.patch'));
  JSON.stringify(reviewToSarif(review, { cwd: PATCH_BASE_DIR, patchFile: path.join(PATCH_BASE_DIR, 'fuzz.patch') }));
  return `${review.totals.patches} patches, ${review.totals.introduced} introduced`;
}

function runSchedule(_parser: Parser, bytes: Uint8Array): string {
  // As `lockstep simulate --replay <schedule>` does it.
  const parsed = decodeSchedule(lossy(bytes));
  const def = findProtocol(parsed.protocol);
  if (def === undefined) return `unknown protocol ${parsed.protocol}`;
  const result = simulateReplay(def.model(), { packets: parsed.packets, puts: parsed.puts, reduction: true }, parsed.steps);
  renderResult(result, { width: 140 });
  JSON.stringify(result);
  return `${result.verdict}`;
}

function runConfig(parser: Parser, bytes: Uint8Array): string {
  const config = parseProjectConfig(lossy(bytes), 'lockstep.json');
  const knowledge = mergeKnowledge(builtinKnowledge(), config);
  const r = analyzeSet(parser, [{ uri: 'file:///fuzz/probe.c', text: CONFIG_PROBE_C }], { knowledge });
  return `${r.findings.length} findings`;
}

export const TARGET_RUNS: Record<TargetName, TargetRun> = { c: runC, patch: runPatch, schedule: runSchedule, config: runConfig };
