import type { SyntaxNode as Node } from '../c/syntax';
import type { AcquiredLock, FunctionSummary } from './types';

/**
 * Operations tables: `static const struct flow_api tc_api = { .flow_get = tc_flow_get, ... };`
 * binds the slot `flow_api::flow_get` to `tc_flow_get`, so a call `api->flow_get(...)` may run any
 * function some table of the inputs puts in that slot. That over-approximates (every
 * implementation), so only "may" facts travel through a slot: the locks the implementations can
 * take (double-acquire, lock order) — never a must-effect such as a release, a put or a free.
 *
 * Calls through a slot are named `->member` (any table) or `->type::member` (tables of that
 * struct type) in the call lists and the summary table.
 */

export interface SlotBinding {
  /** Struct tag of the table (`flow_api`), when the initialiser declares it. */
  type?: string;
  member: string;
  fn: string;
}

// `struct tag name[...] = {` (after `static`/`const`), the start of a table's initialiser.
const TABLE = /\bstruct\s+([A-Za-z_]\w*)\s+(?:const\s+)?[A-Za-z_]\w*\s*(?:\[[^\]]*\]\s*)?=\s*\{/g;
const DESIGNATED = /\.\s*([A-Za-z_]\w*)\s*=\s*&?\s*([A-Za-z_]\w*)\s*(?=[,}])/g;

/** Slot bindings in a file's designated initialisers of struct tables. */
export function slotBindings(text: string): SlotBinding[] {
  const out: SlotBinding[] = [];
  if (!text.includes('.')) return out;
  TABLE.lastIndex = 0;
  for (let m = TABLE.exec(text); m !== null; m = TABLE.exec(text)) {
    const start = m.index + m[0].length;
    let depth = 1;
    let i = start;
    for (; i < text.length && depth > 0 && i - start < 200_000; i++) {
      const c = text[i];
      if (c === '{') depth++;
      else if (c === '}') depth--;
    }
    const body = text.slice(start, i);
    DESIGNATED.lastIndex = 0;
    for (let d = DESIGNATED.exec(body); d !== null; d = DESIGNATED.exec(body)) {
      // `.size = 0`, `.name = NULL`, `.flags = FOO_BAR`: not functions (the table checks that the name is defined).
      out.push({ type: m[1]!, member: d[1]!, fn: d[2]! });
    }
    TABLE.lastIndex = i;
  }
  return out;
}

const MEMBER_CALL = /(?:->|\.)\s*([A-Za-z_]\w*)\s*\(/g;

/** Slot names (`->member`) a function body calls through. */
export function slotCallNames(body: string): string[] {
  const out = new Set<string>();
  MEMBER_CALL.lastIndex = 0;
  for (let m = MEMBER_CALL.exec(body); m !== null; m = MEMBER_CALL.exec(body)) out.add(`->${m[1]!}`);
  return [...out];
}

/** The field a call goes through (`api->flow_get`, `(*ops->run)`), as text, or undefined for a direct call. */
export function slotOfCall(call: Node): { text: string; member: string } | undefined {
  let fn = call.childForFieldName('function');
  while (fn && (fn.type === 'parenthesized_expression' || fn.type === 'pointer_expression') && fn.namedChildren.length > 0) {
    fn = fn.type === 'pointer_expression' ? fn.childForFieldName('argument') : fn.namedChildren[0]!;
  }
  if (!fn || fn.type !== 'field_expression') return undefined;
  const member = fn.childForFieldName('field')?.text;
  return member ? { text: fn.text, member } : undefined;
}

/** What a call through a slot may do: the locks its implementations take (in terms of the call's arguments). */
export function slotSummary(name: string, impls: FunctionSummary[]): FunctionSummary | undefined {
  const acquires = new Map<string, AcquiredLock>();
  for (const s of impls) {
    for (const a of s.acquires) {
      const seen = acquires.get(a.lock);
      // Several implementations take it: under some guard in one, unconditionally in another — a may-acquire with no guard.
      if (seen) {
        if (seen.guard) acquires.set(a.lock, { ...seen, guard: undefined });
        continue;
      }
      acquires.set(a.lock, { ...a, chain: [s.name, ...a.chain] });
    }
  }
  if (acquires.size === 0) return undefined;
  const first = impls[0]!;
  // Shown in chains as the slot (`flow_api.flow_get`, `*.flow_get` when the table's type is unknown).
  const m = /^->(?:(\w+)::)?(\w+)$/.exec(name);
  const shown = m ? `${m[1] ?? '*'}.${m[2]!}` : name;
  return { name: shown, key: name, uri: first.uri, range: first.range, effects: [], acquires: [...acquires.values()].slice(0, 32), refs: [], defined: false };
}
