import type { Node, Tree } from 'web-tree-sitter';
import type { ApiKnowledge, LockApi } from '../apis/types';
import type { Finding, Fix, TextEdit } from '../findings';
import { rangeOf } from '../source';
import { matchingRelease } from './matchingCalls';
import { callsIn, callSite, enclosingFunction, type CallSite } from './syntax';

/**
 * The quick fix for `context-mismatch`: the variant that fits the context, from the API knowledge.
 *  - NDIS RW lock flags: `0` → `NDIS_RWL_AT_DISPATCH_LEVEL` where IRQL is already DISPATCH_LEVEL, and
 *    back to `0` in code that runs below it;
 *  - an acquire that assumes DISPATCH_LEVEL in code below it (`NdisDprAcquireSpinLock`) → the raising
 *    form of the same family (`NdisAcquireSpinLock`), and its releases in the function with it;
 *  - Linux, a plain acquire in process context of a lock softirqs (interrupt handlers) take → the `_bh`
 *    form (for an interrupt partner the `_irq` form: process context runs with interrupts on, and it
 *    needs no `flags` variable), and its releases in the function with it.
 * Nothing when the other form needs an argument the call does not have (`KeAcquireSpinLock`'s saved
 * IRQL), or when the function does not release the lock itself (the caller's release would then not match).
 */
export function contextFix(tree: Tree, text: string, finding: Finding, knowledge: ApiKnowledge): Fix | undefined {
  // A call that may sleep in atomic context has no variant to switch to: moving it is the author's call.
  if (finding.ruleId !== 'context-mismatch' || finding.key.includes(':sleep-in-atomic@')) return undefined;
  const apis = new Map(knowledge.locks.filter((a) => a.kind === 'acquire').map((a) => [a.name, a]));
  const call = callsIn(tree, text, finding.range).find((c) => apis.has(c.name));
  const api = call && apis.get(call.name);
  if (!call || !api) return undefined;
  if (api.family === 'ndis-rw') return flagsFix(call);
  const wanted = api.variant === 'dpr' || api.variant === 'dpc' ? ['plain', undefined]
    : api.variant === 'plain' ? [/`[A-Za-z_]\w*_irqsave` here/.test(finding.message) ? 'irq' : 'bh'] : [];
  const to = knowledge.locks
    .filter((a) => a.kind === 'acquire' && a.family === api.family && wanted.includes(a.variant) && a.mode === api.mode
      && a.handleArg === undefined && !a.handleFromReturn && a.lockArg === api.lockArg && a.lockExpr === api.lockExpr)
    .sort((a, b) => a.name.length - b.name.length)[0];
  if (!to || api.handleArg !== undefined) return undefined;
  return switchVariant(text, call, api, to, knowledge);
}

const NDIS_FLAGS_ARG = 2;

function flagsFix(call: CallSite): Fix | undefined {
  const args = call.node.childForFieldName('arguments')?.namedChildren.filter((a): a is Node => a !== null && a.type !== 'comment') ?? [];
  const flags = args[NDIS_FLAGS_ARG];
  if (!flags) return undefined;
  if (/^(0|0x0+|0[uUlL]*)$/.test(flags.text.trim())) {
    return { title: 'Pass `NDIS_RWL_AT_DISPATCH_LEVEL`: IRQL is already DISPATCH_LEVEL here', edits: [{ range: rangeOf(flags), newText: 'NDIS_RWL_AT_DISPATCH_LEVEL' }], isPreferred: true };
  }
  if (flags.text.trim() === 'NDIS_RWL_AT_DISPATCH_LEVEL') {
    return { title: 'Pass `0`: this code runs below DISPATCH_LEVEL, NDIS must raise IRQL', edits: [{ range: rangeOf(flags), newText: '0' }], isPreferred: true };
  }
  return undefined;
}

/** Renames the acquire and the releases of the same lock that follow it in the function (up to its next acquire). */
function switchVariant(text: string, call: CallSite, from: LockApi, to: LockApi, knowledge: ApiKnowledge): Fix | undefined {
  const oldRelease = matchingRelease(knowledge, from.name);
  const newRelease = matchingRelease(knowledge, to.name);
  const fn = enclosingFunction(call.node);
  if (!oldRelease || !newRelease || !fn || oldRelease.handleArg !== undefined || newRelease.handleArg !== undefined
    || oldRelease.lockArg !== from.lockArg || newRelease.lockArg !== from.lockArg) return undefined;
  const lock = norm(call.args[from.lockArg]);
  if (lock === undefined) return undefined;
  const edits: TextEdit[] = [{ range: rangeOf(call.node.childForFieldName('function')!), newText: to.name }];
  let releases = 0;
  for (const n of fn.descendantsOfType('call_expression')) {
    if (!n || n.startIndex <= call.node.startIndex) continue;
    const site = callSite(n, text);
    if (!site || norm(site.args[from.lockArg]) !== lock) continue;
    if (site.name === from.name) break; // taken again: its own releases are its own
    if (site.name !== oldRelease.name) continue;
    releases++;
    if (newRelease.name !== oldRelease.name) edits.push({ range: rangeOf(n.childForFieldName('function')!), newText: newRelease.name });
  }
  if (releases === 0) return undefined;
  const also = newRelease.name !== oldRelease.name ? ` (and release it with \`${newRelease.name}\`)` : '';
  return { title: `Take ${lock} with \`${to.name}\`${also}`, edits, isPreferred: true };
}

function norm(arg: string | undefined): string | undefined {
  return arg?.replace(/\s+/g, '');
}
