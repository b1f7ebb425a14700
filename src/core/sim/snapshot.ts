// Flat state array -> the JSON snapshot the CLI and the webview show.

import type { CompiledModel } from './compile';
import {
  C_AUX, C_PC, C_SP, C_STATUS, F_ACTIVE, F_FREED, F_KEY, F_LINKED, F_RC, F_RETIRED, FLOW_SIZE,
  LOCK_SIZE, L_READERS, L_WAIT_R, L_WAIT_W, L_WRITER, ST_DONE, ST_GRACE, ST_WAITING, flowCount,
} from './compile';
import { maskMembers } from '../flowtable/rwLock';
import { transitionsOf, waitReason } from './step';
import type { ContextSnapshot, FlowSnapshot, LockSnapshot, StateSnapshot } from './types';

export function snapshot(m: CompiledModel, s: readonly number[]): StateSnapshot {
  const locks: LockSnapshot[] = m.locks.map((l, i) => {
    const lb = m.lockBase + i * LOCK_SIZE;
    const w = s[lb + L_WRITER]!;
    return {
      name: l.name,
      kind: l.kind,
      writer: w === 0 ? null : w - 1,
      readers: maskMembers(s[lb + L_READERS]!),
      waitingWriters: maskMembers(s[lb + L_WAIT_W]!),
      waitingReaders: maskMembers(s[lb + L_WAIT_R]!),
    };
  });
  const flows: FlowSnapshot[] = [];
  for (let f = 0; f < flowCount(m, s); f++) {
    const b = m.flowBase + f * FLOW_SIZE;
    flows.push({
      id: f,
      key: m.keys[s[b + F_KEY]!] ?? '?',
      refcount: s[b + F_RC]!,
      flag: s[b + F_ACTIVE] === 1 ? 'ACTIVE' : 'INACTIVE',
      freed: s[b + F_FREED] === 1,
      linked: s[b + F_LINKED] === 1,
      retired: s[b + F_RETIRED] === 1,
    });
  }
  const labels = m.contexts.map((c) => c.label);
  const contexts: ContextSnapshot[] = m.contexts.map((c) => {
    const status = s[c.base + C_STATUS]!;
    const pc = s[c.base + C_PC]!;
    const code = c.program.code[pc]!;
    const done = status === ST_DONE;
    const blocked = (status === ST_WAITING || status === ST_GRACE) && transitionsOf(m, s, c.id) === 0;
    let blockedReason: string | null = null;
    if (blocked && status === ST_WAITING) {
      blockedReason = `waits for ${m.locks[code.lock]!.name} (${code.write ? 'write' : 'read'}): ${waitReason(m, s, c, m.lockBase + code.lock * LOCK_SIZE)}`;
    } else if (blocked) {
      const waited = maskMembers(s[c.base + C_AUX]! & s[m.lockBase + code.lock * LOCK_SIZE + L_READERS]!).map((x) => labels[x]);
      blockedReason = `grace period: waits for ${waited.join(', ')} to leave the read side of ${m.locks[code.lock]!.name}`;
    }
    const registers: Record<string, string | number | null> = {};
    c.program.regNames.forEach((name, r) => {
      const v = s[c.regs + r]!;
      registers[name] = c.program.regIsFlow[r] ? (v < 0 ? null : (flows[v]?.key ?? '?')) : v;
    });
    return {
      id: c.id,
      label: c.label,
      role: c.role,
      pc,
      location: done ? null : code.loc,
      instruction: done ? '' : code.text,
      status: done ? 'done' : blocked ? 'blocked' : 'ready',
      blockedReason,
      registers,
      depth: s[c.base + C_SP]!,
    };
  });
  return { locks, flows, contexts };
}
