import type { Truth } from './state';

/**
 * Results of the try-calls met so far in one node, newest first (rarely more than one): a shared
 * list, extended and never edited, so a step without try-calls allocates nothing for it. A put that
 * tells whether it dropped the last reference also says which outcome this is (`last`), so a test
 * of its result against 1 (`ovs_refcount_unref(&x->ref) == 1`: the previous count) is decided.
 * A call that returns an integer id says only whether it returned its failure value (`invalid`):
 * the truth of an id tells nothing (0 is an id like any other).
 */
export type CallResults = { id: number; truth?: Truth; last?: boolean; invalid?: boolean; prev: CallResults } | null;

export function resultOf(env: CallResults, id: number): Truth | undefined {
  for (let r = env; r; r = r.prev) if (r.id === id) return r.truth;
  return undefined;
}

/** Whether the call with this id dropped the last reference, when it is a put that tells. */
export function lastOf(env: CallResults, id: number): boolean | undefined {
  for (let r = env; r; r = r.prev) if (r.id === id) return r.last;
  return undefined;
}

/** For a call returning an id: whether this path is the one where it returned its failure value. */
export function invalidOf(env: CallResults, id: number): boolean | undefined {
  for (let r = env; r; r = r.prev) if (r.id === id) return r.invalid;
  return undefined;
}

export function withResult(env: CallResults, id: number, truth: Truth, last?: boolean): CallResults {
  return last === undefined ? { id, truth, prev: env } : { id, truth, last, prev: env };
}

/** The outcome of a call that returns an id or its failure value. */
export function withIdResult(env: CallResults, id: number, invalid: boolean): CallResults {
  return { id, invalid, prev: env };
}
