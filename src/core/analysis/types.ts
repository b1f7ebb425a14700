import type { ApiKnowledge, LockMode, ReadNesting } from '../apis/types';
import type { Finding } from '../findings';
import type { SourceRange } from '../source';

/**
 * The engine's vocabulary: what one function's analysis needs from the rest of the program (the
 * summaries of the functions it calls, the struct types it names) and what it gives back. The
 * pipeline that computes summaries over a whole set of files lives in `src/core/project/`.
 * Every value here is plain JSON (structured-clone safe).
 */

export interface SourceFile {
  uri: string;
  text: string;
}

/** What calling a function does to locks, in terms of its parameters (`$0` = first parameter). */
export interface LockEffect {
  /** Lock expression with parameters as `$n`, e.g. `$0->lock`, or a global like `rtnl_mutex`. */
  lock: string;
  op: 'acquire' | 'release' | 'requires' | 'try' | 'excludes';
  mode?: LockMode;
  /** For try: which return means acquired. */
  trySuccess?: 'nonzero' | 'zero';
  family?: string;
  variant?: string;
  source: 'annotation' | 'inferred';
  /** `requires` read from the body: it calls a function that needs the lock and never takes it itself, so its callers must hold it. */
  needed?: boolean;
  /** For `needed`: the callee whose requirement it is. */
  via?: string;
  /** A `requires` an RCU read section or any lock held meets (`rcu_dereference` in code older than lockdep-RCU: heldPredicates.ts). */
  orAnyLock?: boolean;
  /**
   * For `needed`: read from an RCU accessor in some body (heldPredicates.ts), not from a contract —
   * weaker evidence, said only where a registered execution context cannot meet it.
   */
  weak?: boolean;
  /** For an inferred release: on some path the function tears the lock down (destroy) rather than releasing it. */
  teardown?: boolean;
  /** For an inferred release: only when the call returns this truth (released before `return -ENODEV`, kept on success). */
  when?: 'zero' | 'nonzero';
}

/** A lock a function takes somewhere inside (and usually releases again), directly or through callees. */
export interface AcquiredLock {
  lock: string;
  mode: LockMode;
  family: string;
  /** Recursive locks (rcu_read_lock, ERESOURCE) never deadlock on themselves. */
  recursive?: boolean;
  /** A second read hold of this lock by its holder is reported (apis/types.ts `LockApi.readNesting`). */
  readNesting?: ReadNesting;
  /** The calls that lead to the acquire, outermost first (empty when the function takes it itself). */
  chain: string[];
  /**
   * Taken only on paths where these parameters have this truth (`if (!protected) seq_change()`):
   * a caller passing a constant that rules it out does not take it.
   */
  guard?: { param: number; truth: 'zero' | 'nonzero' }[];
  /**
   * Locks of the caller (held on entry by contract, or released here without an acquire) this
   * function has dropped on every path before it takes this one (`unlock(&conn->lock);
   * lock(&ct->lock); lock(&conn->lock)`): a caller holding them does not hold them then.
   */
  afterReleasing?: string[];
}

/**
 * What calling a function does to references, in terms of its parameters or its return value:
 * `$0` get/put/free/store, `*$0` put/free (what an out-parameter points at: `kfree(*out)`),
 * `return` returnsRef/alloc. `when` makes the effect depend on the call's result (a request
 * completed only on the error path).
 */
export interface RefEffect {
  target: string;
  /** `mayConsume`: dropped or freed on some exits only, with nothing telling callers which (the caller cannot count on keeping it). */
  op: 'get' | 'put' | 'free' | 'store' | 'returnsRef' | 'alloc' | 'invalidate' | 'mayConsume';
  /** The effect happens only when the call returns this truth. */
  when?: 'zero' | 'nonzero';
  /**
   * With `when`: on the other outcome the object may have gone too (freed on every error return,
   * on some successful ones only): callers can count on the effect, not on keeping the object.
   */
  elseMay?: boolean;
  /** A put whose last free waits for an RCU grace period (`ovsrcu_postpone`): callers may still use the object. */
  deferred?: boolean;
  family?: string;
  /** A get whose function returns the argument it took the reference on (`return foo_ref(f)` hands the reference up). */
  returnsArg?: boolean;
  /** The object is an integer id (apis/types.ts `RefApi.handle`): a `return` alloc hands one out, a `free` gives one back. */
  handle?: boolean;
  /** For a returned handle: what the function returns when it has none (`RefApi.invalid`). */
  invalid?: string;
}

export interface FunctionSummary {
  name: string;
  /** Identity: `uri#name` for `static` functions, the bare name for external linkage. */
  key: string;
  uri: string;
  range: SourceRange;
  effects: LockEffect[];
  /** Locks taken inside, directly or through callees, for lock order and re-acquisition. */
  acquires: AcquiredLock[];
  /** Reference effects read from the body. */
  refs: RefEffect[];
  /** True when every path ends in a non-returning call. */
  noReturn?: boolean;
  /** The body is among the inputs (otherwise the summary is a prototype's contract). */
  defined?: boolean;
  /** Field classes (`T::f`) the body or its callees release (`P_unref(x->f)`); `*` for any (ownedFields.ts). */
  releasedFields?: string[];
  /** Returns an element of a container it walked, with no reference: the caller's lock keeps it alive. */
  lookup?: boolean;
  /** It may sleep: the calls down to one that does (sleepInAtomic.ts, `sleepChain`). */
  sleeps?: string[];
  /** It never returns when its first argument is nonzero (`die_if_error(err)`: `if (err) fatal(...)`): an assertion that fails. */
  stopsWhenFirst?: boolean;
}

/** Struct field types (lock classes resolve across files) and the locks fields are annotated with. */
export interface StructInfo {
  /** The struct tag a typedef names (or the tag itself). */
  canonical: string;
  /** Field name → type name. */
  fields: Record<string, string>;
  /** Field name → the lock expression that guards it (`mutex` = the same object's field), or `*` for any lock. */
  guardedBy?: Record<string, string>;
  /** Field name → true for pointer fields (`struct flow *f`). */
  pointers?: Record<string, boolean>;
  /** Some input frees objects of this type only after an implicit-reader grace period (graceFreed.ts). */
  graceFreed?: boolean;
}

/** What one function's analysis may look up about the rest of the program. */
export interface SummaryTable {
  /** The summary of the function a call by this name reaches from the file being analysed. */
  fn(name: string): FunctionSummary | undefined;
  /** A struct by tag or typedef name. */
  struct(name: string): StructInfo | undefined;
  /**
   * Whether a call by this name from this file can know the callee's lock contract: declared in a
   * header or in this file (a contract only on a definition in another file is invisible here).
   * Absent (one-file hosts): every contract is seen.
   */
  contractSeen?(name: string): boolean;
  /** Field names some struct in the inputs declares guarded by a lock. */
  guardedFields?(): ReadonlySet<string>;
  /** True when `name` is a file-scope `static` variable of the file being analysed (its locks are that file's own). */
  isFileStatic?(name: string): boolean;
  /**
   * True when a call by this name reaches a definition in another file whose contract requires a
   * file-scope `static` of that file named `lockRoot`: no function outside that file can take the
   * lock, so the requirement cannot be a precondition passed up the callers.
   */
  requiresForeignStatic?(name: string, lockRoot: string): boolean;
  /** True when the lock (an identity in the analysed file's terms) is initialised recursive somewhere in the inputs. */
  isRecursiveLock?(id: string): boolean;
  /** The declared type of a file-scope variable this file can name: its own (statics, `extern`s), else one with external linkage in the inputs. */
  globalType?(name: string): string | undefined;
}

/** A table over plain maps (tests and one-file hosts). */
export function summaryTable(fns: Map<string, FunctionSummary> = new Map(), structs: Map<string, StructInfo> = new Map()): SummaryTable {
  return { fn: (name) => fns.get(name), struct: (name) => structs.get(name) };
}

export interface LockOrderEdge {
  /** Lock classes (`datapath::lock` when the owner's struct type is known, else the identity). */
  first: string;
  second: string;
  /** The locks as the code wrote them. */
  firstDisplay?: string;
  secondDisplay?: string;
  /** Set when the second lock is taken inside this called function (the chain of calls, outermost first). */
  via?: string;
  /** The first lock is held on entry (the function's contract says its caller holds it), not taken here. */
  firstFromEntry?: boolean;
  uri: string;
  functionName: string;
  firstRange: SourceRange;
  secondRange: SourceRange;
}

export interface AnalysisOptions {
  knowledge: ApiKnowledge;
  /** Cap on distinct states per CFG node before the function is reported incomplete. */
  maxStatesPerNode?: number;
  /** CPU milliseconds one function's path search may take before it is reported incomplete. */
  timeoutPerFunctionMs?: number;
  /** Macros taken as defined (name → value) when `#if`/`#ifdef` inside functions are resolved; others are undefined. */
  defines?: Record<string, string>;
  /** Per file (uri): the macros of that file's compile command, used instead of `defines`. */
  definesByFile?: Record<string, Record<string, string>>;
}

export interface FileStats {
  lines: number;
  functions: number;
  parseMs: number;
  analysisMs: number;
}

export interface FunctionInfo {
  name: string;
  range: SourceRange;
  locks: number;
  refs: number;
}

export interface FileCheckResult {
  uri: string;
  findings: Finding[];
  lockOrderEdges: LockOrderEdge[];
  stats: FileStats;
  /** Per function: locks and refs it touches (for CodeLens "2 locks · 1 ref"). */
  functions: FunctionInfo[];
}
