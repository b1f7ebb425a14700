// Locks an entry function runs under without taking them itself: a put such as HandleFlowPut is only
// ever called with the datapath's write lock held (OvsPutFlowIoctl takes it around the call). Modelled
// alone, its lookups and frees would race the packets for no reason; so the locks every caller holds
// at every call (or the function's contract annotation, or its lockdep assertion) are taken around
// it, and the result says so.

import { lockIdentity, squash } from '../analysis/exprs';
import type { LockApi } from '../apis/types';
import type { LockAnnotation } from '../c/annotations';
import type { Instr } from '../model/program';
import type { LockKind } from '../model/types';
import type { HeldLock, ProgramCompiler, SourceFunction } from './compiler';
import { lockKindOf } from './evaluate';

/** Contract macros that say a lock is held on entry, and the mode they say. */
const REQUIRES: Record<string, 'read' | 'write'> = {
  _Requires_lock_held_: 'write',
  _Requires_exclusive_lock_held_: 'write',
  _Requires_shared_lock_held_: 'read',
  __must_hold: 'write',
  OVS_REQUIRES: 'write',
  OVS_REQ_WRLOCK: 'write',
  OVS_REQ_RDLOCK: 'read',
};

/** Assertions in a body that a lock is held. */
const ASSERTS: Record<string, 'read' | 'write'> = {
  lockdep_assert_held: 'write',
  lockdep_assert_held_write: 'write',
  lockdep_assert_held_read: 'read',
};

/** Calls probed per entry function (a bound on the work for a function called from many places). */
const MAX_CALLERS = 16;

/** A lock named as an annotation or assertion names it: the lock object itself, or its address (`&lock`). */
const lockNamed = (text: string): string => {
  const t = text.trim();
  return lockIdentity(t, !t.startsWith('&'));
};

const baseName = (uri: string): string => decodeURIComponent(uri.replace(/[?#].*$/, '').split(/[\\/]/).pop() ?? uri);

/** What the function's own annotations and assertions say it requires. */
export function declaredLocks(fn: SourceFunction, annotations: readonly LockAnnotation[], locks: ReadonlyMap<string, LockApi>): HeldLock[] {
  const out: HeldLock[] = [];
  for (const a of annotations) {
    const mode = REQUIRES[a.macro];
    if (mode === undefined || a.args.trim() === '') continue;
    out.push({ lock: lockNamed(a.args), mode, kind: 'rw', why: `its contract says so (${a.macro}(${squash(a.args)}))` });
  }
  for (const call of fn.body().descendantsOfType('call_expression')) {
    const name = call.childForFieldName('function')?.text ?? '';
    const arg = call.childForFieldName('arguments')?.namedChildren[0];
    const mode = ASSERTS[name];
    if (mode !== undefined && arg !== undefined) out.push({ lock: lockNamed(arg.text), mode, kind: 'rw', why: `it asserts so (${name}, line ${call.startPosition.row + 1})` });
    // ASSERT_OVSL(): the OVS global mutex, by whatever name the lock knowledge gives ovs_lock().
    const ovs = locks.get('ovs_lock');
    if (name === 'ASSERT_OVSL' && ovs !== undefined) out.push({ lock: ovs.implicitLock ?? ovs.family, mode: 'write', kind: lockKindOf(ovs), why: `it asserts so (ASSERT_OVSL, line ${call.startPosition.row + 1})` });
  }
  return dedupe(out);
}

/**
 * The locks every caller of `target` (among `functions`) holds at every call, in the callee's terms
 * (a caller's `datapath->lock`, passed `datapath` as parameter `dp`, is the callee's `dp->lock`).
 * Empty when no function calls it, or when some call holds none.
 */
export function callersHold(target: SourceFunction, functions: readonly SourceFunction[], probe: (caller: SourceFunction) => ProgramCompiler): HeldLock[] {
  const call = new RegExp(`\\b${target.name}\\s*\\(`);
  const callers = functions.filter((f) => f !== target && call.test(f.body().text)).slice(0, MAX_CALLERS);
  let common: Map<string, { mode: 'read' | 'write'; kind: LockKind; sites: string[] }> | null = null;
  for (const caller of callers) {
    const pc = probe(caller);
    const body = pc.em.build(caller.name).body;
    const kinds = pc.lockKinds();
    const held = mustHeld(body);
    body.forEach((ins, i) => {
      const site = ins.op === 'nop' ? /^@call:(\d+)$/.exec(ins.text) : null;
      if (site === null) return;
      const args = pc.probe!.sites[Number(site[1])] ?? [];
      const here = new Map<string, { mode: 'read' | 'write'; kind: LockKind; sites: string[] }>();
      for (const [lock, mode] of held[i] ?? new Map<string, 'read' | 'write'>()) {
        const name = inCalleeTerms(lock, args, target.params);
        here.set(name, { mode, kind: kinds.get(lock) ?? 'rw', sites: [`${caller.name}, ${baseName(caller.uri)}:${ins.loc.line + 1}`] });
      }
      if (common === null) common = here;
      else {
        for (const [lock, h] of common) {
          const o = here.get(lock);
          if (o === undefined) common.delete(lock);
          else common.set(lock, { mode: h.mode === 'write' && o.mode === 'write' ? 'write' : 'read', kind: h.kind, sites: [...h.sites, ...o.sites] });
        }
      }
    });
  }
  const found: Map<string, { mode: 'read' | 'write'; kind: LockKind; sites: string[] }> = common ?? new Map();
  return [...found].map(([lock, h]) => ({ lock, mode: h.mode, kind: h.kind, why: `every caller holds it (${h.sites.slice(0, 3).join('; ')}${h.sites.length > 3 ? '; …' : ''})` }));
}

/** A lock named in the caller's terms, renamed to the callee's where it is reached through an argument. */
function inCalleeTerms(lock: string, args: readonly string[], params: readonly string[]): string {
  for (let i = 0; i < args.length && i < params.length; i++) {
    const a = args[i]!.replace(/^&\s*/, '').trim();
    const p = params[i]!;
    if (a === '' || p === '') continue;
    if (lock === a) return p;
    for (const sep of ['->', '.']) if (lock.startsWith(`${a}${sep}`)) return `${p}${lock.slice(a.length)}`;
    // `&dp->lock` passed by address: the callee names it `*param` or uses the parameter itself.
    if (args[i]!.trim().startsWith('&') && lock === a) return p;
  }
  return lock;
}

/** Forward must-analysis of the locks held before each instruction (intersection where paths meet). */
function mustHeld(body: readonly Instr[]): (Map<string, 'read' | 'write'> | null)[] {
  const at: (Map<string, 'read' | 'write'> | null)[] = body.map(() => null);
  if (body.length === 0) return at;
  at[0] = new Map();
  const work = [0];
  let guard = 0;
  while (work.length > 0 && guard++ < body.length * 64) {
    const pc = work.pop()!;
    const ins = body[pc]!;
    const after = new Map(at[pc]!);
    if (ins.op === 'acquire') after.set(ins.lock, ins.mode);
    if (ins.op === 'release') after.delete(ins.lock);
    const next: number[] = [];
    if (ins.op === 'jump') next.push(ins.target, ...(ins.cond.kind === 'always' ? [] : [pc + 1]));
    else if (ins.op === 'choose' || ins.op === 'loop') next.push(ins.target, pc + 1);
    else if (ins.op !== 'return') next.push(pc + 1);
    for (const s of next) {
      if (s >= body.length) continue;
      const old = at[s];
      if (old === null || old === undefined) {
        at[s] = new Map(after);
        work.push(s);
        continue;
      }
      let changed = false;
      for (const [l, m] of old) {
        const mine = after.get(l);
        if (mine === undefined) {
          old.delete(l);
          changed = true;
        } else if (mine !== m && m === 'write') {
          old.set(l, 'read');
          changed = true;
        }
      }
      if (changed) work.push(s);
    }
  }
  return at;
}

function dedupe(locks: HeldLock[]): HeldLock[] {
  const seen = new Map<string, HeldLock>();
  for (const l of locks) if (!seen.has(l.lock) || l.mode === 'write') seen.set(l.lock, l);
  return [...seen.values()];
}
