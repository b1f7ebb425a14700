import type { ApiKnowledge, LockApi } from '../apis/types';
import type { Finding, Fix, TextEdit } from '../findings';
import type { SourceRange } from '../source';
import { matchingRelease } from './matchingCalls';
import { offsetAt, posAt } from './syntax';

/**
 * The quick fix for the Linux half of `context-mismatch` (a plain `spin_lock` in process context on a
 * lock softirqs or interrupt handlers take too): the `_bh` form — or, against an interrupt handler, the
 * `_irq` form (process context runs with interrupts on, and it needs no `flags` variable) — for the
 * acquire and for the releases of the same lock that follow it in the function. These findings are
 * paired across files after the per-file analysis, where no syntax tree is at hand, so this works on
 * the text: the acquire is the finding's range, the function ends at `fnEnd` (the editor has it from
 * the check's function list). Nothing when the function does not release the lock itself.
 */
export function variantTextFix(text: string, finding: Finding, fnEnd: SourceRange['end'] | undefined, knowledge: ApiKnowledge): Fix | undefined {
  if (finding.ruleId !== 'context-mismatch' || !fnEnd) return undefined;
  const m = /is taken with plain `([A-Za-z_]\w*)` here.*Use `([A-Za-z_]\w*)` here/s.exec(finding.message);
  if (!m) return undefined;
  const from = knowledge.locks.find((a) => a.name === m[1] && a.kind === 'acquire' && a.variant === 'plain');
  if (!from || from.handleArg !== undefined || from.lockArg < 0) return undefined;
  const variant = m[2]!.endsWith('_irqsave') ? 'irq' : m[2]!.endsWith('_bh') ? 'bh' : undefined;
  const to = knowledge.locks.find((a) => a.kind === 'acquire' && a.family === from.family && a.variant === variant
    && a.mode === from.mode && a.handleArg === undefined && a.lockArg === from.lockArg && a.lockExpr === from.lockExpr);
  const oldRelease = matchingRelease(knowledge, from.name);
  const newRelease = to && matchingRelease(knowledge, to.name);
  if (!to || !oldRelease || !newRelease || oldRelease.handleArg !== undefined || newRelease.handleArg !== undefined
    || oldRelease.lockArg !== from.lockArg || newRelease.lockArg !== from.lockArg) return undefined;

  const start = offsetAt(text, finding.range.start);
  const acquire = callAt(text, start);
  if (!acquire || acquire.name !== from.name) return undefined;
  const lock = acquire.args[from.lockArg];
  if (lock === undefined) return undefined;
  const end = offsetAt(text, fnEnd);
  const edits: TextEdit[] = [rename(text, start, from, to.name)];
  let releases = 0;
  const names = new RegExp(`\\b(${from.name}|${oldRelease.name})\\s*\\(`, 'g');
  names.lastIndex = acquire.end;
  for (let r = names.exec(text); r && r.index < end; r = names.exec(text)) {
    const call = callAt(text, r.index);
    if (!call || call.args[from.lockArg] !== lock) continue;
    if (call.name === from.name) break; // taken again: its own releases are its own
    releases++;
    if (newRelease.name !== oldRelease.name) edits.push(rename(text, r.index, oldRelease, newRelease.name));
  }
  if (releases === 0) return undefined;
  const also = newRelease.name !== oldRelease.name ? ` (and release it with \`${newRelease.name}\`)` : '';
  return { title: `Take ${lock} with \`${to.name}\`${also}`, edits, isPreferred: true };
}

function rename(text: string, at: number, api: LockApi, name: string): TextEdit {
  return { range: { start: posAt(text, at), end: posAt(text, at + api.name.length) }, newText: name };
}

/** The call starting at `at` (`name(args)`): its arguments with blanks removed, and where it ends. */
function callAt(text: string, at: number): { name: string; args: string[]; end: number } | undefined {
  const head = /^([A-Za-z_]\w*)\s*\(/.exec(text.slice(at, at + 200));
  if (!head) return undefined;
  const args: string[] = [];
  let depth = 0;
  let cur = '';
  for (let i = at + head[0].length; i < text.length; i++) {
    const c = text[i]!;
    if (c === '(' || c === '[') depth++;
    if ((c === ')' || c === ']') && depth > 0) depth--;
    else if (c === ')') {
      args.push(cur.replace(/\s+/g, ''));
      return { name: head[1]!, args, end: i + 1 };
    }
    if (c === ',' && depth === 0) {
      args.push(cur.replace(/\s+/g, ''));
      cur = '';
    } else cur += c;
  }
  return undefined;
}
