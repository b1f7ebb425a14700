import type { ApiKnowledge, LockApi, RefApi } from '../apis/types';
import type { CallSite } from './syntax';

/**
 * Builds the call that undoes an acquire or a get, from the API knowledge: same family, same
 * variant, same lock (or the same `lockExpr` arguments for wrappers) and the same per-acquisition
 * handle. Undefined when the knowledge cannot say how (the quick fix is then not offered).
 */

/** Releases that take the saved IRQL by value although the acquire took its address. */
const HANDLE_BY_VALUE = new Set(['KeReleaseSpinLock', 'KeReleaseSpinLockForDpc']);
/** Puts that need more than the object (a release callback): no fix can guess it. */
const NEEDS_MORE_ARGS = new Set(['kref_put', 'kmem_cache_free']);

function argRefs(expr: string | undefined): number[] {
  return [...(expr ?? '').matchAll(/\$(\d+)/g)].map((m) => Number(m[1]));
}

function releaseRank(acq: LockApi, rel: LockApi): number {
  let rank = 0;
  if ((acq.lockExpr ?? '') === (rel.lockExpr ?? '')) rank += 4; // a wrapper pairs with its wrapper
  if (rel.mode === acq.mode) rank += 3;
  else if (rel.mode === undefined) rank += 2;
  // ExReleaseResourceForThreadLite needs the owning thread, which the acquire never names.
  if (/ForThread/.test(rel.name)) rank -= 1;
  if (rel.handleArg !== undefined && acq.handleArg === undefined && !acq.handleFromReturn) rank -= 8;
  return rank;
}

export function matchingRelease(knowledge: ApiKnowledge, acquireName: string): LockApi | undefined {
  const acq = knowledge.locks.find((a) => a.name === acquireName && (a.kind === 'acquire' || a.kind === 'tryacquire'));
  if (!acq) return undefined;
  const candidates = knowledge.locks.filter((r) => r.kind === 'release' && r.family === acq.family
    && (r.variant ?? '') === (acq.variant ?? '') && (r.implicitLock ?? '') === (acq.implicitLock ?? '') && (r.mode === undefined || acq.modeArg !== undefined || r.mode === acq.mode));
  // Then the name closest to the acquire's (`…PushLockExclusiveEx`), then the plainest.
  candidates.sort((a, b) => releaseRank(acq, b) - releaseRank(acq, a) || arity(a) - arity(b)
    || commonSuffix(acq.name, b.name) - commonSuffix(acq.name, a.name) || a.name.length - b.name.length || (a.name < b.name ? -1 : 1));
  return candidates[0];
}

function commonSuffix(a: string, b: string): number {
  let n = 0;
  while (n < a.length && n < b.length && a[a.length - 1 - n] === b[b.length - 1 - n]) n++;
  return n;
}

function arity(api: LockApi): number {
  return Math.max(api.lockArg, api.handleArg ?? -1, ...argRefs(api.lockExpr)) + 1;
}

/** `spin_unlock_irqrestore(&dp->lock, flags)` for `spin_lock_irqsave(&dp->lock, flags)`. */
export function releaseCallFor(knowledge: ApiKnowledge, acquire: CallSite): string | undefined {
  const acq = knowledge.locks.find((a) => a.name === acquire.name && (a.kind === 'acquire' || a.kind === 'tryacquire'));
  const rel = matchingRelease(knowledge, acquire.name);
  if (!acq || !rel) return undefined;
  const args: (string | undefined)[] = new Array<string | undefined>(arity(rel)).fill(undefined);
  if (rel.lockExpr !== undefined && rel.lockExpr === acq.lockExpr) {
    for (const i of argRefs(rel.lockExpr)) args[i] = acquire.args[i];
  } else if (rel.lockArg >= 0) {
    if (acq.lockArg < 0 || acq.lockExpr !== undefined) return undefined;
    args[rel.lockArg] = acquire.args[acq.lockArg];
  }
  if (rel.handleArg !== undefined) {
    let handle = acq.handleFromReturn ? acquire.assignedTo : acq.handleArg !== undefined ? acquire.args[acq.handleArg] : undefined;
    if (handle === undefined) return undefined;
    if (HANDLE_BY_VALUE.has(rel.name)) handle = handle.replace(/^&\s*/, '');
    args[rel.handleArg] = handle;
  }
  if (args.some((a) => a === undefined)) return undefined;
  return `${rel.name}(${args.join(', ')});`;
}

const GETS = new Set<RefApi['kind']>(['get', 'tryget', 'returnsRef', 'alloc']);

export function matchingPut(knowledge: ApiKnowledge, getName: string): { get: RefApi; put: RefApi } | undefined {
  const get = knowledge.refs.find((r) => r.name === getName && GETS.has(r.kind));
  if (!get?.family) return undefined;
  const want = get.kind === 'alloc' ? 'free' : 'put';
  const put = knowledge.refs.find((r) => r.family === get.family && r.kind === want && r.consumes === undefined
    && !NEEDS_MORE_ARGS.has(r.name) && (r.objArg ?? 0) === 0);
  return put ? { get, put } : undefined;
}

/** `dev_put(dev);` for `dev_hold(dev)` or `dev = dev_get_by_name(...)`. */
export function putCallFor(knowledge: ApiKnowledge, getCall: CallSite): string | undefined {
  const pair = matchingPut(knowledge, getCall.name);
  if (!pair) return undefined;
  const { get, put } = pair;
  if (put.implicitObj !== undefined || get.implicitObj !== undefined) {
    // OvsAcquireSwitchContext() / OvsReleaseSwitchContext(gOvsSwitchContext): the object is a global.
    const obj = get.implicitObj ?? put.implicitObj;
    return obj !== undefined && put.implicitObj === undefined ? `${put.name}(${obj});` : undefined;
  }
  let obj: string | undefined;
  if (get.kind === 'returnsRef' || get.kind === 'alloc') {
    // The new reference is the result, or an out-parameter (`netdev_open(name, type, &netdev)`).
    obj = get.objArg !== undefined ? getCall.args[get.objArg]?.replace(/^&\s*/, '') : getCall.assignedTo;
    if (put.objFrom === 'field') return undefined; // the counter's field name is not in the call
  } else {
    obj = get.objArg !== undefined ? getCall.args[get.objArg] : undefined;
    if ((get.objFrom ?? 'self') !== (put.objFrom ?? 'self')) return undefined;
  }
  return obj === undefined ? undefined : `${put.name}(${obj});`;
}
