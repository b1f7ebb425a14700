import type { MutatorApi } from '../apis/types';
import type { Finding } from '../findings';
import { RULES } from '../rules/registry';
import type { SourceRange } from '../source';
import { contextClause, type ExecutionContexts } from './executionContexts';
import type { FnAccesses } from './inferredGuards';
import { plainName } from './lockNames';

/**
 * unlocked-access, from execution contexts: a shared container that is a file-scope variable
 * (`static struct hmap all_objs`) is changed (`hmap_remove(&all_objs, …)`) in a function the code
 * registers to run later on another thread — an RCU callback, a postponed function, a work item,
 * a thread — without the lock every other writer of that container holds there. The registered
 * function runs concurrently with everything else, so its unlocked change races with the locked
 * ones. Only writes vote: readers of such containers are often one thread's own (a main loop),
 * so reads say nothing about the discipline. Quiet unless at least one other writer holds a lock
 * and every other writer that holds any lock holds that one (and they outnumber the other bare ones).
 */

interface Write {
  f: FnAccesses;
  api: string;
  container: string;
  held: string[];
  range: SourceRange;
}

const NOT_CONTAINERS = /free|Free/;

export function deferredWriteFindings(all: readonly FnAccesses[], contexts: ExecutionContexts, mutators: ReadonlyMap<string, MutatorApi>, isFileScope: (uri: string, name: string) => 'static' | 'global' | undefined): Finding[] {
  const byContainer = new Map<string, Write[]>();
  for (const f of all) {
    for (const c of f.data.calls) {
      const m = c.range ? mutators.get(c.name) : undefined;
      if (!m || NOT_CONTAINERS.test(c.name)) continue;
      const name = /^&([A-Za-z_]\w*)$/.exec(c.args[m.containerArg] ?? '')?.[1];
      // A parameter or local by that name is not the file's variable.
      if (!name || f.data.params.includes(name)) continue;
      const scope = isFileScope(f.uri, name);
      if (!scope) continue;
      const container = scope === 'static' ? `${name}@${f.uri}` : name;
      const list = byContainer.get(container) ?? [];
      list.push({ f, api: c.name, container: name, held: c.held, range: c.range! });
      byContainer.set(container, list);
    }
  }
  const out: Finding[] = [];
  for (const writes of byContainer.values()) {
    const locked = writes.filter((w) => w.held.length > 0);
    if (locked.length === 0) continue;
    for (const w of writes) {
      const at = contexts.of(w.f.uri, w.f.fn, w.f.isStatic);
      if (!at || at.registration.context === 'file-operation') continue;
      const others = locked.filter((x) => x.f !== w.f);
      const bare = writes.filter((x) => x.f !== w.f && x.held.length === 0);
      const guard = others[0]?.held.find((h) => others.every((x) => x.held.includes(h)));
      // More unlocked writers elsewhere than locked ones: no discipline to break.
      if (!guard || w.held.includes(guard) || bare.length > others.length) continue;
      out.push(finding(w, guard, others, contextClause(w.f.fn, at)));
    }
  }
  return out;
}

function finding(w: Write, guard: string, others: Write[], context: string): Finding {
  const lock = plainName(guard);
  const example = others[0]!;
  const names = [...new Set(others.map((x) => `\`${x.f.fn}\``))].slice(0, 3).join(', ');
  const message = `\`${w.container}\` is changed (\`${w.api}\`) without \`${lock}\`, which every other function that changes it holds there (${names}): ${context}, so it races with them. Take \`${lock}\` around the change`;
  return {
    ruleId: 'unlocked-access', severity: RULES['unlocked-access'].defaultSeverity, message, uri: w.f.uri, range: w.range,
    functionName: w.f.fn,
    related: [{ ...(example.f.uri !== w.f.uri ? { uri: example.f.uri } : {}), range: example.range, message: `\`${example.container}\` changed (\`${example.api}\`) with \`${lock}\` held in \`${example.f.fn}\`` }],
    path: [{ range: w.range, message: `\`${w.container}\` changed without \`${lock}\`` }],
    key: `unlocked-access:${w.f.fn}:${w.container}@deferred:${lock}`,
  };
}
