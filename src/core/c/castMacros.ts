/**
 * Cast macros — `CONST_CAST(struct cmap_node *, &d->node)`, `ALIGNED_CAST(struct foo *, p)` — are
 * not C that tree-sitter can read: a pointer type as a call argument turns the call into a
 * multiplication with ERROR nodes, and a statement `f(CONST_CAST(struct x *, &p->f));` into a
 * declaration. The value they pass on is their second argument, so we rewrite them, before
 * parsing, into the cast they stand for, with the same length (`CONST_CAST(T *, e)` →
 * `         ((T *) e)`): every offset, line and column stays true.
 *
 * A cast macro is a two-argument macro named for casting (an upper-case name with `CAST` as a
 * word part). Other macros that take a type first are not casts: `ovsrcu_get(struct x *, &p->f)`
 * loads the pointer stored at its second argument.
 */

/** Whether a macro name says it casts (`CONST_CAST`, `ALIGNED_CAST`, `CAST`). */
export function isCastMacroName(name: string): boolean {
  return /^[A-Z][A-Z0-9_]*$/.test(name) && /(?:^|_)CAST(?:_|$)/.test(name);
}

const CAST_CALL = /\b([A-Z][A-Z0-9_]*CAST[A-Z0-9_]*)[ \t]*\(/g;
const POINTER_TYPE = /^\s*(?:(?:const|volatile|struct|union|enum|unsigned|signed)\s+)*[A-Za-z_]\w*(?:\s*\*\s*(?:const\s*)?)+\s*$/;

/** Bound on a cast macro's argument text: casts are short, and the scan must stay linear. */
const MAX_ARGS = 2000;

/** The text with every cast macro whose type argument is a pointer type written as a C cast. */
export function castMacrosAsCasts(text: string): string {
  if (!text.includes('CAST')) return text;
  const parts: string[] = [];
  let kept = 0;
  CAST_CALL.lastIndex = 0;
  for (let m = CAST_CALL.exec(text); m !== null; m = CAST_CALL.exec(text)) {
    const name = m[1]!;
    if (!isCastMacroName(name)) continue;
    const open = m.index + m[0].length - 1;
    const comma = topLevelComma(text, open + 1);
    if (comma < 0 || !POINTER_TYPE.test(text.slice(open + 1, comma))) continue;
    if (closingParen(text, comma + 1) < 0) continue;
    // NAME(T, e) → spaces + `(` `(` T `)` e `)`: the name's last character opens the outer group.
    parts.push(text.slice(kept, m.index), ' '.repeat(name.length - 1), '(', text.slice(m.index + name.length, comma), ')');
    kept = comma + 1;
  }
  if (kept === 0) return text;
  parts.push(text.slice(kept));
  return parts.join('');
}

/** Offset of the first comma at depth 0 after `from` (inside the macro's parentheses), or -1. */
function topLevelComma(text: string, from: number): number {
  let depth = 0;
  for (let i = from; i < text.length && i - from < MAX_ARGS; i++) {
    const c = text[i];
    if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') {
      if (depth === 0) return -1;
      depth--;
    } else if (c === ',' && depth === 0) return i;
    else if (c === ';' || c === '{' || c === '}') return -1;
  }
  return -1;
}

/** Offset of the `)` that closes the group the text from `from` is in, or -1. */
function closingParen(text: string, from: number): number {
  let depth = 0;
  for (let i = from; i < text.length && i - from < MAX_ARGS; i++) {
    const c = text[i];
    if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') {
      if (depth === 0) return c === ')' ? i : -1;
      depth--;
    } else if ((c === ',' && depth === 0) || c === ';' || c === '{' || c === '}') return -1;
  }
  return -1;
}
