import { HELD_PREDICATES, RCU_ACCESSORS, RCU_UNCHECKED, type RcuAccessorApi } from '../apis/lockPredicates';
import { argumentText, lockIdentity, normalizeLvalue, parameterize, splitArgs, substituteParams } from './exprs';
import type { MacroCall } from './macroCalls';
import type { FunctionSummary, LockEffect } from './types';

/**
 * What an RCU accessor requires of its caller, as a summary callers check like any callee's
 * (transfer's `requiredLocks`): `rcu_dereference(p)` needs an RCU read section or a lock held;
 * `rcu_dereference_protected(p, lockdep_is_held(&m))` needs `m`. The condition may be a predicate
 * function of the inputs (`int lockdep_foo_is_held(void) { return lockdep_is_held(&foo_mutex); }`)
 * and the accessor may be spelled through a project macro (`#define foo_deref(p)
 * rcu_dereference_protected(p, lockdep_foo_is_held())`). The requirement is always a
 * precondition: it becomes the function's own (`needed`) and its callers', and is said only
 * where a caller or an execution context cannot meet it — never inside the function that
 * merely dereferences (its callers may hold the lock).
 */

const ACCESSORS = new Map(RCU_ACCESSORS.map((a) => [a.name, a]));
const REQUIRE_NOTHING = new Set(RCU_UNCHECKED);
const ALWAYS_TRUE = /^\(?\s*(1|true)\s*\)?$/;
const PREDICATES = new Map(HELD_PREDICATES.map((p) => [p.name, p]));
const RETURNS_PREDICATE = new RegExp(`\\breturn\\s+(?:!!\\s*)?\\(?\\s*(${HELD_PREDICATES.map((p) => p.name).join('|')})\\s*\\(`, 'g');

/** The lock RCU's own read side is named by (rcu_read_lock's implicit lock). */
export const RCU_READ_LOCK = 'rcu';

/**
 * Functions whose body returns a lockdep predicate (`return lockdep_is_held(&ovs_mutex);`, possibly
 * on one branch of a debug switch): the function name → the lock, parameters as `$n`.
 */
export function predicateLocksIn(fns: readonly { name: string; params: readonly string[]; text: string }[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const f of fns) {
    if (!f.text.includes('return')) continue;
    RETURNS_PREDICATE.lastIndex = 0;
    const m = RETURNS_PREDICATE.exec(f.text);
    if (!m) continue;
    const args = splitArgs(argumentText(f.text, m.index + m[0].length));
    const lock = lockOfPredicate(m[1]!, args);
    if (lock) out.set(f.name, parameterize(lock, [...f.params]));
  }
  return out;
}

function lockOfPredicate(name: string, args: string[]): string | undefined {
  const p = PREDICATES.get(name);
  if (!p) return undefined;
  if (p.implicitLock) return p.implicitLock;
  const a = p.lockArg !== undefined ? args[p.lockArg] : undefined;
  return a ? lockIdentity(a, false) : undefined;
}

/** Where predicate functions and macros of the inputs are found, for a call from one file. */
export interface PredicateLookup {
  /** A predicate function's lock, parameters as `$n`. */
  predicate(name: string): string | undefined;
  /** A one-call macro by that name as the calling file sees it. */
  macro(name: string): MacroCall | undefined;
}

/** The lock a condition text names: `lockdep_is_held(&m)`, `unlikely(foo_is_held())`, a predicate macro. */
export function conditionLock(cond: string, lookup: PredicateLookup, depth = 0): string | undefined {
  let t = cond.trim();
  for (let i = 0; i < 4; i++) {
    const w = /^(?:likely|unlikely|!!)?\s*\((.*)\)$/s.exec(t);
    if (!w) break;
    t = w[1]!.trim();
  }
  const m = /^([A-Za-z_]\w*)\s*\((.*)\)$/s.exec(t);
  if (!m) return undefined;
  const args = splitArgs(m[2]!);
  const direct = lockOfPredicate(m[1]!, args);
  if (direct) return direct;
  const fnLock = lookup.predicate(m[1]!);
  if (fnLock) return substituteParams(fnLock, args) ?? undefined;
  // `#define foo_is_held() lockdep_is_held(&foo_mutex)`.
  const macro = depth < 2 ? lookup.macro(m[1]!) : undefined;
  if (macro && macro.args.every((a) => a === null)) return conditionLock(`${macro.target}(${macro.texts.join(', ')})`, lookup, depth + 1);
  return undefined;
}

const zero = { start: { line: 0, column: 0 }, end: { line: 0, column: 0 } };

function requirement(name: string, effect: LockEffect): FunctionSummary {
  return { name, key: `accessor:${name}`, uri: '', range: zero, effects: [effect], acquires: [], refs: [], defined: false };
}

/**
 * The requirement of a call to `name` when nothing of that name is defined among the inputs: an
 * RCU accessor itself, or a one-call macro (the file's own, a header's) around one. Undefined
 * when the call requires nothing we can name.
 */
export function accessorRequirement(name: string, lookup: PredicateLookup): FunctionSummary | undefined {
  // A compatibility header's `#define rcu_dereference_raw(p) rcu_dereference_check(p, 1)` is still raw.
  if (REQUIRE_NOTHING.has(name)) return undefined;
  let api: RcuAccessorApi | undefined = ACCESSORS.get(name);
  let cond: string | undefined;
  if (!api) {
    const m = lookup.macro(name);
    api = m ? ACCESSORS.get(m.target) : undefined;
    if (!m || !api) return undefined;
    if (api.condArg !== undefined) {
      // The condition must be the macro's own text (a caller-supplied one differs per call).
      const own = m.args[api.condArg] === null;
      if (!own && api.kind === 'protected') return undefined;
      cond = own ? m.texts[api.condArg] : undefined;
      if (cond !== undefined && ALWAYS_TRUE.test(cond.trim())) return undefined;
    }
  } else if (api.kind === 'protected') return undefined;
  if (api.kind !== 'protected') {
    return requirement(name, { lock: RCU_READ_LOCK, op: 'requires', mode: 'shared', family: '*', variant: '*', source: 'inferred', needed: true, weak: true, via: name, orAnyLock: true });
  }
  const lock = cond !== undefined ? conditionLock(cond, lookup) : undefined;
  // Only a lock every caller names alike: a global (`ovs_mutex`), not an expression of the macro's arguments.
  if (!lock || !/^[A-Za-z_]\w*$/.test(normalizeLvalue(lock))) return undefined;
  return requirement(name, { lock: normalizeLvalue(lock), op: 'requires', family: '*', variant: '*', source: 'inferred', needed: true, weak: true, via: name });
}

/** Whether a call by this name may carry an accessor requirement (cheap test for needsAnalysis-style filters). */
export function isRcuAccessor(name: string): boolean {
  return ACCESSORS.has(name);
}

