import type { Tree } from 'web-tree-sitter';
import { toSyntax, type SyntaxNode } from '../c/syntax';
import { walkTopLevel } from '../c/topLevel';
import { normalizeLvalue } from './exprs';
import type { StructInfo, SummaryTable } from './types';
import type { LockAnnotation } from '../c/annotations';

/**
 * Lock classes for lock order: two functions name the same lock when their access paths reach the
 * same field of the same struct type (`dp->lock` with `struct datapath *dp` in one function and
 * `port->dp->lock` in another, when `struct vport` has `struct datapath *dp`). Locals assigned
 * once from a pure expression are aliases (`dp = port->dp; spin_lock(&dp->lock)`).
 */

type AnyNode = SyntaxNode;

export function typeName(typeNode: AnyNode | null): string | null {
  if (!typeNode) return null;
  if (typeNode.type === 'struct_specifier' || typeNode.type === 'union_specifier') {
    const name = typeNode.childForFieldName('name');
    return name ? name.text : null;
  }
  if (typeNode.type === 'type_identifier' || typeNode.type === 'primitive_type' || typeNode.type === 'sized_type_specifier') return typeNode.text;
  return null;
}

/** Declarator name, skipping pointers and arrays (`*dp`, `ports[16]`). */
export function declName(d: AnyNode | null): string | null {
  let n: AnyNode | null = d;
  for (let g = 0; n && g < 16; g++) {
    if (n.type === 'identifier' || n.type === 'field_identifier' || n.type === 'type_identifier') return n.text;
    n = n.childForFieldName('declarator') ?? n.namedChildren.find((c) => c.type.endsWith('declarator') || c.type === 'identifier' || c.type === 'field_identifier' || c.type === 'type_identifier') ?? null;
  }
  return null;
}

/** The node kinds on a declarator's way down to its name (`*p`, `a[4]`, `x = 3`). */
function declaratorKinds(d: AnyNode | null): string {
  const kinds: string[] = [];
  let n: AnyNode | null = d;
  for (let g = 0; n && g < 16 && n.type !== 'identifier'; g++) {
    kinds.push(n.type);
    n = n.childForFieldName('declarator');
  }
  return kinds.join(' ');
}

const STRUCT_SITES = new Set(['struct_specifier', 'type_definition', 'declaration']);

/** Annotations that say which lock guards a field (clang's `guarded_by`, SAL's `_Guarded_by_`, the kernel's `__guarded_by`). */
const GUARD_MACROS = new Set(['OVS_GUARDED', 'OVS_GUARDED_BY', '_Guarded_by_', '__guarded_by']);

/** A lock-typed member: what a bare `OVS_GUARDED` means (the nearest such member declared above). */
const LOCK_TYPE = /^(ovs_mutex|ovs_rwlock|ovs_spin|fat_rwlock|mutex|spinlock|spinlock_t|rwlock_t|rw_semaphore|semaphore|seqlock_t|pthread_mutex_t|pthread_rwlock_t|pthread_spinlock_t|NDIS_SPIN_LOCK|NDIS_RW_LOCK_EX|PNDIS_RW_LOCK_EX|KSPIN_LOCK|ERESOURCE|FAST_MUTEX|KMUTEX|EX_PUSH_LOCK|\w*_lock_t|\w*_mutex_t)$/;

/** Struct field types of the file's top-level struct definitions, by tag and by typedef name. */
export function structSummaries(tree: Tree, text: string, annotations: readonly LockAnnotation[] = []): Map<string, StructInfo> {
  const guards = annotations.filter((a) => GUARD_MACROS.has(a.macro));
  const out = new Map<string, StructInfo>();
  if (!text.includes('struct')) return out;
  // Struct-bearing top-level nodes, each copied to plain JS once.
  const sites: SyntaxNode[] = [];
  walkTopLevel(tree, (cursor, type) => {
    if (!STRUCT_SITES.has(type) || cursor.currentDepth === 0) return type === 'ERROR' ? 'skip' : 'descend';
    if (text.slice(cursor.startIndex, cursor.endIndex).includes('{')) sites.push(toSyntax(cursor.currentNode, text, true));
    return 'skip';
  });
  for (const site of sites) {
    for (const spec of site.descendantsOfType('struct_specifier')) {
      const body = spec.childForFieldName('body');
      const name = spec.childForFieldName('name')?.text;
      if (!body) continue;
      const fields: Record<string, string> = Object.create(null) as Record<string, string>;
      const pointers: Record<string, boolean> = Object.create(null) as Record<string, boolean>;
      let guardedBy: Record<string, string> | undefined;
      let lastLock: string | undefined;
      let prevEnd = body.startIndex;
      for (const f of body.namedChildren) {
        const from = prevEnd;
        prevEnd = f.endIndex;
        if (f.type !== 'field_declaration') continue;
        const t = typeName(f.childForFieldName('type'));
        if (!t) continue;
        const names: string[] = [];
        for (const d of f.childrenForFieldName('declarator')) {
          const n = declName(d);
          if (n) fields[n] = t;
          if (n) names.push(n);
          if (n && d.type === 'pointer_declarator') pointers[n] = true;
        }
        // Annotations were blanked in place: the one inside this declaration (or just before it, SAL style) is its guard.
        const g = guards.find((a) => a.offset >= from && a.offset < f.endIndex);
        if (g) {
          // A bare OVS_GUARDED is clang's guarded_var (some lock held); `~m` reads "the nearest lock
          // member m above it, or any lock not named m" (guardedFields.ts).
          const lock = g.args.trim().replace(/^&\s*/, '') || (g.macro === 'OVS_GUARDED' && lastLock ? `~${lastLock}` : undefined);
          if (lock) {
            guardedBy ??= Object.create(null) as Record<string, string>;
            for (const n of names) guardedBy[n] = lock;
          }
        }
        if (LOCK_TYPE.test(t) && names.length > 0) lastLock = names[names.length - 1];
      }
      const names = new Set<string>();
      if (name) names.add(name);
      // typedef struct _X { ... } X, *PX;
      if (spec.parent?.type === 'type_definition') {
        for (const d of spec.parent.childrenForFieldName('declarator')) {
          const n = declName(d);
          if (n) names.add(n);
        }
      }
      const canonical = name ?? [...names][0];
      if (!canonical) continue;
      const info: StructInfo = guardedBy ? { canonical, fields, pointers, guardedBy } : { canonical, fields, pointers };
      for (const n of names) if (!out.has(n)) out.set(n, info);
    }
  }
  return out;
}

/** Names of fields that count references (also how `&p->refCount` handed to a call reads: protection.ts). */
export const COUNT_FIELD_NAMES = 'ref_?c(?:ou)?nt|refcount|ref_count|refs?|users|use_?count';
const COUNT_NAME = new RegExp(`^(?:${COUNT_FIELD_NAMES})$`, 'i');

/** A field that counts references: `struct ovs_refcount ref_cnt`, `struct kref kref`, `refcount_t users`, `LONG refCount`. */
function isCountField(name: string, type: string): boolean {
  if (/^(ovs_refcount|kref|refcount_t|refcount_struct|atomic_refcount)$/.test(type)) return true;
  return COUNT_NAME.test(name) && /^(atomic\w*|u?int\w*|unsigned|long|LONG|ULONG|INT|UINT32|int|refcount_t)$/.test(type);
}

export interface ClassResolver {
  classOf(id: string): string;
  /** Other spellings of a lock identity through locals assigned once (`s->m` with `s = &pmd->stats` is `pmd->stats.m`). */
  spellings(id: string): string[];
  /** Whether a variable is declared here with a scalar (non-pointer, non-struct) type: `int offset`, `u16 len`. */
  isScalar(name: string): boolean;
  /** Whether a variable is declared here as a struct or union value (`struct addr a`): a copy, never a view of another object. */
  isStructValue(name: string): boolean;
  /** Whether a variable's declared type is a struct with a reference count among its fields. */
  isCounted(name: string): boolean;
  /** Whether a variable's declared type is freed only after an implicit-reader grace period. */
  isGraceFreed(name: string): boolean;
  /** The class a lock orders as: `classOf`, with file-scope variables by their declared type and an array of locks one class whatever the index. */
  lockClassOf(id: string): string;
  /** Summary-table struct entries consulted so far (results depend on them). */
  lookups: Set<string>;
}

/** Builds the resolver for one function: variable types from parameters and declarations, plus aliases. */
export function classResolver(fnNode: SyntaxNode, body: SyntaxNode, summaries: SummaryTable): ClassResolver {
  const varTypes = new Map<string, string>();
  const declared = new Set<string>();
  const scalars = new Set<string>();
  const structValues = new Set<string>();
  const assigned = new Map<string, string[]>();
  const push = (name: string, value: string): void => {
    const list = assigned.get(name);
    // Only "assigned exactly once" matters: two values are as good as many.
    if (!list) assigned.set(name, [value]);
    else if (list.length < 2) list.push(value);
  };
  const params = fnNode.childForFieldName('declarator');
  const decls = [...(params?.descendantsOfType('parameter_declaration') ?? []), ...body.indexedDescendants('declaration')];
  for (const d of decls) {
    if (!d) continue;
    const t = typeName(d.childForFieldName('type'));
    for (const dd of d.childrenForFieldName('declarator')) {
      const n = declName(dd);
      if (n) declared.add(n);
      if (n && t) varTypes.set(n, t);
      const typeKind = d.childForFieldName('type')?.type;
      if (n && (typeKind === 'struct_specifier' || typeKind === 'union_specifier') && !/pointer_declarator|array_declarator/.test(declaratorKinds(dd))) structValues.add(n);
      if (n && !/pointer_declarator|array_declarator/.test(declaratorKinds(dd)) && d.childForFieldName('type')?.type !== 'struct_specifier' && /^(int|unsigned|signed|long|short|char|bool|_Bool|size_t|ssize_t|u8|u16|u32|u64|s8|s16|s32|s64|__u8|__u16|__u32|__u64|__be16|__be32|__be64|__le16|__le32|uint\w*|int\w*|UINT\w*|ULONG|LONG|USHORT|UCHAR)$/.test(t ?? '')) scalars.add(n);
      if (dd.type === 'init_declarator' && n) {
        const v = dd.childForFieldName('value');
        if (v) push(n, v.text);
      }
    }
  }
  for (const a of body.indexedDescendants('assignment_expression')) {
    const l = a?.childForFieldName('left');
    const r = a?.childForFieldName('right');
    if (l?.type === 'identifier' && r) push(l.text, r.text);
  }
  const aliases = new Map<string, string>();
  for (const [v, values] of assigned) {
    // One assignment from a field path (no calls): the local is another name for that path.
    if (values.length === 1 && /^[A-Za-z_][\w]*((->|\.)[A-Za-z_]\w*)+$/.test(normalizeLvalue(values[0]!))) aliases.set(v, normalizeLvalue(values[0]!));
  }
  const lookups = new Set<string>();
  const structOf = (t: string): StructInfo | undefined => {
    lookups.add(t);
    return summaries.struct(t);
  };
  const unaliased = (id: string): string => {
    let text = id;
    for (let i = 0; i < 4; i++) {
      const m = /^([A-Za-z_]\w*)(.*)$/.exec(text);
      // A declared struct type names the class directly (`struct dp *dp = port->dp`), even when no
      // struct definition is among the inputs: the alias is only for variables of unknown type.
      const alias = m && !varTypes.has(m[1]!) ? aliases.get(m[1]!) : undefined;
      if (!m || !alias) break;
      text = alias + m[2]!;
    }
    return text;
  };
  /** `dp->table.lock` with `dp` of type `rootType`: the struct type owning the last field, and the field. */
  const fieldClass = (parts: string[], rootType: string): string => {
    let cur = structOf(rootType)?.canonical ?? rootType;
    for (let i = 1; i < parts.length - 1; i++) {
      const field = parts[i]!.replace(/\[.*$/, '');
      const info = structOf(cur);
      const next = info && Object.hasOwn(info.fields, field) ? info.fields[field] : undefined;
      if (!next) return `${cur}::${parts.slice(i).join('.')}`;
      cur = structOf(next)?.canonical ?? next;
    }
    return `${cur}::${parts[parts.length - 1]!.replace(/\[.*$/, '')}`;
  };
  return {
    lookups,
    spellings(id: string): string[] {
      const m = /^(\*?)([A-Za-z_]\w*)(->|\.)(.*)$/.exec(id);
      const values = m ? assigned.get(m[2]!) : undefined;
      if (!m || !values || values.length !== 1) return [];
      const v = normalizeLvalue(values[0]!);
      if (v.startsWith('&') && m[3] === '->') return [`${m[1]}${normalizeLvalue(v.slice(1))}.${m[4]}`];
      return /^[A-Za-z_]\w*((->|\.)[A-Za-z_]\w*)*$/.test(v) ? [`${m[1]}${v}${m[3]}${m[4]}`] : [];
    },
    isScalar(name: string): boolean {
      return scalars.has(name);
    },
    isStructValue(name: string): boolean {
      return structValues.has(name);
    },
    isGraceFreed(name: string): boolean {
      const t = varTypes.get(name);
      return t !== undefined && structOf(t)?.graceFreed === true;
    },
    isCounted(name: string): boolean {
      const t = varTypes.get(name);
      const info = t ? structOf(t) : undefined;
      if (!info) return false;
      for (const f of Object.keys(info.fields)) if (isCountField(f, info.fields[f]!)) return true;
      return false;
    },
    classOf(id: string): string {
      const text = unaliased(id);
      const parts = text.split(/->|\./);
      if (parts.length < 2 || !/^[A-Za-z_]\w*$/.test(parts[0]!)) return text;
      const rootType = varTypes.get(parts[0]!);
      if (!rootType) return text; // a global: its name is its class
      return fieldClass(parts, rootType);
    },
    lockClassOf(id: string): string {
      // `locks[i]`, `locks[id % N]`, `locks[CONSTANT]`: one class per array, whatever the index.
      let text = unaliased(id);
      for (let i = 0; i < 4 && text.includes('['); i++) text = text.replace(/\[[^[\]]*\]/g, '');
      const parts = text.split(/->|\./);
      const m = /^([A-Za-z_]\w*)(@\w+)?$/.exec(parts[0]!);
      if (parts.length < 2 || !m) return text;
      // A global pointer (`gSwitchContext->dispatchLock`) is an object of its declared type, as a parameter of that type is.
      const rootType = varTypes.get(m[1]!) ?? (m[2] !== undefined || !declared.has(m[1]!) ? summaries.globalType?.(m[1]!) : undefined);
      return rootType ? fieldClass(parts, rootType) : text;
    },
  };
}
