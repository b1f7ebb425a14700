import { sleepChain } from './sleepInAtomic';
import { ASSERTION_MACROS } from '../apis/assertions';
import { buildCfg } from '../c/cfg';
import { toSyntax, type SyntaxNode } from '../c/syntax';
import type { FunctionDef } from '../c/functions';
import type { SourceRange } from '../source';
import { eventSink, type EngineEvent } from './events';
import { normalizeLvalue, rootVariable, substituteParams } from './exprs';
import { assertedRequires } from './heldAssertions';
import { factScope } from './factScope';
import { explore, type ExitInfo } from './explore';
import type { KnowledgeIndex } from './knowledgeIndex';
import type { AcquiredLock, LockEffect, LockOrderEdge, RefEffect, SummaryTable } from './types';
import { callKnowledgeMemo, type CallKnowledge } from './callKnowledge';
import { arrayCleanupLoops, localPointerArrays } from './ownedArrays';
import { lookupsBeforeLock } from './lookupBeforeLock';
import { consumedLater, lendingCalls, ownedParameters } from './ownedParams';
import { droppableFields, fieldDropEffects } from './fieldDrops';
import { destructorGaps, ownerFrees, releasedFieldClasses, type OwnerFree } from './ownedFields';
import { storedWhen } from './conditionalStores';
import { handedOn } from './outcomeEffects';
import { blockingAcquires, inferEffects, inferRefEffects, keptValues, paramAliases } from './inferSummary';
import type { FnContext } from './fnContext';
import { classResolver } from './lockClass';
import { batchesOf } from './batchLocks';
import { equalityOperands, unparenCasts, unparenNode } from './truth';
import { invalidatedParams, mayViewPackets } from './packetViews';
import type { LockVariantUse } from './lockContext';
import { typeFreesOf, type TypeFree } from './tryRef';
import { collectAccesses, HeldAtNodes, lockKey, type FunctionAccesses } from './fieldAccesses';
import { rcuFieldScope, type RcuFieldTable } from './rcuFields';
import { returnsWalkedElement } from './lookupReturns';
import { localNames, assignedPlaces, escapedLocals, outParamValues, lookupResults } from './bodyFacts';
import { locksInBody, entryState, qualifier, callersLocks, declaredAcquires, reconcileLock, lockCallee } from './entryLocks';

export interface FunctionAnalysis {
  fn: FunctionDef;
  events: EngineEvent[];
  exits: ExitInfo[];
  incomplete: boolean;
  /** Why the search stopped early, when it did: a cap on states or visits, or the time limit. */
  incompleteReason?: 'states' | 'timeout';
  /** Nesting too deep for the CFG builder: part of the body was opaque. */
  truncated: boolean;
  /** Lock calls hidden inside ERROR nodes (names of the APIs). */
  hiddenLockCalls: string[];
  inferred: LockEffect[];
  /** The function's annotated contract, its static locks in this file's terms. */
  contract: LockEffect[];
  lockOrder: LockOrderEdge[];
  /** Locks acquired at some exit that the contract or inference says the caller expects. */
  expectedHeld: Set<string>;
  locks: number;
  refs: number;
  visits: number;
  /** Lock identities acquired anywhere in the body. */
  acquired: string[];
  /** Locks taken by blocking acquires, here or inside callees, as callers name them. */
  blocking: AcquiredLock[];
  /** Reference effects on parameters and the return value, for callers. */
  refEffects: RefEffect[];
  /** Returns an element of a container it walked, unreferenced (lookupReturns.ts). */
  lookup: boolean;
  /** Struct entries of the summary table the lock classes depended on. */
  structLookups: string[];
  /** The author marked it beyond lock checking (`OVS_NO_THREAD_SAFETY_ANALYSIS`): lock rules stay quiet. */
  noLockAnalysis: boolean;
  /** Variables declared in the body (not parameters): what is rooted elsewhere outlives the call. */
  locals: Set<string>;
  /** Local aggregates whose address is handed to a call (`add_action(&info, sizeof info)`): copied or kept there. */
  escapedLocals: Set<string>;
  /** Places other than plain variables the body assigns (`vport->dev`, `*out`), normalised. */
  assigned: Set<string>;
  /** Variables whose value the body keeps somewhere that outlives the call, with the first line it does (inferSummary.ts `keptValues`). */
  kept: Map<string, number>;
  /** Objects some path of the function puts. */
  putObjects: Set<string>;
  /** Linux spin/rw lock acquires by variant (context-mismatch across the inputs). */
  lockVariants: LockVariantUse[];
  /** Struct types this function frees, at once or after a grace period (try-ref-needed across the inputs). */
  typeFrees: TypeFree[];
  /** Fields touched and the same object's locks held there (inferred guards across the inputs). */
  accesses: FunctionAccesses;
  /** Local arrays of pointers, and the loops that hand their elements on one by one (ownedArrays.ts). */
  arrayCleanups: Map<string, { from: number; to: number }[]>;
  /** Owned parameters (ownedParams.ts) some path consumed through a known consumer or a consuming callee, and where. */
  ownedConsumed: Map<string, { api: string; site: SourceRange }>;
  /** Objects freed here with owning fields left holding references, and destructors that miss some (ownedFields.ts). */
  ownerFrees: OwnerFree[];
  /** Field classes the body or its callees release (ownedFields.ts `releasedFieldClasses`). */
  releasedFields: string[];
  /** The calls down to one that may sleep, when nothing in the body makes it atomic (sleepInAtomic.ts). */
  sleeps?: string[];
  /** `if (first_param) fatal(...);` is the whole body: a failing assertion on its first argument. */
  stopsWhenFirst?: boolean;
}

export interface FunctionInput {
  uri: string;
  fn: FunctionDef;
  /** The parsed text (annotations blanked), for the plain-JS copy of the function. */
  text: string;
  /** The plain-JS copy, when the caller already made one (summary rounds reuse it). */
  syntax?: SyntaxNode;
  index: KnowledgeIndex;
  summaries: SummaryTable;
  /** Annotated effects of this function (from its declaration or definition). */
  contract: LockEffect[];
  /** Macros taken as defined in `#if`/`#ifdef` (AnalysisOptions.defines). */
  defines?: Readonly<Record<string, string>>;
  maxStatesPerNode?: number;
  /** CPU milliseconds the path search may take. */
  timeoutMs?: number;
  /** `OVS_NO_THREAD_SAFETY_ANALYSIS`: lock rules stay quiet in this function. */
  noLockAnalysis?: boolean;
  /** The file's RCU-published fields (rcuFields.ts). */
  rcuFields?: RcuFieldTable;
}

export function analyzeFunction(input: FunctionInput): FunctionAnalysis {
  const { fn, index, summaries } = input;
  const hidden: string[] = [];
  const node = input.syntax ?? toSyntax(fn.node, input.text);
  const body = node.childForFieldName('body') ?? node;
  const callOf = callKnowledgeMemo(index, summaries);
  const isNoReturn = (name: string): boolean => index.noReturn.has(name) || callOf(name).summary?.noReturn === true;
  const cfg = buildCfg(body, {
    isNoReturn,
    assertion: (name) => ASSERTION_MACROS.get(name) ?? (callOf(name).summary?.stopsWhenFirst === true ? 'fails' : undefined),
    defines: input.defines,
  });
  for (const err of cfg.errors) {
    for (const name of index.lockNames) if (err.text.includes(`${name}(`) || err.text.includes(`${name} (`)) hidden.push(name);
  }
  const locals = localNames(node, body, fn.params);
  const localArrays = localPointerArrays(body);
  const owned = ownedParameters(node);
  const qualify = qualifier(input.uri, summaries, locals);
  // Contracts name the file's static locks as the code does: in this file's terms, like the body's calls.
  const ownContract = input.contract.map((e) => ({ ...e, lock: qualify(e.lock) }));
  const inBody = locksInBody(body, callOf, qualify);
  // `_Acquires_lock_(gOvsCtrlLock)` on a lock pointer names the lock the body takes as `*gOvsCtrlLock`.
  const reconciled = ownContract.map((e) => ({ ...e, lock: reconcileLock(e.lock, fn.params, inBody) }));
  ownContract.splice(0, ownContract.length, ...reconciled);
  const classes = classResolver(node, body, summaries);
  // Only a lock this function takes can protect what a lookup returns (protection.ts ownLocks).
  const fromLookup = inBody.acquired.size > 0 ? lookupResults(body, (n) => index.lookups.has(n) || callOf(n).summary?.lookup === true) : new Set<string>();
  const { condVars, condTexts } = factScope(body, cfg, callOf, fn.params, (n) => fromLookup.has(n) || classes.isCounted(n));
  const isConsumer = (n: string): boolean => (callOf(n).refs ?? []).some((r) => r.kind === 'put' || r.kind === 'free' || r.kind === 'store');
  const consumesArg = (n: string, i: number, count: number): boolean => (callOf(n).refs ?? []).some((r) =>
    (r.kind === 'put' || r.kind === 'free' || r.kind === 'store') && (r.arity === undefined || r.arity === count) && ((r.objArg ?? 0) === i || r.consumes === i));
  const lent = new Map<string, boolean>();
  const ctx: FnContext = {
    uri: input.uri,
    fnName: fn.name,
    params: fn.params,
    index,
    summaries,
    acquiredInBody: inBody.acquired,
    sink: eventSink(),
    lockOrder: [],
    lockOrderSeen: new Set(),
    classOf: classes.classOf,
    lockClassOf: classes.lockClassOf,
    spellings: classes.spellings,
    isScalar: classes.isScalar,
    condVars,
    condTexts,
    touchedLocks: new Set(),
    touchedRefs: new Set(),
    releasedHere: new Set(),
    call: callOf,
    qualify,
    blocking: new Map(),
    acquireNodes: new Map(),
    isLocal: (n) => locals.has(n) && !fn.params.includes(n),
    putObjects: new Set(),
    trackAllocations: true,
    localArrays,
    ownedConsumed: new Map(),
    lendingCalls: lendingCalls(body, owned, isConsumer),
    lentAllocation: (call, obj) => {
      const key = `${call.id}:${obj}`;
      let v = lent.get(key);
      if (v === undefined) lent.set(key, (v = consumedLater(call, obj, consumesArg)));
      return v;
    },
    managed: (n) => fromLookup.has(n) || classes.isCounted(n),
    graceFreed: (n) => classes.isGraceFreed(n),
    packetViews: mayViewPackets(body.text),
    guardedFields: summaries.guardedFields?.() ?? new Set(),
    needs: new Map(),
    lockVariants: [],
    heldAt: new HeldAtNodes(),
    rcuFields: rcuFieldScope(input.rcuFields, fn.name, node.text),
    droppableFields: droppableFields(body, callOf),
  };
  if (inBody.acquired.size > 0) ctx.batches = batchesOf(body, callOf);
  // Lock-held assertions count as `requires` contracts inside this function (heldAssertions.ts).
  const contract = [...ownContract, ...assertedRequires(body, index, callOf, fn.params).map((e) => ({ ...e, lock: qualify(e.lock) })).filter((a) => !ownContract.some((c) => c.lock === a.lock))];
  const result = explore(ctx, cfg, entryState(contract, fn.params, fn.nameRange, qualify, owned), body, input.maxStatesPerNode, input.timeoutMs);
  // A release no acquire of that lock can reach releases the caller's lock (`ovs_unlock();
  // request_module(); ovs_lock();` in a function whose callers hold ovs_mutex): not an error, and
  // the lock held again at the exits is the caller's, restored.
  const callerLocks = callersLocks(ctx.sink.events(), ctx.acquireNodes, cfg);
  const events: EngineEvent[] = ctx.sink.events().filter((e) => !(e.kind === 'release-unheld' && callerLocks.has(e.id)));
  if (!input.noLockAnalysis && ctx.acquiredInBody.size > 0 && ctx.heldAt) events.push(...lookupsBeforeLock(cfg, body, ctx.heldAt, (n) => callOf(n).summary?.lookup === true, ctx.isLocal));
  // A function seen only in part gets no inferred summary: guessing would hide its callers' bugs.
  const partial = result.incomplete || cfg.truncated;
  // A function whose declaration states its locking (`OVS_ACQ_WRLOCK(rwlock)`) is what it says to
  // its callers: how it implements that (inner mutexes, per-thread slots) stays inside.
  const declared = ownContract.some((e) => e.op === 'acquire' || e.op === 'try' || e.op === 'release') || input.noLockAnalysis === true;
  const all = partial ? [] : inferEffects(result.exits, fn.params, contract, new Set([...inBody.released, ...ctx.releasedHere]), callerLocks);
  // Unchecked (`OVS_NO_THREAD_SAFETY_ANALYSIS`) but undeclared: what it releases or tears down of its callers' is still theirs to know.
  const inferred = !declared ? all : input.noLockAnalysis === true && !ownContract.some((e) => e.op !== 'requires') ? all.filter((e) => e.op === 'release') : [];
  const expectedHeld = new Set<string>(callerLocks);
  const outValues = outParamValues(body, fn.params);
  for (const e of [...contract, ...inferred]) {
    if (e.op === 'acquire' || e.op === 'try' || e.op === 'requires') {
      const id = substituteParams(e.lock, fn.params);
      if (id) expectedHeld.add(qualify(id));
      // `OVS_TRY_LOCK(0, (*result)->mutex)` with `*result = ukey`: the lock is `ukey->mutex`.
      for (const [param, values] of outValues) {
        if (!id || !id.includes(`*${param}`)) continue;
        for (const v of values) {
          const via = normalizeLvalue(id.split(`(*${param})`).join(v).split(`*${param}`).join(v));
          expectedHeld.add(qualify(via));
        }
      }
    }
  }
  const asserted = contract.filter((e) => !ownContract.includes(e));
  const mayKeep = new Map<string, number>();
  const aliases = paramAliases(body, fn.params);
  const stored = keptValues(body, index, callOf, locals, (n) => classes.isScalar(n) || classes.isStructValue(n), mayKeep);
  // Leak checks read both: a value an operations table may have kept is not this function's to drop.
  const kept = new Map(stored);
  for (const [v, at] of mayKeep) kept.set(v, at);
  return {
    fn,
    events,
    exits: result.exits,
    incomplete: result.incomplete,
    incompleteReason: result.reason,
    truncated: cfg.truncated,
    hiddenLockCalls: [...new Set(hidden)],
    // A lock named through one of this function's own locals (`hb->lock` with `hb` a bucket it found
    // through a lookup whose acquire it could not see) is no lock of its caller's to hold or be
    // released. Taken and kept, it is the caller's only when the object is one the caller can reach
    // under a name of its own (`dp = get_dp_locked()`, matched by the caller's variable of the same
    // name); on an object this function created (`dp = xzalloc(…)` returned with its upcall lock
    // held by design) it is the new object's state.
    inferred: [...inferred, ...asserted, ...(input.noLockAnalysis ? [] : [...ctx.needs.values()])]
      .filter((e) => !namesOwnLocal(e.lock, body, locals, fn.params) || ((e.op === 'acquire' || e.op === 'try') && !freshLocal(e.lock, body, callOf))),
    contract: ownContract,
    lockOrder: input.noLockAnalysis ? [] : ctx.lockOrder,
    expectedHeld,
    locks: ctx.touchedLocks.size,
    refs: ctx.touchedRefs.size,
    visits: result.visits,
    acquired: [...ctx.acquiredInBody],
    blocking: declared ? declaredAcquires(ownContract) : blockingAcquires(ctx.blocking, fn.params, (n) => locals.has(n) && !fn.params.includes(n)),
    lookup: returnsWalkedElement(body, fn.params),
    refEffects: [...(partial ? [] : [...inferRefEffects(result.exits, fn.params, stored, aliases, (names, relevant) => storedWhen(cfg, body, relevant, names, callOf, index), mayKeep, handedOn(body, new Set([...fn.params, ...aliases.keys()]), callOf, index)), ...fieldDropEffects(result.exits, fn.params)]), ...invalidatedParams(body, fn.params, callOf)],
    structLookups: [...classes.lookups].sort(),
    noLockAnalysis: input.noLockAnalysis === true,
    locals: new Set([...locals].filter((n) => !fn.params.includes(n))),
    escapedLocals: escapedLocals(body, locals),
    assigned: assignedPlaces(body),
    kept,
    putObjects: ctx.putObjects,
    lockVariants: input.noLockAnalysis ? [] : ctx.lockVariants ?? [],
    typeFrees: typeFreesOf(ctx, body),
    arrayCleanups: arrayCleanupLoops(body, localArrays),
    ownedConsumed: ctx.ownedConsumed ?? new Map(),
    ownerFrees: [...ownerFrees(node, body, input.text, callOf, (t) => summaries.struct(t)), ...destructorGaps(node, fn.name, body, input.text, index, callOf, (t) => summaries.struct(t), classes.classOf)],
    releasedFields: releasedFieldClasses(body, fn.params, callOf, classes.classOf),
    sleeps: sleepChain(body, callOf),
    stopsWhenFirst: stopsWhenFirst(body, fn.params, isNoReturn) || undefined,
    accesses: { ...collectAccesses(cfg, body, fn.params, classes.classOf, ctx.heldAt, lockCallee(callOf)), acquired: [...new Set([...ctx.acquiredInBody].map(lockKey))] },
  };
}

/** Whether a lock identity is rooted at a variable declared in the body (not a parameter, not a function-scope `static`). */
function namesOwnLocal(lock: string, body: SyntaxNode, locals: ReadonlySet<string>, params: readonly string[]): boolean {
  const root = rootVariable(lock);
  if (!root || !locals.has(root) || params.includes(root)) return false;
  const named = new RegExp(`\\b${root}\\b`);
  for (const d of body.indexedDescendants('declaration')) {
    if (!d || !/^\s*static\b/.test(d.text)) continue;
    if (d.childrenForFieldName('declarator').some((x) => x !== null && named.test(x.text))) return false;
  }
  return true;
}

/** The body is `if (p) fatal(...);` with `p` the first parameter (`p != NULL` too): it returns only when `p` is 0. */
function stopsWhenFirst(body: SyntaxNode, params: readonly string[], isNoReturn: (name: string) => boolean): boolean {
  const first = params[0];
  if (!first || params.length !== 1) return false;
  const stmts = body.namedChildren.filter((c) => c !== null && c.type !== 'comment');
  const only = stmts.length === 1 ? stmts[0]! : undefined;
  if (only?.type !== 'if_statement' || only.childForFieldName('alternative')) return false;
  const c = only.childForFieldName('condition');
  const cond = c ? unparenNode(c) : null;
  const cmp = cond ? equalityOperands(cond) : undefined;
  const tested = cond?.type === 'identifier' ? cond.text : cmp && !cmp.eq && /^(NULL|0)$/.test(cmp.right.text) ? cmp.left.text : undefined;
  if (tested !== first) return false;
  let then = only.childForFieldName('consequence');
  if (then?.type === 'compound_statement') {
    const inner = then.namedChildren.filter((c) => c !== null && c.type !== 'comment');
    then = inner.length === 1 ? inner[0]! : null;
  }
  const call = then?.type === 'expression_statement' ? then.namedChildren[0] : null;
  const name = call?.type === 'call_expression' ? call.childForFieldName('function')?.text : undefined;
  return name !== undefined && isNoReturn(name);
}

/** Whether a lock identity is rooted at a local some assignment gives a fresh allocation or reference (`dp = xzalloc(…)`). */
function freshLocal(lock: string, body: SyntaxNode, callOf: (name: string) => CallKnowledge): boolean {
  const root = rootVariable(lock);
  if (!root) return false;
  const fresh = (v: SyntaxNode | null): boolean => {
    const c = v ? unparenCasts(v) : null;
    const name = c?.type === 'call_expression' ? c.childForFieldName('function')?.text : undefined;
    return name !== undefined && (callOf(name).refs ?? []).some((r) => r.kind === 'alloc' || r.kind === 'returnsRef');
  };
  for (const a of body.indexedDescendants('assignment_expression')) {
    if (a?.childForFieldName('left')?.text === root && fresh(a.childForFieldName('right'))) return true;
  }
  for (const d of body.indexedDescendants('declaration')) {
    for (const dd of d?.childrenForFieldName('declarator') ?? []) {
      if (dd?.type !== 'init_declarator') continue;
      let n = dd.childForFieldName('declarator');
      while (n && n.type === 'pointer_declarator') n = n.childForFieldName('declarator');
      if (n?.text === root && fresh(dd.childForFieldName('value'))) return true;
    }
  }
  return false;
}
