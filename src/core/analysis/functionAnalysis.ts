import { ASSERTION_MACROS } from '../apis/assertions';
import type { SyntaxNode as Node } from '../c/syntax';
import { buildCfg, type Cfg } from '../c/cfg';
import { toSyntax, type SyntaxNode } from '../c/syntax';
import type { FunctionDef } from '../c/functions';
import type { SourceRange } from '../source';
import { eventSink, type EngineEvent } from './events';
import { normalizeLvalue, substituteParams } from './exprs';
import { assertedRequires, lockIdOfCall } from './heldAssertions';
import { factScope } from './factScope';
import { explore, type ExitInfo } from './explore';
import type { KnowledgeIndex } from './knowledgeIndex';
import { calleeName, callArgs } from './ops';
import type { AcquiredLock, LockEffect, LockOrderEdge, RefEffect, SummaryTable } from './types';
import { callKnowledgeMemo, type CallKnowledge } from './callKnowledge';
import { arrayCleanupLoops, localPointerArrays } from './ownedArrays';
import { entryOwned, lendingCalls, ownedParameters } from './ownedParams';
import { ownerFrees, type OwnerFree } from './ownedFields';
import { blockingAcquires, inferEffects, inferRefEffects, keptValues, paramAliases } from './inferSummary';
import { emptyState, type AbsState, type HeldLock } from './state';
import type { FnContext } from './transfer';
import { classResolver } from './lockClass';
import { invalidatedParams, mayViewPackets } from './packetViews';
import { qualifyStatic } from './lockNames';
import type { LockVariantUse } from './lockContext';
import { typeFreesOf, type TypeFree } from './tryRef';
import { collectAccesses, HeldAtNodes, lockKey, type FunctionAccesses } from './fieldAccesses';

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
  /** Objects freed here with owning fields left holding references (ownedFields.ts). */
  ownerFrees: OwnerFree[];
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
}

/** Lock identities this function acquires (or releases) anywhere, directly or through summarised wrappers. */
function locksInBody(body: Node, callOf: (name: string) => CallKnowledge, qualify: (id: string) => string): { acquired: Set<string>; released: Set<string> } {
  const ids = new Set<string>();
  const released = new Set<string>();
  for (const call of body.indexedDescendants('call_expression')) {
    if (!call) continue;
    const name = calleeName(call);
    if (!name) continue;
    const k = callOf(name);
    const args = callArgs(call).map((a) => a.text);
    if (k.lock) {
      const id = lockIdOfCall(k.lock, args);
      if (id && k.lock.kind !== 'destroy') (k.lock.kind === 'release' ? released : ids).add(qualify(id));
      continue;
    }
    for (const e of k.lockEffects) {
      const t = substituteParams(e.lock, args);
      if (!t) continue;
      if (e.op === 'acquire' || e.op === 'try') ids.add(qualify(normalizeLvalue(t)));
      else if (e.op === 'release') released.add(qualify(normalizeLvalue(t)));
    }
  }
  return { acquired: ids, released };
}

/** Locks the contract says the caller holds; their site is the function's name (where the contract is written). */
function entryState(contract: LockEffect[], params: string[], site: SourceRange, qualify: (id: string) => string, owned: string[]): AbsState {
  const s = emptyState();
  if (owned.length > 0) s.refs = entryOwned(owned, site);
  for (const e of contract) {
    if (e.op !== 'requires' && e.op !== 'release') continue;
    const text = substituteParams(e.lock, params);
    const id = text ? qualify(text) : null;
    if (!id || s.locks.some((l) => l.id === id)) continue;
    const held: HeldLock = {
      id, display: text!, mode: e.mode ?? 'exclusive', family: '*', variant: '*', api: 'caller',
      site, fromEntry: true, depth: 1,
    };
    s.locks = [...s.locks, held];
  }
  return s;
}

/** Names declared in the function (parameters and locals): they shadow file-scope variables. */
function localNames(node: SyntaxNode, body: SyntaxNode, params: string[]): Set<string> {
  const out = new Set(params.filter((p) => p));
  for (const d of body.indexedDescendants('declaration')) {
    for (const dd of d.childrenForFieldName('declarator')) {
      let n: SyntaxNode | null = dd;
      for (let g = 0; n && n.type !== 'identifier' && g < 8; g++) n = n.childForFieldName('declarator') ?? n.namedChildren.find((c) => c.type === 'identifier' || c.type.endsWith('declarator')) ?? null;
      if (n?.type === 'identifier') out.add(n.text);
    }
  }
  void node;
  return out;
}

/** `mutex` → `mutex@lib_seq_c` when `mutex` is a file-scope `static` of this file and no local shadows it. */
function qualifier(uri: string, table: SummaryTable, locals: Set<string>): (id: string) => string {
  const isStatic = table.isFileStatic;
  if (!isStatic) return (id) => id;
  const memo = new Map<string, string>();
  return (id) => {
    let q = memo.get(id);
    if (q === undefined) {
      q = qualifyStatic(id, uri, isStatic, (n) => locals.has(n));
      memo.set(id, q);
    }
    return q;
  };
}

export function analyzeFunction(input: FunctionInput): FunctionAnalysis {
  const { fn, index, summaries } = input;
  const hidden: string[] = [];
  const node = input.syntax ?? toSyntax(fn.node, input.text);
  const body = node.childForFieldName('body') ?? node;
  const callOf = callKnowledgeMemo(index, summaries);
  const cfg = buildCfg(body, {
    isNoReturn: (name) => index.noReturn.has(name) || callOf(name).summary?.noReturn === true,
    assertion: (name) => ASSERTION_MACROS.get(name),
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
  const fromLookup = lookupResults(body, index.lookups);
  const { condVars, condTexts } = factScope(body, cfg, callOf, fn.params, (n) => fromLookup.has(n) || classes.isCounted(n));
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
    lendingCalls: lendingCalls(body, owned, (n) => (callOf(n).refs ?? []).some((r) => r.kind === 'put' || r.kind === 'free' || r.kind === 'store')),
    managed: (n) => fromLookup.has(n) || classes.isCounted(n),
    graceFreed: (n) => classes.isGraceFreed(n),
    packetViews: mayViewPackets(body.text),
    guardedFields: summaries.guardedFields?.() ?? new Set(),
    needs: new Map(),
    lockVariants: [],
    heldAt: new HeldAtNodes(),
  };
  // Lock-held assertions count as `requires` contracts inside this function (heldAssertions.ts).
  const contract = [...ownContract, ...assertedRequires(body, index, callOf, fn.params).map((e) => ({ ...e, lock: qualify(e.lock) })).filter((a) => !ownContract.some((c) => c.lock === a.lock))];
  const result = explore(ctx, cfg, entryState(contract, fn.params, fn.nameRange, qualify, owned), body, input.maxStatesPerNode, input.timeoutMs);
  // A release no acquire of that lock can reach releases the caller's lock (`ovs_unlock();
  // request_module(); ovs_lock();` in a function whose callers hold ovs_mutex): not an error, and
  // the lock held again at the exits is the caller's, restored.
  const callerLocks = callersLocks(ctx.sink.events(), ctx.acquireNodes, cfg);
  const events = ctx.sink.events().filter((e) => !(e.kind === 'release-unheld' && callerLocks.has(e.id)));
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
  const kept = keptValues(body, index, callOf, locals, classes.isScalar);
  return {
    fn,
    events,
    exits: result.exits,
    incomplete: result.incomplete,
    incompleteReason: result.reason,
    truncated: cfg.truncated,
    hiddenLockCalls: [...new Set(hidden)],
    inferred: [...inferred, ...asserted, ...(input.noLockAnalysis ? [] : [...ctx.needs.values()])],
    contract: ownContract,
    lockOrder: input.noLockAnalysis ? [] : ctx.lockOrder,
    expectedHeld,
    locks: ctx.touchedLocks.size,
    refs: ctx.touchedRefs.size,
    visits: result.visits,
    acquired: [...ctx.acquiredInBody],
    blocking: declared ? declaredAcquires(ownContract) : blockingAcquires(ctx.blocking, fn.params, (n) => locals.has(n) && !fn.params.includes(n)),
    refEffects: [...(partial ? [] : inferRefEffects(result.exits, fn.params, kept, paramAliases(body, fn.params))), ...invalidatedParams(body, fn.params, callOf)],
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
    ownerFrees: ownerFrees(node, body, input.text, callOf, (t) => summaries.struct(t)),
    accesses: { ...collectAccesses(cfg, body, fn.params, classes.classOf, ctx.heldAt, lockCallee(callOf)), acquired: [...new Set([...ctx.acquiredInBody].map(lockKey))] },
  };
}

/** Calls that take or drop a lock (an API or a wrapper with lock effects): their arguments are the lock, not what it guards. */
export function lockCallee(callOf: (name: string) => CallKnowledge): (name: string) => boolean {
  return (name) => {
    const k = callOf(name);
    return (k.lock !== undefined && k.lock.kind !== 'destroy') || k.lockEffects.some((e) => e.op !== 'requires');
  };
}

function assignedPlaces(body: SyntaxNode): Set<string> {
  const out = new Set<string>();
  for (const a of body.indexedDescendants('assignment_expression')) {
    const lhs = a.childForFieldName('left');
    if (lhs && lhs.type !== 'identifier') out.add(normalizeLvalue(lhs.text));
  }
  return out;
}

/** Locals whose address is an argument of some call (`f(&info)`, `f(x, &info, sizeof info)`). */
function escapedLocals(body: SyntaxNode, locals: Set<string>): Set<string> {
  const out = new Set<string>();
  for (const call of body.indexedDescendants('call_expression')) {
    for (const a of callArgs(call)) {
      const m = /^&\s*([A-Za-z_]\w*)$/.exec(a.text.trim());
      if (m && locals.has(m[1]!)) out.add(m[1]!);
    }
  }
  return out;
}

/** Locks released where no acquire of them in this function can reach (the caller's, dropped and retaken). */
function callersLocks(events: EngineEvent[], acquireNodes: Map<string, Set<number>>, cfg: Cfg): Set<string> {
  const out = new Set<string>();
  const reach = new Map<string, Set<number>>();
  const reachable = (id: string): Set<number> => {
    let r = reach.get(id);
    if (!r) {
      r = new Set();
      const queue = [...(acquireNodes.get(id) ?? [])];
      while (queue.length) {
        const n = queue.pop()!;
        for (const m of cfg.nodes[n]?.succ ?? []) if (m >= 0 && !r.has(m)) { r.add(m); queue.push(m); }
      }
      reach.set(id, r);
    }
    return r;
  };
  const bad = new Set<string>();
  for (const e of events) {
    if (e.kind !== 'release-unheld' || e.node === undefined) continue;
    if (reachable(e.id).has(e.node)) bad.add(e.id);
    else out.add(e.id);
  }
  for (const id of bad) out.delete(id);
  return out;
}

/** A declared lock function's acquires are its contract's. */
function declaredAcquires(contract: LockEffect[]): AcquiredLock[] {
  return contract.filter((e) => e.op === 'acquire').map((e) => ({ lock: e.lock, mode: e.mode ?? 'exclusive', family: e.family ?? '*', chain: [] }));
}

/** A contract's lock in the body's terms, when the annotation wrote the pointer and the body takes what it points to (or the reverse). */
function reconcileLock(lock: string, params: string[], inBody: { acquired: Set<string>; released: Set<string> }): string {
  const concrete = substituteParams(lock, params);
  if (!concrete) return lock;
  const known = (id: string): boolean => inBody.acquired.has(id) || inBody.released.has(id);
  if (known(concrete)) return lock;
  if (known(`*${concrete}`)) return `*${lock}`;
  if (concrete.startsWith('*') && known(concrete.slice(1))) return lock.slice(1);
  return lock;
}

/** What the body stores through out-parameters: `*result = ukey` gives result → [ukey]. */
function outParamValues(body: SyntaxNode, params: string[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const a of body.indexedDescendants('assignment_expression')) {
    const lhs = a.childForFieldName('left');
    const rhs = a.childForFieldName('right');
    const m = lhs ? /^\*\s*([A-Za-z_]\w*)$/.exec(lhs.text.trim()) : null;
    if (!m || !rhs || !params.includes(m[1]!) || !/^[A-Za-z_]\w*$/.test(rhs.text.trim())) continue;
    out.set(m[1]!, [...(out.get(m[1]!) ?? []), rhs.text.trim()]);
  }
  return out;
}

/** Variables given the result of a flow-table lookup (`flow = OvsLookupFlow(...)`): objects a table's lock keeps alive. */
function lookupResults(body: SyntaxNode, lookups: ReadonlySet<string>): Set<string> {
  const out = new Set<string>();
  if (lookups.size === 0) return out;
  for (const c of body.indexedDescendants('call_expression')) {
    const name = c ? calleeName(c) : null;
    if (!c || !name || !lookups.has(name)) continue;
    let p = c.parent;
    while (p && (p.type === 'parenthesized_expression' || p.type === 'cast_expression')) p = p.parent;
    let target = p?.type === 'assignment_expression' ? p.childForFieldName('left') : p?.type === 'init_declarator' ? p.childForFieldName('declarator') : null;
    while (target && target.type !== 'identifier') target = target.childForFieldName('declarator');
    if (target) out.add(target.text);
  }
  return out;
}
