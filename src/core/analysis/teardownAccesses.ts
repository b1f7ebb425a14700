import type { Finding } from '../findings';
import { RULES } from '../rules/registry';
import type { FieldAccess } from './fieldAccesses';
import type { FnAccesses } from './inferredGuards';

/**
 * unlocked-access in a teardown. Inferred guards leave out functions that tear an object down
 * (inferredGuards.ts): nobody else should reach a dying object, so its own lock is pointless
 * there. A teardown that reads a field with a *global* lock held — other threads still reach the
 * object through what that lock guards — then releases the lock and reads the same field again
 * bare says otherwise by its own code; when the inputs also write that field elsewhere with a
 * lock held, the second read races with that writer. Reported when:
 * - the function tears the object down (a private base, fieldAccesses.ts) and takes the lock itself;
 * - it touched the field with that lock held (a global: not a member of this or another object) and
 *   touches it later, in source order, with no lock held at all;
 * - the object is the function's parameter (or a cast of it): the object it was given to tear down;
 * - every other function that touches the field (not creating or tearing the object down) holds
 *   some lock at each access, at least MIN_OTHERS of them, and one of them writes it;
 * - the field is never touched through an atomic accessor.
 */
export function teardownAfterUnlockFindings(all: readonly FnAccesses[]): Finding[] {
  const fields = lockedFields(all);
  const out: Finding[] = [];
  for (const f of all) {
    if (f.data.private.length === 0 || !f.data.acquired?.length) continue;
    const priv = new Set(f.data.private);
    const given = (base: string): boolean => f.data.params.includes(base) || f.data.aliases?.[base] !== undefined;
    const mine = f.data.accesses
      .filter((a) => priv.has(a.base) && given(a.base))
      .sort((x, y) => x.range.start.line - y.range.start.line || x.range.start.column - y.range.start.column);
    const locked = new Map<string, { a: FieldAccess; lock: string }>();
    const reported = new Set<string>();
    for (const a of mine) {
      const key = `${a.type}::${a.field}`;
      const elsewhere = fields.get(key);
      if (!elsewhere || elsewhere.atomic || reported.has(key)) continue;
      // A global (`dpdk_mutex`, `lock_arr[]`), taken by this function itself: not another object's lock.
      const global = a.others?.find((l) => GLOBAL.test(l) && f.data.acquired!.includes(l));
      if (global !== undefined) {
        if (!locked.has(key)) locked.set(key, { a, lock: global });
        continue;
      }
      const before = locked.get(key);
      const writer = elsewhere.writer;
      if (!before || !writer || elsewhere.bare || elsewhere.fns.size < MIN_OTHERS || elsewhere.fns.has(f) || a.other || a.held.length > 0 || (a.partly?.length ?? 0) > 0) continue;
      if (a.range.start.line <= before.a.range.start.line) continue;
      reported.add(key);
      out.push(finding(f, a, before, writer));
    }
  }
  return out;
}

const MIN_OTHERS = 2;
const GLOBAL = /^[A-Za-z_]\w*(\[\])?$/;

interface FieldUse {
  /** Functions (not creating or tearing the object down) that touch the field. */
  fns: Set<FnAccesses>;
  /** One of them touches it with no lock held somewhere. */
  bare: boolean;
  /** A write with a lock held, for the message. */
  writer?: { f: FnAccesses; a: FieldAccess };
  atomic: boolean;
}

/** Per struct field, how the functions that neither create nor tear the object down touch it. */
function lockedFields(all: readonly FnAccesses[]): Map<string, FieldUse> {
  const out = new Map<string, FieldUse>();
  for (const f of all) {
    const priv = new Set(f.data.private);
    for (const a of f.data.accesses) {
      const key = `${a.type}::${a.field}`;
      let u = out.get(key);
      if (!u) out.set(key, (u = { fns: new Set(), bare: false, atomic: false }));
      if (a.atomic) u.atomic = true;
      if (priv.has(a.base)) continue;
      u.fns.add(f);
      const locked = a.held.length > 0 || a.other;
      if (!locked) u.bare = true;
      else if (a.how === 'w') u.writer ??= { f, a };
    }
  }
  return out;
}

function finding(f: FnAccesses, a: FieldAccess, before: { a: FieldAccess; lock: string }, writer: { f: FnAccesses; a: FieldAccess }): Finding {
  const verb = a.how === 'w' ? 'written' : a.how === 'a' ? 'handed to a call' : 'read';
  const wl = writer.a.held.length > 0 ? `${writer.a.base}->${writer.a.held[0]}` : writer.a.others?.[0] ?? 'a lock';
  const line = (x: FieldAccess): number => x.range.start.line + 1;
  const message = `\`${a.text}\` is ${verb} here after \`${before.lock}\` was released, in a teardown that touched it with the lock held (line ${line(before.a)}); \`${writer.f.fn}\` writes it with \`${wl}\` held: it may change meanwhile. Read it once under the lock and keep the value, or say why it is safe`;
  return {
    ruleId: 'unlocked-access', severity: RULES['unlocked-access'].defaultSeverity, message, uri: f.uri, range: a.range,
    functionName: f.fn,
    related: [
      { range: before.a.range, message: `\`${before.a.text}\` touched with \`${before.lock}\` held` },
      { ...(writer.f.uri !== f.uri ? { uri: writer.f.uri } : {}), range: writer.a.range, message: `\`${writer.a.text}\` written with \`${wl}\` held in \`${writer.f.fn}\`` },
    ],
    path: [{ range: a.range, message: `\`${a.text}\` ${verb} after \`${before.lock}\` was released` }],
    key: `unlocked-access:${f.fn}:${a.text}@teardown:${before.lock}`,
  };
}
