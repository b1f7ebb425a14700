// Syntactic facts of a function body the analysis reads before exploring it: declared names,
// assigned places, escaped locals, out-parameter stores, lookup results.
import type { SyntaxNode } from '../c/syntax';
import { normalizeLvalue } from './exprs';
import { calleeName, callArgs } from './ops';

/** Names declared in the function (parameters and locals): they shadow file-scope variables. */
export function localNames(node: SyntaxNode, body: SyntaxNode, params: string[]): Set<string> {
  const out = new Set(params.filter((p) => p));
  for (const d of body.indexedDescendants('declaration')) {
    for (const dd of d.childrenForFieldName('declarator')) {
      let n: SyntaxNode | null = dd;
      for (let g = 0; n && n.type !== 'identifier' && g < 8; g++) n = n.childForFieldName('declarator') ?? n.namedChildren.find((c) => c.type === 'identifier' || c.type.endsWith('declarator')) ?? null;
      if (n?.type === 'identifier') out.add(n.text);
    }
  }
  void node;
  return out;
}

export function assignedPlaces(body: SyntaxNode): Set<string> {
  const out = new Set<string>();
  for (const a of body.indexedDescendants('assignment_expression')) {
    const lhs = a.childForFieldName('left');
    if (lhs && lhs.type !== 'identifier') out.add(normalizeLvalue(lhs.text));
  }
  return out;
}

/** Locals whose address is an argument of some call (`f(&info)`, `f(x, &info, sizeof info)`). */
export function escapedLocals(body: SyntaxNode, locals: Set<string>): Set<string> {
  const out = new Set<string>();
  for (const call of body.indexedDescendants('call_expression')) {
    for (const a of callArgs(call)) {
      const m = /^&\s*([A-Za-z_]\w*)$/.exec(a.text.trim());
      if (m && locals.has(m[1]!)) out.add(m[1]!);
    }
  }
  return out;
}

/** What the body stores through out-parameters: `*result = ukey` gives result → [ukey]. */
export function outParamValues(body: SyntaxNode, params: string[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const a of body.indexedDescendants('assignment_expression')) {
    const lhs = a.childForFieldName('left');
    const rhs = a.childForFieldName('right');
    const m = lhs ? /^\*\s*([A-Za-z_]\w*)$/.exec(lhs.text.trim()) : null;
    if (!m || !rhs || !params.includes(m[1]!) || !/^[A-Za-z_]\w*$/.test(rhs.text.trim())) continue;
    out.set(m[1]!, [...(out.get(m[1]!) ?? []), rhs.text.trim()]);
  }
  return out;
}

/**
 * Variables given the result of a lookup (`flow = OvsLookupFlow(...)`, a known flow-table API or
 * a body that returns an element of a container it walked): objects a table's lock keeps alive.
 */
export function lookupResults(body: SyntaxNode, isLookup: (name: string) => boolean): Set<string> {
  const out = new Set<string>();
  for (const c of body.indexedDescendants('call_expression')) {
    const name = c ? calleeName(c) : null;
    if (!c || !name || !isLookup(name)) continue;
    const target = resultVariable(c);
    if (target) out.add(target.text);
  }
  return out;
}

/** The variable a call's value goes into (`v = f()`, `T *v = (T *) f()`), or null. */
export function resultVariable(call: SyntaxNode): SyntaxNode | null {
  let p = call.parent;
  while (p && (p.type === 'parenthesized_expression' || p.type === 'cast_expression')) p = p.parent;
  let target = p?.type === 'assignment_expression' ? p.childForFieldName('left') : p?.type === 'init_declarator' ? p.childForFieldName('declarator') : null;
  while (target && target.type !== 'identifier') target = target.childForFieldName('declarator');
  return target;
}
