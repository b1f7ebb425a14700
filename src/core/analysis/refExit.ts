import type { SyntaxNode as Node } from '../c/syntax';
import { mentionsObject } from './refTransfer';
import type { Branch, FnContext } from './transfer';

/**
 * At a `return`: a reference to the returned object (or into it) is handed to the caller. Says
 * whether the returned value itself carried one (`ref`), or memory this function allocated (`alloc`).
 */
export function exitRefs(_ctx: FnContext, b: Branch, value: Node | null): 'ref' | 'alloc' | undefined {
  if (!value || b.s.refs.length === 0) return undefined;
  const text = value.text;
  // `return ERR_CAST(x)`, `return container_of(x, struct rtable, dst)` hand x on too.
  const inner = /^\s*\(?\s*(?:ERR_CAST|PTR_ERR_OR_ZERO|container_of|CONTAINER_OF|CONTAINING_RECORD)\s*\(\s*([^,]*?)\s*(?:,.*)?\)\s*\)?\s*$/s.exec(text)?.[1] ?? text;
  let returned: 'ref' | 'alloc' | undefined;
  b.s.refs = b.s.refs.filter((r) => {
    if (!mentionsObject(inner, r.obj)) return true;
    if (r.obj === inner.trim() || `*${inner.trim()}` === r.obj) returned = r.kind === 'alloc' ? 'alloc' : 'ref';
    return false;
  });
  return returned;
}
