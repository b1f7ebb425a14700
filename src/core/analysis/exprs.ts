import { isCastMacroName } from '../c/castMacros';

/**
 * Normalised expression text: the identity of locks and objects. Two spellings of one lvalue
 * (`&dp->lock`, `&(dp->lock)`, `& dp -> lock`, `(*dp).lock`) give one identity, and two different
 * lvalues never give the same one.
 */

/**
 * Every text-keyed memo of the analysis, cleared when a set of files is done (`clearTextMemos`): a
 * key is a slice of a file's source, and V8 keeps the whole source alive as long as one slice lives.
 */
const textMemos: Map<string, unknown>[] = [];

export function textMemo<V>(): Map<string, V> {
  const m = new Map<string, V>();
  textMemos.push(m);
  return m;
}

export function clearTextMemos(): void {
  for (const m of textMemos) m.clear();
}

/** Bounded memo: the same few expressions are normalised over and over along paths. */
function memo(fn: (t: string) => string): (t: string) => string {
  const cache = textMemo<string>();
  return (t: string) => {
    let v = cache.get(t);
    if (v === undefined) {
      v = fn(t);
      if (cache.size > 20000) cache.clear();
      cache.set(t, v);
    }
    return v;
  };
}

/** Removes whitespace and comments that do not separate tokens. */
export const squash = memo((text: string): string => {
  if (/^[A-Za-z_]\w*$/.test(text)) return text;
  return text
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/\/\/[^\n]*/g, ' ')
    .replace(/\s+/g, ' ')
    .replace(/ ?(->|\.|\(|\)|\[|\]|&|\*|,) ?/g, '$1')
    .trim();
});

/**
 * Spaces next to an operator (`id % N`, `i+1`) are spelling, not identity: a contract substituted
 * with a caller's text must name the same lock as the body's own call. A space stays between two
 * words and between two operator characters (`a - -b` is not `a--b`).
 */
function tightOperators(text: string): string {
  if (!text.includes(' ')) return text;
  return text.replace(/(?<=(\S)) (?=(\S))/g, (m: string, a: string, b: string) => {
    const word = (c: string): boolean => /\w/.test(c);
    const op = (c: string): boolean => '+-*/%<>=!&|^~?:'.includes(c);
    return (word(a) && word(b)) || (op(a) && op(b)) ? m : '';
  });
}

/** Strips parentheses that wrap the whole expression. */
export function stripOuterParens(text: string): string {
  let t = text;
  for (;;) {
    if (!(t.startsWith('(') && t.endsWith(')'))) return t;
    let depth = 0;
    let wraps = true;
    for (let i = 0; i < t.length; i++) {
      if (t[i] === '(') depth++;
      else if (t[i] === ')') {
        depth--;
        if (depth === 0 && i < t.length - 1) {
          wraps = false;
          break;
        }
      }
    }
    if (!wraps) return t;
    t = t.slice(1, -1);
  }
}

/** Removes casts such as `(PNDIS_RW_LOCK_EX)` or `(struct foo *)` in front of an lvalue. */
function stripCast(text: string): string {
  const m = /^\((?:const |volatile |struct |union |enum )*[A-Za-z_]\w*(?: ?\*)*\)(.+)$/.exec(text);
  return m && /^[&*A-Za-z_(]/.test(m[1]!) ? m[1]! : text;
}

/**
 * Normalises an lvalue expression: `(*p).f` → `p->f`, `(&x)->f` → `x.f`, `&*p` → `p`, `*&x` → `x`,
 * redundant parentheses dropped. Returns the canonical text.
 */
export const normalizeLvalue = memo((text: string): string => {
  if (/^[A-Za-z_]\w*$/.test(text)) return text;
  let t = stripCast(stripOuterParens(tightOperators(squash(text))));
  for (let guard = 0; guard < 16; guard++) {
    const before = t;
    t = t.replace(/\(\*([A-Za-z_][\w.>-]*(?:\[[^\]]*\])*)\)\./g, '$1->');
    t = t.replace(/\(&([A-Za-z_][\w.>-]*(?:\[[^\]]*\])*)\)->/g, '$1.');
    t = t.replace(/\(([A-Za-z_][\w.>-]*(?:\[[^\]]*\])*)\)/g, (m, inner: string, offset: number) => {
      // Keep parentheses of calls: `f(x)` — only drop when not preceded by an identifier character.
      const prev = offset > 0 ? t[offset - 1] : '';
      return prev && /[\w\])]/.test(prev) ? m : inner;
    });
    t = t.replace(/^&\*/, '').replace(/^\*&/, '');
    // `*(&x)` is x wherever it stands (`(*(&ukey))->mutex` from substituting `&ukey` for `*$0`).
    t = t.replace(/\*\(&([A-Za-z_][\w.>-]*(?:\[[^\]]*\])*)\)/g, '$1');
    t = stripOuterParens(t);
    if (t === before) break;
  }
  return t;
});

/**
 * Lock identity from the lock argument of an API. Pointer-taking APIs (`spin_lock(&dp->lock)`)
 * name the lock by address: `&E` → `E`, a plain pointer `p` → `*p`. By-value APIs
 * (`NdisAcquireRWLockRead(dp->Lock, ...)`, where `Lock` is itself a pointer) use the text as is.
 */
export function lockIdentity(argText: string, byValue: boolean): string {
  const t = normalizeLvalue(argText);
  if (byValue) return t;
  if (t.startsWith('&')) return normalizeLvalue(t.slice(1));
  return `*${t}`;
}

/** The object that owns a field access: `m->rwlock` → `m`, `dp->table.lock` → `dp->table`, `x` → `x`. */
export function ownerOf(id: string): string {
  const t = id.startsWith('*') ? id.slice(1) : id;
  const m = /^(.*?)(->|\.)[A-Za-z_]\w*(\[[^\]]*\])*$/.exec(t);
  return m ? m[1]! : t;
}

/** The root variable of an lvalue: `dp->table->lock` → `dp`, `*p` → `p`, `&x.y` → `x`. */
export function rootVariable(text: string): string | null {
  const m = /^[&*(\s]*([A-Za-z_]\w*)/.exec(text);
  return m ? m[1]! : null;
}

const identifierLists = textMemo<readonly string[]>();

/** Identifiers a pure expression mentions (used to kill facts when one is assigned); shared, never to be changed. */
export function identifiersOf(text: string): readonly string[] {
  let list = identifierLists.get(text);
  if (!list) {
    const ids = new Set<string>();
    const re = /(?<![.>\w])([A-Za-z_]\w*)/g;
    let m: RegExpExecArray | null;
    while ((m = re.exec(text)) !== null) ids.add(m[1]!);
    list = Object.freeze([...ids]);
    if (identifierLists.size > 20000) identifierLists.clear();
    identifierLists.set(text, list);
  }
  return list;
}

/**
 * Substitutes call arguments for `$n` placeholders of a summary's lock expression and normalises:
 * `$0->lock` with argument `&priv->tbl` → `priv->tbl.lock`.
 */
export function substituteParams(expr: string, args: string[]): string | null {
  let missing = false;
  const out = expr.replace(/\$(\d+)/g, (_m, n: string) => {
    const a = args[Number(n)];
    if (a === undefined) {
      missing = true;
      return '';
    }
    return `(${squash(a)})`;
  });
  if (missing) return null;
  return normalizeLvalue(out);
}

/** Replaces parameter names in a lock identity with `$n`, for summaries (`dp->lock` → `$0->lock`). */
export function parameterize(id: string, params: string[]): string {
  return id.replace(/(?<![.>\w$@])([A-Za-z_]\w*)/g, (name) => {
    const i = params.indexOf(name);
    return i >= 0 ? `$${i}` : name;
  });
}

const CAST_PREFIX = /^\((?:const |volatile |struct |union |enum )*[A-Za-z_]\w*(?: ?\*)*\)(.+)$/;

/**
 * The value argument of a cast macro (`CONST_CAST(PNODE, p)`: two arguments, named for casting,
 * castMacros.ts), or undefined. Parsed text has the pointer-type ones as C casts already.
 */
function castMacroValue(text: string): string | undefined {
  const m = /^([A-Za-z_]\w*)\((.*)\)$/s.exec(text);
  // The parentheses after the name must be the call's own (`F(a, b)`, not `F(a)(b)`).
  if (!m || !isCastMacroName(m[1]!) || stripOuterParens(text.slice(m[1]!.length)) === text.slice(m[1]!.length)) return undefined;
  const args = splitArgs(m[2]!);
  return args.length === 2 && args[1] ? args[1] : undefined;
}

/**
 * `(struct x *) p`, `CONST_CAST(struct x *, p)` → `p`, normalised: the value a cast expression or
 * a cast macro passes on (nested ones too).
 */
export const stripCasts = memo((text: string): string => {
  let t = squash(text);
  for (let i = 0; i < 4; i++) {
    t = stripOuterParens(t);
    const m = CAST_PREFIX.exec(t);
    const v = m ? m[1]! : castMacroValue(t);
    if (v === undefined) break;
    t = squash(v);
  }
  return normalizeLvalue(t);
});

/** Splits an argument list (a macro's, a call's text) at top-level commas (not inside `()`, `[]` or a `{}` initialiser). */
export function splitArgs(args: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of args) {
    if (ch === '(' || ch === '[' || ch === '{') depth++;
    else if (ch === ')' || ch === ']' || ch === '}') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

/** The text of a call's arguments in source text, from just after its `(` to the matching `)` (bounded: '' when not found). */
export function argumentText(text: string, start: number, limit = 4000): string {
  let depth = 0;
  for (let i = start; i < text.length && i - start < limit; i++) {
    const c = text[i];
    if (c === '(') depth++;
    else if (c === ')') {
      if (depth === 0) return text.slice(start, i);
      depth--;
    }
  }
  return '';
}
