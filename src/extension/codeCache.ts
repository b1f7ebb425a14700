/**
 * The seam between the worker's boot loader (workerBoot.ts, its own bundle) and the worker it runs:
 * two bundles share nothing but the global object, so the loader leaves this hook there.
 */
export const CODE_CACHE_HOOK = Symbol.for('lockstep.codeCache');

export interface CodeCacheHook {
  /** `none`, `rejected` or `accepted (<file>)`: for the log. */
  status(): string;
  /** Writes a cache of what has been compiled so far, when none was accepted; the file written, if any. */
  save(): string | undefined;
}

/** The loader's hook, when the worker was started through it (not in unit tests, which run the .ts). */
export function codeCacheHook(): CodeCacheHook | undefined {
  return (globalThis as Record<symbol, unknown>)[CODE_CACHE_HOOK] as CodeCacheHook | undefined;
}
