import { listProtocols } from '../../../src/core/flowtable/protocols/index';
import { utf8 } from './bytes';
import { seedsFor } from './corpus';
import { generateHostileC } from './hostileC';
import { generateHostileConfig, generateHostilePatch, generateHostileSchedule } from './hostileInputs';
import { minimise } from './minimise';
import { mutate } from './mutate';
import { FuzzWorker, type RunResult } from './pool';
import { Prng } from './prng';
import { saveRegression, type RegressionMeta } from './regressions';
import type { TargetName } from './targets';

/**
 * One fuzz run over one target: make inputs from the seed, run each in the worker under the time
 * limit, and record every crash, hang or memory blow-up (first of each kind minimised and saved).
 */
export interface FuzzOptions {
  target: TargetName;
  runs: number;
  seed: number;
  limitMs: number;
  /** Chance that a generated C input has the full sizes the issue names (10,000 levels, 1 MB line...). */
  fullSizeChance: number;
  /** Save minimised failures here (undefined: do not save, as in the CI test). */
  saveDir?: string;
  /** Inputs larger than this are replaced by the next one (the CI run keeps each input small). */
  maxInputBytes?: number;
  /** Stop after this long, reporting what ran (the summary says so). */
  timeBudgetMs?: number;
  /** A single input pushing process RSS or the wasm heap past these is a memory failure. */
  maxRssBytes: number;
  maxWasmBytes: number;
  log?: (line: string) => void;
}

export interface Failure {
  signature: string;
  outcome: 'crash' | 'hang' | 'memory';
  index: number;
  kind: string;
  detail: string;
  stack?: string;
  count: number;
  savedAs?: string;
  bytes: number;
}

export interface FuzzSummary {
  target: TargetName;
  seed: number;
  inputs: number;
  ok: number;
  refused: number;
  crashes: number;
  hangs: number;
  memory: number;
  failures: Failure[];
  slowest: { ms: number; kind: string; bytes: number };
  peakRssBytes: number;
  peakWasmBytes?: number;
  restarts: number;
  elapsedMs: number;
  stoppedEarly: boolean;
}

export interface FuzzInput {
  bytes: Uint8Array;
  kind: string;
}

/** Makes input number `index` of a run; each input has its own derived PRNG, so inputs are independent. */
export function makeInput(target: TargetName, rng: Prng, seeds: readonly Uint8Array[], fullSizeChance: number, protocols: readonly string[]): FuzzInput {
  const r = rng.next();
  const fromSeed = (): FuzzInput => {
    const s = rng.pick(seeds);
    return mutate(rng, s, seeds);
  };
  const then = (g: FuzzInput): FuzzInput => {
    const m = mutate(rng, g.bytes, seeds);
    return { bytes: m.bytes, kind: `${g.kind}+${m.kind}` };
  };
  switch (target) {
    case 'c': {
      if (r < 0.55) return fromSeed();
      const g = generateHostileC(rng, rng.chance(fullSizeChance));
      const gen = { bytes: utf8(g.text), kind: g.kind };
      return r < 0.85 || g.kind.endsWith(':full') ? gen : then(gen);
    }
    case 'patch':
      if (r < 0.6) return fromSeed();
      return r < 0.85 ? generateHostilePatch(rng) : then(generateHostilePatch(rng));
    case 'schedule':
      if (r < 0.5) return fromSeed();
      return r < 0.9 ? generateHostileSchedule(rng, protocols) : then(generateHostileSchedule(rng, protocols));
    case 'config':
      if (r < 0.5) return fromSeed();
      return r < 0.9 ? generateHostileConfig(rng) : then(generateHostileConfig(rng));
  }
}

/** Where a crash came from: the error name and the first frame in our sources. */
function crashSignature(res: { errorName?: string; stack?: string; detail: string }): string {
  const frame = (res.stack ?? '').split('\n').map((l) => /\/(src\/[^):]+:\d+)/.exec(l)?.[1]).find((x) => x !== undefined);
  return `crash:${res.errorName ?? 'Error'}:${frame ?? res.detail.slice(0, 60)}`;
}

/** Hangs are grouped by how the input was made (its first mutation or generator). */
const hangSignature = (kind: string): string => `hang:${kind.split('+')[0]}`;

function classify(res: RunResult, kind: string, o: FuzzOptions): { outcome: 'crash' | 'hang' | 'memory'; signature: string } | undefined {
  if (res.outcome === 'hang') return { outcome: 'hang', signature: hangSignature(kind) };
  if (res.outcome === 'crash') return { outcome: 'crash', signature: crashSignature(res) };
  if (res.outcome === 'memory') return { outcome: 'memory', signature: `memory:${kind.split('+')[0]}` };
  if ('rssBytes' in res && (res.rssBytes > o.maxRssBytes || (res.wasmBytes ?? 0) > o.maxWasmBytes)) {
    return { outcome: 'memory', signature: `memory:${kind.split('+')[0]}` };
  }
  return undefined;
}

export async function runFuzz(o: FuzzOptions): Promise<FuzzSummary> {
  const t0 = Date.now();
  const log = o.log ?? ((): void => undefined);
  const seeds = seedsFor(o.target);
  const protocols = listProtocols().map((p) => p.name);
  const master = new Prng(o.seed);
  const worker = new FuzzWorker();
  const s: FuzzSummary = {
    target: o.target, seed: o.seed, inputs: 0, ok: 0, refused: 0, crashes: 0, hangs: 0, memory: 0, failures: [],
    slowest: { ms: 0, kind: '', bytes: 0 }, peakRssBytes: 0, restarts: 0, elapsedMs: 0, stoppedEarly: false,
  };
  const bySignature = new Map<string, Failure>();
  try {
    for (let i = 0; i < o.runs; i++) {
      if (o.timeBudgetMs !== undefined && Date.now() - t0 > o.timeBudgetMs) {
        s.stoppedEarly = true;
        break;
      }
      if (i > 0 && i % 1000 === 0) log(`  ${i} inputs, ${Math.round((Date.now() - t0) / 1000)} s, ${s.crashes} crashes, ${s.hangs} hangs`);
      let input = makeInput(o.target, master.fork(), seeds, o.fullSizeChance, protocols);
      while (o.maxInputBytes !== undefined && input.bytes.length > o.maxInputBytes) input = makeInput(o.target, master.fork(), seeds, o.fullSizeChance, protocols);
      const res = await worker.run(o.target, input.bytes, o.limitMs);
      s.inputs++;
      // Slowest input that finished (hangs are counted on their own).
      if (res.outcome !== 'hang' && res.ms > s.slowest.ms) s.slowest = { ms: res.ms, kind: input.kind, bytes: input.bytes.length };
      if ('rssBytes' in res) {
        s.peakRssBytes = Math.max(s.peakRssBytes, res.rssBytes);
        if (res.wasmBytes !== undefined) s.peakWasmBytes = Math.max(s.peakWasmBytes ?? 0, res.wasmBytes);
      }
      if (res.outcome === 'ok') s.ok++;
      else if (res.outcome === 'refused') s.refused++;
      const bad = classify(res, input.kind, o);
      if (bad === undefined) continue;
      s[bad.outcome === 'crash' ? 'crashes' : bad.outcome === 'hang' ? 'hangs' : 'memory']++;
      const seen = bySignature.get(bad.signature);
      if (seen !== undefined) {
        seen.count++;
        continue;
      }
      const f: Failure = { signature: bad.signature, outcome: bad.outcome, index: i, kind: input.kind, detail: res.detail, count: 1, bytes: input.bytes.length };
      if ('stack' in res && res.stack !== undefined) f.stack = res.stack;
      bySignature.set(bad.signature, f);
      s.failures.push(f);
      log(`  #${i} ${bad.outcome} (${input.kind}, ${input.bytes.length} bytes): ${res.detail.slice(0, 200)}`);
      if (o.saveDir !== undefined) {
        const stillFails = async (b: Uint8Array): Promise<boolean> => {
          const r = await worker.run(o.target, b, o.limitMs);
          return classify(r, input.kind, o)?.signature === bad.signature;
        };
        const budget = bad.outcome === 'crash' ? { maxTests: 2000, maxMs: 120_000 } : { maxTests: 12, maxMs: 12 * o.limitMs };
        const min = await minimise(input.bytes, stillFails, budget);
        const meta: RegressionMeta = {
          target: o.target, outcome: bad.outcome, kind: input.kind, seed: o.seed, index: i, detail: res.detail, limitMs: o.limitMs,
          originalBytes: input.bytes.length, minimisedBytes: min.bytes.length,
        };
        if ('errorName' in res && res.errorName !== undefined) meta.errorName = res.errorName;
        if (f.stack !== undefined) meta.stack = f.stack.split('\n').slice(0, 12).join('\n');
        f.savedAs = saveRegression(meta, min.bytes, o.saveDir);
        log(`    minimised ${input.bytes.length} -> ${min.bytes.length} bytes in ${min.tests} runs; saved ${f.savedAs}`);
      }
    }
  } finally {
    s.restarts = worker.restarts;
    await worker.close();
  }
  s.elapsedMs = Date.now() - t0;
  return s;
}
