import type { SyntaxNode as Node } from '../c/syntax';
import { isBorrower } from '../apis/borrowers';
import { stripCasts } from './exprs';
import type { AbsState } from './state';

/**
 * Local arrays of owned objects (`struct rte_mbuf *bufs[n]; bufs[k] = alloc();`): each allocation
 * stored into an element makes the array an owner of "one or more" objects, tracked as one owned
 * reference named by the array. The first allocation of a loop can fail with the array still empty
 * (quiet); one that fails after an earlier iteration filled an element leaves that element owned.
 * The array's objects are handed on by any call given the array or one of its elements (a consumer
 * that sends or frees the batch, a per-element free) or by storing an element elsewhere. Only
 * arrays of pointers declared in the function's body count: a parameter array belongs to the caller.
 */

/** Names of the arrays of pointers the body declares (`T *a[N]`). */
export function localPointerArrays(body: Node): Set<string> {
  const out = new Set<string>();
  for (const d of body.indexedDescendants('declaration')) {
    for (const dd of d.childrenForFieldName('declarator')) {
      // `T *a[N]` is a pointer declarator around an array declarator around the name.
      let n: Node | null = dd.type === 'init_declarator' ? dd.childForFieldName('declarator') : dd;
      let pointer = false;
      while (n && n.type === 'pointer_declarator') {
        pointer = true;
        n = n.childForFieldName('declarator');
      }
      if (!pointer || n?.type !== 'array_declarator') continue;
      const id = n.childForFieldName('declarator');
      if (id?.type === 'identifier') out.add(id.text);
    }
  }
  return out;
}

/** The array an element place belongs to (`bufs[n]` → `bufs`), when it is one of `arrays`. */
export function arrayOfElement(place: string, arrays: ReadonlySet<string>): string | undefined {
  const m = /^([A-Za-z_]\w*)\[[^\]]*\]$/.exec(place);
  return m && arrays.has(m[1]!) ? m[1]! : undefined;
}

/** The argument is the array itself or one of its elements (`bufs`, `&bufs[i]`, `bufs + i`, `bufs[i]`), not a value read through one. */
export function passesArray(text: string, array: string): boolean {
  const t = stripCasts(text).replace(/^&/, '');
  return t === array || t.startsWith(`${array}[`) && /^[A-Za-z_]\w*\[[^\]]*\]$/.test(t) || new RegExp(`^${array}\\s*\\+`).test(t);
}

/**
 * A call that takes the array or an element hands the objects on. Calls that only read or fill
 * memory (`memcpy(bufs[i]->data, …)` is not given the element) and accessor macros used as places
 * (`pkt_len(bufs[i]) = n`) do not.
 */
export function handsArrayOn(call: Node, name: string, args: Node[], array: string): boolean {
  if (isBorrower(name)) return false;
  const parent = call.parent;
  if (parent?.type === 'assignment_expression' && parent.childForFieldName('left')?.id === call.id) return false;
  return args.some((a) => passesArray(a.text, array));
}

/** Drops the owned arrays the call hands on; says whether any was. */
export function dischargeArrays(s: AbsState, call: Node, name: string, args: Node[], arrays: ReadonlySet<string>): boolean {
  const gone = s.refs.filter((r) => arrays.has(r.obj) && handsArrayOn(call, name, args, r.obj));
  if (gone.length === 0) return false;
  s.refs = s.refs.filter((r) => !gone.includes(r));
  return true;
}

const LOOPS = new Set(['for_statement', 'while_statement', 'do_statement']);

/**
 * Per array, the lines of loops that hand its elements on one by one (`for (j = 0; j < n; j++)
 * free(bufs[j]);`) and never allocate into it: the path that runs such a loop zero times had
 * nothing to hand on, so an exit after one is not a leak of the array.
 */
export function arrayCleanupLoops(body: Node, arrays: ReadonlySet<string>): Map<string, { from: number; to: number }[]> {
  const out = new Map<string, { from: number; to: number }[]>();
  if (arrays.size === 0) return out;
  const fills = body.indexedDescendants('assignment_expression').flatMap((a) => {
    const array = arrayOfElement((a.childForFieldName('left')?.text ?? '').replace(/\s+/g, ''), arrays);
    return array ? [{ array, at: a.startIndex }] : [];
  });
  for (const call of body.indexedDescendants('call_expression')) {
    const name = call.childForFieldName('function')?.text ?? '';
    const args = call.childForFieldName('arguments')?.namedChildren ?? [];
    for (const array of arrays) {
      if (!handsArrayOn(call, name, args, array)) continue;
      for (let p: Node | null = call.parent; p && p !== body; p = p.parent) {
        if (!LOOPS.has(p.type)) continue;
        const loop = p;
        if (fills.some((f) => f.array === array && f.at >= loop.startIndex && f.at < loop.endIndex)) break;
        out.set(array, [...(out.get(array) ?? []), { from: loop.startPosition.row, to: loop.endPosition.row }]);
        break;
      }
    }
  }
  return out;
}
