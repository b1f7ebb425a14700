import { MACRO_CALLS } from '../apis/macroCalls';
import { splitArgs } from './exprs';
import { literalTruth } from './truth';
import type { AcquiredLock, FunctionSummary, LockEffect, RefEffect } from './types';

/**
 * Function-like macros whose body is one call — `#define LOG_FATAL(...) log_fatal(&this_module,
 * __VA_ARGS__)` — are calls of that function to the analysis: a call of the macro does what the
 * function's summary says, with the function's parameters read as the macro's arguments. Read
 * from the inputs' `#define` lines (and, for public headers usually outside the inputs, from the
 * API knowledge's copies of them), never by name. Macros with statements around the call
 * (conditions, locals) are left alone: what they do is not one call.
 */
export interface MacroCall {
  target: string;
  /**
   * For each argument of the target, the macro argument it is (its index), or null (anything
   * else: a constant, an expression; its text is in `texts`).
   */
  args: (number | null)[];
  texts: string[];
  /** Target argument index at which `__VA_ARGS__` starts, and the macro argument it starts with. */
  rest?: { at: number; from: number };
}

const DEFINE = /^[ \t]*#[ \t]*define[ \t]+([A-Za-z_]\w*)\(([^()]*)\)[ \t]*((?:[^\n]*\\\n)*[^\n]*)$/gm;
const BODY = /^(?:do\s*\{)?\s*([A-Za-z_]\w*)\s*\(((?:[^()]|\((?:[^()]|\([^()]*\))*\))*)\)\s*;?\s*(?:\}\s*while\s*\(\s*0\s*\))?$/;

/** The one-call macros a text defines (the body's line continuations joined). */
export function macroCallsIn(text: string): Map<string, MacroCall> {
  const out = new Map<string, MacroCall>();
  if (!text.includes('define')) return out;
  DEFINE.lastIndex = 0;
  for (let m = DEFINE.exec(text); m !== null; m = DEFINE.exec(text)) {
    const [, name, paramText, bodyText] = m;
    const body = bodyText!.replace(/\\\n/g, ' ').replace(/\/\*[\s\S]*?\*\//g, ' ').trim();
    const b = BODY.exec(body);
    if (!b || b[1] === name) continue;
    const params = paramText!.split(',').map((p) => p.trim()).filter((p) => p.length > 0);
    const variadic = params[params.length - 1] === '...';
    const named = variadic ? params.slice(0, -1) : params;
    const call: MacroCall = { target: b[1]!, args: [], texts: [] };
    splitArgs(b[2]!).forEach((a, k) => {
      call.texts.push(a);
      const bare = a.replace(/^\(\s*([A-Za-z_]\w*)\s*\)$/, '$1');
      if (bare === '__VA_ARGS__' && variadic) {
        call.rest ??= { at: k, from: named.length };
        call.args.push(null);
        return;
      }
      const i = named.indexOf(bare);
      call.args.push(i >= 0 ? i : null);
    });
    out.set(name!, call);
  }
  return out;
}

let builtin: Map<string, MacroCall> | undefined;

/** The API knowledge's one-call macros (public headers' definitions). */
export function builtinMacroCalls(): Map<string, MacroCall> {
  builtin ??= macroCallsIn(MACRO_CALLS.join('\n'));
  return builtin;
}

/** The macro argument a target parameter `$k` is, as `$j`, or null when callers cannot name it. */
function argOf(call: MacroCall, k: number): string | null {
  if (call.rest && k >= call.rest.at) return `$${call.rest.from + k - call.rest.at}`;
  const j = call.args[k];
  return j === null || j === undefined ? null : `$${j}`;
}

function mapText(call: MacroCall, text: string): string | null {
  let lost = false;
  const out = text.replace(/\$(\d+)/g, (_m, n: string) => {
    const a = argOf(call, Number(n));
    if (a === null) lost = true;
    return a ?? '';
  });
  return lost ? null : out;
}

/** The target's summary in the macro's terms: what a call of the macro does. */
export function macroSummary(name: string, call: MacroCall, target: FunctionSummary): FunctionSummary {
  const effects: LockEffect[] = [];
  for (const e of target.effects) {
    const lock = mapText(call, e.lock);
    if (lock !== null) effects.push({ ...e, lock });
  }
  const acquires: AcquiredLock[] = [];
  for (const a of target.acquires) {
    const lock = mapText(call, a.lock);
    if (lock === null) continue;
    const guard: NonNullable<AcquiredLock['guard']> = [];
    let ruledOut = false;
    for (const g of a.guard ?? []) {
      const j = argOf(call, g.param);
      if (j !== null) guard.push({ param: Number(j.slice(1)), truth: g.truth });
      else {
        // `#define flush_all(t) flush(t, true)`: the macro's constant decides the callee's guard.
        const t = literalTruth(call.texts[g.param] ?? '');
        if (t !== undefined && t !== g.truth) ruledOut = true;
      }
    }
    if (ruledOut) continue;
    acquires.push({ ...a, lock, chain: [target.name, ...a.chain], guard: guard.length > 0 ? guard : undefined });
  }
  const refs: RefEffect[] = [];
  for (const r of target.refs) {
    const t = r.target === 'return' ? 'return' : mapText(call, r.target);
    if (t !== null) refs.push({ ...r, target: t });
  }
  return { ...target, name, effects, acquires, refs };
}
