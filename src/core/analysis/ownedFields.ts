import type { SyntaxNode as Node } from '../c/syntax';
import { isBorrower } from '../apis/borrowers';
import { rangeOf, type SourceRange } from '../source';
import type { CallKnowledge } from './callKnowledge';
import { stripCasts, textMemo } from './exprs';
import { callArgs, calleeName } from './ops';
import type { KnowledgeIndex } from './knowledgeIndex';
import type { StructInfo } from './types';

/**
 * Owning fields freed with their owner. A field is owning when the file assigns it a new
 * reference from a `P_ref()` or `P_create()` call (`b->stats = stats_ref(s)`) and drops it with
 * the matching `P_unref(x->stats)`. A function that tears an object down — it drops other fields' references
 * (`P_unref(b->g)`) and then frees the object itself — leaks the owning fields it neither drops,
 * moves out, nor hands over with the object (`b` passed to another call first may release them).
 */

export interface OwnerFree {
  /** The freed object (a variable) and the owning field left behind. */
  obj: string;
  field: string;
  /** The free (or, for a destructor, the function itself), and the `P_ref`/`P_unref` pair that makes the field owning. */
  api: string;
  /** A destructor that drops the object's other owning fields but does not free it (the free comes later). */
  destructor?: { dropped: string[] };
  site: SourceRange;
  refName: string;
  unrefName: string;
}

const owning = textMemo<Map<string, string>>();

/** Field name → the `P` of the `P_ref`/`P_unref` pair the file uses on it. */
export function owningFields(text: string): Map<string, string> {
  let m = owning.get(text);
  if (m) return m;
  m = new Map();
  const assigned = new Set<string>();
  // `b->stats = stats_ref(s)`, also `o->stp = stp_create(...)`: a new reference of the field's own.
  for (const x of text.matchAll(/\b[A-Za-z_]\w*\s*->\s*([A-Za-z_]\w*)\s*=\s*([A-Za-z_]\w*)_(?:ref|create)\s*\(/g)) assigned.add(`${x[2]}:${x[1]}`);
  for (const x of text.matchAll(/\b([A-Za-z_]\w*)_unref\s*\(\s*[A-Za-z_]\w*\s*->\s*([A-Za-z_]\w*)\s*\)/g)) {
    if (assigned.has(`${x[1]}:${x[2]}`)) m.set(x[2]!, x[1]!);
  }
  owning.set(text, m);
  return m;
}

/** `P_ref` or `P_create`: the call the file assigns the owning field from. */
function assignedWith(text: string, field: string, p: string): string {
  return new RegExp(`->\\s*${field}\\s*=\\s*(${p}_(?:ref|create))\\s*\\(`).exec(text)?.[1] ?? `${p}_ref`;
}

/** The struct tag of a pointer variable declared in the function (`struct T *v`), if any. */
function structOfVariable(fnNode: Node, v: string): string | undefined {
  for (const d of fnNode.descendantsOfType(['parameter_declaration', 'declaration'])) {
    const type = d.childForFieldName('type');
    if (type?.type !== 'struct_specifier') continue;
    for (const dd of d.childrenForFieldName('declarator')) {
      let n: Node | null = dd.type === 'init_declarator' ? dd.childForFieldName('declarator') : dd;
      if (n?.type !== 'pointer_declarator') continue;
      n = n.childForFieldName('declarator');
      if (n?.type === 'identifier' && n.text === v) return type.childForFieldName('name')?.text;
    }
  }
  return undefined;
}

export function ownerFrees(fnNode: Node, body: Node, text: string, callOf: (name: string) => CallKnowledge, structOf: (name: string) => StructInfo | undefined): OwnerFree[] {
  const fields = owningFields(text);
  if (fields.size === 0) return [];
  const calls = body.indexedDescendants('call_expression');
  const out: OwnerFree[] = [];
  for (const call of calls) {
    const name = calleeName(call);
    if (!name) continue;
    const free = (callOf(name).refs ?? []).find((r) => r.kind === 'free');
    if (!free) continue;
    const arg = callArgs(call)[free.objArg ?? 0];
    const obj = arg ? stripCasts(arg.text) : '';
    if (!/^[A-Za-z_]\w*$/.test(obj)) continue;
    const tag = structOfVariable(fnNode, obj);
    const info = tag ? structOf(tag) : undefined;
    if (!info) continue;
    const mentions = (f: string): boolean => new RegExp(`\\b${obj}\\s*->\\s*${f}\\b`).test(body.text);
    // Handed whole to another call first: it may release the fields.
    const handed = calls.some((c) => c !== call && !isBorrower(calleeName(c) ?? '') && callArgs(c).some((a) => stripCasts(a.text) === obj));
    if (handed) continue;
    // A teardown: some other field's reference is dropped here.
    const dropsOthers = calls.some((c) => /_unref$/.test(calleeName(c) ?? '') && callArgs(c).some((a) => new RegExp(`^${obj}\\s*->\\s*\\w+$`).test(stripCasts(a.text))));
    if (!dropsOthers) continue;
    for (const [field, p] of fields) {
      if (!(field in info.fields) || mentions(field)) continue;
      out.push({ obj, field, api: name, site: rangeOf(call), refName: assignedWith(text, field, p), unrefName: `${p}_unref` });
    }
  }
  return out;
}

/** Names of functions whose job is tearing an object down. */
const TEARDOWN = /(?:destroy|destruct|dealloc|uninit|teardown|cleanup|fini)|(?:^|_)free(?:_|$)/i;

/** A teardown that drops field references (`P_unref(o->f)`): destructor completeness needs its analysis. */
export function dropsFieldsInTeardown(name: string, text: string): boolean {
  return TEARDOWN.test(name) && /_unref\s*\(\s*[A-Za-z_]\w*\s*->/.test(text);
}
/** Calls that release what they are given, by name, when no API or body says so. */
const RELEASE_NAME = /(?:_unref|_destroy|_free|_delete|_release|_uninit|^free)$/;

/**
 * Field classes (`T::f`, lockClass.ts) whose reference or memory the body releases —
 * `P_unref(x->f)`, `free(x->f)`, a put or free the API knows — and, transitively, those its
 * callees' summaries release when a callee is handed one of `params` (a helper tearing down
 * the caller's object; a callee given only locals releases nothing of the caller's: without
 * this limit every function that can reach a fatal-error path "releases" what the logging
 * code frees, and the sets creep around the program's call cycles one round at a time).
 * Capped; `*` when the cap is hit (it may release anything).
 */
export function releasedFieldClasses(body: Node, params: readonly string[], callOf: (name: string) => CallKnowledge, classOf: (id: string) => string): string[] {
  const out = new Set<string>();
  const own = params.filter((p) => p.length > 0);
  const handsParam = own.length === 0 ? null : new RegExp(`^[&*(\\s]*(?:${own.map((p) => p.replace(/[$]/g, '\\$&')).join('|')})\\b`);
  for (const call of body.indexedDescendants('call_expression')) {
    const name = calleeName(call);
    if (!name) continue;
    const k = callOf(name);
    const inherited = k.summary?.releasedFields ?? [];
    if (inherited.length > 0 && handsParam && callArgs(call).some((a) => handsParam.test(stripCasts(a.text)))) for (const c of inherited) out.add(c);
    const releases = RELEASE_NAME.test(name) || (k.refs ?? []).some((r) => r.kind === 'put' || r.kind === 'free' || r.kind === 'destroy');
    if (!releases) continue;
    for (const a of callArgs(call)) {
      const t = stripCasts(a.text).replace(/^&/, '');
      if (/^[A-Za-z_]\w*(?:->|\.)[A-Za-z_]\w*/.test(t)) {
        const cls = classOf(t);
        if (cls.includes('::')) out.add(cls);
      }
    }
  }
  if (out.has('*') || out.size > 64) return ['*'];
  return [...out].sort();
}

/**
 * Destructor completeness: a function named for teardown that drops at least three owning
 * fields of one object (`a_unref(o->a); b_unref(o->b); c_unref(o->c)`) without freeing it (a
 * later stage does) leaks the owning fields of that object it neither drops nor reads. A helper
 * given the whole object may drop them: one with no body in sight keeps the function quiet; one
 * with a body does only for the field classes its summary releases.
 */
export function destructorGaps(fnNode: Node, fnName: string, body: Node, text: string, index: KnowledgeIndex, callOf: (name: string) => CallKnowledge, structOf: (name: string) => StructInfo | undefined, classOf: (id: string) => string): OwnerFree[] {
  if (!TEARDOWN.test(fnName)) return [];
  const fields = owningFields(text);
  if (fields.size < 4) return [];
  const calls = body.indexedDescendants('call_expression');
  // Object → its owning fields dropped here, and the last such drop.
  const dropped = new Map<string, { fields: Set<string>; last: Node }>();
  for (const call of calls) {
    const name = calleeName(call);
    const m = name ? /^([A-Za-z_]\w*)_unref$/.exec(name) : null;
    const arg = m ? callArgs(call)[0] : undefined;
    const f = arg ? /^([A-Za-z_]\w*)\s*->\s*([A-Za-z_]\w*)$/.exec(stripCasts(arg.text)) : null;
    if (!m || !f || fields.get(f[2]!) !== m[1]) continue;
    const d = dropped.get(f[1]!) ?? { fields: new Set<string>(), last: call };
    d.fields.add(f[2]!);
    d.last = call;
    dropped.set(f[1]!, d);
  }
  // Freed here too: ownerFrees speaks of it.
  const freed = new Set<string>();
  for (const call of calls) {
    const free = (callOf(calleeName(call) ?? '').refs ?? []).find((r) => r.kind === 'free');
    const arg = free ? callArgs(call)[free.objArg ?? 0] : undefined;
    if (arg) freed.add(stripCasts(arg.text));
  }
  const out: OwnerFree[] = [];
  for (const [obj, d] of dropped) {
    if (d.fields.size < 3 || freed.has(obj)) continue;
    const tag = structOfVariable(fnNode, obj);
    const info = tag ? structOf(tag) : undefined;
    if (!info) continue;
    const first = Object.keys(info.fields)[0];
    // Helpers given the whole object (or its first member, the same address): what may they release?
    const helperReleases = new Set<string>();
    let unknownHelper = false;
    for (const c of calls) {
      const name = calleeName(c) ?? '';
      const whole = callArgs(c).some((a) => {
        const t = stripCasts(a.text);
        return t === obj || (first !== undefined && t.replace(/\s+/g, '') === `&${obj}->${first}`);
      });
      // An iterator macro over one of its containers (`FOR_EACH_TABLE (t, &o->up)`) walks it, releasing nothing.
      // A container operation on its node (`hmap_remove(&all, &o->node)`) links or unlinks it, releasing nothing.
      if (!whole || isBorrower(name) || /for_?(each|all)|foreach/i.test(name) || index.mutators.has(name)) continue;
      const summary = name ? callOf(name).summary : undefined;
      if (!summary?.defined) unknownHelper = true;
      for (const cls of summary?.releasedFields ?? []) helperReleases.add(cls);
    }
    if (unknownHelper || helperReleases.has('*')) continue;
    const mentions = (f: string): boolean => new RegExp(`\\b${obj}\\s*->\\s*${f}\\b`).test(body.text);
    for (const [field, p] of fields) {
      if (!(field in info.fields) || mentions(field) || helperReleases.has(classOf(`${obj}->${field}`))) continue;
      out.push({ obj, field, api: fnName, site: rangeOf(d.last), refName: assignedWith(text, field, p), unrefName: `${p}_unref`, destructor: { dropped: [...d.fields] } });
    }
  }
  return out;
}
