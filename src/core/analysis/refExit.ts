import type { SyntaxNode as Node } from '../c/syntax';
import { mentionsObject } from './refTransfer';
import type { Branch, FnContext } from './transfer';

/** At a `return`: a reference to the returned object (or into it) is handed to the caller. */
export function exitRefs(_ctx: FnContext, b: Branch, value: Node | null): void {
  if (!value || b.s.refs.length === 0) return;
  const text = value.text;
  // `return ERR_CAST(x)` hands x on too.
  const inner = /^\s*\(?\s*(?:ERR_CAST|PTR_ERR_OR_ZERO)\s*\((.*)\)\s*\)?\s*$/s.exec(text)?.[1] ?? text;
  b.s.refs = b.s.refs.filter((r) => !mentionsObject(inner, r.obj));
}
