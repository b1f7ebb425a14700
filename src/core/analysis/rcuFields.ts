import { blankCommentsAndStrings } from '../input/sniff';
import type { SourceRange } from '../source';
import { rcuDeferredFree, rcuLoad, rcuPublisher } from '../apis/rcuPublish';
import { normalizeLvalue, ownerOf, splitArgs, stripCasts } from './exprs';
import { isGracePeriod } from './rcuUnlink';

/**
 * RCU-published fields, file by file. A field is RCU-published when the file stores new values in
 * it for lock-free readers (`rcu_assign_pointer(v->cfg, n)`, `ovsrcu_set(&m->impl, n)`) and retires
 * its old values only after a grace period (`old = rcu_dereference(v->cfg); …; call_rcu(&old->rcu,
 * cb)`, `ovsrcu_postpone(free_fn, old)`, or `synchronize_rcu(); kfree(old)`). Freeing such a field's *current* value with a plain free
 * (`kfree(v->cfg)`) while readers may still load it is the `rcu-free` shape of a destroy path that
 * forgot the grace period. Read from the function texts of one file, like graceFreed.ts.
 */

export interface RcuFieldEvidence {
  /** The struct type of the field's owner where the code declares it (`struct bridge *br`), else any. */
  type?: string;
  /** Where the file publishes a new value, and where it frees an old one after a grace period. */
  publishApi: string;
  publishSite: SourceRange;
  deferApi: string;
  deferSite: SourceRange;
}

export type LoadSide = 'plain' | 'reader' | 'writer';

/** A same-file function that returns a load of a parameter's field (`return ovsrcu_get(T, &m->impl);`). */
export interface RcuAccessor {
  param: number;
  field: string;
  side: LoadSide;
}

export interface RcuFieldTable {
  /** Field name → the evidence that it is RCU-published with deferred frees (one per owner type). */
  fields: Map<string, RcuFieldEvidence[]>;
  accessors: Map<string, RcuAccessor>;
  /** Functions the file hands to a deferred free as its callback: they run after a grace period. */
  callbacks: Set<string>;
}

/** What the table is read from: one function of the file. */
export interface RcuFieldSource {
  name: string;
  params: readonly string[];
  text: string;
  /** Where `text` starts in the file. */
  start: { line: number; column: number };
}

interface CallAt {
  name: string;
  args: string[];
  index: number;
}

/** Calls of the names `isNamed` accepts, with their top-level arguments. */
function callsIn(code: string, isNamed: (name: string) => boolean): CallAt[] {
  const out: CallAt[] = [];
  for (const m of code.matchAll(/(?<![\w.>])([A-Za-z_]\w*)\s*\(/g)) {
    if (!isNamed(m[1]!)) continue;
    const open = m.index + m[0].length - 1;
    let depth = 0;
    let end = -1;
    for (let i = open; i < code.length; i++) {
      const ch = code[i];
      if (ch === '(') depth++;
      else if (ch === ')' && --depth === 0) {
        end = i;
        break;
      }
    }
    if (end < 0) continue;
    out.push({ name: m[1]!, args: splitArgs(code.slice(open + 1, end)), index: m.index });
  }
  return out;
}

/** `base->field` / `base.field` (after casts and `&` are gone), or undefined. */
function placeOf(text: string): { base: string; field: string } | undefined {
  const t = normalizeLvalue(text);
  const m = /^(.+?)(?:->|\.)([A-Za-z_]\w*)$/.exec(t);
  if (!m || !/^[A-Za-z_][\w.>\-[\]]*$/.test(m[1]!)) return undefined;
  return { base: m[1]!, field: m[2]! };
}

/**
 * The field an expression loads, with the base it is loaded from and how: `v->cfg` (plain),
 * `rcu_dereference(v->cfg)`, `ovsrcu_get(T, &m->impl)` (reader side), `*_protected(…)` (writer
 * side), or a call of a same-file accessor (`impl_of(m)`).
 */
export function fieldLoad(expr: string, accessors: ReadonlyMap<string, RcuAccessor>): { base: string; field: string; side: LoadSide } | undefined {
  const t = stripCasts(expr);
  const call = /^([A-Za-z_]\w*)\((.*)\)$/.exec(t);
  if (call) {
    const args = splitArgs(call[2]!);
    const load = rcuLoad(call[1]!);
    if (load) {
      const arg = args[load.address && args.length > 1 ? 1 : 0];
      if (!arg) return undefined;
      const place = placeOf(load.address ? arg.replace(/^&/, '') : arg);
      return place && { ...place, side: load.side };
    }
    const acc = accessors.get(call[1]!);
    const base = acc ? args[acc.param] : undefined;
    return acc && base ? { base: stripCasts(base), field: acc.field, side: acc.side } : undefined;
  }
  if (t.startsWith('&') || /[()]/.test(t)) return undefined;
  const place = placeOf(t);
  return place && { ...place, side: 'plain' };
}

/** The value a local is given in the function, when it is given exactly one (`old = rcu_dereference(v->cfg)`). */
export function soleAssignment(code: string, v: string): string | undefined {
  let found: string | undefined;
  for (const m of code.matchAll(new RegExp(`(?<![\\w.>&])${v}\\s*=(?!=)\\s*([^;]+);`, 'g'))) {
    if (found !== undefined) return undefined;
    found = m[1]!.trim();
  }
  // `&v` lets a call give it another value (`&v->member` is only a member's address).
  if (found === undefined || new RegExp(`&\\s*${v}\\b(?!\\s*(->|\\.|\\[))`).test(code)) return undefined;
  return found;
}

function siteOf(src: RcuFieldSource, index: number, length: number): SourceRange {
  const before = src.text.slice(0, index);
  const nl = before.lastIndexOf('\n');
  const line = src.start.line + (before.match(/\n/g)?.length ?? 0);
  const column = nl < 0 ? src.start.column + index : index - nl - 1;
  return { start: { line, column }, end: { line, column: column + length } };
}

/** Same-file accessors: every `return` of the function loads one field of one parameter. */
function accessorOf(src: RcuFieldSource, code: string): RcuAccessor | undefined {
  let acc: RcuAccessor | undefined;
  const empty = new Map<string, RcuAccessor>();
  for (const m of code.matchAll(/\breturn\s+([^;]+);/g)) {
    const load = fieldLoad(m[1]!, empty);
    if (!load || load.side === 'plain') return undefined;
    const param = src.params.indexOf(load.base);
    if (param < 0 || (acc && (acc.param !== param || acc.field !== load.field || acc.side !== load.side))) return undefined;
    acc = { param, field: load.field, side: load.side };
  }
  return acc;
}

const MENTIONS = /\b(rcu_assign_pointer|RCU_INIT_POINTER|rcu_replace_pointer|ovsrcu_set|ovsrcu_init|ovsrcu_set_hidden)\b/;

function sameType(a: string | undefined, b: string | undefined): boolean {
  return a === undefined || b === undefined || a === b;
}

/** The struct type a variable is declared with in the function (`struct bridge *br`, `BRIDGE *br`), if it is a plain variable. */
function baseType(code: string, base: string): string | undefined {
  if (!/^[A-Za-z_]\w*$/.test(base)) return undefined;
  const m = new RegExp(`(?:struct\\s+)?([A-Za-z_]\\w*)\\s*\\*\\s*(?:const\\s+)?${base}\\s*[,;=)\\[]`).exec(code);
  return m && !/^(return|const|sizeof|void)$/.test(m[1]!) ? m[1] : undefined;
}

/** Names of frees that free at once (not after a grace period), from the API knowledge. */
export function plainFrees(refs: ReadonlyMap<string, readonly { kind: string; deferred?: boolean }[]>): Set<string> {
  const out = new Set<string>();
  for (const [name, list] of refs) if (list.some((r) => r.kind === 'free' && r.deferred !== true)) out.add(name);
  return out;
}

export function emptyRcuFieldTable(): RcuFieldTable {
  return { fields: new Map(), accessors: new Map(), callbacks: new Set() };
}

/**
 * `frees`: names of plain frees (API knowledge); an old value freed by one of them after a wait for
 * a grace period earlier in the same function (`synchronize_rcu(); kfree(old)`) is retired too.
 */
export function rcuFieldTable(sources: readonly RcuFieldSource[], frees?: ReadonlySet<string>): RcuFieldTable {
  const table = emptyRcuFieldTable();
  // Most files publish nothing: one test of each function's text decides.
  const relevant = sources.filter((s) => MENTIONS.test(s.text) || /_dereference|ovsrcu_get|call_rcu|kfree_rcu|ovsrcu_postpone|synchronize_|rcu_barrier/.test(s.text));
  if (relevant.length === 0) return table;
  const codes = new Map(relevant.map((s) => [s, blankCommentsAndStrings(s.text)]));
  for (const [s, code] of codes) {
    const acc = accessorOf(s, code);
    if (acc) table.accessors.set(s.name, acc);
  }
  type Site = { api: string; site: SourceRange; type?: string };
  const published = new Map<string, Site[]>();
  const deferred = new Map<string, Site[]>();
  const add = (m: Map<string, Site[]>, field: string, x: Site): void => {
    const list = m.get(field) ?? [];
    if (!list.some((y) => y.type === x.type)) m.set(field, [...list, x]);
  };
  for (const [s, code] of codes) {
    const waits = callsIn(code, isGracePeriod);
    for (const c of callsIn(code, (n) => rcuPublisher(n) !== undefined || rcuDeferredFree(n) !== undefined || (waits.length > 0 && frees?.has(n) === true))) {
      const pub = rcuPublisher(c.name);
      if (pub) {
        const arg = c.args[0] ?? '';
        const place = placeOf(pub.address ? arg.replace(/^\s*&/, '') : arg);
        if (place && (!pub.address || arg.trim().startsWith('&'))) add(published, place.field, { api: c.name, site: siteOf(s, c.index, c.name.length), type: baseType(code, place.base) });
        continue;
      }
      const d = rcuDeferredFree(c.name) ?? (waits.some((w) => w.index < c.index) ? { obj: 0, member: false } : undefined);
      if (!d) continue;
      if (d.callback !== undefined) {
        const cb = c.args[d.callback]?.trim();
        if (cb && /^[A-Za-z_]\w*$/.test(cb)) table.callbacks.add(cb);
      }
      let obj = c.args[d.obj]?.trim();
      if (!obj) continue;
      if (d.member) {
        if (!obj.startsWith('&')) continue;
        obj = ownerOf(normalizeLvalue(obj.slice(1)));
      }
      const v = stripCasts(obj);
      const value = /^[A-Za-z_]\w*$/.test(v) ? soleAssignment(code, v) : v;
      const load = value !== undefined ? fieldLoad(value, table.accessors) : undefined;
      if (!load) continue;
      const wait = rcuDeferredFree(c.name) ? undefined : waits.filter((w) => w.index < c.index).pop();
      const type = baseType(code, load.base);
      add(deferred, load.field, wait ? { api: `${wait.name} then ${c.name}`, site: siteOf(s, wait.index, wait.name.length), type } : { api: c.name, site: siteOf(s, c.index, c.name.length), type });
    }
  }
  // A field of one struct type published and retired in the file (an unknown type matches any).
  for (const [field, ds] of deferred) {
    const out: RcuFieldEvidence[] = [];
    for (const d of ds) {
      const p = (published.get(field) ?? []).find((x) => sameType(x.type, d.type));
      const type = d.type ?? p?.type;
      if (p && !out.some((e) => e.type === type)) out.push({ ...(type ? { type } : {}), publishApi: p.api, publishSite: p.site, deferApi: d.api, deferSite: d.site });
    }
    if (out.length > 0) table.fields.set(field, out);
  }
  return table;
}

/** A free of an RCU-published field's current value, as one function sees it. */
export interface RcuFieldFree {
  field: string;
  base: string;
  /** The place (`v->cfg`) and, when the value went through a local first, that local. */
  place: string;
  local?: string;
  evidence: RcuFieldEvidence;
}

/**
 * One function's view of its file's table: which of its frees free an RCU-published field's
 * current value. Undefined for functions that cannot have one (the file publishes no field with
 * deferred frees, the function names none of them, or it is itself a grace-period callback).
 */
export class RcuFieldScope {
  private readonly code: string;
  private readonly memo = new Map<string, RcuFieldFree | null>();
  constructor(private readonly table: RcuFieldTable, text: string) {
    this.code = blankCommentsAndStrings(text);
  }

  /**
   * The field whose current value the freed argument is: loaded plain or on the reader side
   * (`rcu_dereference`, `ovsrcu_get`, a reader accessor), directly or through a local given that
   * value once. A writer-side load (`*_protected`, `rcu_dereference_raw`, `rtnl_dereference`) is the
   * code's claim that no reader can reach the object any more: not this shape. A function that
   * assigns the place itself (`v->cfg = kmalloc(…)` in a constructor's error path) frees its own value.
   */
  freed(arg: string): RcuFieldFree | undefined {
    let r = this.memo.get(arg);
    if (r === undefined) this.memo.set(arg, (r = this.resolve(arg) ?? null));
    return r ?? undefined;
  }

  private resolve(arg: string): RcuFieldFree | undefined {
    const t = stripCasts(arg);
    let local: string | undefined;
    let load = fieldLoad(t, this.table.accessors);
    if (!load && /^[A-Za-z_]\w*$/.test(t)) {
      const value = soleAssignment(this.code, t);
      load = value !== undefined ? fieldLoad(value, this.table.accessors) : undefined;
      local = t;
    }
    if (!load || load.side === 'writer') return undefined;
    const type = baseType(this.code, load.base);
    const evidence = this.table.fields.get(load.field)?.find((e) => sameType(e.type, type));
    if (!evidence) return undefined;
    const place = `${load.base}->${load.field}`;
    const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/->/g, '\\s*->\\s*');
    if (new RegExp(`(?<![\\w.>])${esc(place)}\\s*=(?!=)|\\bovsrcu_init\\s*\\(\\s*&\\s*${esc(place)}\\b`).test(this.code)) return undefined;
    return { field: load.field, base: load.base, place, local, evidence };
  }
}

export function rcuFieldScope(table: RcuFieldTable | undefined, fnName: string, text: string): RcuFieldScope | undefined {
  if (!table || table.fields.size === 0 || table.callbacks.has(fnName)) return undefined;
  let names = false;
  for (const f of table.fields.keys()) if (text.includes(f)) names = true;
  for (const a of table.accessors.keys()) if (text.includes(a)) names = true;
  return names ? new RcuFieldScope(table, text) : undefined;
}

/** The part of the table one function's analysis reads (a change to it makes the function's results stale). */
export function rcuFieldsSeenBy(table: RcuFieldTable | undefined, fnName: string, text: string): string {
  if (!table || table.fields.size === 0) return '';
  const fields = [...table.fields].filter(([f]) => text.includes(f)).flatMap(([f, es]) => es.map((e) => `${f}:${e.type ?? ''}:${e.publishApi}@${e.publishSite.start.line}:${e.deferApi}@${e.deferSite.start.line}`));
  const accessors = [...table.accessors].filter(([a]) => text.includes(a)).map(([a, x]) => `${a}:${x.param}:${x.field}:${x.side}`);
  return `${fields.join(',')};${accessors.join(',')};${table.callbacks.has(fnName) ? 'cb' : ''}`;
}
