import type { SyntaxNode as Node } from '../c/syntax';
import { identifiersOf, squash } from './exprs';
import { calleeName } from './ops';
import type { Fact } from './state';
import type { FnContext } from './fnContext';

/**
 * Integer ids taken from a pool (`id_pool_alloc_id(pool, &id)`, `ida_alloc(&ida, gfp)`, a
 * same-file wrapper that returns one or `INVALID_MARK`): resources like memory, except that they
 * are numbers — copied, compared and printed freely, and readable after they are given back.
 * refTransfer.ts owns them on a path; this file says what a path learns from the failure value.
 */

/** The `c:` key of `v < 0` (truth.ts `negativeTest`). */
export function negativeKey(v: string): string {
  return `c:${v}<0`;
}

/**
 * What `name = call()` teaches when the call returns an id or its failure value: `c:name==INVALID`
 * for a named sentinel, `name` itself for 0, `c:name<0` for a negative errno. Nothing on success
 * about the id's own truth: 0 is an id like any other.
 */
export function invalidFact(ctx: FnContext, call: Node, target: Node, invalid: boolean): Fact | undefined {
  const callee = call.type === 'call_expression' ? calleeName(call) : null;
  const value = callee ? ctx.call(callee).refs?.find((r) => r.kind === 'alloc' && r.handle)?.invalid : undefined;
  if (value === undefined) return undefined;
  // A field (`flow->mark = alloc()`) as the truth facts of fields are kept: by its text, reading memory.
  const whole = target.type === 'identifier';
  const name = whole ? target.text : squash(target.text);
  const place = whole ? { roots: [name] } : { roots: identifiersOf(target.text), readsMemory: true };
  if (value === '0') return { key: whole ? name : `c:${name}`, value: invalid ? 'zero' : 'nonzero', ...place };
  if (value === '<0') return { key: negativeKey(name), value: invalid ? 'nonzero' : 'zero', ...place };
  if (/^[A-Z][A-Z0-9_]{2,}$/.test(value)) return { key: sentinelKey(name, value), value: invalid ? 'nonzero' : 'zero', ...place };
  return undefined;
}

/** The `c:` key of `v == C` for a named constant (truth.ts `constantTest`, `sentinelTest`). */
export function sentinelKey(v: string, c: string): string {
  return `c:${v}==${c}`;
}
