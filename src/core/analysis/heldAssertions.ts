import type { LockApi } from '../apis/types';
import type { SyntaxNode as Node } from '../c/syntax';
import { lockIdentity, normalizeLvalue, parameterize, substituteParams } from './exprs';
import type { KnowledgeIndex } from './knowledgeIndex';
import { callArgs, calleeName } from './ops';
import type { LockEffect } from './types';
import type { CallKnowledge } from './callKnowledge';

/** The lock a lock-API call names, as the engine identifies it (undefined when the call names none). */
export function lockIdOfCall(api: LockApi, args: readonly string[]): string | undefined {
  const text = api.lockExpr ? substituteParams(api.lockExpr, [...args]) : api.lockArg >= 0 ? args[api.lockArg] : api.implicitLock;
  if (!text) return undefined;
  return api.implicitLock && api.lockArg < 0 && !api.lockExpr ? text : lockIdentity(text, api.byValue === true);
}

/**
 * `lockdep_assert_held(&dp->lock)` and the like, read as `requires` contracts: an assertion about a
 * lock the function has not taken itself earlier in the body (in source order) says the caller
 * holds it, so dropping and retaking it is balanced and a leak or an unheld release is not said.
 * An assertion after the function's own acquire of that lock adds nothing (the path already holds it).
 * The effects stay this function's own: callers are not told (an assertion is not a declared contract).
 */
export function assertedRequires(body: Node, index: KnowledgeIndex, callOf: (name: string) => CallKnowledge, params: string[]): LockEffect[] {
  if (index.heldAssertions.size === 0) return [];
  const out = new Map<string, LockEffect>();
  const takenBefore = new Set<string>();
  for (const call of body.indexedDescendants('call_expression')) {
    const name = calleeName(call);
    if (!name) continue;
    const assertion = index.heldAssertions.get(name);
    if (assertion) {
      const text = callArgs(call)[assertion.lockArg]?.text;
      const id = text ? lockIdentity(text, false) : undefined;
      if (!id || takenBefore.has(id)) continue;
      const lock = parameterize(id, params);
      out.set(lock, { lock, op: 'requires', mode: assertion.mode ?? 'exclusive', family: '*', variant: '*', source: 'inferred' });
      continue;
    }
    const k = callOf(name);
    const api = k.lock;
    if (api && (api.kind === 'acquire' || api.kind === 'tryacquire')) {
      const id = lockIdOfCall(api, callArgs(call).map((a) => a.text));
      if (id) takenBefore.add(id);
      continue;
    }
    for (const e of k.lockEffects) {
      const t = (e.op === 'acquire' || e.op === 'try') ? substituteParams(e.lock, callArgs(call).map((a) => a.text)) : null;
      if (t) takenBefore.add(normalizeLvalue(t));
    }
  }
  return [...out.values()];
}
