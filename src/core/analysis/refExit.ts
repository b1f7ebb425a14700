import type { SyntaxNode as Node } from '../c/syntax';
import { normalizeLvalue } from './exprs';
import { calleeName } from './ops';
import { mentionsObject, unwrap } from './refTransfer';
import type { Branch, FnContext } from './fnContext';

/**
 * At a `return`: a reference to the returned object (or into it) is handed to the caller. Says
 * whether the returned value itself carried one (`ref`), or memory this function allocated (`alloc`).
 */
export function exitRefs(ctx: FnContext, b: Branch, value: Node | null): 'ref' | 'alloc' | 'handle' | undefined {
  if (!value) return undefined;
  const direct = directResult(ctx, value);
  if (direct) return direct;
  if (b.s.refs.length === 0) return undefined;
  const returned = returnedValues(value);
  let carried: 'ref' | 'alloc' | 'handle' | undefined;
  b.s.refs = b.s.refs.filter((r) => {
    const hit = returned.find((t) => mentionsObject(t, r.obj));
    if (hit === undefined) return true;
    if (hit === r.obj || `*${hit}` === r.obj || (r.kind === 'alloc' && firstMemberOf(ctx, r.obj, hit))) carried = r.kind ?? 'ref';
    return false;
  });
  return carried;
}

/**
 * `return &conn->up;` where `up` is the first member of fresh memory: the address is the
 * allocation's own (what a caller frees), so the memory goes to the caller. A later member's
 * address is not something the caller can free: ownership stays unknown there.
 */
function firstMemberOf(ctx: FnContext, obj: string, hit: string): boolean {
  const m = /^(?:->|\.)([A-Za-z_]\w*)$/.exec(hit.slice(obj.length));
  if (!hit.startsWith(obj) || !m || !/^[A-Za-z_]\w*$/.test(obj)) return false;
  const cls = ctx.classOf(`${obj}->${m[1]!}`);
  const sep = cls.indexOf('::');
  if (sep < 0) return false;
  const fields = ctx.summaries.struct(cls.slice(0, sep))?.fields;
  return fields !== undefined && Object.keys(fields)[0] === m[1];
}

/** `return calloc(1, n);`, `return get_ref(x);`, `return foo_ref(x)` (returns x with a new reference): the call's fresh result goes straight to the caller. */
function directResult(ctx: FnContext, value: Node): 'ref' | 'alloc' | 'handle' | undefined {
  const e = unwrap(value);
  const name = e.type === 'call_expression' ? calleeName(e) : null;
  if (!name) return undefined;
  const refs = ctx.call(name).refs;
  if (refs?.some((r) => r.kind === 'get' && r.returnsArg)) return 'ref';
  const api = refs?.find((r) => (r.kind === 'alloc' || r.kind === 'returnsRef') && r.objArg === undefined);
  if (!api) return undefined;
  return api.kind === 'alloc' ? (ctx.trackAllocations ? (api.handle ? 'handle' : 'alloc') : undefined) : 'ref';
}

const WRAPPERS = /^(?:ERR_CAST|container_of|CONTAINER_OF|CONTAINING_RECORD|CONST_CAST|OBJECT_CONTAINING|rcu_pointer_handoff)$/;

/**
 * The values a return expression can hand back: `x`, `(T *) x`, `c ? x : NULL`, `ERR_CAST(x)`,
 * `container_of(x, T, m)`, `&x->member` (an interior pointer hands `x` on).
 */
function returnedValues(n: Node, out: string[] = [], depth = 0): string[] {
  if (depth > 8) return out;
  let e = n;
  while ((e.type === 'parenthesized_expression' || e.type === 'cast_expression') && e.namedChildren.length > 0) {
    e = e.type === 'cast_expression' ? e.childForFieldName('value') ?? e : e.namedChildren[0]!;
    if (e === n) break;
  }
  if (e.type === 'conditional_expression') {
    const c = e.childForFieldName('consequence');
    const a = e.childForFieldName('alternative');
    if (c) returnedValues(c, out, depth + 1);
    if (a) returnedValues(a, out, depth + 1);
    return out;
  }
  if (e.type === 'call_expression') {
    const fn = e.childForFieldName('function')?.text ?? '';
    const first = e.childForFieldName('arguments')?.namedChildren[0];
    if (WRAPPERS.test(fn) && first) returnedValues(first, out, depth + 1);
    return out;
  }
  const t = normalizeLvalue(e.text);
  out.push(t.startsWith('&') ? normalizeLvalue(t.slice(1)) : t);
  return out;
}
