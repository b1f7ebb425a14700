import type { SyntaxNode as Node } from '../c/syntax';
import type { RefApi } from '../apis/types';
import { isAssigningContainer, isContainerOf, rcuReadCall, rcuWalk, type RcuReadSide } from '../apis/rcuReaders';
import { iteratorLoopVariables } from '../c/iteratorMacros';
import { rangeOf, type SourceRange } from '../source';
import type { KnowledgeIndex } from './knowledgeIndex';
import { COUNT_FIELD_NAMES } from './lockClass';
import { calleeName, callArgs, type Op } from './ops';
import { objectOf } from './refTransfer';
import type { Branch, FnContext } from './fnContext';

/**
 * try-ref-needed: an unconditional reference (`kref_get`, `ovs_refcount_ref`, `refcount_inc`, a
 * wrapper whose body takes one) on an object this function reached only through an RCU read
 * (`rcu_dereference`, an `_rcu` list walk inside `rcu_read_lock()`, `ovsrcu_get`, `CMAP_FOR_EACH`)
 * with no other lock held. Such an object may already be unlinked with its count at zero, its
 * free waiting for the grace period this reader delays: the unconditional get revives a dead
 * object (or trips the count's zero check), and the free still happens. The try form
 * (`kref_get_unless_zero`, `ovs_refcount_try_ref_rcu`, …) fails on a dead count instead.
 *
 * Where the pointer came from is read once per function from the syntax: a local variable
 * qualifies when every value it is given is an RCU read (NULL aside). Whether a lock is held and
 * whether the path already owns a reference are the path's own (the engine's state at the call).
 */

export interface RcuReach {
  side: RcuReadSide;
  /** The call or walk macro that reached it, for messages. */
  via: string;
  site: SourceRange;
}

const memo = new WeakMap<Node, Map<string, RcuReach>>();

function rootOf(n: Node): Node {
  let r = n;
  while (r.parent) r = r.parent;
  return r;
}

function unwrap(n: Node): Node {
  let e = n;
  for (let i = 0; i < 8 && (e.type === 'parenthesized_expression' || e.type === 'cast_expression'); i++) {
    e = (e.type === 'cast_expression' ? e.childForFieldName('value') : e.namedChildren[0]) ?? e;
  }
  return e;
}

/** The RCU read a value comes from, if it is one (`rcu_dereference(x)`, `CONTAINER_OF(cmap_find(…), T, m)`). */
function readOf(value: Node): { side: RcuReadSide; via: string } | undefined {
  const e = unwrap(value);
  if (e.type !== 'call_expression') return undefined;
  const name = calleeName(e);
  if (!name) return undefined;
  const side = rcuReadCall(name);
  if (side) return { side, via: name };
  const first = callArgs(e)[0];
  return isContainerOf(name) && first ? readOf(first) : undefined;
}

function isNullish(value: Node): boolean {
  return /^(NULL|0|nullptr)$/.test(unwrap(value).text.trim());
}

function declaredName(d: Node | null): string | undefined {
  let n = d;
  for (let i = 0; n && n.type !== 'identifier' && i < 8; i++) n = n.childForFieldName('declarator');
  return n?.type === 'identifier' ? n.text : undefined;
}

/** Local variables of the function holding `n` whose every value is an RCU read. */
export function rcuReached(n: Node): Map<string, RcuReach> {
  const root = rootOf(n);
  const hit = memo.get(root);
  if (hit) return hit;
  const reach = new Map<string, RcuReach>();
  const other = new Set<string>();
  const note = (name: string, value: Node | null, site: Node): void => {
    if (!value || isNullish(value)) return;
    const r = readOf(value);
    if (!r) other.add(name);
    else if (!reach.has(name)) reach.set(name, { ...r, site: rangeOf(site) });
  };
  const body = root.childForFieldName('body') ?? root;
  for (const a of body.indexedDescendants('assignment_expression')) {
    const lhs = a.childForFieldName('left');
    if (lhs?.type !== 'identifier') continue;
    if (a.childForFieldName('operator')?.text !== '=' && !/^\s*[A-Za-z_]\w*\s*=[^=]/.test(a.text)) other.add(lhs.text);
    else note(lhs.text, a.childForFieldName('right'), a);
  }
  for (const d of body.indexedDescendants('declaration')) {
    for (const dd of d.childrenForFieldName('declarator')) {
      if (dd.type !== 'init_declarator') continue;
      const name = declaredName(dd.childForFieldName('declarator'));
      if (name) note(name, dd.childForFieldName('value'), dd);
    }
  }
  for (const c of body.indexedDescendants('call_expression')) {
    const name = calleeName(c);
    if (!name) continue;
    const args = callArgs(c);
    // Given a new value through its address: whatever the callee stored there.
    for (const a of args) {
      const m = /^&\s*([A-Za-z_]\w*)$/.exec(a.text.trim());
      if (m) other.add(m[1]!);
    }
    if (isAssigningContainer(name) && args[0]?.type === 'identifier') {
      note(args[0].text, args[1] ?? null, c);
      continue;
    }
    if (!/for_?(each|all)|foreach/i.test(name)) continue;
    const cursor = args[iteratorLoopVariables(name, args.length)[0] ?? 0];
    if (cursor?.type !== 'identifier') continue;
    const side = rcuWalk(name);
    if (!side) other.add(cursor.text);
    else if (!reach.has(cursor.text)) reach.set(cursor.text, { side, via: name, site: rangeOf(c) });
  }
  for (const name of other) reach.delete(name);
  memo.set(root, reach);
  return reach;
}

/** The try form of an unconditional get's family (`kref` → `kref_get_unless_zero`), if the knowledge has one. */
const tryForms = new WeakMap<KnowledgeIndex, Map<string, string>>();
function tryFormOf(index: KnowledgeIndex, family: string | undefined): string | undefined {
  if (!family) return undefined;
  let m = tryForms.get(index);
  if (!m) {
    m = new Map();
    for (const [name, apis] of index.refs) for (const a of apis) if (a.kind === 'tryget' && a.family && !m.has(a.family)) m.set(a.family, name);
    tryForms.set(index, m);
  }
  return m.get(family);
}

function isRcuLock(id: string, family: string): boolean {
  return family === 'rcu' || family === 'srcu' || /^rcu(_bh|_sched)?$/i.test(id);
}

/**
 * `atomic_inc(&t->refcnt)`: an atomic_t used as a reference count. Not a reference API for the
 * balance rules (the count is often handed to a timer or a table by the same line), only here.
 */
const COUNT_BUMPS = new Set(['atomic_inc', 'atomic_long_inc', 'atomic64_inc']);
const COUNT_ARG = new RegExp(`->\\s*(${COUNT_FIELD_NAMES})\\s*$`, 'i');

export function isCountBump(name: string): boolean {
  return COUNT_BUMPS.has(name);
}

function countBumpApi(op: Extract<Op, { op: 'call' }>): RefApi[] | undefined {
  if (!COUNT_BUMPS.has(op.name) || !COUNT_ARG.test(op.args[0]?.text ?? '')) return undefined;
  return [{ name: op.name, kind: 'get', objArg: 0, objFrom: 'field', family: 'atomic' }];
}

/** Before a call's reference effects: an unconditional get on an object only RCU keeps alive. */
export function noteUnconditionalRef(ctx: FnContext, nodeId: number, b: Branch, op: Extract<Op, { op: 'call' }>): void {
  const apis = ctx.call(op.name).refs ?? countBumpApi(op);
  if (!apis) return;
  for (const api of apis) {
    if (api.kind !== 'get' || api.when) continue;
    check(ctx, nodeId, b, op, api);
  }
}

function check(ctx: FnContext, nodeId: number, b: Branch, op: Extract<Op, { op: 'call' }>, api: RefApi): void {
  const obj = objectOf(api, op.args, op.node);
  if (!obj || !/^[A-Za-z_]\w*$/.test(obj.id) || !ctx.isLocal(obj.id)) return;
  const tryForm = tryFormOf(ctx.index, api.family);
  if (!tryForm) return;
  const reach = rcuReached(op.node).get(obj.id);
  if (!reach) return;
  // A reference this path owns already (a try that succeeded, an earlier get): this one adds to it.
  if (b.s.refs.some((r) => r.obj === obj.id)) return;
  // A try form on the same object earlier in the function: its success (handed on since, to a
  // list or a field) is what this get builds on.
  if (triedBefore(ctx, op.node, obj.id)) return;
  // Any other lock held (here or by the caller, per its contract) may be the one writers take to
  // unlink and put: with it held the count cannot reach zero under us.
  if (b.s.locks.some((l) => !isRcuLock(l.id, l.family))) return;
  if (b.s.forgotten.length > 0) return;
  // The kernel's accessors serve writers too (under the structure's lock, held by a caller):
  // only a read section this function opened says the object is a reader's.
  if (reach.side === 'section' && !b.s.locks.some((l) => !l.fromEntry && isRcuLock(l.id, l.family))) return;
  ctx.sink.add(nodeId, `${obj.id}@${api.name}`, {
    kind: 'try-ref-needed', obj: obj.id, display: obj.display, api: api.name, tryForm, via: reach.via, side: reach.side,
    reachedAt: reach.site, objType: structTypeOf(ctx.classOf, obj.id), range: rangeOf(op.node), trail: b.s.trail,
  });
}

const tries = new WeakMap<Node, Map<string, number>>();

/** Whether a try-get on `v` (a try API, or a function whose body takes one only on success) comes before `call`. */
function triedBefore(ctx: FnContext, call: Node, v: string): boolean {
  const root = rootOf(call);
  let m = tries.get(root);
  if (!m) {
    m = new Map();
    for (const c of (root.childForFieldName('body') ?? root).indexedDescendants('call_expression')) {
      const name = calleeName(c);
      const apis = name ? ctx.call(name).refs : undefined;
      if (!apis) continue;
      const args = callArgs(c);
      for (const api of apis) {
        if (api.kind !== 'tryget' && !(api.kind === 'get' && api.when)) continue;
        const o = objectOf(api, args, c)?.id;
        if (o && !m.has(o)) m.set(o, c.startIndex);
      }
    }
    tries.set(root, m);
  }
  const at = m.get(v);
  return at !== undefined && at < call.startIndex;
}

/** The struct type a variable points to, when its declaration says (lockClass.ts resolves `v->f` to `T::f`). */
function structTypeOf(classOf: (id: string) => string, v: string): string | undefined {
  const m = /^(.+)::__lockstep_obj$/.exec(classOf(`${v}->__lockstep_obj`));
  return m?.[1];
}

/** A free of an object of some struct type: at once, or after an RCU grace period. */
export interface TypeFree {
  type: string;
  deferred: boolean;
}

/** Calls that queue a callback for after a grace period on a member of the object (`call_rcu(&x->rcu, cb)`). */
const DEFERRING = new Set(['call_rcu', 'call_rcu_hurry', 'call_srcu', 'queue_rcu_work']);

/**
 * How this function frees objects, by struct type. The try form only helps when the memory
 * outlives a dead count by a grace period; an object of a type the inputs free at once (and never
 * after a grace period) is kept alive by something else than RCU (its owner's lifetime rules), and
 * try-ref-needed stays quiet on it (lockVariants.ts-style pairing in project/results.ts).
 */
export function typeFreesOf(ctx: FnContext, body: Node): TypeFree[] {
  const out: TypeFree[] = [];
  const note = (v: string | undefined, deferred: boolean): void => {
    if (!v || !/^[A-Za-z_]\w*$/.test(v)) return;
    const type = structTypeOf(ctx.classOf, v);
    if (type && !out.some((f) => f.type === type && f.deferred === deferred)) out.push({ type, deferred });
  };
  for (const c of body.indexedDescendants('call_expression')) {
    const name = calleeName(c);
    if (!name) continue;
    const args = callArgs(c);
    if (DEFERRING.has(name)) {
      const m = /^&\s*([A-Za-z_]\w*)\s*->/.exec(args[name === 'call_srcu' ? 1 : 0]?.text.trim() ?? '');
      note(m?.[1], true);
      continue;
    }
    for (const api of ctx.call(name).refs ?? []) {
      if (api.kind !== 'free') continue;
      note(objectOf(api, args, c)?.id, api.deferred === true);
    }
  }
  return out;
}
