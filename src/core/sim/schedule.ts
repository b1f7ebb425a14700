// Schedules as short strings, and replaying one step by step.
//
// Format: `<protocol>:<packets>x<puts>:<steps>` where steps are dot-separated `<context>[/<choice>][*<n>]`
// (context ids are 0-based: packets first, then puts; `/1` takes a nondeterministic branch; `*n`
// repeats a step n times). Example: `seed-workflow:2x1:0*2.1*2.2*3`.

import type { CompiledModel } from './compile';
import { C_PC } from './compile';
import type { PathStep } from './explore';
import { isDone, execute, transitionsOf } from './step';
import type { StepEvent } from './step';
import { snapshot } from './snapshot';
import type { ScheduleStep } from './types';

export class ScheduleError extends Error {}

export interface ParsedSchedule {
  protocol: string;
  packets: number;
  puts: number;
  steps: PathStep[];
}

const stepToken = (s: PathStep): string => `${s.ctx}${s.choice >= 0 ? `/${s.choice}` : ''}`;

export function encodeSchedule(protocol: string, packets: number, puts: number, steps: readonly PathStep[]): string {
  const parts: string[] = [];
  for (let i = 0; i < steps.length; ) {
    let j = i + 1;
    while (j < steps.length && stepToken(steps[j]!) === stepToken(steps[i]!)) j++;
    parts.push(stepToken(steps[i]!) + (j - i > 1 ? `*${j - i}` : ''));
    i = j;
  }
  return `${protocol}:${packets}x${puts}:${parts.join('.')}`;
}

export function decodeSchedule(text: string): ParsedSchedule {
  const t = text.trim();
  const last = t.lastIndexOf(':');
  const mid = t.lastIndexOf(':', last - 1);
  if (last < 0 || mid <= 0) throw new ScheduleError(`not a schedule: expected <protocol>:<packets>x<puts>:<steps>, got "${t.slice(0, 80)}"`);
  const protocol = t.slice(0, mid);
  const counts = /^(\d{1,2})x(\d{1,2})$/.exec(t.slice(mid + 1, last));
  if (counts === null) throw new ScheduleError(`bad scenario "${t.slice(mid + 1, last)}" in schedule (expected e.g. 2x1)`);
  const steps: PathStep[] = [];
  const body = t.slice(last + 1);
  if (body !== '') {
    for (const tok of body.split('.')) {
      const m = /^(\d{1,2})(?:\/([01]))?(?:\*(\d{1,6}))?$/.exec(tok);
      if (m === null) throw new ScheduleError(`bad step "${tok}" in schedule`);
      const n = m[3] === undefined ? 1 : Number(m[3]);
      if (steps.length + n > 100_000) throw new ScheduleError('schedule longer than 100000 steps');
      for (let i = 0; i < n; i++) steps.push({ ctx: Number(m[1]), choice: m[2] === undefined ? -1 : Number(m[2]) });
    }
  }
  return { protocol, packets: Number(counts[1]), puts: Number(counts[2]), steps };
}

export interface Replay {
  steps: ScheduleStep[];
  /** Events of each step, parallel to `steps`. */
  events: (readonly StepEvent[])[];
  final: number[];
}

/** Runs the steps from the initial state; throws ScheduleError at the first step that cannot run. */
export function replay(m: CompiledModel, path: readonly PathStep[]): Replay {
  let s = m.initial;
  const steps: ScheduleStep[] = [];
  const events: (readonly StepEvent[])[] = [];
  path.forEach((p, index) => {
    const c = m.contexts[p.ctx];
    if (c === undefined) throw new ScheduleError(`step ${index + 1}: no context ${p.ctx} (there are ${m.contexts.length})`);
    const n = transitionsOf(m, s, p.ctx);
    if (n === 0) throw new ScheduleError(`step ${index + 1}: ${c.label} cannot move (${isDone(m, s, p.ctx) ? 'done' : 'blocked'})`);
    if ((n === 2) !== (p.choice >= 0)) throw new ScheduleError(`step ${index + 1}: ${c.label} ${n === 2 ? 'needs a choice /0 or /1' : 'has no choice to make'}`);
    const code = c.program.code[s[c.base + C_PC]!]!;
    const out = execute(m, s, p.ctx, p.choice, true);
    const step: ScheduleStep = {
      index,
      context: p.ctx,
      contextLabel: c.label,
      instruction: code.text,
      op: code.src.op,
      location: code.loc,
      effect: out.effect,
      violations: [...new Set(out.events.map((e) => e.invariant))],
      state: snapshot(m, out.next),
    };
    if (p.choice >= 0) step.choice = p.choice;
    steps.push(step);
    events.push(out.events);
    s = out.next;
  });
  return { steps, events, final: s };
}
