import type { Op } from './ops';
import type { Branch, FnContext } from './transfer';

/** Reference-counting state the transfer functions need (filled by the reference rules). */
export interface RefContext {
  refsEnabled?: boolean;
}

/** Applies the reference effects of one op. */
export function applyRefOp(_ctx: FnContext, _nodeId: number, _op: Op, branches: Branch[]): Branch[] {
  return branches;
}
