// The reference flow table on the flat state array: flows keyed by a flow key, each with a refcount,
// an ACTIVE/INACTIVE flag, a freed marker, whether it is still linked in the table, and whether a put
// that targeted it has completed (for stale-lookup). Actions and stats are not tracked as values: a
// "use" step reads them, which is all the invariants need. A freed flow keeps its slot so that later
// accesses can be recognised as use-after-free.

import * as layout from './layout';
import { ModelError } from '../model/types';

// Local copies: imported bindings are getter calls once compiled to CommonJS, and this is the inner loop.
const { F_ACTIVE, F_FREED, F_KEY, F_LINKED, FLOW_SIZE, MAX_FLOWS } = layout;

export interface LookupResult {
  /** Flow index or -1 (NULL). */
  flow: number;
  /** The walk touched a freed flow still linked in the table. */
  touchedFreed: number;
}

/** Bucket walk for `key`: the first linked flow with that key (ACTIVE only if asked). Flows start at `flowBase`. */
export function lookupFlow(flowBase: number, s: readonly number[], key: number, activeOnly: boolean): LookupResult {
  let touchedFreed = -1;
  const n = (s.length - flowBase) / FLOW_SIZE;
  for (let f = 0; f < n; f++) {
    const b = flowBase + f * FLOW_SIZE;
    if (s[b + F_LINKED] !== 1 || s[b + F_KEY] !== key) continue;
    if (s[b + F_FREED] === 1 && touchedFreed < 0) touchedFreed = f;
    if (activeOnly && s[b + F_ACTIVE] !== 1) continue;
    return { flow: f, touchedFreed };
  }
  return { flow: -1, touchedFreed };
}

export function insertFlow(flowBase: number, s: number[], key: number, refcount: number): number {
  const f = (s.length - flowBase) / FLOW_SIZE;
  if (f >= MAX_FLOWS) throw new ModelError(`more than ${MAX_FLOWS} flows: bound the loops that insert`);
  s.push(key, refcount, 1, 0, 1, 0);
  return f;
}

