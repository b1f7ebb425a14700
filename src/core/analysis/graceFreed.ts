import type { RefApi } from '../apis/types';
import { splitArgs } from './exprs';
import type { KnowledgeIndex } from './knowledgeIndex';

/**
 * Struct types a file frees only after a grace period whose readers need no read-side call:
 * userspace RCU in the style where every thread reads between its quiescent states
 * (`ovsrcu_postpone(free_fn, obj)`). An object of such a type found under a lock stays valid after
 * the unlock until this thread quiesces — the grace period, not the lock, keeps it alive.
 * Read from each function's text: the freed argument and the type it is declared with there.
 */
export function graceFreedTypes(functionTexts: readonly string[], index: KnowledgeIndex): Set<string> {
  const out = new Set<string>();
  const apis = implicitGraceApis(index);
  for (const [name, objArg] of apis) {
    for (const text of functionTexts) {
      if (!text.includes(name)) continue;
      for (const m of text.matchAll(new RegExp(`\\b${name}\\s*\\(([^;]*?)\\)\\s*;`, 'g'))) {
        const v = splitArgs(m[1]!)[objArg]?.replace(/^\([^()]*\)\s*/, '').trim();
        if (!v || !/^[A-Za-z_]\w*$/.test(v)) continue;
        const t = declaredType(text, v);
        if (t) out.add(t);
      }
    }
  }
  return out;
}

/** Deferred frees of the family whose readers are implicit (name → the freed argument). */
function implicitGraceApis(index: KnowledgeIndex): Map<string, number> {
  const out = new Map<string, number>();
  for (const [name, list] of index.refs) {
    for (const r of list) if (r.kind === 'free' && r.deferred === true && implicitReaders(r) && /^\w+$/.test(name)) out.set(name, r.objArg ?? 0);
  }
  return out;
}

/**
 * Whether a deferred free's grace period covers every thread between its quiescent states (the
 * ovsrcu family), not only threads inside a read-side section (`kfree_rcu`, `call_rcu`).
 */
export function implicitReaders(r: RefApi): boolean {
  return r.family === 'ovsrcu';
}

/** `struct foo *v`, `FOO *v` (parameter or local) in the function's text. */
function declaredType(text: string, v: string): string | undefined {
  const m = new RegExp(`(?:struct\\s+)?([A-Za-z_]\\w*)\\s*\\*\\s*(?:const\\s+)?${v}\\b\\s*[,;=)\\[]`).exec(text);
  return m && !/^(return|const|sizeof)$/.test(m[1]!) ? m[1] : undefined;
}
