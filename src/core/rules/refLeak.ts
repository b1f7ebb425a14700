import type { FunctionAnalysis } from '../analysis/functionAnalysis';
import type { ExitInfo } from '../analysis/explore';
import { getFact, type DeadObject, type OwnedRef } from '../analysis/state';
import { isProtectionMark } from '../analysis/protection';
import type { Finding, RelatedLocation } from '../findings';
import type { SourceRange } from '../source';
import { lineOf, pathOf, reachedWhen, branchRelated } from './pathWords';
import { makeFinding, type Rule } from './ruleInput';

/**
 * ref-leak: a reference taken here is, on some path, neither dropped nor handed on at an exit.
 * Handed on: returned, stored where it outlives the call (a field of a parameter, a global, a local
 * aggregate whose address went to a callee) — except at an exit that fails (returns an error code):
 * a function that fails keeps nothing, so what it stored must be dropped again. A function whose
 * job is to take a reference on its parameter (`foo_ref(f)`: held at every exit) is summarised,
 * not reported. One finding per reference; the other exits that leak it are related locations.
 */
export const refLeak: Rule = {
  id: 'ref-leak',
  check(input) {
    const a = input.analysis;
    const out: Finding[] = [];
    const groups = new Map<string, { ref: OwnedRef; exits: ExitInfo[] }>();
    for (const exit of a.exits) {
      for (const ref of exit.state.refs) {
        if (ref.entry ? !leavesOwnedParameter(a, ref, exit) : handedOn(a, ref, exit)) continue;
        const k = `${ref.obj}@${ref.site.start.line}:${ref.site.start.column}`;
        const g = groups.get(k);
        if (g) {
          if (!g.exits.some((e) => e.range.start.line === exit.range.start.line)) g.exits.push(exit);
        } else groups.set(k, { ref, exits: [exit] });
      }
    }
    for (const { ref, exits } of groups.values()) {
      const exit = exits[0]!;
      if (ref.entry) {
        out.push(ownedParameterFinding(input, a, ref, exits));
        continue;
      }
      const where = exit.isReturn ? `the return on line ${lineOf(exit.range)}` : `the end of \`${a.fn.name}\` (line ${lineOf(exit.range)})`;
      const more = exits.length > 1 ? ` (and ${exits.length - 1} other exit${exits.length > 2 ? 's' : ''})` : '';
      const failing = exit.failing && !isLocalObject(a, ref.obj) ? ', and the function fails there: what it stored must be dropped again' : '';
      const what = ref.kind === 'alloc' ? `the memory allocated at line ${lineOf(ref.site)} (${ref.api}) into \`${ref.display}\` is neither freed nor handed on`
        : ref.kind === 'handle' ? `the id taken at line ${lineOf(ref.site)} (${ref.api}) into \`${ref.display}\` is neither given back nor handed on`
        : `the reference to \`${ref.display}\` taken at line ${lineOf(ref.site)} (${ref.api}) is neither dropped nor handed on`;
      const message = `${what} at ${where}${more}${failing}${reachedWhen(exit.state.trail, ref.site.start.line)}`;
      const nth = out.filter((f) => f.key.includes(`:${ref.obj}#`)).length;
      const others: RelatedLocation[] = exits.slice(1, 6).map((e) => ({ range: e.range, message: `also leaves still owning \`${ref.display}\`` }));
      out.push(makeFinding('ref-leak', input, exit.range, message, `${ref.obj}#${nth}`,
        [{ range: ref.site, message: `${ref.kind === 'handle' ? 'id' : 'reference'} taken here (${ref.api})` }, ...branchRelated(exit.state.trail, ref.site.start.line), ...others],
        pathOf(exit.state.trail, { range: exit.range, message: `exit still owning \`${ref.display}\`` }), exits.slice(1).map((e) => e.range)));
    }
    for (const o of a.ownerFrees) {
      if (o.destructor) {
        const others = o.destructor.dropped.map((f) => `\`${o.obj}->${f}\``).join(', ');
        const message = `\`${o.api}\` tears \`${o.obj}\` down, dropping the references its fields ${others} hold, but not the one in \`${o.obj}->${o.field}\`: this file takes it with ${o.refName}() and drops it with ${o.unrefName}()`;
        out.push(makeFinding('ref-leak', input, o.site, message, `${o.obj}->${o.field}#owner`, [], [{ range: o.site, message: `last field reference dropped; \`${o.obj}->${o.field}\` still owns one` }]));
        continue;
      }
      const message = `\`${o.obj}\` is freed (${o.api}) while its field \`${o.obj}->${o.field}\` still holds a reference: this file takes it with ${o.refName}() and drops it with ${o.unrefName}(), and this teardown drops other fields but not this one`;
      out.push(makeFinding('ref-leak', input, o.site, message, `${o.obj}->${o.field}#owner`, [], [{ range: o.site, message: `\`${o.obj}\` freed with \`${o.obj}->${o.field}\` still owning a reference` }]));
    }
    for (const ev of a.events) {
      if (ev.kind !== 'ref-at-exit' || !ev.overwritten || ev.ref.entry) continue;
      const ref = ev.ref;
      // Also stored by a chained assignment (`table[i] = t = alloc()`): the table keeps it.
      if (countAdjusted(a, ref) || ref.fill === true) continue;
      const message = `the ${ref.kind === 'handle' ? 'id' : 'reference'} to \`${ref.display}\` taken at line ${lineOf(ref.site)} (${ref.api}) is lost when \`${ref.display}\` is assigned again at line ${lineOf(ev.exitRange)}${reachedWhen(ev.trail, ref.site.start.line)}`;
      const nth = out.filter((f) => f.key.includes(`:${ref.obj}#`)).length;
      out.push(makeFinding('ref-leak', input, ev.exitRange, message, `${ref.obj}#${nth}`,
        [{ range: ref.site, message: `reference taken here (${ref.api})` }],
        pathOf(ev.trail, { range: ev.exitRange, message: `\`${ref.display}\` overwritten while owning a reference` })));
    }
    return out;
  },
};

/** The root variable of an object identity (`*p` → p, `s.f` → s, `p->f` → p). */
function rootOf(obj: string): string {
  return /^\*?([A-Za-z_]\w*)/.exec(obj)?.[1] ?? obj;
}

/** Whether the object lives only in this call's locals (a local pointer, or a local aggregate nobody was given). */
function isLocalObject(a: FunctionAnalysis, obj: string): boolean {
  const root = rootOf(obj);
  if (!a.locals.has(root)) return false;
  // `entry->dev.bfd` with `entry` a local pointer: a place in memory the local points to, not on the stack.
  if (obj.slice(root.length).includes('->')) return false;
  // A field of a local aggregate whose address went to a callee: copied or kept there.
  return !(a.escapedLocals.has(root) && obj !== root);
}

/**
 * The value was stored before this reference was taken (`nt->dev = dev; dev_hold(dev);`): the
 * reference belongs to that copy. A store after the get is followed along the path instead.
 */
function keptBefore(a: FunctionAnalysis, v: string, ref: OwnedRef): boolean {
  const at = a.kept.get(v);
  return at !== undefined && at <= ref.site.start.line;
}

function countAdjusted(a: FunctionAnalysis, ref: OwnedRef): boolean {
  return !ref.used && !ref.fill && ref.kind !== 'alloc' && ref.kind !== 'handle' && a.locals.has(rootOf(ref.obj)) && !a.putObjects.has(ref.obj);
}

function handedOn(a: FunctionAnalysis, ref: OwnedRef, exit: ExitInfo): boolean {
  const root = rootOf(ref.obj);
  // Taken by the returned expression itself (`return try_ref(&node->ref);`): the value tells the caller.
  if (exit.isReturn && inside(ref.site, exit.range)) return true;
  const paramIndex = a.fn.params.indexOf(root);
  if (paramIndex >= 0 && ref.obj === root) {
    // The function's job is to take a reference on its argument (`foo_ref(f)`), on every exit or
    // exactly on those returning one value (a try-wrapper): the summary tells callers.
    const get = a.refEffects.find((e) => e.target === `$${paramIndex}` && e.op === 'get');
    if (get && (!get.when || exit.returns === get.when || getFact(exit.state, root) === 'zero')) return true;
    // Or to keep it (`tunnel->dev = dev; dev_hold(dev);`: the device's own reference).
    return keptBefore(a, root, ref) && exit.failing !== true;
  }
  // A reference on what the caller's memory holds — the object an out-parameter was filled with
  // (`lookup(…, group); ref(*group)`) or an element of a parameter's array (`ref(rules->rules[i])`):
  // the caller's place keeps it, as `foo_ref(f)` keeps f's, unless this exit fails.
  if (paramIndex >= 0 && ref.kind !== 'alloc' && (ref.obj === `*${root}` || ref.obj.startsWith(`${root}->`) && /^[A-Za-z_]\w*->[A-Za-z_]\w*\[[^\]]*\]$/.test(ref.obj)) && exit.failing !== true) return true;
  // A count bumped on an object found in a table, never used afterwards nor ever put here: the
  // table's count (`LIST_FOR_EACH (p, …) if (match) { ovs_refcount_ref(&p->ref_cnt); goto out; }`).
  if (countAdjusted(a, ref)) return true;
  // A local array of allocations handed on element by element in a loop the path went through (ownedArrays.ts).
  const loops = a.arrayCleanups.get(ref.obj);
  if (loops?.some((l) => l.from > ref.site.start.line && l.to < exit.range.start.line)) return true;
  // A local pointer whose value (or a view of it) is stored, linked or published: handed on.
  const owned = ref.kind === 'alloc' || ref.kind === 'handle';
  if (isLocalObject(a, ref.obj)) return ((owned && ref.fill === true) || (ref.obj === root && keptBefore(a, root, ref))) && exit.failing !== true;
  // `ref(&rule->up)` with `rule` stored first: the member is that stored object's.
  // Stored in memory that outlives the call (the call filled that place, or the body assigns it:
  // `vport->dev = dev; dev_hold(vport->dev)`): handed on, unless this exit fails. A reference
  // taken on an object the function only reads (`get(g_ctx)`) is still this function's to drop.
  const stored = ref.fill === true || a.assigned.has(ref.obj) || (a.escapedLocals.has(root) && ref.obj !== root) || ((ref.obj === root || ref.obj.startsWith(`${root}->`)) && keptBefore(a, root, ref));
  // Memory stored into a caller's or a global object stays there when this function fails: the
  // owner's teardown frees it (`dp->table = alloc(); if (!dp->lock) return -ENOMEM;`).
  return stored && (exit.failing !== true || (owned && !a.locals.has(root)));
}

function inside(r: SourceRange, outer: SourceRange): boolean {
  const le = (a: SourceRange['start'], b: SourceRange['start']): boolean => a.line < b.line || (a.line === b.line && a.column <= b.column);
  return le(outer.start, r.start) && le(r.end, outer.end);
}

const CONSUMED = new Set<DeadObject['how']>(['released', 'freed', 'destroyed', 'dropped', 'last', 'deferred']);

/** Where some exit consumed the owned parameter through a known consumer or a consuming callee: the evidence it is owned. */
function consumedAt(a: FunctionAnalysis, p: string): { api: string; site: SourceRange } | undefined {
  for (const e of a.exits) {
    const d = e.state.dead.find((x) => x.obj === p && !isProtectionMark(x) && CONSUMED.has(x.how));
    if (d) return d;
  }
  return a.ownedConsumed.get(p);
}

/**
 * An owned parameter still owned at this exit is a leak when it is not NULL here, the body never
 * keeps it through a view the path does not follow (stores of it are followed), and another
 * exit consumed it through a known consumer or a callee whose body consumes it.
 */
function leavesOwnedParameter(a: FunctionAnalysis, ref: OwnedRef, exit: ExitInfo): boolean {
  if (getFact(exit.state, ref.obj) === 'zero' || a.kept.get(ref.obj) === -1) return false;
  return consumedAt(a, ref.obj) !== undefined;
}

function ownedParameterFinding(input: Parameters<Rule['check']>[0], a: FunctionAnalysis, ref: OwnedRef, exits: ExitInfo[]): Finding {
  const exit = exits[0]!;
  const d = consumedAt(a, ref.obj)!;
  const where = exit.isReturn ? `the return on line ${lineOf(exit.range)}` : `the end of \`${a.fn.name}\` (line ${lineOf(exit.range)})`;
  const more = exits.length > 1 ? ` (and ${exits.length - 1} other exit${exits.length > 2 ? 's' : ''})` : '';
  const message = `\`${ref.display}\` is handed to \`${a.fn.name}\`, which consumes it on other paths (${d.api} at line ${lineOf(d.site)}) and returns nothing, but is neither freed nor handed on at ${where}${more}${reachedWhen(exit.state.trail, ref.site.start.line)}`;
  const others: RelatedLocation[] = exits.slice(1, 6).map((e) => ({ range: e.range, message: `also leaves still owning \`${ref.display}\`` }));
  return makeFinding('ref-leak', input, exit.range, message, `${ref.obj}#param`,
    [{ range: d.site, message: `consumed here on another path (${d.api})` }, ...branchRelated(exit.state.trail, ref.site.start.line), ...others],
    pathOf(exit.state.trail, { range: exit.range, message: `exit still owning \`${ref.display}\`` }), exits.slice(1).map((e) => e.range));
}
