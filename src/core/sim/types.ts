// JSON-serialisable result types of the simulator. The CLI, the webview and the editor glue all read
// these; keep them stable (add fields, never rename or remove).
// Companions: `describeViolation` (src/core/sim/describe.ts) words a violation; `protocolListing(name)`
// and `listProtocols()` (src/core/flowtable/protocols/index.ts) give listings and the protocol list;
// `simulate(...)` (src/core/sim/simulate.ts) produces a SimulationResult.

import type { ContextRole, FlowFlag, LockKind, SourceLoc } from '../model/types';

// The model's vocabulary, re-exported: result readers (the editor, the webview) import from here.
export type { ContextRole, FlowFlag, LockKind, LockMode, ProtocolInfo, SourceLoc } from '../model/types';

/** Invariant ids, exactly as the issue names them. */
export const INVARIANT_IDS = [
  'use-after-free',
  'double-free',
  'negative-refcount',
  'leak',
  'deadlock',
  'lock-discipline',
  'stale-lookup',
] as const;
export type InvariantId = (typeof INVARIANT_IDS)[number];


/** What is being explored: N packet contexts against M put (delete) contexts on an initial table. */
export interface Scenario {
  packets: number;
  puts: number;
  /** Keys of the flows in the table at the start (each with the protocol's initial refcount). */
  flows: string[];
  /** Preemption bound, or null for none (then the search is exhaustive). */
  preemptions: number | null;
  /** Partial-order reduction on (default) or off (full enumeration). */
  reduction: boolean;
}

export interface LockSnapshot {
  name: string;
  kind: LockKind;
  /** Context id holding it for writing (exclusive), or null. */
  writer: number | null;
  /** Context ids holding it for reading (or inside an RCU read-side section). */
  readers: number[];
  waitingWriters: number[];
  waitingReaders: number[];
}

export interface FlowSnapshot {
  /** Index in the table's flow list; stable over a run (a freed flow keeps its slot). */
  id: number;
  key: string;
  refcount: number;
  flag: FlowFlag;
  freed: boolean;
  /** Still reachable from the table (lookups can find it). */
  linked: boolean;
  /** A put that targeted this flow has completed: later lookups must not return it. */
  retired: boolean;
}

export type ContextStatus = 'ready' | 'blocked' | 'done';

export interface ContextSnapshot {
  id: number;
  /** "packet 1", "put 1". */
  label: string;
  role: ContextRole;
  /** Index of the next instruction in the context's step program. */
  pc: number;
  /** Where the next instruction points (null once done). */
  location: SourceLoc | null;
  /** Text of the next instruction (empty once done). */
  instruction: string;
  status: ContextStatus;
  /** Why a blocked context waits, in plain words ("waits for write lock table held by packet 1"). */
  blockedReason: string | null;
  /** Register values: a flow register shows the flow key (or null for NULL), a value register a number. */
  registers: Record<string, string | number | null>;
  /** Call depth (0 at top level). */
  depth: number;
}

export interface StateSnapshot {
  locks: LockSnapshot[];
  flows: FlowSnapshot[];
  contexts: ContextSnapshot[];
}

export interface ScheduleStep {
  /** 0-based position in the schedule. */
  index: number;
  context: number;
  contextLabel: string;
  /** The branch taken by a nondeterministic choice (0 falls through, 1 jumps); absent otherwise. */
  choice?: number;
  /** The instruction executed, as text ("lookup F -> flow", "acquire table (read)"). */
  instruction: string;
  /** Its opcode (see program.ts): acquire, release, lookup, refLoad, use, ... */
  op: string;
  /** The source line the instruction points at. */
  location: SourceLoc;
  /** What the step did, in plain words ("refcount of F 2 -> 3", "waits: table held for writing by put 1"). */
  effect: string;
  /** Invariants broken by this step (empty for most steps). */
  violations: InvariantId[];
  /** The whole model state after the step. */
  state: StateSnapshot;
}

export interface Violation {
  invariant: InvariantId;
  /** Plain words, e.g. "use after free: packet 2 reads flow F after put 1 freed it". */
  message: string;
  /** Replay string (see schedule.ts); `lockstep simulate --replay` reproduces it exactly. */
  schedule: string;
  steps: ScheduleStep[];
  /** Index into `steps` of the step that breaks the invariant (the last one; -1 if the initial state). */
  at: number;
  /** Context that broke it (null for leak and deadlock, which are about the whole state). */
  context: number | null;
  /** Key of the flow involved, if any. */
  flow: string | null;
  /** Name of the lock involved, if any. */
  lock: string | null;
  /**
   * True when no shorter schedule breaks this invariant (found by a search without reduction, or
   * confirmed by one); false: short, but a limit stopped the confirmation.
   */
  shortestProven?: boolean;
}

export type InvariantVerdict = 'safe' | 'violated' | 'unknown';

export interface InvariantResult {
  invariant: InvariantId;
  /** 'unknown' when nothing broke but the search was not exhaustive (random walk, bound, limit). */
  verdict: InvariantVerdict;
}

/** Fields marked optional were added later: the core always sets them; older producers may not. */
export interface SearchStats {
  states: number;
  transitions: number;
  /** Wall-clock time of the search. */
  ms: number;
  /** CPU time of the whole run (the time limit counts this). */
  cpuMs?: number;
  mode: 'exhaustive' | 'random' | 'replay';
  reduction: boolean;
  /** True when every reachable state (under the bound) was explored. */
  complete: boolean;
  /** Why the search stopped early, if it did (which limit, in words). */
  stoppedBecause: string | null;
  /** The limit that made the search incomplete: states, CPU time, memory, or a preemption bound. */
  limit?: 'states' | 'time' | 'memory' | 'preemptions' | null;
  /** What the run changed on its own (a --max-states capped to fit in memory, ...). */
  notes?: string[];
  /** Longest schedule explored. */
  maxDepth: number;
  /** Random mode: the seed and the number of runs. */
  seed?: number;
  runs?: number;
}

/** Price of one context running alone on the initial table (the uncontended path). */
export interface ContextCost {
  steps: number;
  /** Acquisitions of locks that can block (rw and mutex). */
  lockAcquisitions: number;
  writeLockAcquisitions: number;
  /** RCU read-side sections entered (never block). */
  rcuReadSections: number;
}

export interface ProtocolCosts {
  perPacket: ContextCost;
  perPut: ContextCost;
  /** Times a context had to wait for a lock in a round-robin run of the scenario. */
  roundRobinWaits: number;
  /** Steps of that round-robin run per packet. */
  roundRobinStepsPerPacket: number;
  /** Share (0..1) of explored states in which some context waits. */
  blockedStateShare: number;
}

export interface SimulationResult {
  protocol: string;
  /** Listing the steps point at, e.g. lockstep-protocol:/seed-workflow.c. */
  listingUri: string;
  scenario: Scenario;
  contexts: { id: number; label: string; role: ContextRole }[];
  /** The state before the first step of every schedule. */
  initial: StateSnapshot;
  /**
   * violated: some invariant broke (a real schedule); safe: nothing broke in a complete exhaustive
   * search with no bound; incomplete: nothing broke, but a limit, a bound, random walks or a replay
   * stopped short of a proof (stats.limit / stats.stoppedBecause say which and how far it got).
   */
  verdict: 'safe' | 'violated' | 'incomplete';
  verdicts: InvariantResult[];
  violations: Violation[];
  stats: SearchStats;
  costs: ProtocolCosts;
}
