// The simulator panel's view model: what the extension sends the webview and what the webview persists.
// It is deliberately separate from the core's result types (src/core/sim/types.ts): the extension adapts a
// core result into this shape once, so the browser code never depends on the explorer's internals and a
// state saved by an older build can be checked field by field before it is trusted.

/** One protocol the explorer can run (a reference protocol, or later a pair of C functions). */
export interface ProtocolInfo {
  id: string;
  title: string;
  summary: string;
  /** Where its listing lives, e.g. `lockstep-protocol:/seed-workflow.c`. */
  listingUri: string;
}

export interface Scenario {
  protocol: string;
  packets: number;
  puts: number;
  /** Maximum number of preemptions; null explores without a bound. */
  preemptionBound: number | null;
}

export type Verdict = 'safe' | 'violated';

export interface InvariantVerdict {
  id: string;
  /** 'unknown' when nothing broke but the search was not exhaustive. */
  verdict: Verdict | 'unknown';
  /** Index into RunResult.violations for a violated invariant. */
  violation: number | null;
}

/** A context of the scenario: one lane of the schedule. */
export interface ContextInfo {
  /** Short id as the schedule string spells it, e.g. `P1`, `D1`. */
  id: string;
  /** Human label, e.g. `packet 1`, `put 1`. */
  label: string;
  kind: 'packet' | 'put';
}

export type LockMode = 'free' | 'read' | 'write';

export interface LockView {
  name: string;
  kind: 'rw' | 'mutex' | 'rcu';
  mode: LockMode;
  /** Context ids holding it (several readers, or one writer). */
  holders: string[];
  waiters: { context: string; mode: 'read' | 'write' }[];
}

export interface FlowView {
  name: string;
  refcount: number;
  flag: string;
  freed: boolean;
  linked: boolean;
  /** A put that targeted it has completed: later lookups must not return it. */
  retired: boolean;
}

export type ContextStatus = 'ready' | 'blocked' | 'done';

export interface ContextStateView {
  context: string;
  status: ContextStatus;
  /** Why a blocked context waits, in words. */
  waitsFor: string | null;
  /** Context-local values worth seeing (e.g. `pFlow = F`, `new count = 2`). */
  locals: { name: string; value: string }[];
  /** The instruction it runs next ('' once done) and its 0-based line (null once done). */
  next: string;
  nextLine: number | null;
}

/** The whole model state after one step. */
export interface StateView {
  locks: LockView[];
  flows: FlowView[];
  /** Flow names reachable from the table, in bucket order. */
  table: string[];
  contexts: ContextStateView[];
}

export interface StepView {
  /** Index into ViolationView.contexts. */
  context: number;
  /** The instruction in words, e.g. `read-lock table`. */
  instruction: string;
  /** What the step did, in words, e.g. `refcount of F 2 -> 3`. */
  effect: string;
  /** Invariants this step broke (usually none). */
  broke: string[];
  uri: string;
  /** 0-based line in `uri`. */
  line: number;
  state: StateView;
}

export interface ViolationView {
  invariant: string;
  /** The named failure in plain words. */
  message: string;
  /** Replayable schedule string. */
  schedule: string;
  contexts: ContextInfo[];
  initial: StateView;
  steps: StepView[];
  /** Index of the step at which the invariant broke. */
  failingStep: number;
}

export interface CostView {
  protocol: string;
  /** Counter name → value, e.g. `lock acquisitions / packet`. */
  counters: { name: string; value: number }[];
}

export interface RunStats {
  states: number;
  transitions: number;
  ms: number;
  /** False when the search stopped early (bound, limit, or random walk). */
  exhaustive: boolean;
  mode: 'exhaustive' | 'random' | 'replay';
  stoppedBecause: string | null;
}

export interface RunResult {
  protocol: string;
  scenario: Scenario;
  /** 'incomplete': nothing broke, but a limit, a bound, random walks or a replay stopped short of a proof. */
  verdict: Verdict | 'incomplete';
  invariants: InvariantVerdict[];
  violations: ViolationView[];
  stats: RunStats;
  costs: CostView[];
  /** Set when this result replays a pasted schedule rather than a search. */
  replayOf: string | null;
}

/** A run in flight: elapsed time always; states and transitions when the explorer reports them. */
export interface RunProgress {
  states: number | null;
  transitions: number | null;
  ms: number;
}
