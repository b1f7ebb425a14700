import type { SyntaxNode as Node } from '../c/syntax';
import type { RefApi } from '../apis/types';
import { argPatternMatches } from '../apis/argPattern';
import { rangeOf, type SourceRange } from '../source';
import { identifiersOf, normalizeLvalue, ownerOf, rootVariable, squash, stripCasts, substituteParams } from './exprs';
import { callArgs, calleeName, type Op } from './ops';
import { implicitReaders } from './graceFreed';
import { addTrail, cloneState, type AbsState, type DeadObject, type OwnedRef } from './state';
import { isBorrower } from '../apis/borrowers';
import { invalidOf, resultOf, withIdResult, withResult } from './callResults';
import { handOffProtected, isProtectionMark } from './protection';
import { invalidateViews, reallocatedArgs } from './packetViews';
import { arrayOfElement, dischargeArrays, handsArrayOn } from './ownedArrays';
import { checkRcuFieldFree, graceEnded, isGracePeriod, markUnlinked, noteGrace, touchesRcuFields, touchesRcuUnlinks, unlinkedObject } from './rcuUnlink';
import type { Branch, FnContext } from './fnContext';
import { calleeDroppedField, clearDroppedField, copiesField, dropCopies, keepParamDrop } from './fieldDrops';

// Reference ownership along a path. Policy for references this function did not take (parameters,
// globals, objects from unknown calls): they are borrowed, and the first put on a path is taken to
// consume a reference the caller transferred — so correct "consume the argument" code is quiet —
// while a second put on the same path, with no get in between, is an underflow.

/** Calls that publish a pointer (the object escapes into shared state). */
export const PUBLISHERS = new Set(['rcu_assign_pointer', 'RCU_INIT_POINTER', 'ovsrcu_set', 'ovsrcu_set_hidden', 'ovsrcu_init', 'InsertHeadList', 'InsertTailList']);

/**
 * Whether argument `i` of a publishing call is the value it publishes. The first argument is
 * where it goes (`ovsrcu_set(&dev->flow_api, NULL)`, `InsertTailList(&sw->list, &e->link)`):
 * writing into `dev`'s field or `sw`'s list keeps neither `dev` nor `sw` anywhere.
 */
export function publishesArg(name: string, i: number): boolean {
  return i >= 1 && PUBLISHERS.has(name);
}


/** The object a reference API call is about, or undefined when the call is not a reference operation. */
export function objectOf(api: RefApi, args: Node[], call: Node): { id: string; display: string } | undefined {
  if (api.implicitObj) return { id: api.implicitObj, display: api.implicitObj };
  if (api.objExpr) {
    const t = substituteParams(api.objExpr, args.map((a) => a.text));
    return t ? { id: t, display: t } : undefined;
  }
  if (api.kind === 'returnsRef' || api.kind === 'alloc') {
    if (api.objArg !== undefined) {
      const a = args[api.objArg];
      if (!a) return undefined;
      const t = stripCasts(a.text);
      const id = t.startsWith('&') ? normalizeLvalue(t.slice(1)) : `*${t}`;
      return { id, display: id };
    }
    let p = call.parent;
    while (p && (p.type === 'parenthesized_expression' || p.type === 'cast_expression')) p = p.parent;
    if (p?.type === 'assignment_expression') {
      const lhs = p.childForFieldName('left');
      return lhs ? { id: normalizeLvalue(lhs.text), display: squash(lhs.text) } : undefined;
    }
    if (p?.type === 'init_declarator') {
      let d = p.childForFieldName('declarator');
      while (d && d.type !== 'identifier') d = d.childForFieldName('declarator');
      return d ? { id: d.text, display: d.text } : undefined;
    }
    return undefined;
  }
  const a = args[api.objArg ?? 0];
  if (!a) return undefined;
  if (api.argPattern && !argPatternMatches(api.argPattern, a.text)) return undefined;
  let t = stripCasts(a.text);
  if (api.objFrom === 'field') {
    // `&x->ref` counts for `x`; `x->ct` (no `&`) is a pointer to another object's count, kept in a
    // field of `x` (`nf_conntrack_put(skb->nfct)` drops the conntrack entry, not the packet).
    if (t.startsWith('&')) t = ownerOf(normalizeLvalue(t.slice(1)));
    else if (!/->|\./.test(t)) t = ownerOf(t);
  } else if (t.startsWith('&')) {
    t = normalizeLvalue(t.slice(1));
  }
  return { id: t, display: t };
}

/** True when `expr` (normalised) is the object itself or the address of something inside it. */
export function mentionsObject(expr: string, obj: string): boolean {
  const e = stripCasts(expr);
  const bare = e.startsWith('&') ? normalizeLvalue(e.slice(1)) : e;
  return bare === obj || bare.startsWith(`${obj}->`) || bare.startsWith(`${obj}.`) || bare.startsWith(`${obj}[`);
}

function dropRef(s: AbsState, obj: string): void {
  s.refs = s.refs.filter((r) => r.obj !== obj);
}

function markDead(s: AbsState, obj: string, display: string, api: string, site: SourceRange, how: DeadObject['how'], consumed = false): void {
  s.dead = [...s.dead.filter((d) => d.obj !== obj), consumed ? { obj, display, api, site, how, consumed } : { obj, display, api, site, how }];
}

function checkUse(ctx: FnContext, nodeId: number, b: Branch, text: string, range: SourceRange, what: string): void {
  for (const d of b.s.dead) {
    if (d.how === 'guarded' || d.how === 'unlinked' || d.how === 'view' || d.handle) continue;
    if (d.how === 'unlocked') {
      if (mentionsObject(text, d.obj)) {
        ctx.sink.add(nodeId, `${d.obj}@${range.start.line}`, { kind: 'use-after-unlock', dead: { ...d }, use: what, range, trail: b.s.trail });
        return;
      }
      continue;
    }
    // A free after a grace period whose readers must say so (`kfree_rcu`, `call_rcu`): outside an
    // RCU read-side section this thread is no reader, and the grace period may already be over.
    const unprotected = d.how === 'deferred' && explicitReaders(ctx, d.api) && !b.s.locks.some((l) => l.family === 'rcu');
    if ((unprotected || (d.how !== 'dropped' && d.how !== 'last' && d.how !== 'deferred')) && mentionsObject(text, d.obj)) {
      ctx.sink.add(nodeId, `${d.obj}@${range.start.line}`, { kind: 'use-after-release', dead: { ...d, how: unprotected ? 'freed' : d.how }, use: what, range, trail: b.s.trail });
      return;
    }
  }
}

/** A deferred free whose grace period waits only for explicit readers (not the implicit-reader ovsrcu family). */
function explicitReaders(ctx: FnContext, api: string): boolean {
  return (ctx.index.refs.get(api) ?? []).some((r) => r.kind === 'free' && r.deferred === true && !implicitReaders(r));
}

/**
 * Where a call's result goes: `x = get(o)` (a local variable), `s->f = get(o)` (a place that
 * outlives the call), or nowhere the path can follow.
 */
function storedInto(call: Node): { kind: 'variable' | 'place'; text: string } | undefined {
  let p = call.parent;
  // `x = cond ? get(o) : o` stores the reference too.
  while (p && (p.type === 'parenthesized_expression' || p.type === 'cast_expression' || p.type === 'conditional_expression')) p = p.parent;
  if (p?.type === 'init_declarator') {
    let d = p.childForFieldName('declarator');
    while (d && d.type !== 'identifier') d = d.childForFieldName('declarator');
    return d ? { kind: 'variable', text: d.text } : undefined;
  }
  if (p?.type !== 'assignment_expression') return undefined;
  const lhs = p.childForFieldName('left');
  if (!lhs) return undefined;
  return lhs.type === 'identifier' ? { kind: 'variable', text: lhs.text } : { kind: 'place', text: normalizeLvalue(lhs.text) };
}

/** `*out = local = alloc()`: the chained assignment also stores the value in a place that outlives the call. */
function storedFurther(ctx: FnContext, call: Node): boolean {
  let p = call.parent;
  while (p && (p.type === 'parenthesized_expression' || p.type === 'cast_expression')) p = p.parent;
  if (p?.type !== 'assignment_expression') return false;
  let q = p.parent;
  while (q && q.type === 'parenthesized_expression') q = q.parent;
  if (q?.type !== 'assignment_expression') return false;
  const lhs = q.childForFieldName('left');
  return lhs !== null && !(lhs.type === 'identifier' && ctx.isLocal(lhs.text));
}

/** Only lvalues name an object the path can follow (`CONTAINING_RECORD(e, T, f)` is a new value each time). */
function isTrackable(id: string): boolean {
  return /^\*?[A-Za-z_]\w*((->|\.)[A-Za-z_]\w*|\[[^\]()]*\])*$/.test(id);
}

function refCall(ctx: FnContext, nodeId: number, b: Branch, api: RefApi, call: Node, args: Node[]): Branch[] {
  if (api.heldInField && !api.when) {
    // A callee dropped the reference its argument's field held (fieldDrops.ts).
    const obj = objectOf(api, args, call);
    if (obj && isTrackable(obj.id)) calleeDroppedField(b.s, obj.id, api, rangeOf(call), ctx.params);
    return [b];
  }
  const out = refCallOn(ctx, nodeId, b, api, call, args);
  if ((api.kind !== 'put' && api.kind !== 'free' && api.kind !== 'destroy') || api.handle) return out;
  const obj = objectOf(api, args, call);
  if (!obj || !obj.id.includes('->')) return out;
  const range = rangeOf(call);
  for (const o of out) {
    // Only where this call dropped it (not a put the path's own extra reference absorbed).
    const d = o.s.dead.find((x) => x.obj === obj.id && x.api === api.name && x.site.start.line === range.start.line && x.site.start.column === range.start.column);
    if (d && copiesField(o.s, obj.id)) dropCopies(o.s, obj.id, api.name, d.site, api.deferred === true || d.how === 'dropped' || d.how === 'deferred', d.how === 'freed');
  }
  return out;
}

function refCallOn(ctx: FnContext, nodeId: number, b: Branch, api: RefApi, call: Node, args: Node[]): Branch[] {
  // The current value of an RCU-published field, freed at once (rcuFields.ts): the argument may be
  // a load through an accessor (`free(impl_of(m))`), which names no object the path can follow.
  if (api.kind === 'free' && ctx.rcuFields && !api.when && !api.handle) {
    const a = args[api.objArg ?? 0];
    if (a) checkRcuFieldFree(ctx.rcuFields, ctx.sink, nodeId, b.s, api, a.text, rangeOf(call));
  }
  const obj = objectOf(api, args, call);
  if (!obj || !isTrackable(obj.id)) return [b];
  if (api.when) {
    // The effect happens only on one outcome of the call (a callee that completes the request on its error path).
    const hit: Branch = { s: cloneState(b.s), env: withResult(b.env, call.id, api.when) };
    const miss: Branch = { s: b.s, env: withResult(b.env, call.id, api.when === 'zero' ? 'nonzero' : 'zero') };
    const earlier = new Set(hit.s.dead);
    const hits = refCallOn(ctx, nodeId, hit, { ...api, when: undefined }, call, args);
    // What the callee dropped on this outcome was the caller's one reference (onOutcome).
    for (const h of hits) h.s.dead = h.s.dead.map((d) => (d.obj === obj.id && !earlier.has(d) ? { ...d, onOutcome: true } : d));
    // Perhaps gone on the other outcome too: no longer this path's to drop, nor a leak if it is not.
    if (api.elseMay && miss.s.refs.some((r) => r.obj === obj.id)) miss.s.refs = miss.s.refs.filter((r) => r.obj !== obj.id);
    return [...hits, miss];
  }
  const range = rangeOf(call);
  const s = b.s;
  // An owned parameter met by a reference call: from here on the call's own meaning decides (ownedParams.ts).
  if (s.refs.some((r) => r.entry && r.obj === obj.id)) {
    s.refs = s.refs.filter((r) => !(r.entry && r.obj === obj.id));
    if (api.kind === 'store' || api.kind === 'put' || api.kind === 'free' || api.kind === 'destroy') noteConsumed(ctx, obj.id, api.name, call);
  }
  // The CodeLens counts reference-counted objects: memory that is only allocated and freed is not one.
  if (api.kind !== 'alloc' && api.kind !== 'free') ctx.touchedRefs.add(obj.id);
  const owned = s.refs.find((r) => r.obj === obj.id);
  switch (api.kind) {
    case 'get': {
      checkUse(ctx, nodeId, b, obj.id, range, `${api.name} takes a new reference`);
      const restored = s.dead.find((d) => d.obj === obj.id && d.consumed);
      const into = storedInto(call);
      // Reference objects are shared between states: replace, never edit.
      if (restored && !owned) {
        // `if (unref(&x->ref) != 1) ref(&x->ref);`: the count put back, not a new reference.
      } else if (into && !owned) {
        // `bfd->netdev = netdev_ref(netdev)`: the reference goes where the result is stored.
        if (into.kind === 'place') {
          addTrail(s, range, `reference to \`${obj.display}\` taken (${api.name}) and stored in \`${into.text}\``);
          s.dead = s.dead.filter((d) => d.obj !== obj.id);
          return [b];
        }
        s.refs = [...s.refs, { obj: into.text, display: into.text, api: api.name, site: range, count: 1, family: api.family }];
        b.env = withResult(b.env, call.id, 'nonzero'); // the assignment that follows stores this fresh reference
      } else if (owned) s.refs = s.refs.map((r) => (r === owned ? { ...owned, count: Math.min(owned.count + 1, 4) } : r));
      else {
        // A reference taken on what the caller lent us (a parameter's object): dropping it again
        // leaves the caller's reference, so the object lives on.
        const root = rootVariable(obj.id);
        const borrowed = root !== null && ctx.params.includes(root) || undefined;
        s.refs = [...s.refs, { obj: obj.id, display: obj.display, api: api.name, site: range, count: 1, borrowed, family: api.family }];
      }
      s.dead = s.dead.filter((d) => d.obj !== obj.id);
      addTrail(s, range, `reference to \`${obj.display}\` taken (${api.name})`);
      return [b];
    }
    case 'put':
    case 'destroy': {
      // Only a put of a reference this path holds pairs with a get; a put on a fresh lookup
      // (`if (ref) get(&o->cnt); else put(&o->cnt);`) is the caller adjusting a table's count.
      if (owned) ctx.putObjects.add(obj.id);
      const dead = s.dead.find((d) => d.obj === obj.id && !isProtectionMark(d));
      // A caller may hand a parameter's object over with several references (its own and one a
      // subsystem kept): dropping two of them here is the function's contract, not an underflow.
      // Not after a callee dropped it on the outcome this path took (its error path freed it): that was the one.
      if (!owned && dead?.consumed && !dead.onOutcome && obj.id === rootVariable(obj.id) && ctx.params.includes(obj.id)) {
        markDead(s, obj.id, obj.display, api.name, range, dead.how, true);
        addTrail(s, range, `another reference to \`${obj.display}\` dropped (${api.name})`);
        return [b];
      }
      if (!owned && dead) {
        ctx.sink.add(nodeId, `${obj.id}@${api.name}`, { kind: 'ref-underflow', obj: obj.id, display: obj.display, api: api.name, range, trail: s.trail, droppedBefore: dead.site });
        return [];
      }
      if (owned && owned.count > 1) s.refs = s.refs.map((r) => (r === owned ? { ...owned, count: owned.count - 1 } : r));
      else if (api.deferred && api.kind === 'put') {
        // A put whose last free waits for a grace period: the object outlives this thread's use.
        dropRef(s, obj.id);
        markDead(s, obj.id, obj.display, api.name, range, 'dropped', !owned);
        addTrail(s, range, `reference to \`${obj.display}\` dropped (${api.name}); freed after a grace period if it was the last`);
        return [b];
      } else if (owned?.borrowed && api.kind === 'put') {
        // Not a use-after-release to touch it now, but a second put would take the caller's reference.
        dropRef(s, obj.id);
        markDead(s, obj.id, obj.display, api.name, range, 'dropped');
        addTrail(s, range, `reference to \`${obj.display}\` dropped (${api.name}); the caller's keeps it`);
        return [b];
      } else {
        dropRef(s, obj.id);
        markDead(s, obj.id, obj.display, api.name, range, api.kind === 'destroy' ? 'destroyed' : 'released', !owned);
      }
      if (api.kind === 'destroy') markDead(s, obj.id, obj.display, api.name, range, 'destroyed');
      addTrail(s, range, `reference to \`${obj.display}\` dropped (${api.name})`);
      if (!api.lastWhen || s.refs.some((r) => r.obj === obj.id)) return [b];
      // A put that says whether it dropped the last reference: on the "last" outcome the object is
      // this path's to destroy (`if (refcount_dec_and_test(&v->users)) vport_destroy(v);`).
      // `ovs_refcount_unref` returns the count before the decrement: 1 on the last put, and on
      // the other outcome more than 1 (nonzero too): `== 1` tells them apart, not the truth alone.
      const lastValue = api.lastWhen === 'returns-zero' ? 'zero' : 'nonzero';
      const otherValue = api.lastWhen === 'returns-one' ? 'nonzero' : lastValue === 'zero' ? 'nonzero' : 'zero';
      const last: Branch = { s: cloneState(s), env: withResult(b.env, call.id, lastValue, true) };
      // The last put is this path's to tear down (`if (refcount_dec_and_test(&v->users)) destroy(v)`),
      // unless the put itself ran the release callback (`kref_put(&v->kref, release)`): then it is gone.
      last.s.dead = last.s.dead.map((d) => (d.obj === obj.id ? { ...d, how: api.lastFrees ? 'freed' as const : 'last' as const } : d));
      // Not the last: others held references when this one went, so the object was alive then; a
      // second put is still not this path's to make.
      s.dead = s.dead.map((d) => (d.obj === obj.id && d.how === 'released' ? { ...d, how: 'dropped' as const } : d));
      b.env = withResult(b.env, call.id, otherValue, false);
      return [b, last];
    }
    case 'free': {
      if (api.handle || owned?.kind === 'handle') {
        // An id given back: the number stays readable (logged, compared), and giving it back twice is the pool's business.
        dropRef(s, obj.id);
        s.dead = [...s.dead.filter((d) => d.obj !== obj.id), { obj: obj.id, display: obj.display, api: api.name, site: range, how: 'freed', handle: true }];
        addTrail(s, range, `id \`${obj.display}\` given back (${api.name})`);
        return [b];
      }
      const unlinked = s.dead.find((d) => d.obj === obj.id && d.how === 'unlinked');
      if (unlinked && !api.deferred) {
        ctx.sink.add(nodeId, `${obj.id}@rcu-free`, { kind: 'rcu-free', obj: obj.id, display: obj.display, unlinkApi: unlinked.api, unlinkSite: unlinked.site, api: api.name, range, trail: b.s.trail });
      }
      const dead = s.dead.find((d) => d.obj === obj.id);
      if (dead && (dead.how === 'freed' || dead.how === 'destroyed' || dead.how === 'deferred')) {
        ctx.sink.add(nodeId, `${obj.id}@${range.start.line}`, { kind: 'use-after-release', dead: { ...dead, how: dead.how === 'deferred' ? 'freed' : dead.how }, use: `${api.name} frees it again`, range, trail: b.s.trail });
        return [];
      }
      if (owned?.kind === 'alloc' && owned.family && api.family && !familiesMatch(owned.family, api.family)) {
        ctx.sink.add(nodeId, `${obj.id}@free`, { kind: 'free-mismatch', mem: { ...owned }, api: api.name, family: api.family, range, trail: b.s.trail });
      }
      dropRef(s, obj.id);
      markDead(s, obj.id, obj.display, api.name, range, api.deferred ? 'deferred' : 'freed');
      addTrail(s, range, `\`${obj.display}\` ${api.deferred ? 'freed after a grace period' : 'freed'} (${api.name})`);
      return [b];
    }
    case 'alloc': {
      // Fresh memory this path owns until it frees it, returns it, stores it or hands it to a call
      // that may keep it. An allocator that can fail gives NULL (or a failure code) on the other branch.
      s.dead = s.dead.filter((d) => d.obj !== obj.id);
      const array = ctx.localArrays && arrayOfElement(obj.id, ctx.localArrays);
      if (array) {
        // An element of a local array: on success the array holds one more object; on failure it
        // holds what earlier iterations put there (ownedArrays.ts).
        if (!ctx.trackAllocations) return [b];
        const ok: Branch = { s: cloneState(s), env: withResult(b.env, call.id, api.success === 'zero' ? 'zero' : 'nonzero') };
        if (!ok.s.refs.some((r) => r.obj === array)) ok.s.refs = [...ok.s.refs, { obj: array, display: obj.display, api: api.name, site: range, count: 1, kind: 'alloc', family: api.family }];
        if (!api.success) return [ok];
        return [ok, { s, env: withResult(b.env, call.id, api.success === 'zero' ? 'nonzero' : 'zero') }];
      }
      if (!ctx.trackAllocations || owned) return [b];
      if (api.handle) return handleAlloc(ctx, b, api, obj, call, args, range);
      // Written straight into a field or a global: stored where it outlives the call.
      const fill = !/^[A-Za-z_]\w*$/.test(obj.id) || (!ctx.isLocal(obj.id) && !ctx.params.includes(obj.id)) || storedFurther(ctx, call) || undefined;
      const mem: OwnedRef = { obj: obj.id, display: obj.display, api: api.name, site: range, count: 1, kind: 'alloc', family: api.family, fill };
      if (!api.success) {
        s.refs = [...s.refs, mem];
        b.env = withResult(b.env, call.id, 'nonzero'); // the assignment that follows stores this fresh memory
        return [b];
      }
      const success = api.success === 'zero' ? 'zero' : 'nonzero';
      const ok: Branch = { s: cloneState(s), env: withResult(b.env, call.id, success) };
      ok.s.refs = [...ok.s.refs, mem];
      const fail: Branch = { s, env: withResult(b.env, call.id, success === 'zero' ? 'nonzero' : 'zero') };
      return [ok, fail];
    }
    case 'store':
      // Kept by the callee (a field, a table): the reference this path held is handed on — also
      // one taken on a member (`get(&tmpl->ct_general); nf_ct_set(skb, tmpl, …)`).
      // Storing a member's address (`push(&list, &entry->node)`) keeps the whole object.
      for (const r of [...s.refs]) {
        if (r.obj === obj.id || r.obj.startsWith(`${obj.id}->`) || r.obj.startsWith(`${obj.id}.`) || obj.id.startsWith(`${r.obj}->`) || obj.id.startsWith(`${r.obj}.`)) dropRef(s, r.obj);
      }
      return [b];
    case 'tryget':
    case 'returnsRef': {
      const success = api.success === 'zero' ? 'zero' : 'nonzero';
      const ok: Branch = { s: cloneState(s), env: withResult(b.env, call.id, success) };
      const got = ok.s.refs.find((r) => r.obj === obj.id);
      if (got) ok.s.refs = ok.s.refs.map((r) => (r === got ? { ...got, count: Math.min(got.count + 1, 4) } : r));
      // A call that writes the new reference into the named place (`x->dev = get()`, `get(&ctx.obj)`) fills it.
      else ok.s.refs = [...ok.s.refs, { obj: obj.id, display: obj.display, api: api.name, site: range, count: 1, fill: api.kind === 'returnsRef' || undefined }];
      ok.s.dead = ok.s.dead.filter((d) => d.obj !== obj.id);
      addTrail(ok.s, range, `reference to \`${obj.display}\` taken (${api.name})`);
      const fail: Branch = { s, env: withResult(b.env, call.id, success === 'zero' ? 'nonzero' : 'zero') };
      if (api.kind === 'returnsRef') fail.s.dead = fail.s.dead.filter((d) => d.obj !== obj.id);
      return [ok, fail];
    }
  }
}

/**
 * An integer id taken from a pool: owned by the path on success, nothing on the failure outcome —
 * the call's truth (`id_pool_alloc_id(pool, &id)` returns false) or, for an id returned by value,
 * the failure value (`INVALID_MARK`, a negative errno), which the assignment then records
 * (transfer.ts). Ids from a pool local to this function are its own business (a scratch
 * numbering, destroyed with the pool).
 */
function handleAlloc(ctx: FnContext, b: Branch, api: RefApi, obj: { id: string; display: string }, call: Node, args: Node[], range: SourceRange): Branch[] {
  const pool = api.poolArg !== undefined ? args[api.poolArg] : undefined;
  const poolRoot = pool ? rootVariable(normalizeLvalue(stripCasts(pool.text).replace(/^&/, ''))) : null;
  if (poolRoot && ctx.isLocal(poolRoot)) return [b];
  const fill = !/^[A-Za-z_]\w*$/.test(obj.id) || (!ctx.isLocal(obj.id) && !ctx.params.includes(obj.id)) || storedFurther(ctx, call) || undefined;
  const id: OwnedRef = { obj: obj.id, display: obj.display, api: api.name, site: range, count: 1, kind: 'handle', family: api.family, fill };
  const s = b.s;
  const ok: Branch = { s: cloneState(s), env: api.success ? withResult(b.env, call.id, api.success === 'zero' ? 'zero' : 'nonzero') : withIdResult(b.env, call.id, false) };
  ok.s.refs = [...ok.s.refs, id];
  addTrail(ok.s, range, `id \`${obj.display}\` taken (${api.name})`);
  if (!api.success && api.invalid === undefined) return [ok];
  const fail: Branch = { s, env: api.success ? withResult(b.env, call.id, api.success === 'zero' ? 'nonzero' : 'zero') : withIdResult(b.env, call.id, true) };
  return [ok, fail];
}

/** An owned parameter consumed by a known consumer or a callee whose body consumes it (the first such call is kept). */
function noteConsumed(ctx: FnContext, obj: string, api: string, at: Node): void {
  if (ctx.ownedConsumed && !ctx.ownedConsumed.has(obj)) ctx.ownedConsumed.set(obj, { api, site: rangeOf(at) });
}

/** `&p`, `&nf->collectors`, `&v[i]`: the address of a place, where the call can store a new value. */
function refilledPlace(text: string): string | undefined {
  const t = normalizeLvalue(text);
  if (!t.startsWith('&')) return undefined;
  const place = normalizeLvalue(t.slice(1));
  return /^[A-Za-z_]\w*((->|\.)[A-Za-z_]\w*|\[[^\]()]*\])*$/.test(place) ? place : undefined;
}

/** Applies the reference effects of one op (after its lock effects). */
export function applyRefOp(ctx: FnContext, nodeId: number, op: Op, branches: Branch[]): Branch[] {
  if (op.op === 'use') {
    const base = op.base.text;
    for (const b of branches) {
      if (b.s.dead.length) checkUse(ctx, nodeId, b, base, rangeOf(op.node), `\`${squash(op.node.text)}\` reads it`);
      markUsed(b.s, base);
    }
    return branches;
  }
  if (op.op === 'assign') {
    for (const b of branches) assignRefs(ctx, nodeId, b, op.lhs, op.rhs, rangeOf(op.node));
    return branches;
  }
  const known = ctx.call(op.name).refs;
  // An API whose signature changed lists one entry per argument count (refsLinux.ts NETLINK_SENDS).
  const apis = known?.some((a) => a.arity !== undefined) ? known.filter((a) => a.arity === undefined || a.arity === op.args.length) : known;
  // The arguments a reference call acts on are its business (a put of a dead object is an underflow, not a use).
  const acted = new Set((apis ?? []).map((a) => a.objArg ?? 0));
  const mutator = ctx.index.mutators.get(op.name);
  // A format string before an argument: the pointer's value is printed, not followed (`LOG("%p", p)`).
  const format = op.args.findIndex((a) => (a.type === 'string_literal' || a.type === 'concatenated_string') && a.text.includes('%'));
  for (const b of branches) {
    for (let i = 0; i < op.args.length; i++) {
      const a = op.args[i]!;
      const refill = refilledPlace(a.text);
      if (refill) {
        // `make(&p)`, `create(&nf->collectors)`: the callee may store a new value there; the old
        // object's fate says nothing of it, and the address of the place is not a use of the object.
        if (b.s.dead.some((d) => within(d.obj, refill))) b.s.dead = b.s.dead.filter((d) => !within(d.obj, refill));
      }
      const printed = format >= 0 && i > format && a.type === 'identifier';
      if (b.s.dead.length) handOffProtected(ctx, b.s, op.name, a.text);
      if (!(apis && acted.has(i))) markUsed(b.s, a.text);
      if (b.s.dead.length && !printed && !(apis && acted.has(i))) checkUse(ctx, nodeId, b, a.text, rangeOf(a), `passed to \`${op.name || 'a call'}\``);
      // Linked into a structure or published: ownership moves there.
      if ((mutator && i !== mutator.containerArg) || publishesArg(op.name, i)) {
        for (const r of [...b.s.refs]) {
          if (!mentionsObject(stripCasts(a.text), r.obj)) continue;
          if (r.entry) noteConsumed(ctx, r.obj, op.name, a);
          dropRef(b.s, r.obj);
        }
      } else if (b.s.refs.some((r) => r.kind === 'alloc' || r.kind === 'handle' || r.entry) && !(apis && acted.has(i)) && !(format >= 0 && i > format) && mayKeep(ctx, op.name, i)) {
        // Memory (or an id) handed to a call that may keep it (no body in sight, or one that stores it) is
        // theirs now; an owned parameter too, unless the call only lends it.
        // (A callee whose body consumes it on some paths lends nothing, whatever the caller does next.)
        const lends = ctx.lendingCalls?.has(op.node.id) === true && ctx.call(op.name).summary?.defined !== true;
        for (const r of [...b.s.refs]) {
          if (!(r.kind === 'alloc' || r.kind === 'handle' || (r.entry && !lends)) || !passesOwned(a.text, r)) continue;
          // Memory the function frees or sends itself afterwards was only lent (`put_attrs(skb); … send(skb);`).
          if (r.kind === 'alloc' && ctx.call(op.name).summary?.defined !== true && ctx.lentAllocation?.(op.node, r.obj)) continue;
          // A callee whose body keeps or frees it: evidence that the parameter is this function's to consume.
          if (r.entry && ctx.call(op.name).summary?.defined) noteConsumed(ctx, r.obj, op.name, a);
          dropRef(b.s, r.obj);
        }
      }
    }
  }
  // A batch of allocations in a local array handed to a call (a send, a per-element free): theirs now.
  if (ctx.localArrays?.size) for (const b of branches) dischargeArrays(b.s, op.node, op.name, op.args, ctx.localArrays);
  for (const of of reallocatedArgs(ctx, op.name, op.args)) for (const b of branches) invalidateViews(b.s, of, op.name, op.node);
  const unlinked = unlinkedObject(op.name, op.args.map((a) => a.text));
  if (unlinked) for (const b of branches) markUnlinked(b.s, unlinked, op.name, rangeOf(op.node));
  else if (isGracePeriod(op.name)) {
    for (const b of branches) {
      graceEnded(b.s);
      noteGrace(b.s, ctx.rcuFields);
    }
  }
  if (!apis) return branches;
  let out = branches;
  for (const api of apis) {
    const next: Branch[] = [];
    for (const b of out) next.push(...refCall(ctx, nodeId, b, api, op.node, op.args));
    out = next;
  }
  return out;
}

/** Allocation families that free each other's memory (kvfree takes kmalloc'd and vmalloc'd memory alike). */
function familiesMatch(allocated: string, freeing: string): boolean {
  // A deferred free names the freeing function as an argument (`ovsrcu_postpone(free, p)`): any family.
  if (freeing === 'ovsrcu' || freeing === '*') return true;
  return allocated === freeing || (freeing === 'kvmalloc' && allocated === 'kmalloc');
}

/** The argument hands the owned object over: the memory or an address inside it; an id, or the local block a copy of it is in. */
function passesOwned(text: string, r: OwnedRef): boolean {
  if (r.kind !== 'handle') return handsOver(text, r.obj);
  const t = stripCasts(text);
  // Taken straight into a local block (`args.tag = tag_alloc()`): it goes where the block goes.
  const block = /^([A-Za-z_]\w*)\./.exec(r.obj)?.[1];
  return t === r.obj || [...(r.copies ?? []), ...(block ? [block] : [])].some((c) => t === c || t === `&${c}` || t.startsWith(`&${c}.`));
}

/** The argument is the memory itself or an address inside it (`p`, `(void *) p`, `&p->node`), not a value read from it. */
function handsOver(text: string, obj: string): boolean {
  const t = stripCasts(text);
  return t === obj || t.startsWith(`&${obj}->`) || t.startsWith(`&${obj}.`);
}

/**
 * Whether a call may keep what it is given as argument `i`: with a body in the inputs, when its
 * summary says it stores it; lock calls and calls that fill memory in place keep nothing; any other
 * call with no body in sight may.
 */
function mayKeep(ctx: FnContext, name: string, i: number): boolean {
  if (!name) return true;
  // Where a publishing call writes is not kept by it (`ovsrcu_set(&br->cfg, cfg)` keeps cfg, not br).
  if (PUBLISHERS.has(name)) return publishesArg(name, i);
  const k = ctx.call(name);
  if (k.lock || k.lockEffects.length > 0 || isBorrower(name) || ctx.index.noReturn.has(name)) return false;
  if (k.summary?.defined) return k.summary.refs.some((r) => r.target === `$${i}` && (r.op === 'store' || r.op === 'free' || r.op === 'put' || r.op === 'mayConsume'));
  return k.refs === undefined;
}

/** Owned references to what `text` reads or passes are now used for something. */
function markUsed(s: AbsState, text: string): void {
  if (s.refs.length === 0 || s.refs.every((r) => r.used)) return;
  if (s.refs.some((r) => !r.used && mentionsObject(text, r.obj))) s.refs = s.refs.map((r) => (!r.used && mentionsObject(text, r.obj) ? { ...r, used: true } : r));
}

/** `obj` is the place `place` or lies inside it (`p`, `p->f`, `s.f`, `a[i]`). */
function within(obj: string, place: string): boolean {
  return obj === place || obj.startsWith(`${place}->`) || obj.startsWith(`${place}.`) || obj.startsWith(`${place}[`);
}

/**
 * Whether `applyRefOp` would leave state `s` as it is and report nothing for `op` (the explorer then
 * skips cloning); kept beside `applyRefOp` and `assignRefs`, whose conditions it mirrors.
 */
export function refOpIsInert(ctx: FnContext, op: Op, s: AbsState): boolean {
  if (ctx.packetViews && (op.op === 'assign' ? op.lhs.type === 'identifier' : op.op === 'call' && reallocatedArgs(ctx, op.name, op.args).length > 0)) return false;
  if (s.refs.length === 0 && s.dead.length === 0) return op.op !== 'call' || (ctx.call(op.name).refs === undefined && !touchesRcuUnlinks(op.name, s) && !touchesRcuFields(op.name, s, ctx.rcuFields));
  if (op.op === 'use') return !mentionsAnyDead(op.base.text, s) && !s.refs.some((r) => !r.used && mentionsObject(op.base.text, r.obj));
  if (op.op === 'assign') {
    const target = normalizeLvalue(op.lhs.text);
    const rhs = op.rhs?.text;
    const whole = op.lhs.type === 'identifier';
    for (const r of s.refs) {
      if (rhs !== undefined && r.obj !== target && (mentionsObject(rhs, r.obj) || r.obj.startsWith(`${stripCasts(rhs)}->`) || r.obj.startsWith(`${stripCasts(rhs)}.`))) return false;
      if (rhs !== undefined && r.copies && handleCopied(r, stripCasts(rhs))) return false;
      if (whole && (r.obj === target || (rootVariable(r.obj) === target && r.obj !== `*${target}`))) return false;
    }
    for (const d of s.dead) if (whole ? identifiersOf(d.obj).includes(target) : within(d.obj, target)) return false;
    return true;
  }
  if (ctx.call(op.name).refs !== undefined || touchesRcuUnlinks(op.name, s) || touchesRcuFields(op.name, s, ctx.rcuFields)) return false;
  const arrays = ctx.localArrays;
  if (arrays?.size && s.refs.some((r) => arrays.has(r.obj) && handsArrayOn(op.node, op.name, op.args, r.obj))) return false;
  const mutator = ctx.index.mutators.get(op.name);
  for (let i = 0; i < op.args.length; i++) {
    const a = op.args[i]!.text;
    if (mentionsAnyDead(a, s)) return false;
    if (s.refs.some((r) => !r.used && mentionsObject(a, r.obj))) return false;
    // Memory handed to a call that may keep it (applyRefOp decides).
    if (s.refs.some((r) => (r.kind === 'alloc' || r.kind === 'handle' || r.entry) && passesOwned(a, r))) return false;
    const refill = refilledPlace(a);
    if (refill && s.dead.some((d) => within(d.obj, refill))) return false;
    if ((mutator && i !== mutator.containerArg) || publishesArg(op.name, i)) for (const r of s.refs) if (mentionsObject(stripCasts(a), r.obj)) return false;
  }
  return true;
}

function mentionsAnyDead(text: string, s: AbsState): boolean {
  for (const d of s.dead) if (mentionsObject(text, d.obj)) return true;
  return false;
}

function assignRefs(ctx: FnContext, nodeId: number, b: Branch, lhs: Node, rhs: Node | null, range: SourceRange): void {
  const s = b.s;
  const target = normalizeLvalue(lhs.text);
  if (rhs && s.refs.length) {
    // Stored anywhere (field, global, out-parameter or alias): the reference is handed on — also
    // when what is stored is the object that holds it (`entry->rule = rule` after `ref(&rule->up)`).
    const stored = stripCasts(rhs.text);
    if (consumedBy(ctx, rhs, target)) dropRef(s, target);
    const aggregate = localAggregateField(ctx, target);
    for (const r of [...s.refs]) {
      if (r.obj === target) continue;
      if (r.kind === 'handle' && handleCopied(r, stored)) {
        // An id copied into a local parameter block (`args.mark = mark`): it goes where the block goes.
        if (aggregate && stored === r.obj) {
          if (!r.copies?.includes(aggregate)) s.refs = s.refs.map((x) => (x === r ? { ...r, copies: [...(r.copies ?? []), aggregate] } : x));
          continue;
        }
        dropRef(s, r.obj);
        continue;
      }
      if (mentionsObject(rhs.text, r.obj) || r.obj.startsWith(`${stored}->`) || r.obj.startsWith(`${stored}.`)) dropRef(s, r.obj);
    }
  }
  // The variable now names another object: forget the old one's dead mark; a fresh reference from
  // the right-hand call (returnsRef) was recorded for this target by the call itself.
  const fresh = rhs !== null && (resultOf(b.env, unwrap(rhs).id) !== undefined || invalidOf(b.env, unwrap(rhs).id) !== undefined);
  // `skb = vlan_insert_tag(skb, …)`: the call dropped the old object (on this outcome) and the
  // variable now holds what it returned — NULL there — not the dropped object.
  if (fresh && lhs.type === 'identifier' && dropsInto(ctx, rhs, target)) {
    // A parameter's object dropped that way is still the summary's to tell (`skb = __vlan_put_tag(skb, …);
    // if (!skb) return -ENOMEM;` frees the caller's skb on that error): its mark moves out of reach.
    const own = ctx.params.includes(target) ? s.dead.find((d) => d.obj === target) : undefined;
    s.dead = s.dead.filter((d) => !identifiersOf(d.obj).includes(target));
    if (own) keepParamDrop(s, own);
  }
  // Whatever the call returned, the old object's lock protection no longer concerns this name.
  if (fresh && lhs.type === 'identifier') s.dead = s.dead.filter((d) => !(isProtectionMark(d) && d.obj === target));
  if (!fresh) {
    if (lhs.type === 'identifier') {
      s.dead = s.dead.filter((d) => !identifiersOf(d.obj).includes(target));
      for (const r of s.refs) {
        // The only pointer to an owned reference is overwritten: that reference can never be dropped.
        if (r.obj === target) ctx.sink.add(nodeId, r.obj, { kind: 'ref-at-exit', ref: { ...r }, exitRange: range, isReturn: false, overwritten: true, trail: s.trail });
      }
      s.refs = s.refs.filter((r) => rootVariable(r.obj) !== target || r.obj === `*${target}`);
    } else {
      clearDroppedField(s, target, ctx.params);
    }
  }
  // A new value: what was released in the old one's fields (a callee's summary drops `$0->f`) is not about it.
  if (s.dead.some((d) => d.obj !== target && within(d.obj, target))) s.dead = s.dead.filter((d) => d.obj === target || !within(d.obj, target));
}

/** The right-hand call puts or frees its argument `target` itself (the result replaces it). */
function dropsInto(ctx: FnContext, rhs: Node, target: string): boolean {
  const call = unwrap(rhs);
  const name = call.type === 'call_expression' ? calleeName(call) : null;
  if (!name) return false;
  const args = callArgs(call);
  return (ctx.call(name).refs ?? []).some((r) => (r.kind === 'put' || r.kind === 'free') && r.objExpr === undefined && r.implicitObj === undefined && args[r.objArg ?? 0] !== undefined && stripCasts(args[r.objArg ?? 0]!.text) === target);
}

/**
 * The root of `target` when it is a field of a local aggregate (`args.mark`, `info.ids[0]`): a
 * block on this function's stack, not a place that outlives it.
 */
function localAggregateField(ctx: FnContext, target: string): string | undefined {
  const m = /^([A-Za-z_]\w*)\./.exec(target);
  return m && !target.includes('->') && ctx.isLocal(m[1]!) ? m[1]! : undefined;
}

/**
 * Whether a stored value carries the id: the id itself (`x->mark = mark`, `*idp = id`) or a copy
 * of the block it was copied into. An id read into arithmetic (`hash_int(mark, 0)`, `mark + 1`)
 * is a number computed from it, not the id.
 */
function handleCopied(r: OwnedRef, stored: string): boolean {
  return stored === r.obj || (r.copies ?? []).some((c) => mentionsObject(stored, c));
}

/**
 * `op = rewrite(op, ctx)`: the old value goes to a call whose result replaces it — the callee
 * returns it or a replacement (realloc's contract), so the old reference is not lost here.
 */
function consumedBy(ctx: FnContext, rhs: Node, target: string): boolean {
  const call = unwrap(rhs);
  if (call.type !== 'call_expression') return false;
  // A callee with a known reference effect (`x = foo_ref(x)`) was applied by the call itself.
  const name = calleeName(call);
  if (!name) return false;
  const refs = ctx.call(name).refs ?? [];
  const i = callArgs(call).findIndex((a) => stripCasts(a.text) === target);
  return i >= 0 && !refs.some((r) => (r.objArg ?? 0) === i || r.kind === 'alloc' || r.kind === 'returnsRef');
}

/** `(T *) (x)` → `x`: the expression under parentheses and casts. */
export function unwrap(n: Node): Node {
  let e = n;
  while ((e.type === 'parenthesized_expression' || e.type === 'cast_expression') && e.namedChildren.length) {
    e = e.type === 'cast_expression' ? e.childForFieldName('value') ?? e : e.namedChildren[0]!;
  }
  return e;
}
