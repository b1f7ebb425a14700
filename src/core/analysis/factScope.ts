import type { Cfg } from '../c/cfg';
import type { SyntaxNode } from '../c/syntax';
import { squash } from './exprs';
import { factReadingVars } from './truth';
import type { CallKnowledge } from './callKnowledge';
import { calleeName } from './ops';

/**
 * Which branch facts are worth keeping. A fact splits paths that would otherwise join, so facts
 * are kept only where they can decide a lock or reference question: conditions of statements that
 * contain a lock, reference or summarised call (`if (needLock) spin_lock(...)`), variables that
 * hold such a call's result (`ret = mutex_lock_interruptible(...)`), and returned variables
 * (inferred try-wrappers). Each kept fact must also be read by a later condition.
 */
export interface FactScope {
  /** Variable → number of condition nodes (among relevant ones) that read it. */
  condVars: Map<string, number>;
  /** Pure condition text → number of relevant condition nodes with that text. */
  condTexts: Map<string, number>;
}

const CONTROL = new Set(['if_statement', 'while_statement', 'for_statement', 'do_statement', 'conditional_expression', 'switch_statement']);

export function factScope(body: SyntaxNode, cfg: Cfg, call: (name: string) => CallKnowledge, params: readonly string[] = [], watched: (name: string) => boolean = () => false): FactScope {
  const isRelevantCall = (n: SyntaxNode): boolean => {
    if (n.type !== 'call_expression') return false;
    const name = calleeName(n);
    if (!name) return false;
    const k = call(name);
    return k.lock !== undefined || k.lockEffects.length > 0 || k.refs !== undefined || (k.summary?.acquires.length ?? 0) > 0;
  };
  // contains = the relevant calls and their ancestors up to the body, found by walking up from each
  // call; assignments and declarations among those ancestors store a relevant call's result.
  const contains = new Set<SyntaxNode>();
  const relevantVars = new Set<string>();
  for (const call of body.indexedDescendants('call_expression')) {
    if (!isRelevantCall(call)) continue;
    for (let n: SyntaxNode | null = call; n && !contains.has(n); n = n === body ? null : n.parent) {
      contains.add(n);
      if (n.type === 'assignment_expression' || n.type === 'init_declarator') {
        let target = n.type === 'assignment_expression' ? n.childForFieldName('left') : n.childForFieldName('declarator');
        // `struct flow *f = lookup()`: the declarator wraps the name in pointer declarators.
        while (target && target.type !== 'identifier') target = target.childForFieldName('declarator');
        if (target) relevantVars.add(target.text);
      }
    }
  }
  // Counted objects a lock may protect (protection.ts): their NULL tests decide which paths use them.
  if (contains.size > 0) {
    const declared = body.indexedDescendants('declaration').flatMap((d) => d?.childrenForFieldName('declarator') ?? []);
    for (const a of [...body.indexedDescendants('assignment_expression'), ...declared]) {
      let target = a?.type === 'assignment_expression' ? a.childForFieldName('left') : a;
      while (target && target.type !== 'identifier') target = target.childForFieldName('declarator');
      if (target && watched(target.text)) relevantVars.add(target.text);
    }
  }
  const relevantCond = (cond: SyntaxNode): boolean => {
    for (let p: SyntaxNode | null = cond; p; p = p.parent) {
      if (CONTROL.has(p.type)) return contains.has(p);
    }
    return false;
  };
  const condVars = new Map<string, number>();
  const condTexts = new Map<string, number>();
  // A test of a watched pointer (`if (vport && allocated)`) decides whether it is used after the
  // lock: the other variables it reads need their facts too.
  const testsWatched = (cond: SyntaxNode): boolean => {
    if (contains.size === 0) return false;
    let whole = cond;
    for (let p: SyntaxNode | null = cond.parent; p && !CONTROL.has(p.type); p = p.parent) whole = p;
    return shortCircuitLeaves(whole).some((leaf) => factReadingVars(leaf).some((v) => watched(v)));
  };
  const relevantConds = cfg.nodes.filter((n) => n.kind === 'cond' && n.ast && (relevantCond(n.ast) || testsWatched(n.ast)));
  // Only where a fact can decide the condition (`if (ret)`, `flow == NULL`; not `i < n`).
  for (const n of relevantConds) for (const v of factReadingVars(n.ast!)) relevantVars.add(v);
  for (const n of cfg.nodes) {
    if (n.kind !== 'cond' || !n.ast) continue;
    for (const v of new Set(factReadingVars(n.ast))) if (relevantVars.has(v)) condVars.set(v, (condVars.get(v) ?? 0) + 1);
  }
  for (const n of relevantConds) {
    const key = squash(n.ast!.text);
    condTexts.set(key, (condTexts.get(key) ?? 0) + 1);
  }
  // A returned variable's value tells callers whether a try-wrapper took its lock.
  if (contains.has(body)) {
    for (const n of cfg.nodes) {
      const v = n.kind === 'return' ? n.ast?.namedChildren[0] : undefined;
      if (v?.type === 'identifier') condVars.set(v.text, (condVars.get(v.text) ?? 0) + 2);
    }
  }
  // A parameter handed to a reference call and tested against NULL tells the summary which exits
  // did nothing to it (`if (p) put(p)`).
  const refParams = new Set<string>();
  for (const c of body.indexedDescendants('call_expression')) {
    const name = calleeName(c);
    if (!name || call(name).refs === undefined) continue;
    for (const a of c.childForFieldName('arguments')?.namedChildren ?? []) {
      const root = /^[&(\s]*([A-Za-z_]\w*)/.exec(a.text)?.[1];
      if (root && params.includes(root)) refParams.add(root);
    }
  }
  // A parameter deciding whether a lock or reference call happens is a guard callers can read
  // (`if (!protected) seq_change()`): its truth is kept on the paths it decides.
  for (const n of relevantConds) for (const v of factReadingVars(n.ast!)) if (params.includes(v)) refParams.add(v);
  if (refParams.size > 0) {
    for (const n of cfg.nodes) {
      if (n.kind !== 'cond' || !n.ast) continue;
      for (const v of factReadingVars(n.ast)) if (refParams.has(v)) condVars.set(v, Math.max(2, condVars.get(v) ?? 0));
    }
  }
  return { condVars, condTexts };
}

/** The operands of a `&&`/`||` chain (the CFG tests each on its own), through parentheses and `!`. */
function shortCircuitLeaves(e: SyntaxNode): SyntaxNode[] {
  if (e.type === 'parenthesized_expression' && e.namedChildren.length === 1) return shortCircuitLeaves(e.namedChildren[0]!);
  if (e.type === 'unary_expression' && e.childForFieldName('operator')?.text === '!') {
    const arg = e.childForFieldName('argument');
    return arg ? shortCircuitLeaves(arg) : [e];
  }
  const op = e.type === 'binary_expression' ? e.childForFieldName('operator')?.text : undefined;
  if (op === '&&' || op === '||') {
    const l = e.childForFieldName('left');
    const r = e.childForFieldName('right');
    return [...(l ? shortCircuitLeaves(l) : []), ...(r ? shortCircuitLeaves(r) : [])];
  }
  return [e];
}
