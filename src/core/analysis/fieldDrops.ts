import type { SyntaxNode as Node } from '../c/syntax';
import type { RefApi } from '../apis/types';
import type { SourceRange } from '../source';
import type { CallKnowledge } from './callKnowledge';
import type { ExitInfo } from './explore';
import { normalizeLvalue, squash, stripCasts } from './exprs';
import { callArgs, calleeName } from './ops';
import { isProtectionMark } from './protection';
import { addTrail, getFact, setFact, type AbsState, type DeadObject, type Trail } from './state';
import type { RefEffect } from './types';

/**
 * References held in a parameter's field (`mod->temp_rule`), dropped by the function itself or by
 * a callee that tears the holder down (`mod_uninit(mod)` unrefs `mod->temp_rule` and sets it to
 * NULL). Callers learn it from the summary (`$0->temp_rule` put), and a local that copied the field
 * (`rule = mod->temp_rule`) is left pointing at an object nothing of this function holds a
 * reference to: reading it is a use after release. The field itself is not marked in the caller:
 * the callee usually reset it, and what the caller does with the place is the callee's contract.
 */

/** The mark a dropped field leaves once the place is assigned again (`p->f = NULL`): no expression names it. */
const CLEARED = '^';

/** `p->f` with `p` a parameter: a place the caller can name. */
function paramField(place: string, params: readonly string[]): { param: number; field: string } | undefined {
  const m = /^\^?([A-Za-z_]\w*)->([A-Za-z_]\w*)$/.exec(place);
  const i = m ? params.indexOf(m[1]!) : -1;
  return m && i >= 0 ? { param: i, field: m[2]! } : undefined;
}

/** Whether a dead mark is what a dropped field left once assigned again (kept to the exits for the summary). */
export function isClearedDrop(d: DeadObject): boolean {
  return d.obj.startsWith(CLEARED);
}

/**
 * An assignment to a parameter's field whose reference this path dropped (`p->f = NULL`, or a new
 * value): the place no longer holds the dropped object, so its dead mark goes, but the summary
 * must still say the drop happened.
 */
export function clearDroppedField(s: AbsState, target: string, params: readonly string[]): void {
  const d = s.dead.find((x) => x.obj === target);
  s.dead = s.dead.filter((x) => x.obj !== target);
  if (d && !isProtectionMark(d) && !d.handle && paramField(target, params) && DROPS.has(d.how)) keepDrop(s, target, d);
}

/** The `^p->f` mark the summary reads (no expression names it: nothing checks uses against it). */
function keepDrop(s: AbsState, place: string, d: DeadObject): void {
  const obj = `${CLEARED}${place}`;
  s.dead = [...s.dead.filter((x) => x.obj !== obj), { ...d, obj }];
}

const DROPS = new Set<DeadObject['how']>(['released', 'freed', 'destroyed', 'dropped', 'last', 'deferred']);

/** A parameter whose object a call dropped, given that call's result (`p = put_or_keep(p)`): `^p` keeps the drop for the summary. */
export function keepParamDrop(s: AbsState, d: DeadObject): void {
  if (isProtectionMark(d) || d.handle || !DROPS.has(d.how)) return;
  keepDrop(s, d.obj, d);
}

/** The summary's view of a parameter's dead mark: the mark itself, or the one `keepParamDrop` moved. */
export function paramDrop(d: DeadObject, p: string): boolean {
  return d.obj === p || d.obj === `${CLEARED}${p}`;
}

/**
 * Summary effects on parameters' fields: on every exit where neither the parameter nor the field
 * is known NULL, the reference in `p->f` was dropped (put, freed, or dropped by a callee).
 */
export function fieldDropEffects(exits: ExitInfo[], params: readonly string[]): RefEffect[] {
  const places = new Map<string, { param: number; field: string }>();
  for (const e of exits) {
    for (const d of e.state.dead) {
      if (isProtectionMark(d) || d.handle || !DROPS.has(d.how)) continue;
      const pf = paramField(d.obj, params);
      if (pf) places.set(`${params[pf.param]}->${pf.field}`, pf);
    }
  }
  const out: RefEffect[] = [];
  for (const [place, pf] of places) {
    const p = params[pf.param]!;
    const relevant = exits.filter((e) => getFact(e.state, p) !== 'zero' && !foundNull(e.state.trail, place));
    const marks: DeadObject[] = [];
    for (const e of relevant) {
      // `dropped` after its own get is balanced: the function took a reference and gave it back.
      const d = e.state.dead.find((x) => (x.obj === place || x.obj === `${CLEARED}${place}`) && DROPS.has(x.how) && (x.how !== 'dropped' || x.consumed));
      if (!d) break;
      marks.push(d);
    }
    if (relevant.length === 0 || marks.length !== relevant.length) continue;
    const freed = marks.every((d) => d.how === 'freed' && !d.consumed);
    const deferred = marks.every((d) => d.how === 'dropped' || d.how === 'deferred');
    out.push({ target: `$${pf.param}->${pf.field}`, op: freed ? 'free' : 'put', ...(deferred ? { deferred } : {}) });
  }
  return out.sort((a, b) => (a.target < b.target ? -1 : a.target > b.target ? 1 : 0));
}

/**
 * Whether the path's last test of `place` found it NULL (`if (fm->rule) { … }` taken false): such a
 * path had no reference there to drop. Read from the trail, which tells every branch: a fact on
 * memory does not survive the writes to other fields of the same object that teardowns make.
 */
function foundNull(trail: Trail | null, place: string): boolean {
  const tests: Record<string, boolean> = { [`\`${place}\` is false`]: true, [`\`${place}\` is true`]: false, [`\`!${place}\` is true`]: true, [`\`!${place}\` is false`]: false };
  for (let t = trail; t; t = t.prev) {
    const v = tests[squash(t.message)];
    if (v !== undefined) return v;
  }
  return false;
}

/** A summary's field effect as an API entry: the object is the argument's field. */
export function fieldDropApi(name: string, r: RefEffect): RefApi | undefined {
  if (!/^\$\d+->[A-Za-z_]\w*$/.test(r.target) || (r.op !== 'put' && r.op !== 'free')) return undefined;
  // objArg -1: no argument is the object itself (the argument keeps its own life; only its field's reference goes).
  return { name, kind: r.op, objArg: -1, objExpr: r.target, heldInField: true, family: r.family, ...(r.deferred ? { deferred: true } : {}) };
}

/**
 * A callee dropped the reference held in `place` (an argument's field): this path's own reference
 * there, if it stored one, went with it; copies of the field are left without one; and when the
 * place is this function's parameter's field, its own summary says the same.
 */
export function calleeDroppedField(s: AbsState, place: string, api: RefApi, site: SourceRange, params: readonly string[]): void {
  s.refs = s.refs.filter((r) => r.obj !== place);
  dropCopies(s, place, api.name, site, api.deferred === true, api.kind === 'free');
  const how: DeadObject['how'] = api.kind === 'free' ? 'freed' : api.deferred ? 'dropped' : 'released';
  if (paramField(place, params)) keepDrop(s, place, { obj: place, display: place, api: api.name, site, how, consumed: true });
  addTrail(s, site, `the reference in \`${place}\` dropped (${api.name})`);
}

/** The fact that local `local` holds the value of `place` (killed when either is assigned, or memory through the place's root is written). */
function aliasKey(local: string, place: string): string {
  return `a:${local}=${place}`;
}

/**
 * Field names whose references some call in this body may drop through a place: a callee's field
 * effect (`$0->temp_rule`), or a put/free handed `x->f` itself. Copies of other fields are not followed.
 */
export function droppableFields(body: Node, callOf: (name: string) => CallKnowledge): Set<string> {
  const out = new Set<string>();
  for (const call of body.indexedDescendants('call_expression')) {
    const name = calleeName(call);
    const refs = name ? callOf(name).refs : undefined;
    if (!refs) continue;
    for (const r of refs) {
      if (r.kind !== 'put' && r.kind !== 'free' && r.kind !== 'destroy') continue;
      const m = r.objExpr ? /^\$\d+->([A-Za-z_]\w*)$/.exec(r.objExpr) : null;
      if (m) out.add(m[1]!);
      else if (r.objFrom !== 'field' && r.objArg !== undefined && r.objArg >= 0) {
        const a = callArgs(call)[r.objArg];
        const f = a ? /->([A-Za-z_]\w*)$/.exec(normalizeLvalue(stripCasts(a.text)))?.[1] : undefined;
        if (f) out.add(f);
      }
    }
  }
  return out;
}

/** The field place a local copies (`rule = mod->temp_rule`), when some call here may drop that field's reference. */
export function copiedField(lhs: Node, rhs: Node, droppable: ReadonlySet<string> | undefined, isLocal: (n: string) => boolean): { place: string; root: string } | undefined {
  if (!droppable || droppable.size === 0 || lhs.type !== 'identifier' || !isLocal(lhs.text)) return undefined;
  const place = normalizeLvalue(stripCasts(rhs.text));
  const m = /^([A-Za-z_]\w*)->([A-Za-z_]\w*)$/.exec(place);
  return m && m[1] !== lhs.text && droppable.has(m[2]!) ? { place, root: m[1]! } : undefined;
}

/** `rule = mod->temp_rule`: remembered on the path (after the assignment killed what was known of `rule`). */
export function noteFieldCopy(s: AbsState, lhs: Node, rhs: Node, droppable: ReadonlySet<string> | undefined, isLocal: (n: string) => boolean): void {
  const c = copiedField(lhs, rhs, droppable, isLocal);
  // Memory read through a pointer: not carried round a loop (explore.ts), like any condition on memory.
  if (c) setFact(s, { key: aliasKey(lhs.text, c.place), value: 'nonzero', roots: [lhs.text, c.root], readsMemory: true });
}

/**
 * The reference in `place` was dropped: locals that copied it hold no reference of their own and
 * are dead too — also when the last free waits for a grace period, since nothing this function
 * holds keeps the object (Open vSwitch's maintainers fix such reads after a teardown as
 * use-after-free). A local this path holds its own reference on is not touched.
 */
export function dropCopies(s: AbsState, place: string, api: string, site: SourceRange, deferred: boolean, freed: boolean): void {
  const prefix = `a:`;
  const suffix = `=${place}`;
  for (const f of s.facts) {
    if (!f.key.startsWith(prefix) || !f.key.endsWith(suffix)) continue;
    const local = f.key.slice(prefix.length, f.key.length - suffix.length);
    if (s.refs.some((r) => r.obj === local)) continue;
    s.dead = [...s.dead.filter((d) => d.obj !== local), { obj: local, display: local, api, site, how: freed ? 'freed' : 'released', heldBy: place, ...(deferred ? { deferredFree: true } : {}) }];
    addTrail(s, site, freed ? `\`${local}\` points to \`${place}\`, freed (${api})` : `\`${local}\` holds no reference of its own: the one in \`${place}\` was dropped (${api})`);
  }
}

/** Whether some local holds a copy of `place` on this path (the inert-op check). */
export function copiesField(s: AbsState, place: string): boolean {
  return s.facts.some((f) => f.key.startsWith('a:') && f.key.endsWith(`=${place}`));
}
