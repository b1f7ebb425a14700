// Values the panel derives from a violation and a position: the state shown, what changed since the
// previous step, where each context stands in the listing, and the sentence read out for the step.
import { PALETTE_SIZE, type LineMark } from './messages';
import type { StateView, ViolationView } from './model';

export function stateAt(v: ViolationView, position: number): StateView {
  return position <= 0 ? v.initial : v.steps[Math.min(position, v.steps.length) - 1]!.state;
}

export function colourOf(contextIndex: number): number {
  return contextIndex % PALETTE_SIZE;
}

/**
 * The state as flat `key → text` pairs. Keys are stable across steps (`flow F.refcount`), so comparing two
 * flattenings marks exactly the values that changed.
 */
export function flattenState(s: StateView): Map<string, string> {
  const out = new Map<string, string>();
  for (const l of s.locks) {
    out.set(`lock ${l.name}.mode`, l.mode);
    out.set(`lock ${l.name}.holders`, l.holders.join(', '));
    out.set(`lock ${l.name}.waiters`, l.waiters.map((w) => `${w.context} (${w.mode})`).join(', '));
  }
  for (const f of s.flows) {
    out.set(`flow ${f.name}.refcount`, String(f.refcount));
    out.set(`flow ${f.name}.flag`, f.flag);
    out.set(`flow ${f.name}.freed`, f.freed ? 'freed' : 'live');
    out.set(`flow ${f.name}.linked`, f.linked ? 'linked' : 'unlinked');
    out.set(`flow ${f.name}.retired`, f.retired ? 'retired' : '');
  }
  out.set('table', s.table.join(', '));
  for (const c of s.contexts) {
    out.set(`context ${c.context}.status`, c.status);
    out.set(`context ${c.context}.waitsFor`, c.waitsFor ?? '');
    for (const l of c.locals) out.set(`context ${c.context}.${l.name}`, l.value);
  }
  return out;
}

/** Keys whose value differs from the previous position's (or that are new). Empty at position 0. */
export function changedKeys(v: ViolationView, position: number): Set<string> {
  if (position <= 0) return new Set();
  const before = flattenState(stateAt(v, position - 1));
  const after = flattenState(stateAt(v, position));
  const changed = new Set<string>();
  for (const [k, val] of after) if (before.get(k) !== val) changed.add(k);
  return changed;
}

/** Index of the last step context `ctx` made before `position`, or -1. */
export function lastStepOf(v: ViolationView, ctx: number, position: number): number {
  for (let i = Math.min(position, v.steps.length) - 1; i >= 0; i--) if (v.steps[i]!.context === ctx) return i;
  return -1;
}

/** Index of the next step context `ctx` makes at or after `position`, or -1. */
export function nextStepOf(v: ViolationView, ctx: number, position: number): number {
  for (let i = Math.max(0, position); i < v.steps.length; i++) if (v.steps[i]!.context === ctx) return i;
  return -1;
}

/**
 * One mark per context for the listing: the line of its latest step, or of its first step if it has not
 * run yet. Only marks in `uri` (the listing shown) are returned; contexts without steps get none.
 */
export function lineMarks(v: ViolationView, position: number): { uri: string | null; marks: LineMark[] } {
  const current = position > 0 ? v.steps[position - 1] : undefined;
  const uri = current?.uri ?? v.steps[0]?.uri ?? null;
  const marks: LineMark[] = [];
  v.contexts.forEach((c, i) => {
    const last = lastStepOf(v, i, position);
    const idx = last >= 0 ? last : nextStepOf(v, i, position);
    const step = v.steps[idx];
    if (!step || step.uri !== uri) return;
    const label = last >= 0 ? c.label : `${c.label} (not started)`;
    marks.push({ context: c.id, label, colour: colourOf(i), line: step.line, current: current !== undefined && current.context === i });
  });
  return { uri, marks };
}

/** The sentence for the step at `position`, read out by the aria-live region. */
export function describePosition(v: ViolationView, position: number): string {
  const n = v.steps.length;
  if (position <= 0) return `Initial state, before any step. ${n} steps lead to the ${v.invariant} violation.`;
  const step = v.steps[position - 1]!;
  const ctx = v.contexts[step.context];
  const who = ctx ? ctx.label : `context ${step.context + 1}`;
  // The line leads: an instruction may name another line ("if (flow == NULL) goto line 27").
  let text = `Step ${position} of ${n}: ${who}, line ${step.line + 1} — ${step.instruction}.`;
  const blocked = step.state.contexts.filter((c) => c.status === 'blocked' && c.waitsFor);
  for (const b of blocked) {
    const label = v.contexts.find((c) => c.id === b.context)?.label ?? b.context;
    const w = waitParts(b.waitsFor!);
    text += ` ${capitalise(label)} ${w.verb} ${w.what}.`;
  }
  if (position - 1 === v.failingStep) text += ` Violation — ${v.message}`;
  return text;
}

/**
 * Why a context waits, split into a verb and its object, so the words are not doubled: the core
 * writes "waits for table (write): held by put 1" (C models, newer cores) or "write lock table, held
 * for reading by packet 1" (reference protocols), and "grace period: waits for packet 1 to leave …".
 */
export function waitParts(waitsFor: string): { verb: string; what: string } {
  const grace = /^grace period: waits for (.*)$/s.exec(waitsFor);
  if (grace) return { verb: 'waits (grace period) for', what: grace[1]! };
  const plain = /^waits for (.*)$/s.exec(waitsFor);
  if (plain) return { verb: 'waits for', what: plain[1]! };
  return { verb: 'waits:', what: waitsFor };
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
