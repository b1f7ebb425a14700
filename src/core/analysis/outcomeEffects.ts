import type { SyntaxNode as Node } from '../c/syntax';
import { isBorrower } from '../apis/borrowers';
import type { CallKnowledge } from './callKnowledge';
import { returnTruth } from './callerRelease';
import type { ExitInfo } from './explore';
import { squash, stripCasts } from './exprs';
import type { KnowledgeIndex } from './knowledgeIndex';
import { callArgs, calleeName } from './ops';
import { isProtectionMark } from './protection';
import { getFact, type DeadObject } from './state';
import type { SourceRange } from '../source';
import type { RefEffect } from './types';

/**
 * Reference effects that depend on how the call ends (inferSummary.ts reads them from the exits):
 * the return truth that splits exits with an effect from those without, a parameter dropped on
 * every error return (and only on some successful ones), what an out-parameter points at freed on
 * failure (`*out`), and parameters handed on to calls that may keep them (then the other outcome
 * cannot promise the caller still has the object).
 */

/** Exits that say something about parameter `p`: a path on which `p` (or a local copy of it) is known NULL neither drops nor keeps it. */
export function exitsFor(exits: ExitInfo[], names: readonly string[]): ExitInfo[] {
  // A name given a call's result after the call dropped its object (`^p`, fieldDrops.ts keepParamDrop): its NULL test is of the result.
  return exits.filter((e) => names.every((n) => getFact(e.state, n) !== 'zero' || e.state.dead.some((d) => d.obj === `^${n}`)));
}

/** The object was dropped (put or freed) at this exit, and not merely a reference this path took and gave back. */
function deadMark(e: ExitInfo, obj: string): DeadObject | undefined {
  return e.state.dead.find((d) => (d.obj === obj || d.obj === `^${obj}`) && !isProtectionMark(d) && (d.how !== 'dropped' || d.consumed));
}

/**
 * Every exit that returns an error (nonzero, or a negative code) drops the object, and some
 * successful exit does not: the drop on failure is certain.
 */
export function dropsOnEveryError(relevant: ExitInfo[], deadAt: ExitInfo[], obj: string): boolean {
  const failing = relevant.filter((e) => returnTruth(e) === 'nonzero');
  if (failing.length === 0 || !failing.every((e) => deadAt.includes(e)) || relevant.some((e) => returnTruth(e) === undefined)) return false;
  return !dropLostLater(failing, relevant.filter((e) => !deadAt.includes(e)), obj);
}

/**
 * An exit without the drop whose path went through a drop some exit with it has: the mark was
 * lost on the way (not carried round a loop, say), so the exits do not differ in the drop.
 */
function dropLostLater(withDrop: ExitInfo[], without: ExitInfo[], obj: string): boolean {
  const sites = new Set(withDrop.map((e) => siteKey(deadMark(e, obj)!.site)));
  for (const e of without) {
    for (let t = e.state.trail; t; t = t.prev) if (sites.has(siteKey(t.range))) return true;
  }
  return false;
}

function siteKey(r: SourceRange): string {
  return `${r.start.line}:${r.start.column}`;
}

/**
 * What the function does to the memory an out-parameter points at (`*out`): freed on the exits
 * returning one truth only (`*out = alloc(); err = fill(*out); if (err) kfree(*out); return err;`),
 * or on every exit. An exit that clears the pointer after freeing (`*out = NULL`) no longer holds
 * a dead pointer; an exit where `*out` is NULL or an error pointer (`return PTR_ERR(*out)`) says nothing.
 */
export function pointeeEffect(exits: ExitInfo[], p: string, i: number): RefEffect | undefined {
  const obj = `*${p}`;
  const errorCode = new RegExp(`^PTR_ERR\\(\\(?\\*\\s*${p}\\)?\\)$`);
  const relevant = exitsFor(exits, [p, obj]).filter((e) => e.returnText === undefined || !errorCode.test(squash(e.returnText)));
  const deadAt = relevant.filter((e) => deadMark(e, obj) !== undefined);
  if (deadAt.length === 0) return undefined;
  const marks = deadAt.map((e) => deadMark(e, obj)!);
  // A grace-period free, or a put that need not be the last: callers may still read it.
  if (marks.some((d) => d.how === 'dropped' || d.how === 'deferred')) return undefined;
  const op = marks.every((d) => d.how === 'freed' && !d.consumed) ? 'free' : 'put';
  const target = `*$${i}`;
  if (deadAt.length === relevant.length) return { target, op };
  const others = relevant.filter((e) => !deadAt.includes(e));
  const when = splitByReturn(deadAt, others);
  return when && !dropLostLater(deadAt, others, obj) ? { target, op, when } : undefined;
}

/** The one return truth on which an effect happens, when the exits with it and those without differ exactly there. */
export function splitByReturn(withEffect: ExitInfo[], without: ExitInfo[]): 'zero' | 'nonzero' | undefined {
  return splitByTruth(withEffect, without, (e) => e.returns);
}

export function splitByTruth(withEffect: ExitInfo[], without: ExitInfo[], truth: (e: ExitInfo) => 'zero' | 'nonzero' | undefined): 'zero' | 'nonzero' | undefined {
  const a = new Set(withEffect.map((e) => truth(e) ?? '?'));
  const b = new Set(without.map((e) => truth(e) ?? '?'));
  if (a.size !== 1 || b.size !== 1 || a.has('?') || b.has('?')) return undefined;
  const t = [...a][0]!;
  return t !== [...b][0] ? (t as 'zero' | 'nonzero') : undefined;
}


/**
 * Parameters (or their aliases) the body hands whole to a call that may keep them: a call through
 * a table of operations, one with no body or API in sight, or a callee whose summary keeps or may
 * consume that argument. An effect that happens on one outcome then cannot promise the caller the
 * object on the other (`put` when nonzero after `send(skb)` on success: `elseMay`). Mirrors
 * refTransfer's mayKeep, over the whole body.
 */
export function handedOn(body: Node, names: ReadonlySet<string>, callOf: (name: string) => CallKnowledge, index: KnowledgeIndex): Set<string> {
  const out = new Set<string>();
  if (names.size === 0) return out;
  for (const call of body.indexedDescendants('call_expression')) {
    const name = calleeName(call);
    callArgs(call).forEach((arg, j) => {
      const v = stripCasts(arg.text);
      if (!names.has(v) || out.has(v)) return;
      if (!name || mayKeepArg(name, j, callOf, index)) out.add(v);
    });
  }
  return out;
}

function mayKeepArg(name: string, j: number, callOf: (name: string) => CallKnowledge, index: KnowledgeIndex): boolean {
  const k = callOf(name);
  if (k.lock || k.lockEffects.length > 0 || isBorrower(name) || index.noReturn.has(name)) return false;
  if (k.summary?.defined) return k.summary.refs.some((r) => r.target === `$${j}` && (r.op === 'store' || r.op === 'mayConsume' || r.elseMay === true));
  return k.refs === undefined;
}
