import type { LockMode, ReadNesting } from '../apis/types';
import type { SourceRange } from '../source';
import type { DeadObject, HeldLock, OwnedRef, Trail } from './state';

/**
 * What the path engine observed; rules turn events into findings. Each event carries the trail
 * of the first (shortest) path that produced it.
 */
export type EngineEvent =
  | { kind: 'double-acquire'; lock: HeldLock; api: string; range: SourceRange; trail: Trail | null; via?: string[]; mode?: LockMode; readNesting?: ReadNesting }
  | { kind: 'release-unheld'; id: string; display: string; api: string; range: SourceRange; trail: Trail | null; releasedBefore?: SourceRange; node?: number }
  | { kind: 'release-mismatch'; lock: HeldLock; api: string; range: SourceRange; reason: string; trail: Trail | null }
  | { kind: 'held-at-exit'; lock: HeldLock; exitRange: SourceRange; isReturn: boolean; trail: Trail | null }
  | { kind: 'write-under-read'; lock: HeldLock; api: string; range: SourceRange; container: string; trail: Trail | null }
  | { kind: 'ref-at-exit'; ref: OwnedRef; exitRange: SourceRange; isReturn: boolean; overwritten?: boolean; trail: Trail | null }
  | { kind: 'ref-underflow'; obj: string; display: string; api: string; range: SourceRange; trail: Trail | null; droppedBefore?: SourceRange }
  | { kind: 'use-after-release'; dead: DeadObject; use: string; range: SourceRange; trail: Trail | null }
  | { kind: 'unlocked-field'; field: string; lock: string; write: boolean; heldShared: boolean; range: SourceRange; trail: Trail | null }
  | { kind: 'unlocked-call'; callee: string; lock: string; mode?: string; heldShared: boolean; via?: string; entryOnly?: boolean; contextOnly?: boolean; anyLock?: boolean; foreignFile?: string; range: SourceRange; trail: Trail | null }
  | { kind: 'rcu-free'; obj: string; display: string; unlinkApi: string; unlinkSite: SourceRange; api: string; range: SourceRange; trail: Trail | null }
  | { kind: 'rcu-field-free'; display: string; place: string; field: string; api: string; range: SourceRange; trail: Trail | null; publishApi: string; publishSite: SourceRange; deferApi: string; deferSite: SourceRange }
  | { kind: 'use-after-unlock'; dead: DeadObject; use: string; range: SourceRange; trail: Trail | null }
  | { kind: 'lookup-before-lock'; obj: string; callee: string; lock: string; lookupSite: SourceRange; use: string; range: SourceRange; trail: null }
  | { kind: 'context-mismatch'; api: string; display: string; why: string; message: string; context?: SourceRange; range: SourceRange; trail: Trail | null }
  | { kind: 'try-ref-needed'; obj: string; display: string; api: string; tryForm: string; via: string; side: 'section' | 'thread'; reachedAt: SourceRange; objType?: string; range: SourceRange; trail: Trail | null }
  | { kind: 'free-mismatch'; mem: OwnedRef; api: string; family: string; range: SourceRange; trail: Trail | null };

export interface EventSink {
  add(nodeId: number, key: string, ev: EngineEvent): void;
  events(): EngineEvent[];
}

export function eventSink(): EventSink {
  const seen = new Map<string, EngineEvent>();
  return {
    add(nodeId, key, ev) {
      const k = `${ev.kind}|${nodeId}|${key}`;
      if (!seen.has(k)) seen.set(k, ev);
    },
    events: () => [...seen.values()],
  };
}
