// A function is a lookup when what it returns is an element of a shared container it walked:
// the caller borrows it, and only the lock the caller holds keeps it alive (use-after-unlock).
import { isAssigningContainer, isContainerOf } from '../apis/rcuReaders';
import type { SyntaxNode } from '../c/syntax';
import { stripCasts } from './exprs';
import { calleeName, callArgs } from './ops';
import { resultVariable } from './bodyFacts';

/** Loop macros over lists, hash buckets, maps: `LIST_FORALL(head, link)`, `HMAP_FOR_EACH (n, node, &m)`, `hlist_for_each_entry(f, h, m)`. */
const WALK = /for_?each|forall/i;

const NULLS = new Set(['NULL', '0', 'nullptr']);

/**
 * Whether every `return` hands back NULL, an element of a container the body walks (a walk
 * macro's cursor, or a container-of of a link), or a pointer field of a parameter — with at least
 * one element among them. Nothing is allocated or referenced here: that is the caller's summary
 * check (a function returning a reference is not a lookup).
 */
export function returnsWalkedElement(body: SyntaxNode, params: readonly string[]): boolean {
  const elements = new Set<string>();
  for (const call of body.indexedDescendants('call_expression')) {
    const name = calleeName(call);
    if (!name) continue;
    const args = callArgs(call);
    if (WALK.test(name) || isAssigningContainer(name)) {
      const first = args[0] && stripCasts(args[0].text);
      if (first && /^[A-Za-z_]\w*$/.test(first)) elements.add(first);
      continue;
    }
    if (!isContainerOf(name)) continue;
    const target = resultVariable(call);
    if (target) elements.add(target.text);
  }
  if (elements.size === 0) return false;
  let element = false;
  for (const r of body.descendantsOfType('return_statement')) {
    const e = r.namedChildren[0];
    if (!e) return false;
    const t = stripCasts(e.text.trim()).replace(/^\((.*)\)$/s, '$1').trim();
    if (NULLS.has(t)) continue;
    if (elements.has(t)) {
      element = true;
      continue;
    }
    // `return ctx->externalVport;`: a pointer the parameter's structure keeps, found like the others.
    const root = /^([A-Za-z_]\w*)\s*->\s*[A-Za-z_]\w*$/.exec(t)?.[1];
    if (root !== undefined && params.includes(root)) continue;
    return false;
  }
  return element;
}
