// Lock semantics of the reference flow table, on the flat state array (slots: layout.ts).
// NDIS reader-writer lock: many readers or one writer; not recursive (a context that holds the lock in
// any mode and asks again never gets it, so it deadlocks as the real lock would); no upgrade; a waiting
// writer blocks new readers. A mutex is the writer side only. An RCU "lock" never blocks its readers;
// writers exclude each other and wait for readers only through synchronize (a grace period).

import * as layout from './layout';
import type { LockKind } from '../model/types';

// Local copies: imported bindings are getter calls once compiled to CommonJS, and this is the inner loop.
const { L_READERS, L_WAIT_R, L_WAIT_W, L_WRITER } = layout;

export type Held = 'read' | 'write' | null;

export function heldBy(s: readonly number[], lb: number, ctx: number): Held {
  if (s[lb + L_WRITER] === ctx + 1) return 'write';
  if ((s[lb + L_READERS]! & (1 << ctx)) !== 0) return 'read';
  return null;
}

export function canGrant(kind: LockKind, s: readonly number[], lb: number, ctx: number, write: boolean): boolean {
  if (heldBy(s, lb, ctx) !== null) return false;
  const writerFree = s[lb + L_WRITER] === 0;
  if (kind === 'rcu') return write ? writerFree : true;
  if (write || kind === 'mutex') return writerFree && s[lb + L_READERS] === 0;
  const otherWaitingWriters = s[lb + L_WAIT_W]! & ~(1 << ctx);
  return writerFree && otherWaitingWriters === 0;
}

export function grant(kind: LockKind, s: number[], lb: number, ctx: number, write: boolean): void {
  const bit = 1 << ctx;
  s[lb + L_WAIT_W] = s[lb + L_WAIT_W]! & ~bit;
  s[lb + L_WAIT_R] = s[lb + L_WAIT_R]! & ~bit;
  if (write || kind === 'mutex') s[lb + L_WRITER] = ctx + 1;
  else s[lb + L_READERS] = s[lb + L_READERS]! | bit;
}

export function registerWaiter(kind: LockKind, s: number[], lb: number, ctx: number, write: boolean): void {
  const slot = write || kind === 'mutex' ? L_WAIT_W : L_WAIT_R;
  s[lb + slot] = s[lb + slot]! | (1 << ctx);
}

/** Drops whatever hold ctx has; false when it holds nothing (a lock-discipline violation). */
export function releaseLock(s: number[], lb: number, ctx: number): boolean {
  const held = heldBy(s, lb, ctx);
  if (held === 'write') s[lb + L_WRITER] = 0;
  else if (held === 'read') s[lb + L_READERS] = s[lb + L_READERS]! & ~(1 << ctx);
  return held !== null;
}

/** Who holds the lock, for messages: "put 1" / "packet 1, packet 2" / "". */
export function holders(s: readonly number[], lb: number, labels: readonly string[]): string {
  const w = s[lb + L_WRITER]!;
  if (w !== 0) return labels[w - 1] ?? '?';
  return maskMembers(s[lb + L_READERS]!).map((c) => labels[c] ?? '?').join(', ');
}

export function maskMembers(mask: number): number[] {
  const out: number[] = [];
  for (let c = 0; mask !== 0; c++, mask >>>= 1) if ((mask & 1) !== 0) out.push(c);
  return out;
}
