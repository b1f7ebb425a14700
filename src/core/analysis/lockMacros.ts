import type { Contract } from './contracts';
import { normalizeLvalue, parameterize } from './exprs';
import type { KnowledgeIndex } from './knowledgeIndex';

/**
 * Function-like macros that only wrap one lock call on their argument —
 * `#define mpsc_queue_acquire(q) do { ovs_mutex_lock(&(q)->read_lock); } while (0)` — act like
 * functions with that contract: callers of the macro hold (or release) the lock. Read from the
 * inputs' `#define` lines, never by name.
 */
const DEFINE = /^[ \t]*#[ \t]*define[ \t]+([A-Za-z_]\w*)\(([A-Za-z_]\w*)\)[ \t]*(?:do[ \t]*\{)?[ \t\\\n]*([A-Za-z_]\w*)[ \t]*\(([^;{}]*)\)[ \t]*;?[ \t\\\n]*(?:\}[ \t]*while[ \t]*\([ \t]*0[ \t]*\))?[ \t]*$/gm;

export function lockMacroContracts(text: string, index: KnowledgeIndex): Map<string, Contract> {
  const out = new Map<string, Contract>();
  if (!text.includes('#define') && !text.includes('# define')) return out;
  DEFINE.lastIndex = 0;
  for (let m = DEFINE.exec(text); m !== null; m = DEFINE.exec(text)) {
    const [, name, param, inner, argText] = m;
    const api = index.locks.get(inner!);
    if (!api || (api.kind !== 'acquire' && api.kind !== 'release')) continue;
    const arg = argText!.split(',')[api.lockArg ?? 0]?.trim();
    if (!arg || !new RegExp(`\\b${param}\\b`).test(arg)) continue;
    // `&(q)->read_lock` → `$0->read_lock` (the lock object, as contracts name it).
    const lock = parameterize(normalizeLvalue(arg.replace(/^&\s*/, '').replace(new RegExp(`\\(\\s*${param}\\s*\\)`, 'g'), param)), [param!]);
    out.set(name!, { effects: [{ lock, op: api.kind, mode: api.mode, family: api.family, variant: api.variant ?? '*', source: 'annotation' }], isStatic: false });
  }
  return out;
}
