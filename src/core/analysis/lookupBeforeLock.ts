import type { Cfg } from '../c/cfg';
import type { SyntaxNode as Node } from '../c/syntax';
import { rangeOf } from '../source';
import type { EngineEvent } from './events';
import type { HeldAtNodes } from './fieldAccesses';
import { calleeName, callArgs } from './ops';
import { stripCasts } from './exprs';

/**
 * A lookup made before the lock that guards its table (the converse of use-after-unlock): `p =
 * find(table, key)` with no lock held, then the function takes a lock L of its own and dereferences
 * `p` under it. The author treats L as what keeps the table's elements valid, yet the element was
 * found outside it: a thread removing and freeing it in between leaves `p` dangling when L is
 * finally taken. Only lookups known from their bodies (they return an element of a container they
 * walk, with no reference taken) count, and only a pointer given its value once, by that lookup;
 * the lock must be a member of an object the lookup was given (the table's owner): a global lock or
 * the element's own (`p->mutex`) says nothing of the table.
 */
export type LookupBeforeLock = Extract<EngineEvent, { kind: 'lookup-before-lock' }>;

const NULLS = new Set(['NULL', '0', 'nullptr']);

/** Reference calls on the element (`ref`, `get`, `hold`): the caller keeps it alive by itself. */
const TAKES_REF = /(ref|get|hold|grab)/i;

export function lookupsBeforeLock(cfg: Cfg, body: Node, heldAt: HeldAtNodes, isLookup: (callee: string) => boolean, isLocal: (name: string) => boolean): LookupBeforeLock[] {
  const found = lookupAssignments(body, isLookup, isLocal);
  if (found.size === 0) return [];
  const out: LookupBeforeLock[] = [];
  for (const [p, call] of found) {
    const def = cfg.nodes.find((n) => n.ast !== null && contains(n.ast, call));
    // Found under some lock already (or never reached): use-after-unlock's business, not this.
    // Inside an RCU read-side section the element stays valid until the section ends.
    if (!def || (heldAt.at(def.id) ?? ['unreached']).length > 0 || heldAt.inRcu(def.id)) continue;
    // The lock must belong to the object the table was searched in (`find(ctx, no)` … `ctx->lock`):
    // a global or another object's lock says nothing of that table.
    const owners = callArgs(call).map((a) => stripCasts(a.text).replace(/^&\s*/, '')).filter((a) => /^[A-Za-z_]\w*((->|\.)[A-Za-z_]\w*)*$/.test(a) && a !== p);
    if (owners.length === 0) continue;
    let first: { use: Node; lock: string } | undefined;
    for (const n of cfg.nodes) {
      if (n.id === def.id || !n.ast || (n.kind !== 'stmt' && n.kind !== 'cond' && n.kind !== 'return')) continue;
      const entry = heldAt.fromEntry(n.id);
      const own = (heldAt.at(n.id) ?? []).filter((l) => !entry.includes(l) && owners.some((o) => l.startsWith(`${o}->`) || l.startsWith(`${o}.`)));
      if (own.length === 0) continue;
      const use = dereferenceOf(n.ast, p);
      if (use && (!first || use.startIndex < first.use.startIndex)) first = { use, lock: own[own.length - 1]! };
    }
    if (!first) continue;
    out.push({ kind: 'lookup-before-lock', obj: p, callee: calleeName(call) ?? 'a lookup', lock: first.lock, lookupSite: rangeOf(call), use: first.use.text, range: rangeOf(first.use), trail: null });
  }
  return out;
}

/** Locals given their only value by a lookup call (`p = find(...)` or `T *p = find(...)`), never a reference taken on them. */
function lookupAssignments(body: Node, isLookup: (callee: string) => boolean, isLocal: (name: string) => boolean): Map<string, Node> {
  const defs = new Map<string, Node | null>();
  const note = (name: string, value: Node | null, v: Node | null): void => {
    // `T *p = NULL;` before the lookup gives it no value to speak of.
    if (v && NULLS.has(stripCasts(v.text.trim()))) return;
    defs.set(name, defs.has(name) ? null : value);
  };
  for (const a of body.indexedDescendants('assignment_expression')) {
    const left = a.childForFieldName('left');
    const right = a.childForFieldName('right');
    if (left?.type === 'identifier') note(left.text, lookupCall(right, isLookup), right);
  }
  for (const decl of body.indexedDescendants('declaration')) {
    for (const d of decl.childrenForFieldName('declarator')) {
      if (d.type !== 'init_declarator') continue;
      const id = d.childForFieldName('declarator');
      const name = id?.type === 'pointer_declarator' ? id.childForFieldName('declarator') : id;
      const value = d.childForFieldName('value');
      if (name?.type === 'identifier') note(name.text, lookupCall(value, isLookup), value);
    }
  }
  const out = new Map<string, Node>();
  for (const [name, call] of defs) if (call && isLocal(name)) out.set(name, call);
  if (out.size === 0) return out;
  // `&p` handed out (refilled), or a reference taken on it: not a borrowed element any more.
  for (const c of body.indexedDescendants('call_expression')) {
    const callee = calleeName(c) ?? '';
    for (const a of callArgs(c)) {
      const t = stripCasts(a.text);
      for (const name of out.keys()) {
        if (t === `&${name}` || (TAKES_REF.test(callee) && (t === name || t.startsWith(`&${name}->`)))) out.delete(name);
      }
    }
  }
  return out;
}

function lookupCall(value: Node | null, isLookup: (callee: string) => boolean): Node | null {
  let v = value;
  while (v && (v.type === 'cast_expression' || v.type === 'parenthesized_expression')) v = v.childForFieldName('value') ?? v.namedChildren[v.namedChildren.length - 1] ?? null;
  if (v?.type !== 'call_expression') return null;
  const name = calleeName(v);
  return name && isLookup(name) ? v : null;
}

function contains(outer: Node, inner: Node): boolean {
  return outer.startIndex <= inner.startIndex && inner.endIndex <= outer.endIndex;
}

/** The first `p->field` in `root`. */
function dereferenceOf(root: Node, p: string): Node | undefined {
  for (const f of root.descendantsOfType('field_expression')) {
    const arg = f.childForFieldName('argument');
    if (arg?.type === 'identifier' && arg.text === p && f.childForFieldName('operator')?.text === '->') return f;
  }
  return undefined;
}
