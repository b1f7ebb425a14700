import type { SyntaxNode as Node } from '../c/syntax';
import type { Cfg } from '../c/cfg';
import { isBorrower } from '../apis/borrowers';
import { rangeOf } from '../source';
import type { CallKnowledge } from './callKnowledge';
import type { ExitInfo } from './explore';
import { stripCasts } from './exprs';
import type { KnowledgeIndex } from './knowledgeIndex';
import { callArgs, calleeName } from './ops';
import { PUBLISHERS, publishesArg } from './refTransfer';

/**
 * A parameter kept only on the paths that return one truth: `insert(e)` links `e` into a table
 * and returns TRUE, or returns FALSE before anything took it (a translation failed). Its callers
 * still own what they passed when it says FALSE (`if (e && !insert(e)) return NULL;` leaks `e`).
 *
 * Read from the CFG, not the path states (a store leaves no mark in a state, so paths that did and
 * did not store join): an exit that no site taking the parameter can reach returns it untouched.
 * A site is anything that may take it — a store, a link, a publish, a put or free, a call with no
 * body in sight, a copy into another variable — so the split holds only when the other outcome
 * provably leaves the parameter alone. A callee whose own summary takes it on one outcome
 * (`if (!translate(e)) return FALSE;`) takes it only along that outcome's branch.
 */

type When = 'zero' | 'nonzero';
/** A site that may take the parameter; `when`: only when its call returns this truth. */
interface Site {
  node: Node;
  when?: When;
}

/** `p`, `(T *) p`, `CAST(T *, p)`, `&p->f`, `&p.f`: the object itself or an address inside it. */
function handsOver(text: string, names: readonly string[]): boolean {
  const t = stripCasts(text);
  return names.some((n) => t === n || t.startsWith(`&${n}->`) || t.startsWith(`&${n}.`));
}

/** What a call does with argument `j` as far as ownership goes: nothing, takes it, or takes it on one outcome. */
function callTakes(callOf: (name: string) => CallKnowledge, index: KnowledgeIndex, name: string | null, j: number): { takes: boolean; when?: When } {
  if (!name) return { takes: true };
  if (PUBLISHERS.has(name)) return { takes: publishesArg(name, j) };
  const mutator = index.mutators.get(name);
  if (mutator && j !== mutator.containerArg) return { takes: true };
  const k = callOf(name);
  if (k.lock || k.lockEffects.length > 0 || isBorrower(name) || index.noReturn.has(name)) return { takes: false };
  if (k.summary?.defined) {
    const effects = k.summary.refs.filter((r) => r.target === `$${j}` && (r.op === 'store' || r.op === 'free' || r.op === 'put' || r.op === 'mayConsume'));
    if (effects.length === 0) return { takes: false };
    const whens = new Set(effects.map((r) => r.when));
    return whens.size === 1 && !whens.has(undefined) ? { takes: true, when: [...whens][0] } : { takes: true };
  }
  if (!k.refs) return { takes: true };
  const effects = k.refs.filter((r) => (r.objArg ?? 0) === j && (r.kind === 'store' || r.kind === 'free' || r.kind === 'put' || r.kind === 'destroy'));
  if (effects.length === 0) return { takes: false };
  const whens = new Set(effects.map((r) => r.when));
  return whens.size === 1 && !whens.has(undefined) ? { takes: true, when: [...whens][0] } : { takes: true };
}

/** Every place in the body that may take one of `names` (the parameter and its unchanging local copies). */
function sitesOf(body: Node, names: readonly string[], callOf: (name: string) => CallKnowledge, index: KnowledgeIndex): Site[] {
  const out: Site[] = [];
  for (const call of body.indexedDescendants('call_expression')) {
    const name = calleeName(call);
    callArgs(call).forEach((a, j) => {
      if (!handsOver(a.text, names)) return;
      const t = callTakes(callOf, index, name, j);
      if (t.takes) out.push({ node: call, when: t.when });
    });
  }
  // Stored anywhere, or copied into another variable (which the split does not follow).
  for (const a of body.indexedDescendants('assignment_expression')) {
    const rhs = a.childForFieldName('right');
    if (rhs && handsOver(rhs.text, names)) out.push({ node: a });
  }
  for (const decl of body.indexedDescendants('declaration')) {
    for (const d of decl.childrenForFieldName('declarator')) {
      const value = d.type === 'init_declarator' ? d.childForFieldName('value') : null;
      if (value && handsOver(value.text, names)) out.push({ node: d });
    }
  }
  return out;
}

const contains = (outer: Node, inner: Node): boolean => outer.startIndex <= inner.startIndex && inner.endIndex <= outer.endIndex;

/** The CFG nodes reachable once a site ran (the site's own node included: `return insert(p)`). */
function reachedFrom(cfg: Cfg, sites: Site[]): Set<number> | undefined {
  const seen = new Set<number>();
  const queue: number[] = [];
  const visit = (id: number | undefined): void => {
    if (id !== undefined && !seen.has(id)) {
      seen.add(id);
      queue.push(id);
    }
  };
  for (const site of sites) {
    // The innermost evaluated node holding the site.
    let at: (typeof cfg.nodes)[number] | undefined;
    for (const n of cfg.nodes) if (n.ast && contains(n.ast, site.node) && (!at || contains(at.ast!, n.ast))) at = n;
    if (!at) return undefined; // not on any evaluated node (a macro argument the CFG kept opaque): give up
    let ast: Node = at.ast!;
    while (ast.type === 'parenthesized_expression' && ast.namedChildren.length === 1) ast = ast.namedChildren[0]!;
    if (at.kind === 'cond' && site.when && ast.startIndex === site.node.startIndex && ast.endIndex === site.node.endIndex) {
      // `if (!translate(e)) return FALSE;`: only the branch where the call took it.
      seen.add(at.id);
      visit(at.succ[site.when === 'nonzero' ? 0 : 1]);
    } else visit(at.id);
  }
  while (queue.length > 0) for (const s of cfg.nodes[queue.pop()!]!.succ) visit(s);
  return seen;
}

/**
 * The truth the function returns exactly when it may have taken the parameter (`names`), over the
 * exits that say something about it; undefined when the exits do not split that way.
 */
export function storedWhen(cfg: Cfg, body: Node, exits: ExitInfo[], names: readonly string[], callOf: (name: string) => CallKnowledge, index: KnowledgeIndex): When | undefined {
  if (exits.length < 2 || exits.some((e) => !e.isReturn || e.returns === undefined)) return undefined;
  const sites = sitesOf(body, names, callOf, index);
  const reached = reachedFrom(cfg, sites);
  if (!reached) return undefined;
  const returnAt = new Map<string, number>();
  for (const n of cfg.nodes) {
    if (n.kind !== 'return' || !n.ast) continue;
    const r = rangeOf(n.ast);
    returnAt.set(`${r.start.line}:${r.start.column}`, n.id);
  }
  const taken = new Set<When>();
  const untouched = new Set<When>();
  for (const e of exits) {
    const id = returnAt.get(`${e.range.start.line}:${e.range.start.column}`);
    if (id === undefined) return undefined;
    (reached.has(id) ? taken : untouched).add(e.returns!);
  }
  if (taken.size !== 1 || untouched.size !== 1) return undefined;
  const t = [...taken][0]!;
  return untouched.has(t) ? undefined : t;
}
