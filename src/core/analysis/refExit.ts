import type { Node } from 'web-tree-sitter';
import type { Branch, FnContext } from './transfer';

/** At a `return`: a returned object's reference escapes to the caller (reference rules). */
export function exitRefs(_ctx: FnContext, _b: Branch, _value: Node | null): void {
  // Filled by the reference-counting rules.
}
