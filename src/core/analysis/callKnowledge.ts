import type { LockApi, RefApi } from '../apis/types';
import type { KnowledgeIndex } from './knowledgeIndex';
import { fieldDropApi } from './fieldDrops';
import type { FunctionSummary, LockEffect, SummaryTable } from './types';

/**
 * What the engine knows about a call, by the callee's name, and which source wins: a function
 * whose body is among the inputs is understood from its body; built-in (or configured) API
 * knowledge is for functions with no body in sight, or whose body shows nothing of that kind
 * (`ovs_refcount_unref` is atomics in its body, a put to its callers). Locks and references are
 * decided separately, so a body that only locks keeps the API's reference meaning; references are
 * joined object by object, so a body that shows less than the API (a store where the API puts)
 * keeps the API's meaning for that object.
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
    const m = /^(\*?)\$(\d+)$/.exec(r.target);
    const field = m ? undefined : fieldDropApi(s.name, r);
    if (field) out.push(field);
    else if (m) {
      const objArg = Number(m[2]);
      const kind = r.op === 'get' ? 'get' : r.op === 'put' ? 'put' : r.op === 'free' ? 'free' : r.op === 'store' ? 'store' : undefined;
      // `*$1`: what the argument points at (`&acts` → `acts`, `out` → `*out`).
      const pointee = m[1] ? { objExpr: r.target } : {};
      if (kind) out.push({ name: s.name, kind, objArg, objFrom: 'self', ...pointee, family: r.family, when: r.when, ...(r.elseMay ? { elseMay: true } : {}), deferred: r.deferred, ...(r.returnsArg ? { returnsArg: true } : {}), ...(r.handle ? { handle: true } : {}) });
    } else if (r.target === 'return' && r.op === 'alloc' && r.handle) {
      // An id, or the failure value callers test for (no pointer's NULL).
      out.push({ name: s.name, kind: 'alloc', handle: true, family: r.family, ...(r.invalid !== undefined ? { invalid: r.invalid } : {}) });
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
    refs: bodyRefs && apiRefs ? joinRefs(apiRefs, bodyRefs) : bodyRefs ?? apiRefs,
    summary,
  };
}

/** The object an entry is about: an argument, the return value, or an implicit/derived object. */
function slotOf(r: RefApi): string {
  if (r.implicitObj !== undefined) return `@${r.implicitObj}`;
  if (r.objExpr !== undefined) return `=${r.objExpr}`;
  if ((r.kind === 'returnsRef' || r.kind === 'alloc') && r.objArg === undefined) return 'return';
  return `$${r.objArg ?? 0}`;
}

/** How much an entry tells callers: a store only says the reference went somewhere; a get, put or free says what. */
function strength(r: RefApi): number {
  return r.kind === 'store' ? 1 : 2;
}

/**
 * The API's entries joined with the body's, object by object: the body wins where it says as
 * much (a put it shows only on error returns is more exact than the API's put), the API where the
 * body says less — a body whose close reaches a table of operations or a callee that keeps the
 * object reads as "stores it", while the API knows the call drops the caller's reference.
 */
function joinRefs(apiRefs: RefApi[], bodyRefs: RefApi[]): RefApi[] {
  const body = new Map<string, RefApi[]>();
  for (const r of bodyRefs) body.set(slotOf(r), [...(body.get(slotOf(r)) ?? []), r]);
  const api = new Map<string, RefApi[]>();
  for (const r of apiRefs) api.set(slotOf(r), [...(api.get(slotOf(r)) ?? []), r]);
  const out: RefApi[] = [];
  for (const slot of new Set([...api.keys(), ...body.keys()])) {
    const a = api.get(slot) ?? [];
    const b = body.get(slot) ?? [];
    const strongest = (list: RefApi[]): number => Math.max(0, ...list.map(strength));
    out.push(...(b.length > 0 && strongest(b) >= strongest(a) ? b : a));
  }
  return out;
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
