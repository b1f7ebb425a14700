import type { Truth } from './state';

/**
 * Results of the try-calls met so far in one node, newest first (rarely more than one): a shared
 * list, extended and never edited, so a step without try-calls allocates nothing for it.
 */
export type CallResults = { id: number; truth: Truth; prev: CallResults } | null;

export function resultOf(env: CallResults, id: number): Truth | undefined {
  for (let r = env; r; r = r.prev) if (r.id === id) return r.truth;
  return undefined;
}

export function withResult(env: CallResults, id: number, truth: Truth): CallResults {
  return { id, truth, prev: env };
}
