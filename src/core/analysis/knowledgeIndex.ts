import { FLOW_TABLE_BUILTINS } from '../apis/flowTableBuiltins';
import type { ApiKnowledge, HeldAssertionApi, LockApi, MutatorApi, RefApi } from '../apis/types';

/** Name-keyed lookups over the API knowledge; built once per analysis run. */
export interface KnowledgeIndex {
  locks: Map<string, LockApi>;
  refs: Map<string, RefApi[]>;
  noReturn: Set<string>;
  mutators: Map<string, MutatorApi>;
  heldAssertions: Map<string, HeldAssertionApi>;
  /** A regex that matches any known lock call name (to tell when an ERROR node hides one). */
  lockNames: Set<string>;
  /** Flow-table lookups (built-in and `flowTable` config): what they return lives only as long as the table's lock. */
  lookups: Set<string>;
  /** Flow-table calls that unlink or free what they are given. */
  unlinks: Set<string>;
}

const cache = new WeakMap<ApiKnowledge, KnowledgeIndex>();

export function indexKnowledge(k: ApiKnowledge): KnowledgeIndex {
  const hit = cache.get(k);
  if (hit) return hit;
  const locks = new Map<string, LockApi>();
  for (const l of k.locks) locks.set(l.name, l);
  const refs = new Map<string, RefApi[]>();
  for (const r of k.refs) {
    const list = refs.get(r.name);
    if (list) list.push(r);
    else refs.set(r.name, [r]);
  }
  const idx: KnowledgeIndex = {
    locks,
    refs,
    noReturn: new Set(k.noReturn.map((n) => n.name)),
    mutators: new Map(k.mutators.map((m) => [m.name, m])),
    heldAssertions: new Map((k.heldAssertions ?? []).map((a) => [a.name, a])),
    lockNames: new Set(locks.keys()),
    lookups: new Set([...FLOW_TABLE_BUILTINS.filter((a) => a.effects.includes('lookup')).map((a) => a.name), ...(k.flowTable?.lookup ?? [])]),
    unlinks: new Set([...FLOW_TABLE_BUILTINS.filter((a) => a.effects.some((e) => e === 'unlink' || e === 'free' || e === 'deferredFree' || e === 'freeMaybeDeferred')).map((a) => a.name), ...(k.flowTable?.remove ?? []), ...(k.flowTable?.free ?? [])]),
  };
  cache.set(k, idx);
  return idx;
}
