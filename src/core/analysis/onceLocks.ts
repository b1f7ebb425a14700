import type { SyntaxNode as Node } from '../c/syntax';
import { ONCE_CALLS, type OnceApi } from '../apis/onceCalls';
import { lockIdentity, rootVariable } from './exprs';
import { fileTag } from './lockNames';

/**
 * `pthread_once(&once, init)` as a lock: every caller but the first waits until `init` returns,
 * so holding lock A while calling it, when `init` (or what it calls) takes A, deadlocks two
 * threads — a lock-order cycle through the once object (`once → A` inside, `A → once` outside).
 * The once object is named like a lock; a `static` local one (the usual spelling) is one object
 * for the whole program, named after its function.
 */

const BY_NAME = new Map(ONCE_CALLS.map((a) => [a.name, a]));

export function onceApi(name: string): OnceApi | undefined {
  return BY_NAME.get(name);
}

/** Initialiser functions a body passes to run-once calls (they run as calls of it). */
export function onceInitialisers(body: string): string[] {
  const out: string[] = [];
  for (const api of ONCE_CALLS) {
    if (!body.includes(api.name)) continue;
    const re = new RegExp(`\\b${api.name}\\s*\\(`, 'g');
    for (let m = re.exec(body); m !== null; m = re.exec(body)) {
      const args = argsAt(body, m.index + m[0].length);
      const fn = args[api.fnArg]?.trim().replace(/^&\s*/, '');
      if (fn && /^[A-Za-z_]\w*$/.test(fn)) out.push(fn);
    }
  }
  return out;
}

function argsAt(text: string, start: number): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (let i = start; i < text.length && i - start < 2000; i++) {
    const c = text[i]!;
    if (c === '(') depth++;
    else if (c === ')') {
      if (depth === 0) break;
      depth--;
    }
    if (c === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

/** The once object's lock identity and display, or undefined when the argument is not a plain object. */
export function onceLock(arg: Node, fnName: string, uri: string, isLocal: (name: string) => boolean, qualify: (id: string) => string): { id: string; display: string } | undefined {
  const id = lockIdentity(arg.text, false);
  const root = rootVariable(id);
  if (!root || !/^[A-Za-z_]\w*((->|\.)[A-Za-z_]\w*)*$/.test(id)) return undefined;
  if (!isLocal(root)) return { id: qualify(id), display: arg.text.replace(/^&\s*/, '') };
  // A local once object is `static` (an automatic one would run every time): this function's own, program-wide.
  // Named as a member of its function (`clock_init.once`): C functions and globals share one namespace.
  return { id: `${fnName}@${fileTag(uri)}.${id}`, display: `${fnName}.${id}` };
}
