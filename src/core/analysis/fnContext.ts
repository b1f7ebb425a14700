import type { SyntaxNode as Node } from '../c/syntax';
import type { SourceRange } from '../source';
import type { EventSink } from './events';
import type { KnowledgeIndex } from './knowledgeIndex';
import type { AcquiredLock, LockEffect, LockOrderEdge, SummaryTable } from './types';
import type { CallKnowledge } from './callKnowledge';
import type { CallResults } from './callResults';
import type { HeldAtNodes } from './fieldAccesses';
import type { RcuFieldScope } from './rcuFields';
import type { AbsState } from './state';
import type { LockVariantUse } from './lockContext';
import type { Batches } from './batchLocks';

/** Per-function facts the transfer functions need. */
export interface FnContext {
  uri: string;
  fnName: string;
  params: string[];
  index: KnowledgeIndex;
  summaries: SummaryTable;
  /** Lock identities this function acquires somewhere (release-unheld is only said of these). */
  acquiredInBody: Set<string>;
  sink: EventSink;
  lockOrder: LockOrderEdge[];
  lockOrderSeen: Set<string>;
  /**
   * How many condition nodes read each variable / each pure condition text. A fact nobody tests
   * again would only split states, so facts are kept only for what later conditions read.
   */
  condVars: Map<string, number>;
  condTexts: Map<string, number>;
  /** Lock class of an identity (lockClass.ts). */
  classOf: (id: string) => string;
  /** The class a lock orders as (lock order): `classOf`, with globals by their declared type and arrays of locks as one class. */
  lockClassOf: (id: string) => string;
  /** Whether a variable is declared with a scalar type (lockClass.ts). */
  isScalar: (name: string) => boolean;
  /** Other spellings of a lock identity through locals assigned once (lockClass.ts). */
  spellings: (id: string) => string[];
  touchedLocks: Set<string>;
  touchedRefs: Set<string>;
  /** Locks this function took and released on some path (a try-wrapper never releases its lock itself). */
  releasedHere: Set<string>;
  /** What a call by this name does (body summary or API knowledge: callKnowledge.ts). */
  call: (name: string) => CallKnowledge;
  /** A lock identity in this file's terms: file-scope `static` variables get their file (`mutex@lib/seq.c`). */
  qualify: (id: string) => string;
  /** Locks taken by blocking acquires here or inside callees (the summary's `acquires`). */
  blocking: Map<string, AcquiredLock>;
  /** CFG nodes where each lock is acquired (which releases an acquire can reach). */
  acquireNodes: Map<string, Set<number>>;
  /** Whether a name is declared in this function's body (not a parameter). */
  isLocal: (name: string) => boolean;
  /** Objects some path puts (a function that puts what it got manages that reference: its other exits leak). */
  putObjects: Set<string>;
  /** Follow allocations as owned memory (leaks, frees of the wrong family). */
  trackAllocations: boolean;
  /** Local arrays of pointers, whose elements may hold allocations (ownedArrays.ts). */
  localArrays?: ReadonlySet<string>;
  /** Calls that only lend an owned parameter (ownedParams.ts), by node id. */
  lendingCalls?: ReadonlySet<number>;
  /** A call with no body in sight given allocated memory `obj` that the function consumes itself later (ownedParams.ts consumedLater). */
  lentAllocation?: (call: Node, obj: string) => boolean;
  /** Owned parameters some path consumed through a known consumer or a consuming callee, and where. */
  ownedConsumed?: Map<string, { api: string; site: SourceRange }>;
  /** Locks callees need that this function never takes: its callers must hold them (requiredLocks). */
  needs: Map<string, LockEffect>;
  /** Field names some struct declares guarded (guardedFields.ts). */
  guardedFields: ReadonlySet<string>;
  /** The body reads packet-buffer pointers (packetViews.ts): track them. */
  packetViews: boolean;
  /** Whether a variable points to a reference-counted object (its struct has a count): a lock alone keeps it valid. */
  managed: (name: string) => boolean;
  /** Linux spin/rw lock acquires by variant, for context-mismatch across the inputs (lockContext.ts). */
  lockVariants?: LockVariantUse[];
  /** Objects of the variable's type outlive an unlock until this thread quiesces (graceFreed.ts). */
  graceFreed: (name: string) => boolean;
  /** The locks held at each CFG node on every path (fieldAccesses.ts: inferred guards). */
  heldAt?: HeldAtNodes;
  /** Frees of RCU-published fields' current values this function may make (rcuFields.ts). */
  rcuFields?: RcuFieldScope;
  /** Field names whose references some call here may drop through a place: copies of them are followed (fieldDrops.ts). */
  droppableFields?: ReadonlySet<string>;
  /** Arrays a loop's lock-release call indexes: their element locks are a batch (batchLocks.ts). */
  batches?: Batches;
}

/** A state plus what the current node's calls returned (by AST node id), while a node is evaluated. */
export interface Branch {
  s: AbsState;
  env: CallResults;
}
