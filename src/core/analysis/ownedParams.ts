import type { SyntaxNode as Node } from '../c/syntax';
import { OWNED_PARAMETER_TYPES } from '../apis/ownedTypes';
import type { SourceRange } from '../source';
import { calleeName, callArgs } from './ops';
import type { OwnedRef } from './state';
import { stripCasts } from './exprs';

/**
 * Owned parameters of functions that return nothing (`void rx(port *p, struct sk_buff *skb)`):
 * the caller cannot learn from a result who owns the packet afterwards, so the function must
 * consume it (free it, hand it to a consumer, store it) on every exit or on none. Each such
 * parameter enters the path search as owned (an `entry` reference); the ref-leak rule reports an
 * exit still owning it only when another exit consumed it through a known consumer or a callee
 * whose body consumes it — a hand-off to a call with no body in sight is no evidence, so a
 * function that only borrows the packet and returns early (`if (!p) return; note(p, skb);`) stays quiet.
 */

/** Names of the parameters of an owned type, when the function returns `void`. */
export function ownedParameters(fnNode: Node): string[] {
  const type = fnNode.childForFieldName('type');
  let decl = fnNode.childForFieldName('declarator');
  if (type?.text !== 'void' || decl?.type !== 'function_declarator') return [];
  const out: string[] = [];
  for (const p of decl.childForFieldName('parameters')?.namedChildren ?? []) {
    if (p.type !== 'parameter_declaration') continue;
    const t = p.childForFieldName('type');
    if (t?.type !== 'struct_specifier' || !OWNED_PARAMETER_TYPES.has(t.childForFieldName('name')?.text ?? '')) continue;
    decl = p.childForFieldName('declarator');
    if (decl?.type !== 'pointer_declarator') continue;
    const id = decl.childForFieldName('declarator');
    if (id?.type === 'identifier') out.push(id.text);
  }
  return out;
}

/** The entry state's owned references for those parameters. */
export function entryOwned(params: string[], site: SourceRange): OwnedRef[] {
  return params.map((p) => ({ obj: p, display: p, api: 'parameter', site, count: 1, entry: true }));
}

/**
 * Calls that only lend an owned parameter, by node id: one whose result is dereferenced
 * (`OVS_CB(skb)->flow`: an accessor), or one given the parameter after which the parameter is
 * used again, other than by a consumer, in a later statement of an enclosing block before anything
 * assigns it (`note_use(flow, skb); acts = OVS_CB(skb)->acts;`): the callee cannot have consumed it.
 * (`if (send(skb)) kfree_skb(skb);` is a consumer on one outcome, not a lender.)
 */
export function lendingCalls(body: Node, owned: readonly string[], isConsumer: (name: string) => boolean): Set<number> {
  const out = new Set<number>();
  if (owned.length === 0) return out;
  for (const call of body.indexedDescendants('call_expression')) {
    const name = calleeName(call);
    if (!name || isConsumer(name)) continue;
    const args = callArgs(call);
    for (const p of owned) {
      if (!args.some((a) => stripCasts(a.text) === p)) continue;
      const parent = call.parent;
      if (parent?.type === 'field_expression' || parent?.type === 'pointer_expression' || usedLater(call, p, isConsumer)) out.add(call.id);
    }
  }
  return out;
}

/**
 * Whether a call given memory `p` that this function allocated only lends it: the function itself
 * hands `p` to a consumer (`kfree_skb`, a send) in a later statement of an enclosing block, reached by
 * falling through, before anything assigns `p`, and not inside a branch that tests the call's
 * result (`err = reg(p); if (err) kfree(p);` is a hand-off on success, not a loan). Had the call
 * kept `p`, that later consumer would free it a second time.
 */
export function consumedLater(call: Node, p: string, consumesArg: (name: string, arg: number, count: number) => boolean): boolean {
  const result = resultVariable(call);
  for (let s = statementOf(call); s; s = s.parent ? statementOf(s.parent) : null) {
    const block = s.parent!;
    const siblings = block.namedChildren;
    for (let i = siblings.indexOf(s) + 1; i < siblings.length; i++) {
      const next = siblings[i]!;
      if (JUMPS.has(next.type)) return false;
      for (const id of next.descendantsOfType('identifier')) {
        if (id.text !== p) continue;
        const parent = id.parent;
        if (parent?.type === 'assignment_expression' && parent.childForFieldName('left')?.id === id.id) return false;
        const outer = parent?.type === 'argument_list' ? parent.parent : null;
        const callee = outer?.type === 'call_expression' ? calleeName(outer) : null;
        if (!callee || (result && testedAround(outer!, next, result))) continue;
        const args = parent!.namedChildren;
        if (consumesArg(callee, args.findIndex((a) => a.id === id.id), args.length)) return true;
      }
    }
    if (block.parent?.type === 'function_definition') return false;
  }
  return false;
}

/** `err = f(...)`, `int err = f(...)`: the variable the call's result lands in. */
function resultVariable(call: Node): string | undefined {
  const parent = call.parent;
  if (parent?.type === 'assignment_expression' && parent.childForFieldName('right')?.id === call.id) {
    const left = parent.childForFieldName('left');
    return left?.type === 'identifier' ? left.text : undefined;
  }
  if (parent?.type === 'init_declarator' && parent.childForFieldName('value')?.id === call.id) {
    const d = parent.childForFieldName('declarator');
    return d?.type === 'identifier' ? d.text : undefined;
  }
  return undefined;
}

/** A branch between `n` and `top` (inclusive) whose condition reads `name`. */
function testedAround(n: Node, top: Node, name: string): boolean {
  for (let c: Node | null = n.parent; c; c = c.parent) {
    if (c.type === 'if_statement' || c.type === 'conditional_expression' || c.type === 'while_statement') {
      const cond = c.childForFieldName('condition');
      if (cond && cond.descendantsOfType('identifier').some((id) => id.text === name)) return true;
    }
    if (c.id === top.id) break;
  }
  return false;
}

const JUMPS = new Set(['return_statement', 'goto_statement', 'break_statement', 'continue_statement']);

/** The statement of a compound block that holds `n`. */
function statementOf(n: Node): Node | null {
  let s: Node | null = n;
  while (s && s.parent && s.parent.type !== 'compound_statement') s = s.parent;
  return s?.parent ? s : null;
}

/** A later statement of the blocks enclosing `call` reads `p` other than as a consumer's argument, before any assigns it. */
function usedLater(call: Node, p: string, isConsumer: (name: string) => boolean): boolean {
  for (let s = statementOf(call); s; s = s.parent ? statementOf(s.parent) : null) {
    const block = s.parent!;
    const siblings = block.namedChildren;
    for (let i = siblings.indexOf(s) + 1; i < siblings.length; i++) {
      // What follows a jump is not reached from the call by falling through.
      if (JUMPS.has(siblings[i]!.type)) return false;
      for (const id of siblings[i]!.descendantsOfType('identifier')) {
        if (id.text !== p) continue;
        const parent = id.parent;
        if (parent?.type === 'assignment_expression' && parent.childForFieldName('left')?.id === id.id) return false;
        const outer = parent?.type === 'argument_list' ? parent.parent : null;
        const callee = outer?.type === 'call_expression' ? calleeName(outer) : null;
        if (callee && isConsumer(callee)) continue;
        return true;
      }
    }
    if (block.parent?.type === 'function_definition') return false;
  }
  return false;
}
