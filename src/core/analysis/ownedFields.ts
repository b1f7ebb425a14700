import type { SyntaxNode as Node } from '../c/syntax';
import { isBorrower } from '../apis/borrowers';
import { rangeOf, type SourceRange } from '../source';
import type { CallKnowledge } from './callKnowledge';
import { stripCasts, textMemo } from './exprs';
import { callArgs, calleeName } from './ops';
import type { StructInfo } from './types';

/**
 * Owning fields freed with their owner. A field is owning when the file assigns it a new
 * reference from a `P_ref()` call (`b->stats = stats_ref(s)`) and drops it with the matching
 * `P_unref(x->stats)`. A function that tears an object down — it drops other fields' references
 * (`P_unref(b->g)`) and then frees the object itself — leaks the owning fields it neither drops,
 * moves out, nor hands over with the object (`b` passed to another call first may release them).
 */

export interface OwnerFree {
  /** The freed object (a variable) and the owning field left behind. */
  obj: string;
  field: string;
  /** The free, and the `P_ref`/`P_unref` pair that makes the field owning. */
  api: string;
  site: SourceRange;
  refName: string;
  unrefName: string;
}

const owning = textMemo<Map<string, string>>();

/** Field name → the `P` of the `P_ref`/`P_unref` pair the file uses on it. */
export function owningFields(text: string): Map<string, string> {
  let m = owning.get(text);
  if (m) return m;
  m = new Map();
  const assigned = new Set<string>();
  for (const x of text.matchAll(/\b[A-Za-z_]\w*\s*->\s*([A-Za-z_]\w*)\s*=\s*([A-Za-z_]\w*)_ref\s*\(/g)) assigned.add(`${x[2]}:${x[1]}`);
  for (const x of text.matchAll(/\b([A-Za-z_]\w*)_unref\s*\(\s*[A-Za-z_]\w*\s*->\s*([A-Za-z_]\w*)\s*\)/g)) {
    if (assigned.has(`${x[1]}:${x[2]}`)) m.set(x[2]!, x[1]!);
  }
  owning.set(text, m);
  return m;
}

/** The struct tag of a pointer variable declared in the function (`struct T *v`), if any. */
function structOfVariable(fnNode: Node, v: string): string | undefined {
  for (const d of fnNode.descendantsOfType(['parameter_declaration', 'declaration'])) {
    const type = d.childForFieldName('type');
    if (type?.type !== 'struct_specifier') continue;
    for (const dd of d.childrenForFieldName('declarator')) {
      let n: Node | null = dd.type === 'init_declarator' ? dd.childForFieldName('declarator') : dd;
      if (n?.type !== 'pointer_declarator') continue;
      n = n.childForFieldName('declarator');
      if (n?.type === 'identifier' && n.text === v) return type.childForFieldName('name')?.text;
    }
  }
  return undefined;
}

export function ownerFrees(fnNode: Node, body: Node, text: string, callOf: (name: string) => CallKnowledge, structOf: (name: string) => StructInfo | undefined): OwnerFree[] {
  const fields = owningFields(text);
  if (fields.size === 0) return [];
  const calls = body.indexedDescendants('call_expression');
  const out: OwnerFree[] = [];
  for (const call of calls) {
    const name = calleeName(call);
    if (!name) continue;
    const free = (callOf(name).refs ?? []).find((r) => r.kind === 'free');
    if (!free) continue;
    const arg = callArgs(call)[free.objArg ?? 0];
    const obj = arg ? stripCasts(arg.text) : '';
    if (!/^[A-Za-z_]\w*$/.test(obj)) continue;
    const tag = structOfVariable(fnNode, obj);
    const info = tag ? structOf(tag) : undefined;
    if (!info) continue;
    const mentions = (f: string): boolean => new RegExp(`\\b${obj}\\s*->\\s*${f}\\b`).test(body.text);
    // Handed whole to another call first: it may release the fields.
    const handed = calls.some((c) => c !== call && !isBorrower(calleeName(c) ?? '') && callArgs(c).some((a) => stripCasts(a.text) === obj));
    if (handed) continue;
    // A teardown: some other field's reference is dropped here.
    const dropsOthers = calls.some((c) => /_unref$/.test(calleeName(c) ?? '') && callArgs(c).some((a) => new RegExp(`^${obj}\\s*->\\s*\\w+$`).test(stripCasts(a.text))));
    if (!dropsOthers) continue;
    for (const [field, p] of fields) {
      if (!(field in info.fields) || mentions(field)) continue;
      out.push({ obj, field, api: name, site: rangeOf(call), refName: `${p}_ref`, unrefName: `${p}_unref` });
    }
  }
  return out;
}
