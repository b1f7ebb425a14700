import type { SyntaxNode as Node } from '../c/syntax';
import type { Cfg } from '../c/cfg';
import { rangeOf, type SourceRange } from '../source';
import { squash, stripOuterParens } from './exprs';
import { calleeName, callArgs } from './ops';
import type { AbsState } from './state';
import { rcuReadCall, rcuWalk } from '../apis/rcuReaders';

/**
 * The raw material of inferred guards (inferredGuards.ts): every `base->field` a function touches,
 * with the locks of the same object (`base->mutex`, `base->locks[i]`) held on every path that
 * reaches it, and the calls it makes with the locks held there (a helper whose callers all hold
 * the lock is locked too). Plain JSON: kept per function between runs.
 */
export interface FieldAccess {
  /** Struct type of `*base` (a tag, or the typedef name when the struct is not among the inputs). */
  type: string;
  field: string;
  /** The base as written, squashed (`dev`, `ctx->inst`). */
  base: string;
  /** 'w': assigned, incremented, or the destination of a copy; 'a': its address handed to a call; 'r': read. */
  how: 'r' | 'w' | 'a';
  /** Members of `base` held as locks on every path here (`mutex`, `locks[]`). */
  held: string[];
  /** Those of `held` that only the caller took (a contract), never this function. */
  entry?: string[];
  /** Members held on some paths here but not all (`if (!locked) lock(...)`, a stored try-lock result). */
  partly?: string[];
  /** Some lock not of this object is held here (a global, another object's). */
  other: boolean;
  /** Which (lock identities, brackets emptied), when `other`. */
  others?: string[];
  /** Read or written through an atomic accessor (`atomic_read(&x->n)`, `READ_ONCE(x->n)`, `InterlockedIncrement(&x->n)`). */
  atomic?: boolean;
  range: SourceRange;
  text: string;
}

export interface CallSite {
  name: string;
  args: string[];
  /** Lock identities held on every path reaching the call (brackets emptied: `dp->locks[]`). */
  held: string[];
  /** Where the call is, for calls that hand over the address of a plain variable (`hmap_remove(&all_maps, …)`: deferredWrites.ts). */
  range?: SourceRange;
}

export interface FunctionAccesses {
  accesses: FieldAccess[];
  calls: CallSite[];
  /** Bases this function creates, initialises or tears down (their fields are not yet, or no longer, shared). */
  private: string[];
  /** Parameters, to map a base to what callers pass. */
  params: string[];
  /** Locks the function takes itself somewhere (brackets emptied). */
  acquired?: string[];
  /** Locals that name a parameter's object (`d = dev_cast(netdev)`): local → parameter index. */
  aliases?: Record<string, number>;
}

/** Per CFG node: the locks held on every state that reached it (explore.ts calls `visit` for each), and those only from the caller (a contract). */
export class HeldAtNodes {
  private readonly held = new Map<number, string[]>();
  private readonly taken = new Map<number, Set<string>>();
  private readonly some = new Map<number, Set<string>>();
  /** Nodes some path reaches inside an RCU read-side section. */
  private readonly rcu = new Set<number>();
  visit(node: number, s: AbsState): void {
    const ids: string[] = [];
    for (const l of s.locks) {
      if (l.family === 'rcu' || l.family === 'srcu') {
        this.rcu.add(node);
        continue;
      }
      const id = lockKey(l.id);
      ids.push(id);
      if (!l.fromEntry) {
        let t = this.taken.get(node);
        if (!t) this.taken.set(node, (t = new Set()));
        t.add(id);
      }
    }
    const before = this.held.get(node);
    this.held.set(node, before === undefined ? ids : before.filter((x) => ids.includes(x)));
    let some = this.some.get(node);
    if (!some) this.some.set(node, (some = new Set()));
    for (const id of ids) some.add(id);
  }
  /** Some path reaches the node inside an RCU read-side section. */
  inRcu(node: number): boolean {
    return this.rcu.has(node);
  }
  /** Held on some path here (conditional locking, a try-lock's success branch). */
  onSome(node: number): string[] {
    return [...(this.some.get(node) ?? [])];
  }
  at(node: number): string[] | undefined {
    return this.held.get(node);
  }
  /** Held here on entry only (the caller's, by contract) on every path. */
  fromEntry(node: number): string[] {
    const t = this.taken.get(node);
    return (this.held.get(node) ?? []).filter((x) => !t?.has(x));
  }
}

/** A lock identity compared across paths and functions: no `*`, indices forgotten (`dp->locks[id % N]` → `dp->locks[]`). */
export function lockKey(id: string): string {
  return id.replace(/^\*/, '').replace(/\[[^\][]*\]/g, '[]').replace(/@.*$/, '');
}

const CASTS = /(cast|Cast|CAST|container|CONTAINER|_of$)/;
const PLAIN_BASE = /^[A-Za-z_]\w*((->|\.)[A-Za-z_]\w*)*$/;
const ATOMIC = /^(atomic\w*|__atomic\w*|__sync\w*|Interlocked\w*|_Interlocked\w*|READ_ONCE|WRITE_ONCE|ACCESS_ONCE|smp_load_acquire|smp_store_release|ovs_refcount\w*|refcount_\w+|kref_\w+|rcu_\w+|ovsrcu_\w+|rte_atomic\w*)$/;
/** Calls whose first argument is the destination they fill. */
const FILLS = /^(str\w*cpy|str\w*cat|\w*printf|mem(set|cpy|move)|Rtl(Copy|Zero|Fill|Move)Memory|NdisMoveMemory|NdisZeroMemory|ovs_strlcpy|ovs_strzcpy)$/;
/** A call that creates, initialises or tears down what it is given (`ovs_mutex_init(&d->mutex)`, `kfree(d)`). */
const LIFECYCLE = /(init|Initiali[sz]e|destroy|Destroy|uninit|Uninit|cleanup|Cleanup|construct|Construct)/;
/** A call that frees what it is given (the object itself, not one of its members). */
const FREES = /(free|Free)/;
const ALLOCATES = /(alloc|Alloc|dup|clone|Clone)/;
/** A call that fills an out-parameter with a new object (`rule_create(..., &ofm->temp)`). */
const CREATES = /(alloc|Alloc|create|Create|clone|Clone)/;
/** Calls that only peek at a container's size (`hmap_count(&x->map)`): racy peeks are the idiom, not an access to guard. */
const PEEKS = /(count|Count|is_empty|IsEmpty|_size|_len|_length)$/;

/** The accesses of one analysed function, each with the same object's locks held there (from `heldAt`, per CFG node). */
export function collectAccesses(cfg: Cfg, body: Node, params: string[], classOf: (id: string) => string, heldAt: HeldAtNodes | undefined, isLock: (callee: string) => boolean): FunctionAccesses {
  const accesses: FieldAccess[] = [];
  const calls: CallSite[] = [];
  const seen = new Set<number>();
  for (const n of cfg.nodes) {
    if (!n.ast || (n.kind !== 'stmt' && n.kind !== 'cond' && n.kind !== 'return')) continue;
    const held = heldAt ? heldAt.at(n.id) : [];
    if (held === undefined) continue; // no path reaches it
    const entry = heldAt?.fromEntry(n.id) ?? [];
    const some = heldAt?.onSome(n.id).filter((x) => !held.includes(x)) ?? [];
    walk(n.ast, (x) => {
      if (seen.has(x.id)) return;
      seen.add(x.id);
      if (x.type === 'call_expression') {
        const name = calleeName(x);
        if (name) calls.push(callSite(x, name, held));
        return;
      }
      const a = accessOf(x, classOf, held, isLock);
      if (!a) return;
      const only = a.held.filter((m) => entry.includes(`${a.base}->${m}`));
      const partly = some.filter((x) => x.startsWith(`${a.base}->`)).map((x) => x.slice(a.base.length + 2));
      accesses.push({ ...a, ...(only.length > 0 ? { entry: only } : {}), ...(partly.length > 0 ? { partly } : {}) });
    });
  }
  return { accesses, calls, private: privateBases(body, isLock), params, ...aliasesOf(body, params) };
}

/** A function the path search skips (it takes no lock and its callers hold none by contract): nothing is held at any access. */
export function collectUnlocked(body: Node, params: string[], classOf: (id: string) => string, isLock: (callee: string) => boolean): FunctionAccesses {
  const accesses: FieldAccess[] = [];
  const calls: CallSite[] = [];
  walk(body, (x) => {
    if (x.type === 'call_expression') {
      const name = calleeName(x);
      if (name) calls.push(callSite(x, name, []));
      return;
    }
    const a = accessOf(x, classOf, [], isLock);
    if (a) accesses.push(a);
  }, true);
  return { accesses, calls, private: privateBases(body, isLock), params, ...aliasesOf(body, params) };
}

const ADDRESS_OF_VARIABLE = /^&[A-Za-z_]\w*$/;

function callSite(call: Node, name: string, held: string[]): CallSite {
  const args = callArgs(call).map((a) => squash(a.text));
  return args.some((a) => ADDRESS_OF_VARIABLE.test(a)) ? { name, args, held, range: rangeOf(call) } : { name, args, held };
}

/** `d = dev_cast(netdev)`, `d = (struct dev *) netdev`, `d = netdev` with `netdev` a parameter. */
function aliasesOf(body: Node, params: string[]): { aliases?: Record<string, number> } {
  let out: Record<string, number> | undefined;
  for (const [name, from] of namePairs(body)) {
    const i = params.indexOf(from);
    if (i < 0 || params.includes(name)) continue;
    out ??= Object.create(null) as Record<string, number>;
    out[name] = i;
  }
  return out ? { aliases: out } : {};
}

/** Pairs (local, what it was given) for `x = y`, `x = (T) y`, `x = f(y, ...)`. */
function namePairs(body: Node): [string, string][] {
  const out: [string, string][] = [];
  for (const a of [...body.indexedDescendants('assignment_expression'), ...body.indexedDescendants('declaration')]) {
    const pairs: [Node | null, Node | null][] = a.type === 'assignment_expression' ? [[a.childForFieldName('left'), a.childForFieldName('right')]]
      : a.childrenForFieldName('declarator').filter((d) => d.type === 'init_declarator').map((d) => [d.childForFieldName('declarator'), d.childForFieldName('value')]);
    for (const [l, r] of pairs) {
      if (!l || !r) continue;
      const name = squash(l.text).replace(/^\*+/, '');
      let v: Node = r;
      while ((v.type === 'cast_expression' || v.type === 'parenthesized_expression') && v.namedChildren.length > 0) v = v.childForFieldName('value') ?? v.namedChildren[v.namedChildren.length - 1]!;
      // A cast helper or container-of (`netdev_dpdk_cast(netdev)`, `CONTAINER_OF(p, struct x, up)`), not any call.
      const from = v.type === 'identifier' ? v.text : v.type === 'call_expression' && CASTS.test(calleeName(v) ?? '') ? callArgs(v)[0]?.text.trim() : undefined;
      if (from && /^[A-Za-z_]\w*$/.test(from) && /^[A-Za-z_]\w*$/.test(name)) out.push([name, from]);
    }
  }
  return out;
}

function walk(root: Node, visit: (n: Node) => void, nested = false): void {
  const stack: Node[] = [root];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (!nested && n.type === 'compound_statement' && n !== root) continue;
    if (n.type === 'field_expression' || n.type === 'call_expression') visit(n);
    for (let i = n.namedChildren.length - 1; i >= 0; i--) stack.push(n.namedChildren[i]!);
  }
}

function accessOf(x: Node, classOf: (id: string) => string, held: string[], isLock: (callee: string) => boolean): FieldAccess | undefined {
  if (x.type !== 'field_expression') return undefined;
  const op = x.children.find((c) => !c.isNamed)?.text ?? (x.text.includes('->') ? '->' : '.');
  if (op !== '->') return undefined;
  const baseNode = x.childForFieldName('argument');
  const field = x.childForFieldName('field')?.text;
  if (!baseNode || !field) return undefined;
  const base = stripOuterParens(squash(baseNode.text));
  if (!PLAIN_BASE.test(base)) return undefined;
  const cls = classOf(`${base}->${field}`);
  const sep = cls.indexOf('::');
  if (sep < 0) return undefined;
  // The outermost expression this access is part of as a place: `x->f`, `x->f[i]`, `x->f.g`, `(x->f)`.
  let place: Node = x;
  while (place.parent && (place.parent.type === 'subscript_expression' && place.parent.childForFieldName('argument') === place
    || place.parent.type === 'field_expression' && place.parent.childForFieldName('argument') === place && !place.parent.text.slice(place.endIndex - place.parent.startIndex).trimStart().startsWith('->')
    || place.parent.type === 'parenthesized_expression')) place = place.parent;
  let how: FieldAccess['how'] = 'r';
  let atomic = false;
  let p = place.parent;
  let target: Node = place;
  if (p?.type === 'pointer_expression' && p.text.trimStart().startsWith('&')) {
    how = 'a';
    target = p;
    p = p.parent;
  } else if (p?.type === 'assignment_expression' && p.childForFieldName('left') === place) how = 'w';
  else if (p?.type === 'update_expression') how = 'w';
  if (p?.type === 'argument_list' && p.parent?.type === 'call_expression') {
    const name = calleeName(p.parent) ?? '';
    // The lock itself (`ovs_mutex_lock(&x->mutex)`) and lifecycle calls are not accesses of what it guards.
    if (isLock(name)) return undefined;
    if (how === 'a' && PEEKS.test(name)) return undefined;
    // Atomics and lock-free (RCU) readers: the field is meant to be read without the lock.
    if (ATOMIC.test(name) || rcuReadCall(name) !== undefined || rcuWalk(name) !== undefined) atomic = true;
    else if (FILLS.test(name) && callArgs(p.parent)[0] === target) how = 'w';
  } else if (p?.type === 'sizeof_expression') return undefined;
  const members = held.filter((h) => h.startsWith(`${base}->`) && PLAIN_MEMBER.test(h.slice(base.length + 2))).map((h) => h.slice(base.length + 2));
  const others = held.filter((h) => !(h.startsWith(`${base}->`) && PLAIN_MEMBER.test(h.slice(base.length + 2))));
  const other = others.length > 0;
  return {
    type: cls.slice(0, sep), field, base, how, held: members, other, ...(other ? { others } : {}),
    ...(atomic ? { atomic } : {}), range: rangeOf(x), text: `${base}->${field}`,
  };
}

const PLAIN_MEMBER = /^[A-Za-z_]\w*(\[\])?((\.)[A-Za-z_]\w*(\[\])?)*$/;

/**
 * Bases whose object this function allocates (`d = xzalloc(...)`), initialises or tears down
 * (`ovs_mutex_init(&d->mutex)`, `hmap_destroy(&d->map)`, `free(d)`): nobody else sees its fields yet, or any more.
 */
function privateBases(body: Node, isLock: (callee: string) => boolean): string[] {
  const out = new Set<string>();
  for (const c of body.indexedDescendants('call_expression')) {
    const name = calleeName(c);
    if (!name) continue;
    if (ALLOCATES.test(name)) {
      let p = c.parent;
      while (p && (p.type === 'parenthesized_expression' || p.type === 'cast_expression')) p = p.parent;
      const lhs = p?.type === 'assignment_expression' ? p.childForFieldName('left') : p?.type === 'init_declarator' ? p.childForFieldName('declarator') : null;
      const v = lhs ? squash(lhs.text).replace(/^\*+/, '') : '';
      if (PLAIN_BASE.test(v)) out.add(v);
      continue;
    }
    if (isLock(name)) continue;
    if (CREATES.test(name)) {
      for (const a of callArgs(c)) {
        const t = stripOuterParens(squash(a.text));
        if (t.startsWith('&') && PLAIN_BASE.test(t.slice(1))) out.add(t.slice(1));
      }
    }
    const lifecycle = LIFECYCLE.test(name);
    if (!lifecycle && !FREES.test(name)) continue;
    for (const [i, a] of callArgs(c).entries()) {
      const t = stripOuterParens(squash(a.text)).replace(/^&/, '');
      if (!lifecycle) {
        if (i > 0) break;
        // `free(d)`, or a member of it (`rte_free(dev->rxq)`): a destructor's work.
        const owner = /^(.*)->[A-Za-z_]\w*$/.exec(t)?.[1] ?? t;
        if (PLAIN_BASE.test(owner)) out.add(owner);
        continue;
      }
      const m = /^([A-Za-z_]\w*((->|\.)[A-Za-z_]\w*)*?)(->[A-Za-z_]\w*(\[[^\]]*\])?)?$/.exec(t);
      if (m) out.add(m[1]!);
    }
  }
  // `dev = dev_cast(netdev)` (a cast or container helper) or `dev = netdev`: one object, two names.
  for (const [name, from] of namePairs(body)) {
    if (out.has(from)) out.add(name);
    else if (out.has(name)) out.add(from);
  }
  return [...out];
}
