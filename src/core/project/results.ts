import { lockOrderFindings } from '../analysis/lockOrder';
import { lockVariantFindings } from '../analysis/lockVariants';
import { inferredGuardFindings, type FnAccesses } from '../analysis/inferredGuards';
import type { LockVariantUse } from '../analysis/lockContext';
import type { FileCheckResult, FunctionInfo, LockOrderEdge } from '../analysis/types';
import { compareFindings, type Finding } from '../findings';
import { applySuppressions } from '../rules/suppression';
import type { FileRecord } from './fileState';
import { fileFailureFinding } from './failures';
import { contextClause, ExecutionContexts, type RegisteredAt } from '../analysis/executionContexts';
import { deferredWriteFindings } from '../analysis/deferredWrites';
import type { MutatorApi } from '../apis/types';
import type { RunStats } from './project';
import { calleeReleaseFindings } from './calleeReleases';

export interface ProjectResult {
  /** Every reported file's findings and the lock-order cycles that close in them, sorted. */
  findings: Finding[];
  files: FileCheckResult[];
  stats: RunStats;
}

/** Findings per file from the functions' results, cross-file lock-order cycles, and the files' suppressions. */
export function assembleResults(reported: FileRecord[], all: FileRecord[], stats: RunStats, mutators: ReadonlyMap<string, MutatorApi> = new Map()): ProjectResult {
  const edges: LockOrderEdge[] = [];
  for (const f of all) for (const r of f.info?.functions ?? []) if (r.result) edges.push(...r.result.edges);
  const cycles = new Map<string, Finding[]>();
  for (const c of lockOrderFindings(edges)) cycles.set(c.uri, [...(cycles.get(c.uri) ?? []), c]);
  // Linux lock variants that disagree with their context, paired across every file (context-mismatch).
  const variants: LockVariantUse[] = [];
  for (const f of all) for (const r of f.info?.functions ?? []) if (r.result?.variants) variants.push(...r.result.variants);
  for (const c of lockVariantFindings(variants)) cycles.set(c.uri, [...(cycles.get(c.uri) ?? []), c]);
  // Fields most functions touch under a lock of the same object, touched here without it (unlocked-access, inferred).
  const accesses: FnAccesses[] = [];
  for (const f of all) for (const r of f.info?.functions ?? []) if (r.result?.accesses) accesses.push({ uri: f.uri, fn: r.name, key: r.key, isStatic: r.isStatic, data: r.result.accesses });
  for (const c of inferredGuardFindings(accesses)) cycles.set(c.uri, [...(cycles.get(c.uri) ?? []), c]);
  const freedAtOnce = typesFreedAtOnce(all);
  // Functions something in the inputs calls: a requirement they do not meet is their callers' to meet.
  const called = new Set<string>();
  for (const f of all) for (const r of f.info?.functions ?? []) for (const c of r.calls) if (c !== r.name) called.add(c);
  // Functions the code registers to run later with nothing held (call_rcu, work items, file operations).
  const contexts = new ExecutionContexts();
  for (const f of all) contexts.add(f.uri, f.info?.registrations ?? []);
  // File-scope containers changed in those functions without their other writers' lock.
  const byUri = new Map(all.map((f) => [f.uri, f]));
  const scopeOf = (uri: string, name: string): 'static' | 'global' | undefined => {
    const info = byUri.get(uri)?.info;
    return info?.statics.has(name) ? 'static' : info?.globals.has(name) ? 'global' : undefined;
  };
  for (const c of deferredWriteFindings(accesses, contexts, mutators, scopeOf)) cycles.set(c.uri, [...(cycles.get(c.uri) ?? []), c]);
  // A callee that releases its caller's lock on some exits, and a caller that releases it again after the call.
  for (const c of calleeReleaseFindings(all)) cycles.set(c.uri, [...(cycles.get(c.uri) ?? []), c]);
  const files: FileCheckResult[] = [];
  const findings: Finding[] = [];
  for (const f of reported) {
    const info = f.info;
    const own: Finding[] = [];
    const functions: FunctionInfo[] = [];
    const fileEdges: LockOrderEdge[] = [];
    let analysisMs = 0;
    for (const r of info?.functions ?? []) {
      if (!r.result) continue;
      for (const x of r.result.findings) {
        if (x.rcuObjectType !== undefined) {
          if (!freedAtOnce.has(x.rcuObjectType)) own.push(withoutObjectType(x));
        } else if (!x.entryOnly && !x.contextOnly) own.push(x);
        else {
          const at = contexts.of(f.uri, r.name, r.isStatic);
          if (at) own.push(inContext(x, r.name, at));
          else if (x.entryOnly && !called.has(r.name)) own.push(withoutEntryOnly(x));
        }
      }
      fileEdges.push(...r.result.edges);
      if (r.result.info) functions.push(r.result.info);
      analysisMs += r.result.ms;
    }
    if (f.failure) own.push(fileFailureFinding(f.uri, f.failure));
    own.push(...(info?.damage ?? []));
    own.push(...(cycles.get(f.uri) ?? []));
    const fns = info?.functions ?? [];
    const functionAt = (line: number): string => fns.find((x) => x.def.range.start.line <= line && line <= x.def.range.end.line)?.name ?? '';
    const kept = applySuppressions(own, info?.suppressions ?? [], f.uri, functionAt).sort(compareFindings);
    findings.push(...kept);
    files.push({
      uri: f.uri, findings: kept, lockOrderEdges: fileEdges, functions,
      stats: { lines: info?.lines ?? 0, functions: fns.length, parseMs: info?.parseMs ?? 0, analysisMs },
    });
  }
  findings.sort(compareFindings);
  return { findings, files, stats };
}

function withoutEntryOnly(f: Finding): Finding {
  const out = { ...f };
  delete out.entryOnly;
  delete out.contextOnly;
  return out;
}

/** A requirement the function's registered context cannot meet: the message says where it is registered. */
function inContext(f: Finding, fn: string, at: RegisteredAt): Finding {
  const out = withoutEntryOnly(f);
  out.message = `${f.message} — ${contextClause(fn, at)}`;
  return out;
}

function withoutObjectType(f: Finding): Finding {
  const out = { ...f };
  delete out.rcuObjectType;
  return out;
}

/** Struct types the inputs free at once and never after a grace period: RCU does not keep them alive (try-ref-needed). */
function typesFreedAtOnce(all: FileRecord[]): Set<string> {
  const atOnce = new Set<string>();
  const deferred = new Set<string>();
  for (const f of all) for (const r of f.info?.functions ?? []) for (const x of r.result?.frees ?? []) (x.deferred ? deferred : atOnce).add(x.type);
  for (const t of deferred) atOnce.delete(t);
  return atOnce;
}
