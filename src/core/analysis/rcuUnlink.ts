import type { SourceRange } from '../source';
import type { RefApi } from '../apis/types';
import { squash, stripCasts } from './exprs';
import type { RcuFieldScope } from './rcuFields';
import { getFact, setFact, type AbsState } from './state';
import type { EventSink } from './events';

/**
 * Objects unlinked from a structure that readers walk without locks (RCU): after `cmap_remove`,
 * `hlist_del_rcu`, `list_del_rcu`, … a reader that found the object before the unlink may still be
 * looking at it until a grace period ends, so it may be freed only after one (`ovsrcu_postpone`,
 * `call_rcu`, `kfree_rcu`) or after waiting for one (`synchronize_rcu`). A plain free on the same
 * path is `rcu-free`. Marks ride in the dead-object list as `how: 'unlinked'`.
 */

/** Unlink calls of RCU-read containers, and which argument is (the address of a member of) the object. */
const RCU_UNLINKS = new Map<string, number>([
  ['cmap_remove', 1], ['cmap_replace', 1], ['rculist_remove', 0], ['rculist_poison', 0],
  ['list_del_rcu', 0], ['hlist_del_rcu', 0], ['hlist_del_init_rcu', 0], ['hlist_nulls_del_rcu', 0],
  ['hlist_nulls_del_init_rcu', 0], ['list_replace_rcu', 0], ['hlist_replace_rcu', 0],
]);

/** Calls that wait for a grace period: objects unlinked before them are no longer seen by readers. */
const GRACE_PERIODS = new Set(['synchronize_rcu', 'synchronize_rcu_expedited', 'synchronize_net', 'synchronize_sched', 'ovsrcu_synchronize', 'rcu_barrier']);

/** The object an unlink call takes out (`&n->cnode` → `n`), or undefined for other calls. */
export function unlinkedObject(name: string, args: readonly string[]): string | undefined {
  const i = RCU_UNLINKS.get(name);
  if (i === undefined) return undefined;
  const a = args[i];
  if (!a) return undefined;
  const t = stripCasts(a);
  const m = /^&\s*([A-Za-z_]\w*)\s*(->|\.)/.exec(t) ?? /^([A-Za-z_]\w*)$/.exec(t);
  return m?.[1];
}

export function isRcuUnlink(name: string): boolean {
  return RCU_UNLINKS.has(name);
}

export function isGracePeriod(name: string): boolean {
  return GRACE_PERIODS.has(name);
}

/** Whether `ops` may act on unlink marks (the explorer's inertness check). */
export function touchesRcuUnlinks(name: string, s: AbsState): boolean {
  return RCU_UNLINKS.has(name) || (GRACE_PERIODS.has(name) && s.dead.some((d) => d.how === 'unlinked'));
}

export function markUnlinked(s: AbsState, obj: string, api: string, site: SourceRange): void {
  s.dead = [...s.dead.filter((d) => d.obj !== obj), { obj, display: obj, api, site, how: 'unlinked' }];
}

export function graceEnded(s: AbsState): void {
  if (s.dead.some((d) => d.how === 'unlinked')) s.dead = s.dead.filter((d) => d.how !== 'unlinked');
}

/** A fact the path carries once it has waited for a grace period (no identifier: never killed by an assignment). */
const GRACE_FACT = '@rcu-grace';

/** Whether `op` may change what the RCU-field check sees (the explorer's inertness check). */
export function touchesRcuFields(name: string, s: AbsState, fields: RcuFieldScope | undefined): boolean {
  return fields !== undefined && GRACE_PERIODS.has(name) && getFact(s, GRACE_FACT) === undefined;
}

/** After `synchronize_rcu()` and the like: every reader that could see the old values is gone. */
export function noteGrace(s: AbsState, fields: RcuFieldScope | undefined): void {
  if (fields && getFact(s, GRACE_FACT) === undefined) setFact(s, { key: GRACE_FACT, value: 'nonzero', roots: [] });
}

/**
 * A plain free of an RCU-published field's current value (rcuFields.ts) on a path that has not
 * waited for a grace period, when the value is not this path's own (allocated here, or a field of
 * an object allocated here).
 */
export function checkRcuFieldFree(
  fields: RcuFieldScope, sink: EventSink, nodeId: number, s: AbsState, api: RefApi, arg: string, range: SourceRange,
): void {
  if (api.deferred || getFact(s, GRACE_FACT) !== undefined) return;
  const f = fields.freed(arg);
  if (!f) return;
  if (s.refs.some((r) => r.obj === f.place || r.obj === f.local || (r.kind === 'alloc' && r.obj === f.base))) return;
  const display = squash(arg);
  sink.add(nodeId, `${f.place}@rcu-field`, {
    kind: 'rcu-field-free', display, place: f.place, field: f.field, api: api.name, range, trail: s.trail,
    publishApi: f.evidence.publishApi, publishSite: f.evidence.publishSite, deferApi: f.evidence.deferApi, deferSite: f.evidence.deferSite,
  });
}
