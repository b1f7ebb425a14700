// Options and results of compiling C functions into the simulator's step programs.

import type { ProtocolModel } from '../model/program';
import type { ContextRole } from '../model/types';
import type { ApiKnowledge } from '../apis/types';

export const DEFAULT_LOOP_BOUND = 2;
export const DEFAULT_INLINE_DEPTH = 3;
/** A flow already in the table holds the table's own reference. */
export const DEFAULT_INITIAL_REFCOUNT = 1;

/**
 * How flag writes and reads map onto the model's ACTIVE / INACTIVE flag (the documented convention,
 * changed by options or `lockstep-sim:` directives in the file):
 * - a field in `stateFields` takes a named value: a name containing INACTIVE, DELETED, DEAD or
 *   REMOVED is INACTIVE, any other name containing ACTIVE is ACTIVE;
 * - a field in `deletedFields` is a "marked for deletion" boolean: TRUE / true / non-zero is INACTIVE;
 * - a field in `activeFields` is an "alive" boolean: TRUE / true / non-zero is ACTIVE.
 */
export interface FlagConvention {
  stateFields: string[];
  deletedFields: string[];
  activeFields: string[];
}

export const DEFAULT_FLAGS: FlagConvention = {
  stateFields: ['flag', 'flags', 'state', 'status'],
  deletedFields: ['deleted', 'dead', 'removed', 'inactive'],
  activeFields: ['active', 'alive', 'live'],
};

/** A field whose name matches this is the flow's reference count (`refCount`, `ref_cnt`, `refcnt`, `rc.refCount`). */
export const REFCOUNT_FIELD = /ref_?c(ou)?nt|refcount|^ref$|^refs$/i;

/**
 * A declared type that points to a flow (`struct sw_flow *`, `OvsFlow *`, `POVS_FLOW`): not a flow
 * key, match, mask, table, put request, stats or reply.
 */
export function isFlowPointerType(type: string): boolean {
  if (!/flow/i.test(type) || /key|match|mask|table|put|stats|info|attr|dump|cmd|ufid|reply|request/i.test(type)) return false;
  return type.includes('*') || /\bP[A-Z_]*FLOW\b/.test(type);
}

export interface ExtractOptions {
  /** Iterations of a loop body before the model leaves the loop (default 2). */
  loopBound?: number;
  /** How deep calls to functions of the same file are inlined (default 3). */
  inlineDepth?: number;
  /** Refcount of the flow already in the table (default: a directive, else 1). */
  initialRefcount?: number;
  /** API knowledge (built-ins plus the project's lockstep.json); default built-ins. */
  knowledge?: ApiKnowledge;
  flags?: Partial<FlagConvention>;
  /** Lookup functions that skip flows flagged INACTIVE (also a directive). */
  activeOnlyLookups?: string[];
  /** CPU time the compilation may take (ms); past it, ExtractError. Default: no limit. */
  timeLimitMs?: number;
}

/** CPU time of this process in ms (user + system), for the compile time limit. */
export function cpuNowMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

export type UnmodelledReason =
  /** A condition on a value the model does not track: both branches are explored. */
  | 'nondeterministic'
  /** A call the model knows nothing about: a step with no effect. */
  | 'unknown-call'
  /** A construct the model cannot express; the note says what was done instead. */
  | 'unsupported'
  /** Inlining stopped at the depth limit or at recursion. */
  | 'depth-limit'
  /** A loop is cut after the loop bound. */
  | 'bounded-loop'
  /** A lock, reference or write on something that is not the flow. */
  | 'not-a-flow'
  /** Something the model assumes that the function does not do itself (its callers' lock). */
  | 'assumed';

/** One thing the model could not represent exactly. `line` is 0-based. */
export interface Unmodelled {
  context: ContextRole;
  line: number;
  /** The file the line is in (absent: the model's listing file). */
  uri?: string;
  reason: UnmodelledReason;
  text: string;
  note: string;
}

export interface ExtractedModel {
  model: ProtocolModel;
  unmodelled: Unmodelled[];
  /** Every function defined in the file (for pickers and error messages). */
  functions: string[];
}

export class ExtractError extends Error {}
