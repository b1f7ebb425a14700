import { findLock, type AbsState, type HeldLock } from './state';
import type { FnContext } from './fnContext';

/**
 * A held lock that is the same lock under another name: spelled through a local assigned once
 * (`s->stats_mutex` with `s = &pmd->perf_stats`), or a file's static lock named plainly by a
 * header contract (`seq_mutex` for `seq_mutex@lib/seq.c`).
 */
export function heldAlike(ctx: FnContext, s: AbsState, id: string): HeldLock | undefined {
  const other = ctx.spellings(id).map((x) => ctx.qualify(x));
  return s.locks.find((l) => other.includes(l.id) || (!id.includes('@') && l.id.startsWith(`${id}@`)));
}

/** The held lock a contract or a guard names: as written, as the pointer's pointee or the pointer, or under another name. */
export function heldNamed(ctx: FnContext, s: AbsState, id: string): HeldLock | undefined {
  return findLock(s, id) ?? findLock(s, id.startsWith('*') ? id.slice(1) : `*${id}`) ?? heldAlike(ctx, s, id);
}
