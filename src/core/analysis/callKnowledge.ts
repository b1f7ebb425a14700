import type { LockApi, RefApi } from '../apis/types';
import type { KnowledgeIndex } from './knowledgeIndex';
import type { FunctionSummary, LockEffect, SummaryTable } from './types';

/**
 * What the engine knows about a call, by the callee's name, and which source wins: a function
 * whose body is among the inputs is understood from its body; built-in (or configured) API
 * knowledge is for functions with no body in sight, or whose body shows nothing of that kind
 * (`ovs_refcount_unref` is atomics in its body, a put to its callers). Locks and references are
 * decided separately, so a body that only locks keeps the API's reference meaning.
 */
export interface CallKnowledge {
  /** The API's lock behaviour, when no body summary speaks of locks. */
  lock?: LockApi;
  /** The summary's lock effects (acquire, release, try), when they win. */
  lockEffects: LockEffect[];
  /** Reference behaviour: the API's, or the body's read as API entries. */
  refs?: RefApi[];
  summary?: FunctionSummary;
}

const NONE: CallKnowledge = { lockEffects: [] };

function speaksOfLocks(s: FunctionSummary): boolean {
  return s.effects.some((e) => e.op === 'acquire' || e.op === 'release' || e.op === 'try');
}

/** A summary's reference effects as API entries, so one transfer function serves both. */
export function refApisOf(s: FunctionSummary): RefApi[] {
  const out: RefApi[] = [];
  for (const r of s.refs) {
    const m = /^\$(\d+)$/.exec(r.target);
    if (m) {
      const objArg = Number(m[1]);
      const kind = r.op === 'get' ? 'get' : r.op === 'put' ? 'put' : r.op === 'free' ? 'free' : r.op === 'store' ? 'store' : undefined;
      if (kind) out.push({ name: s.name, kind, objArg, objFrom: 'self', family: r.family, when: r.when, deferred: r.deferred, ...(r.returnsArg ? { returnsArg: true } : {}) });
    } else if (r.target === 'return' && (r.op === 'returnsRef' || r.op === 'alloc')) {
      out.push({ name: s.name, kind: r.op, success: 'nonnull', family: r.family });
    }
  }
  return out;
}

export function callKnowledge(name: string, index: KnowledgeIndex, table: SummaryTable): CallKnowledge {
  if (!name) return NONE;
  const summary = table.fn(name);
  const api = index.locks.get(name);
  const apiRefs = index.refs.get(name);
  if (!summary) return api || apiRefs ? { lock: api, refs: apiRefs, lockEffects: [] } : NONE;
  const bodyLocks = summary.defined === true && speaksOfLocks(summary);
  const lockEffects = bodyLocks || !api ? summary.effects.filter((e) => e.op === 'acquire' || e.op === 'release' || e.op === 'try') : [];
  // A body that only may consume an argument says less than the API does (mayKeep reads it from the summary).
  const bodyRefs = summary.defined === true && summary.refs.some((r) => r.op !== 'mayConsume') ? refApisOf(summary) : undefined;
  return {
    lock: bodyLocks ? undefined : api,
    lockEffects,
    refs: bodyRefs ?? apiRefs,
    summary,
  };
}

/** Memoised per analysed function: the same names are asked about on every path. */
export function callKnowledgeMemo(index: KnowledgeIndex, table: SummaryTable): (name: string) => CallKnowledge {
  const memo = new Map<string, CallKnowledge>();
  return (name) => {
    let k = memo.get(name);
    if (!k) {
      k = callKnowledge(name, index, table);
      memo.set(name, k);
    }
    return k;
  };
}
