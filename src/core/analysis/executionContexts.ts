import { blankCommentsAndStrings } from '../input/sniff';
import { CALLBACK_REGISTRATIONS, NOTHING_HELD_SLOT_TYPES, describeContext, type CallbackContext } from '../apis/callbackRegistrations';
import { argumentText, splitArgs } from './exprs';
import type { SlotBinding } from './opsTables';

/**
 * A function's execution context, read from how the code registers it rather than from a call:
 * `call_rcu(&dp->rcu, destroy_cb)` makes `destroy_cb` an RCU callback, `INIT_WORK(&w, fn)` a work
 * item, `.read = dev_read` in a `file_operations` table a file operation. Each runs later, from
 * another context, with none of the registering code's locks held — so a lock its body (or a
 * callee's) requires, or a shared container it changes without the lock its other writers hold,
 * is the bug there (apis/callbackRegistrations.ts lists the registrations).
 */
export interface Registration {
  /** The function registered (a name in the registering file's scope). */
  fn: string;
  context: CallbackContext;
  /** The registration call or the table's slot (`call_rcu`, `file_operations.read`). */
  via: string;
  /** 0-based line of the registration. */
  line: number;
}

const BY_NAME = new Map(CALLBACK_REGISTRATIONS.map((a) => [a.name, a]));
const CALL = new RegExp(`\\b(${CALLBACK_REGISTRATIONS.map((a) => a.name).join('|')})\\s*\\(`, 'g');

/** Registrations in a file: calls of the registration APIs and slots of nothing-held struct tables. */
export function registrationsIn(text: string, slots: readonly SlotBinding[]): Registration[] {
  const out: Registration[] = [];
  for (const s of slots) {
    const context = s.type !== undefined ? NOTHING_HELD_SLOT_TYPES.get(s.type) : undefined;
    if (context) out.push({ fn: s.fn, context, via: `${s.type!}.${s.member}`, line: -1 });
  }
  if (!CALLBACK_REGISTRATIONS.some((a) => text.includes(a.name))) return out;
  // Comments and strings blanked with spaces of the same length: offsets stay lines.
  const code = blankCommentsAndStrings(text);
  CALL.lastIndex = 0;
  for (let m = CALL.exec(code); m !== null; m = CALL.exec(code)) {
    const lineStart = code.lastIndexOf('\n', m.index) + 1;
    // The API's own `#define`, or a prototype's parameter list: not a registration.
    if (code.slice(lineStart, m.index).trimStart().startsWith('#')) continue;
    const api = BY_NAME.get(m[1]!)!;
    const args = splitArgs(argumentText(code, m.index + m[0].length));
    const fn = functionName(args[api.fnArg]);
    if (fn) out.push({ fn, context: api.context, via: api.name, line: lineOf(code, m.index) });
  }
  return out;
}

/** `destroy_cb`, `&destroy_cb`, `(void (*)(void *)) destroy_cb`, `(fn)`: the function named; otherwise undefined. */
function functionName(arg: string | undefined): string | undefined {
  if (!arg) return undefined;
  let t = arg.trim();
  for (let i = 0; i < 3; i++) t = t.replace(/^\(\s*[^()]*(?:\([^()]*\)[^()]*)*\)\s*(?=[A-Za-z_&(])/, '').replace(/^&\s*/, '').replace(/^\(\s*([A-Za-z_]\w*)\s*\)$/, '$1').trim();
  return /^[A-Za-z_]\w*$/.test(t) && !/^(NULL|0)$/.test(t) ? t : undefined;
}


function lineOf(text: string, index: number): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < index; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** Where a function is registered, program-wide: a `static` one only from its own file. */
export interface RegisteredAt {
  uri: string;
  registration: Registration;
}

export class ExecutionContexts {
  private readonly byName = new Map<string, RegisteredAt[]>();

  add(uri: string, registrations: readonly Registration[]): void {
    for (const r of registrations) {
      const list = this.byName.get(r.fn) ?? [];
      if (list.length < 16) list.push({ uri, registration: r });
      this.byName.set(r.fn, list);
    }
  }

  /** The registration that gives the function defined in `uri` a nothing-held context, if any. */
  of(uri: string, name: string, isStatic: boolean): RegisteredAt | undefined {
    const list = this.byName.get(name);
    if (!list) return undefined;
    return list.find((r) => r.uri === uri) ?? (isStatic ? undefined : list[0]);
  }
}

/** ` — \`fn\` runs as an RCU callback (\`call_rcu\` at datapath.c:1317), with no locks held`. */
export function contextClause(fn: string, at: RegisteredAt): string {
  const r = at.registration;
  const file = at.uri.slice(at.uri.lastIndexOf('/') + 1);
  const where = r.line >= 0 ? `\`${r.via}\` at ${file}:${r.line + 1}` : `\`${r.via}\` in ${file}`;
  return `\`${fn}\` runs as ${describeContext(r.context)} (${where}), with no locks held`;
}
