import type { Finding } from '../findings';
import { RULES } from '../rules/registry';
import type { FieldAccess, FunctionAccesses } from './fieldAccesses';
import { teardownAfterUnlockFindings } from './teardownAccesses';

/**
 * unlocked-access, inferred (Eraser/RacerD-style, per struct field): a field that the inputs touch
 * with a lock of the same object held (`x->mutex` while touching `x->field`) in most functions,
 * and written under it somewhere, is touched here with no lock of that object held. The vote is per
 * function and object (not per line), and stays quiet unless the evidence is strong:
 * - at least MIN_LOCKED functions hold the lock, and at least AGREEMENT of the functions that
 *   touch the field do;
 * - functions that allocate, initialise or tear down the object do not vote (its fields are not
 *   shared yet, or any more), nor functions the author exempted from lock checking (but see
 *   teardownAccesses.ts: a teardown that reads a field under a global lock, then again without it);
 * - a field ever touched through an atomic accessor is left alone (it is meant to be racy);
 * - a function that holds another lock of the same object there is not reported (fields guarded
 *   by either of two locks), nor a helper every caller in the inputs calls with the lock held
 *   (its contract, unwritten), nor one whose contract requires it (its entry state holds it).
 * Globals are never voted on: only locks reached through the same base as the field count.
 */

export interface FnAccesses {
  uri: string;
  fn: string;
  /** `uri#name` for statics, the name otherwise (which calls reach it). */
  key: string;
  isStatic: boolean;
  data: FunctionAccesses;
}

const MIN_LOCKED = 3;
/** Share of the (function, object) pairs touching a struct's fields with the object's lock held, for a bare read to count. */
const DISCIPLINE = 0.8;

function disciplined(c: [number, number] | undefined): boolean {
  return c !== undefined && c[0] >= DISCIPLINE * c[1];
}
const AGREEMENT = 0.7;

interface Unit {
  f: FnAccesses;
  base: string;
  list: FieldAccess[];
}

export function inferredGuardFindings(all: readonly FnAccesses[]): Finding[] {
  const byField = new Map<string, Unit[]>();
  const atomicFields = new Set<string>();
  for (const f of all) {
    const units = new Map<string, Unit>();
    const priv = new Set(f.data.private);
    for (const a of f.data.accesses) {
      const key = `${a.type}::${a.field}`;
      if (a.atomic) atomicFields.add(key);
      if (priv.has(a.base)) continue;
      const uk = `${key}\u0000${a.base}`;
      let u = units.get(uk);
      if (!u) {
        units.set(uk, (u = { f, base: a.base, list: [] }));
        byField.set(key, [...(byField.get(key) ?? []), u]);
      }
      u.list.push(a);
    }
  }
  const callers = heldByCallers(all);
  // Per struct type: how many (function, object) pairs touch its (non-atomic) fields with a lock of
  // the object held there, on some paths, or by every caller.
  const structLocked = new Map<string, [number, number]>();
  for (const [key, units] of byField) {
    if (atomicFields.has(key)) continue;
    const t = key.slice(0, key.lastIndexOf('::'));
    const c = structLocked.get(t) ?? [0, 0];
    for (const u of units) {
      c[1]++;
      if (u.list.every((a) => a.held.length > 0 || (a.partly?.length ?? 0) > 0) || callersHoldAny(u, callers)) c[0]++;
    }
    structLocked.set(t, c);
  }
  const out: Finding[] = [];
  for (const [key, units] of byField) {
    const guard = dominantGuard(units);
    if (!guard || atomicFields.has(key) || units.length < MIN_LOCKED + 1) continue;
    const agreeing = units.filter((u) => u.list.every((a) => a.held.includes(guard)));
    const lockedFns = new Set(agreeing.map((u) => u.f));
    const written = agreeing.filter((u) => u.list.some((a) => a.how !== 'r')).length;
    // Some function takes the lock for it itself: held only by contract everywhere, the lock is the
    // functions' requirement for something else, not this field's guard.
    const taken = agreeing.some((u) => u.list.some((a) => !a.entry?.includes(guard)));
    if (lockedFns.size < MIN_LOCKED || !taken) continue;
    // Functions that hold some other lock of the object (or the guard for part of the accesses) abstain.
    // Functions that hold the lock on some paths only (conditional locking) abstain too.
    // So do helpers some caller calls with the lock held (a helper all callers lock for is locked;
    // one some callers lock for is the others' to fix: the access is not where the lock is missing).
    const bare = units.filter((u) => u.list.some((a) => a.held.length === 0) && !u.list.some((a) => a.partly?.includes(guard)) && !callersHold(u, guard, callers));
    const voters = agreeing.length + bare.length;
    if (agreeing.length / voters < AGREEMENT) continue;
    for (const u of bare) {
      const writes = u.list.some((a) => a.held.length === 0 && a.how === 'w');
      // Written under the lock somewhere, or written here while the others read it under the lock.
      if (written === 0 && !writes) continue;
      // A read needs every other function to agree: one more that reads or writes it bare says it is meant to be racy.
      if (!writes && bare.length > 1) continue;
      // And either the function takes that lock itself elsewhere (read before the lock is taken,
      // or after it is dropped), or the struct is one the inputs hardly ever touch without its
      // lock: where fast paths read many of its fields bare, one more bare read is the design.
      if (!writes && !u.f.data.acquired?.includes(`${u.base}->${guard}`) && !disciplined(structLocked.get(key.slice(0, key.lastIndexOf('::'))))) continue;
      const a = u.list.find((x) => x.held.length === 0 && x.how === 'w') ?? u.list.find((x) => x.held.length === 0)!;
      const w = agreeing.find((x) => x.list.some((y) => y.how !== 'r')) ?? agreeing[0]!;
      const site = w.list.find((y) => y.how !== 'r') ?? w.list[0]!;
      out.push(finding(u, a, guard, agreeing.length, voters, written, { f: w.f, a: site }));
    }
  }
  // Teardowns are left out above; one that reads a field under a global lock and again after releasing it is not.
  return [...out, ...teardownAfterUnlockFindings(all)];
}

/** The same-object lock held most often (functions holding it at every access of the field). */
function dominantGuard(units: Unit[]): string | undefined {
  const count = new Map<string, number>();
  for (const u of units) {
    const common = u.list[0]!.held.filter((h) => u.list.every((a) => a.held.includes(h)));
    for (const h of common) count.set(h, (count.get(h) ?? 0) + 1);
  }
  let best: string | undefined;
  let n = 0;
  for (const [h, c] of count) if (c > n) { best = h; n = c; }
  return best;
}

/**
 * Per function, the locks every call of it in the inputs holds on an object it passes
 * (`${param}->${member}`), through chains of helpers (a few rounds: callers before callees).
 */
function heldByCallers(all: readonly FnAccesses[]): { every: Map<FnAccesses, Set<string>>; some: Map<FnAccesses, Set<string>> } {
  const sites = new Map<string, { caller: FnAccesses; args: string[]; held: string[] }[]>();
  for (const f of all) {
    for (const c of f.data.calls) {
      const list = sites.get(c.name) ?? [];
      list.push({ caller: f, args: c.args, held: c.held });
      sites.set(c.name, list);
    }
  }
  const out = new Map<FnAccesses, Set<string>>();
  const some = new Map<FnAccesses, Set<string>>();
  for (let round = 0; round < 4; round++) {
    let changed = false;
    for (const f of all) {
      const mine = (sites.get(f.fn) ?? []).filter((x) => !f.isStatic || x.caller.uri === f.uri);
      if (mine.length === 0) continue;
      let common: Set<string> | undefined;
      for (const site of mine) {
        const here = new Set<string>();
        const inherited = out.get(site.caller);
        site.args.forEach((arg, i) => {
          // `&netdev->up`: the embedded base object of `netdev` is the same object.
          const obj = arg.startsWith('&') ? arg.slice(1).replace(/->[A-Za-z_]\w*$/, '') : arg;
          const j = paramOf(site.caller.data, obj);
          for (const h of site.held) {
            const m = /^([A-Za-z_]\w*(?:(?:->|\.)[A-Za-z_]\w*)*?)->([^>]*)$/.exec(h);
            // The same object by name, or by the parameter both names stand for (`netdev_` passed, `netdev->mutex` held).
            if (m && (m[1] === obj || (j >= 0 && paramOf(site.caller.data, m[1]!) === j))) here.add(`${i}->${m[2]}`);
          }
          if (j >= 0 && inherited) for (const h of inherited) if (h.startsWith(`${j}->`)) here.add(`${i}->${h.slice(String(j).length + 2)}`);
        });
        common = common ? new Set([...common].filter((x) => here.has(x))) : here;
        let any = some.get(f);
        if (!any) some.set(f, (any = new Set()));
        for (const x of here) any.add(x);
      }
      const before = out.get(f);
      if (common && common.size > 0 && (!before || before.size !== common.size)) {
        out.set(f, common);
        changed = true;
      }
    }
    if (!changed) break;
  }
  return { every: out, some };
}

/** Some call of the function in the inputs holds `guard` on the object it passes for this base. */
function callersHold(u: Unit, guard: string, callers: { some: Map<FnAccesses, Set<string>> }): boolean {
  const param = paramOf(u.f.data, u.base);
  return param >= 0 && callers.some.get(u.f)?.has(`${param}->${guard}`) === true;
}

/** Some caller holds some lock of the object it passes for this base. */
function callersHoldAny(u: Unit, callers: { some: Map<FnAccesses, Set<string>> }): boolean {
  const param = paramOf(u.f.data, u.base);
  if (param < 0) return false;
  for (const h of callers.some.get(u.f) ?? []) if (h.startsWith(`${param}->`)) return true;
  return false;
}

/** The parameter a name is, or names through a local (`d = dev_cast(netdev)`). */
function paramOf(f: FunctionAccesses, name: string): number {
  const i = f.params.indexOf(name);
  return i >= 0 ? i : f.aliases?.[name] ?? -1;
}

function finding(u: Unit, a: FieldAccess, guard: string, agree: number, voters: number, written: number, example: { f: FnAccesses; a: FieldAccess }): Finding {
  const lock = `${u.base}->${guard}`;
  const verb = a.how === 'w' ? 'written' : a.how === 'a' ? 'handed to a call' : 'read';
  const others = voters - 1;
  const how = written > 0 ? `written under it in ${written} of them` : 'each reads it under the lock';
  const message = `\`${a.text}\` is ${verb} here without \`${lock}\`, which ${agree} of the ${others} other functions that touch it hold there (${how}): another thread holding the lock may change it meanwhile. Take \`${lock}\` around this access, or say why it is safe`;
  return {
    ruleId: 'unlocked-access', severity: RULES['unlocked-access'].defaultSeverity, message, uri: u.f.uri, range: a.range,
    functionName: u.f.fn,
    related: [{ ...(example.f.uri !== u.f.uri ? { uri: example.f.uri } : {}), range: example.a.range, message: `\`${example.a.text}\` ${example.a.how === 'r' ? 'read' : 'written'} with \`${example.a.base}->${guard}\` held in \`${example.f.fn}\`` }],
    path: [{ range: a.range, message: `\`${a.text}\` ${verb} without \`${lock}\`` }],
    key: `unlocked-access:${u.f.fn}:${a.text}@inferred:${guard}`,
  };
}
