import type { SyntaxNode as Node } from '../c/syntax';
import { buildCfg } from '../c/cfg';
import { toSyntax, type SyntaxNode } from '../c/syntax';
import type { FunctionDef } from '../c/functions';
import type { SourceRange } from '../source';
import { eventSink, type EngineEvent } from './events';
import { normalizeLvalue, parameterize, substituteParams } from './exprs';
import { assertedRequires, lockIdOfCall } from './heldAssertions';
import { factScope } from './factScope';
import { explore, type ExitInfo } from './explore';
import type { KnowledgeIndex } from './knowledgeIndex';
import { calleeName, callArgs } from './ops';
import type { LockEffect, LockOrderEdge, SummaryTable } from './project';
import { emptyState, type AbsState, type HeldLock } from './state';
import type { FnContext } from './transfer';
import { classResolver } from './lockClass';

export interface FunctionAnalysis {
  fn: FunctionDef;
  events: EngineEvent[];
  exits: ExitInfo[];
  incomplete: boolean;
  /** Nesting too deep for the CFG builder: part of the body was opaque. */
  truncated: boolean;
  /** Lock calls hidden inside ERROR nodes (names of the APIs). */
  hiddenLockCalls: string[];
  inferred: LockEffect[];
  lockOrder: LockOrderEdge[];
  /** Locks acquired at some exit that the contract or inference says the caller expects. */
  expectedHeld: Set<string>;
  locks: number;
  refs: number;
  visits: number;
  /** Lock identities acquired anywhere in the body. */
  acquired: string[];
  /** Struct entries of the summary table the lock classes depended on. */
  structLookups: string[];
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
  maxStatesPerNode?: number;
}

/** Lock identities this function acquires (or releases) anywhere, directly or through summarised wrappers. */
function locksInBody(body: Node, index: KnowledgeIndex, summaries: SummaryTable): { acquired: Set<string>; released: Set<string> } {
  const ids = new Set<string>();
  const released = new Set<string>();
  for (const call of body.indexedDescendants('call_expression')) {
    if (!call) continue;
    const name = calleeName(call);
    if (!name) continue;
    const args = callArgs(call).map((a) => a.text);
    const api = index.locks.get(name);
    if (api) {
      const id = lockIdOfCall(api, args);
      if (id) (api.kind === 'release' ? released : ids).add(id);
      continue;
    }
    for (const e of summaries[name]?.effects ?? []) {
      const t = substituteParams(e.lock, args);
      if (!t) continue;
      if (e.op === 'acquire' || e.op === 'try') ids.add(normalizeLvalue(t));
      else if (e.op === 'release') released.add(normalizeLvalue(t));
    }
  }
  return { acquired: ids, released };
}

/** Locks the contract says the caller holds; their site is the function's name (where the contract is written). */
function entryState(contract: LockEffect[], params: string[], site: SourceRange): AbsState {
  const s = emptyState();
  for (const e of contract) {
    if (e.op !== 'requires' && e.op !== 'release') continue;
    const id = substituteParams(e.lock, params);
    if (!id || s.locks.some((l) => l.id === id)) continue;
    const held: HeldLock = {
      id, display: id, mode: e.mode ?? 'exclusive', family: '*', variant: '*', api: 'caller',
      site, fromEntry: true, depth: 1,
    };
    s.locks = [...s.locks, held];
  }
  return s;
}

export function analyzeFunction(input: FunctionInput): FunctionAnalysis {
  const { fn, index, summaries } = input;
  const hidden: string[] = [];
  const node = input.syntax ?? toSyntax(fn.node, input.text);
  const body = node.childForFieldName('body') ?? node;
  const cfg = buildCfg(body, {
    isNoReturn: (name) => index.noReturn.has(name) || summaries[name]?.noReturn === true,
  });
  for (const err of cfg.errors) {
    for (const name of index.lockNames) if (err.text.includes(`${name}(`) || err.text.includes(`${name} (`)) hidden.push(name);
  }
  const inBody = locksInBody(body, index, summaries);
  const classes = classResolver(node, body, summaries);
  const { condVars, condTexts } = factScope(body, cfg, index, summaries);
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
    condVars,
    condTexts,
    touchedLocks: new Set(),
    touchedRefs: new Set(),
    releasedHere: new Set(),
  };
  // Lock-held assertions count as `requires` contracts inside this function (heldAssertions.ts).
  const contract = [...input.contract, ...assertedRequires(body, index, summaries, fn.params).filter((a) => !input.contract.some((c) => c.lock === a.lock))];
  const result = explore(ctx, cfg, entryState(contract, fn.params, fn.nameRange), body, input.maxStatesPerNode);
  // A function seen only in part gets no inferred summary: guessing would hide its callers' bugs.
  const inferred = result.incomplete || cfg.truncated ? [] : inferEffects(result.exits, fn.params, contract, new Set([...inBody.released, ...ctx.releasedHere]));
  const expectedHeld = new Set<string>();
  for (const e of [...contract, ...inferred]) {
    if (e.op === 'acquire' || e.op === 'try' || e.op === 'requires') {
      const id = substituteParams(e.lock, fn.params);
      if (id) expectedHeld.add(id);
    }
  }
  return {
    fn,
    events: ctx.sink.events(),
    exits: result.exits,
    incomplete: result.incomplete,
    truncated: cfg.truncated,
    hiddenLockCalls: [...new Set(hidden)],
    inferred,
    lockOrder: ctx.lockOrder,
    expectedHeld,
    locks: ctx.touchedLocks.size,
    refs: ctx.touchedRefs.size,
    visits: result.visits,
    acquired: [...ctx.acquiredInBody],
    structLookups: [...classes.lookups].sort(),
  };
}

/**
 * Infers what the function does to locks for its callers: a lock held at every exit is acquired
 * for the caller; held exactly at exits returning one truth value is a try-acquire; released on
 * every path without being taken here is released for the caller.
 */
export function inferEffects(exits: ExitInfo[], params: string[], contract: LockEffect[], releasedInBody: Set<string>): LockEffect[] {
  if (exits.length === 0) return [];
  const effects: LockEffect[] = [];
  const annotated = new Set(contract.map((c) => `${c.op}:${c.lock}`));
  const candidates = new Map<string, HeldLock>();
  for (const e of exits) for (const l of e.state.locks) if (!l.fromEntry) candidates.set(l.id, l);
  const required = new Set(contract.filter((c) => c.op === 'requires').map((c) => c.lock));
  for (const [id, lock] of candidates) {
    const lockParam = parameterize(id, params);
    // Dropped and re-taken under a `requires` contract: still the caller's lock, not a new acquire.
    if (required.has(lockParam)) continue;
    const heldAt = exits.filter((e) => e.state.locks.some((l) => l.id === id && !l.fromEntry));
    const base = { lock: lockParam, mode: lock.mode, family: lock.family, variant: lock.variant, source: 'inferred' as const };
    if (heldAt.length === exits.length) {
      if (!annotated.has(`acquire:${lockParam}`)) effects.push({ ...base, op: 'acquire' });
      continue;
    }
    const notHeld = exits.filter((e) => !heldAt.includes(e));
    const hv = new Set(heldAt.map((e) => e.returns ?? '?'));
    const nv = new Set(notHeld.map((e) => e.returns ?? '?'));
    // A leak on an error path also splits exits by return value; a wrapper never releases the lock itself.
    const releasesItself = releasedInBody.has(id);
    if (!releasesItself && hv.size === 1 && nv.size === 1 && !hv.has('?') && !nv.has('?') && [...hv][0] !== [...nv][0]) {
      effects.push({ ...base, op: 'try', trySuccess: [...hv][0] as 'zero' | 'nonzero' });
    }
  }
  const releasedEverywhere = exits[0]!.state.releasedFromCaller.filter((id) => exits.every((e) => e.state.releasedFromCaller.includes(id)));
  for (const id of releasedEverywhere) {
    const lockParam = parameterize(id, params);
    if (!annotated.has(`release:${lockParam}`)) effects.push({ lock: lockParam, op: 'release', family: '*', variant: '*', source: 'inferred' });
  }
  return effects;
}
