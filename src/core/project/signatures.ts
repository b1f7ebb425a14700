import type { FunctionSummary, LockEffect, StructInfo } from '../analysis/types';
import { textHash } from './fileState';

/**
 * What a caller's analysis depends on, as text: a summary's effects (not its position), a
 * contract, a struct. Summaries are replaced, never edited, so each signature is computed once.
 */

const summarySigs = new WeakMap<FunctionSummary, string>();

export function summarySignature(s: FunctionSummary | undefined): string {
  if (!s) return '';
  let sig = summarySigs.get(s);
  if (sig === undefined) {
    // Entries that say nothing are the same as no entry.
    const says = s.effects.length > 0 || s.noReturn || s.acquires.length > 0 || s.refs.length > 0 || (s.releasedFields?.length ?? 0) > 0 || s.lookup || s.sleeps || s.stopsWhenFirst;
    sig = says ? JSON.stringify([s.effects, s.noReturn ? 1 : 0, s.acquires, s.refs, s.defined ? 1 : 0, ...(s.releasedFields?.length ? [s.releasedFields] : []), ...(s.lookup ? ['lookup'] : []), ...(s.sleeps ? [{ sleeps: s.sleeps }] : []), ...(s.stopsWhenFirst ? ['stops'] : [])]) : '';
    summarySigs.set(s, sig);
  }
  return sig;
}

const summaryHashes = new WeakMap<FunctionSummary, string>();

/** `textHash(summarySignature(s))`, or '' when the summary says nothing: a caller's signature asks for it once per callee per check. */
export function summaryHash(s: FunctionSummary | undefined): string {
  if (!s) return '';
  let h = summaryHashes.get(s);
  if (h === undefined) {
    const sig = summarySignature(s);
    h = sig ? textHash(sig) : '';
    summaryHashes.set(s, h);
  }
  return h;
}

export function contractSignature(c: readonly LockEffect[]): string {
  return c.length === 0 ? '' : JSON.stringify(c);
}

const structSigs = new WeakMap<StructInfo, string>();

export function structSignature(s: StructInfo | undefined): string {
  if (!s) return '-';
  let sig = structSigs.get(s);
  if (sig === undefined) {
    sig = JSON.stringify(s);
    structSigs.set(s, sig);
  }
  return sig;
}
