// Text rendering of a simulation result: a schedule as lanes (one column per context, the listing line
// and what the step did), with the state changes of each step in the last column.

import type { ScheduleStep, SimulationResult, StateSnapshot, Violation } from './types';

/** What changed between two snapshots, in short words ("F refcount 2->3", "table: write put 1"). */
export function stateChanges(prev: StateSnapshot, next: StateSnapshot): string[] {
  const out: string[] = [];
  const label = (id: number): string => next.contexts[id]?.label ?? `#${id}`;
  next.locks.forEach((l, i) => {
    const p = prev.locks[i];
    const holdersOf = (x: typeof l): string => (x.writer !== null ? `write ${label(x.writer)}` : x.readers.length > 0 ? `read ${x.readers.map(label).join('+')}` : 'free');
    const waitersOf = (x: typeof l): string => [...x.waitingWriters, ...x.waitingReaders].map(label).join('+');
    if (p === undefined || holdersOf(p) !== holdersOf(l)) out.push(`${l.name}: ${holdersOf(l)}`);
    if (p !== undefined && waitersOf(p) !== waitersOf(l)) out.push(`${l.name} waiters: ${waitersOf(l) || 'none'}`);
  });
  next.flows.forEach((f, i) => {
    const p = prev.flows[i];
    if (p === undefined) {
      out.push(`${f.key} inserted (refcount ${f.refcount})`);
      return;
    }
    if (p.refcount !== f.refcount) out.push(`${f.key} refcount ${p.refcount}->${f.refcount}`);
    if (p.flag !== f.flag) out.push(`${f.key} ${f.flag}`);
    if (p.linked !== f.linked) out.push(`${f.key} ${f.linked ? 'linked' : 'unlinked'}`);
    if (p.freed !== f.freed) out.push(`${f.key} FREED`);
    if (p.retired !== f.retired) out.push(`${f.key} deleted (put done)`);
  });
  return out;
}

function fit(text: string, width: number): string {
  return text.length <= width ? text.padEnd(width) : `${text.slice(0, width - 1)}~`;
}

export interface LaneOptions {
  /** Total width to aim for (default 140). */
  width?: number;
}

/** The schedule of one violation as lanes. Lines are 1-based, like an editor's; a line in another file than the listing's is `file.c:line`. */
export function renderLanes(result: Pick<SimulationResult, 'contexts' | 'initial'> & Partial<Pick<SimulationResult, 'listingUri'>>, steps: readonly ScheduleStep[], opts: LaneOptions = {}): string {
  const n = result.contexts.length;
  const total = opts.width ?? 140;
  const changeWidth = 34;
  const cell = Math.max(16, Math.min(32, Math.floor((total - 6 - changeWidth) / Math.max(1, n)) - 3));
  const head = ['  # ', ...result.contexts.map((c) => ` ${fit(c.label, cell)} `), ' state changes'];
  const rule = ['----', ...result.contexts.map(() => '-'.repeat(cell + 2)), '-'.repeat(changeWidth)];
  const lines = [head.join('|'), rule.join('+')];
  let prev: StateSnapshot = result.initial;
  for (const s of steps) {
    const file = result.listingUri !== undefined && s.location.uri !== result.listingUri ? `${decodeURIComponent(s.location.uri.split(/[\\/]/).pop() ?? '')}:` : '';
    const what = `${file}${s.location.line + 1} ${s.effect || s.instruction}`;
    const cells = result.contexts.map((c) => ` ${fit(c.id === s.context ? what : '', cell)} `);
    const changes = stateChanges(prev, s.state);
    const broken = s.violations.length > 0 ? [`!! ${s.violations.join(', ')}`] : [];
    lines.push([String(s.index + 1).padStart(3) + ' ', ...cells, ` ${[...broken, ...changes].join('; ')}`].join('|').trimEnd());
    prev = s.state;
  }
  return lines.join('\n');
}

function percent(x: number): string {
  return `${Math.round(x * 100)}%`;
}

/** The whole text report of `lockstep simulate`. */
export function renderResult(r: SimulationResult, opts: LaneOptions = {}): string {
  const sc = r.scenario;
  const plural = (k: number, w: string): string => `${k} ${w}${k === 1 ? '' : 's'}`;
  const out: string[] = [];
  const bound = sc.preemptions !== null ? `, at most ${plural(sc.preemptions, 'preemption')}` : '';
  const st = r.stats;
  // "Safe" is only a proof after a complete exhaustive search; anything less is "incomplete".
  const verdict = r.verdict === 'violated' ? 'VIOLATED' : r.verdict === 'safe' ? 'SAFE' : 'INCOMPLETE (no violation found; not a proof)';
  out.push(`${r.protocol}: ${plural(sc.packets, 'packet')}, ${plural(sc.puts, 'put')} on flow${sc.flows.length === 1 ? '' : 's'} ${sc.flows.join(', ')}${bound} — ${verdict}`);
  const how = st.mode === 'random' ? `random walks (seed ${st.seed}, ${st.runs} runs)` : st.mode === 'replay' ? 'replay of one schedule' : `exhaustive${st.reduction ? ', partial-order reduction' : ', no reduction'}`;
  const cpu = st.cpuMs !== undefined ? `, ${st.cpuMs} ms CPU` : '';
  const stop = st.complete ? '' : st.stoppedBecause ? ` (incomplete: ${st.stoppedBecause} at depth ${st.maxDepth})` : st.mode === 'exhaustive' ? ' (bounded: at most the given preemptions)' : '';
  out.push(`  ${how}: ${st.states} states, ${st.transitions} transitions, ${st.ms} ms${cpu}${stop}`);
  for (const note of st.notes ?? []) out.push(`  note: ${note}`);
  if (st.stoppedBecause !== null && st.mode === 'exhaustive') out.push('  hint: use fewer contexts, raise --max-states / --time-limit, or sample with --random');
  out.push('');
  for (const v of r.verdicts) out.push(`  ${v.verdict === 'violated' ? 'VIOLATED' : v.verdict === 'safe' ? 'safe    ' : 'unknown '}  ${v.invariant}`);
  const c = r.costs;
  out.push('');
  const price = (k: typeof c.perPacket): string =>
    `${plural(k.steps, 'step')}, ${plural(k.lockAcquisitions, 'lock acquisition')} (${k.writeLockAcquisitions} for writing)` +
    (k.rcuReadSections > 0 ? `, ${plural(k.rcuReadSections, 'RCU read section')}` : '');
  out.push(`  cost per packet: ${price(c.perPacket)}; per put: ${price(c.perPut)}`);
  out.push(`  waits: ${c.roundRobinWaits} in a round-robin run${st.mode === 'exhaustive' ? `; someone waits in ${percent(c.blockedStateShare)} of explored states` : ''}`);
  for (const v of r.violations) out.push('', ...renderViolation(r, v, opts));
  return out.join('\n') + '\n';
}

function renderViolation(r: SimulationResult, v: Violation, opts: LaneOptions): string[] {
  return [
    `${v.invariant}: ${v.message}`,
    `  ${v.steps.length} steps${v.shortestProven === false ? ' (short, not proven shortest: a limit stopped the check)' : ''}; lines refer to ${r.listingUri}; replay with --replay ${v.schedule}`,
    '',
    renderLanes(r, v.steps, opts),
  ];
}
