import { componentsCalleesFirst } from './callOrder';

/**
 * The order the first pass reads source files in: files whose functions others call come before
 * their callers, so most callers are analysed once, with their callees' summaries already known
 * (read in input order, 1,359 of 9,458 userspace functions had to be analysed again because a
 * callee in a later file got a summary). The order comes from a scan of the text, not a parse: it
 * only decides when a file is read, never what its analysis sees in the end (the pipeline's rounds
 * bring every function up to date with the final tables), so a misread definition costs time only.
 */

/** Top-level function definitions (`static` ones apart: they serve their own file) and every `name(` in code. */
export interface TextShape {
  defines: string[];
  calls: Set<string>;
  /** The text of every function definition, `static` ones too (declaration to closing brace, as scanned). */
  functionTexts: string[];
}

/** Orders `files` (in their canonical order) so that a file comes after the files defining what it calls; cycles greedily (mostlyCalleesFirst). */
export function filesCalleesFirst<T>(files: readonly T[], textOf: (f: T) => string): T[] {
  return orderCalleesFirst(files, files.map((f) => scanShape(textOf(f))));
}

/** The same, from shapes already scanned (`shapes[i]` is `files[i]`'s). */
export function orderCalleesFirst<T>(files: readonly T[], shapes: readonly TextShape[]): T[] {
  if (files.length < 2) return [...files];
  const definer = new Map<string, number>();
  shapes.forEach((s, i) => {
    for (const name of s.defines) if (!definer.has(name)) definer.set(name, i);
  });
  // calls[i]: file j → how many names file i calls that j defines.
  const weights = shapes.map((s, i) => {
    const w = new Map<number, number>();
    for (const name of s.calls) {
      const j = definer.get(name);
      if (j !== undefined && j !== i) w.set(j, (w.get(j) ?? 0) + 1);
    }
    return w;
  });
  const succ = (i: number): number[] => [...weights[i]!.keys()].sort((a, b) => a - b);
  const order = componentsCalleesFirst(files.map((_, i) => i), succ);
  return order.flatMap((comp) => (comp.length === 1 ? comp : mostlyCalleesFirst(comp, weights))).map((i) => files[i]!);
}

/**
 * Files that call each other (one strongly connected group): a greedy order that puts first the
 * file calling least into the rest and called most by it, so few calls go to a later file.
 */
function mostlyCalleesFirst(comp: number[], weights: readonly Map<number, number>[]): number[] {
  const left = new Set(comp);
  const out: number[] = [];
  const score = new Map<number, number>();
  for (const i of comp) score.set(i, 0);
  for (const i of comp) {
    for (const [j, w] of weights[i]!) {
      if (!left.has(j)) continue;
      score.set(i, score.get(i)! + w);
      score.set(j, score.get(j)! - w);
    }
  }
  while (left.size > 0) {
    let best = -1;
    for (const i of left) if (best < 0 || score.get(i)! < score.get(best)! || (score.get(i) === score.get(best) && i < best)) best = i;
    left.delete(best);
    out.push(best);
    // Calls from and to the file taken no longer count for the rest.
    for (const [j, w] of weights[best]!) if (left.has(j)) score.set(j, score.get(j)! + w);
    for (const i of left) {
      const w = weights[i]!.get(best);
      if (w !== undefined) score.set(i, score.get(i)! - w);
    }
  }
  return out;
}

/**
 * One linear pass over C text: comments, strings and preprocessor lines skipped, braces counted.
 * A `{` at file level right after a `)` opens a function body; its name is the first `name(` of
 * the declaration before it that is not an annotation (`_IRQL_requires_(…)`, `__attribute__`,
 * `OVS_REQUIRES(…)`: all capitals, or a leading underscore followed by a capital or another one).
 */
export function scanShape(text: string): TextShape {
  const defines: string[] = [];
  const calls = new Set<string>();
  const functionTexts: string[] = [];
  let declStart = -1;
  let bodyOf = -1;
  const n = text.length;
  let depth = 0;
  let paren = 0;
  let lineStart = true;
  let candidate: string | undefined;
  let isStatic = false;
  let lastSignificant = 0;
  let i = 0;
  const resetDecl = (): void => {
    candidate = undefined;
    isStatic = false;
    paren = 0;
    declStart = -1;
  };
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === NEWLINE) {
      lineStart = true;
      i++;
      continue;
    }
    if (c === SPACE || c === TAB || c === CR || c === FF || c === VT) {
      i++;
      continue;
    }
    if (c === SLASH && text.charCodeAt(i + 1) === STAR) {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? n : end + 2;
      continue;
    }
    if (c === SLASH && text.charCodeAt(i + 1) === SLASH) {
      const end = text.indexOf('\n', i);
      i = end < 0 ? n : end;
      continue;
    }
    if (c === HASH && lineStart) {
      // A preprocessor line (with its continuations) separates declarations.
      let k = i;
      for (;;) {
        const end = text.indexOf('\n', k);
        if (end < 0) {
          k = n;
          break;
        }
        let b = end - 1;
        while (b > k && (text.charCodeAt(b) === CR || text.charCodeAt(b) === SPACE || text.charCodeAt(b) === TAB)) b--;
        if (text.charCodeAt(b) !== BACKSLASH) {
          k = end;
          break;
        }
        k = end + 1;
      }
      if (depth === 0) resetDecl();
      i = k;
      continue;
    }
    lineStart = false;
    if (depth === 0 && declStart < 0) declStart = i;
    if (c === DQUOTE || c === SQUOTE) {
      let k = i + 1;
      while (k < n) {
        const d = text.charCodeAt(k);
        if (d === c || d === NEWLINE) break;
        k += d === BACKSLASH ? 2 : 1;
      }
      i = Math.min(n, k + 1);
      lastSignificant = c;
      continue;
    }
    if (isIdentStart(c)) {
      let k = i + 1;
      while (k < n && isIdentPart(text.charCodeAt(k))) k++;
      let j = k;
      while (j < n && isSpace(text.charCodeAt(j))) j++;
      if (text.charCodeAt(j) === LPAREN) {
        const name = text.slice(i, k);
        calls.add(name);
        if (depth === 0 && paren === 0 && candidate === undefined && !isAnnotation(name)) candidate = name;
      } else if (depth === 0 && paren === 0 && k - i === 6 && text.startsWith('static', i)) {
        isStatic = true;
      }
      lastSignificant = IDENT;
      i = k;
      continue;
    }
    if (depth === 0) {
      if (c === LPAREN) paren++;
      else if (c === RPAREN) paren = Math.max(0, paren - 1);
      else if (c === SEMI && paren === 0) resetDecl();
      else if (c === LBRACE && paren === 0) {
        // After `f(…)` or `f(…) ANNOTATION`, not after `= ` (an initialiser).
        const isFunction = candidate !== undefined && (lastSignificant === RPAREN || lastSignificant === IDENT);
        if (isFunction && !isStatic) defines.push(candidate!);
        bodyOf = isFunction ? declStart : -1;
        depth = 1;
        resetDecl();
        lastSignificant = c;
        i++;
        continue;
      }
    } else if (c === LBRACE) {
      depth++;
    } else if (c === RBRACE) {
      depth = Math.max(0, depth - 1);
      if (depth === 0) {
        if (bodyOf >= 0) functionTexts.push(text.slice(bodyOf, i + 1));
        bodyOf = -1;
        resetDecl();
      }
    }
    lastSignificant = c;
    i++;
  }
  return { defines, calls, functionTexts };
}

/** Annotation macros written before or after a declarator: all capitals, or `_X…`/`__x…`. */
function isAnnotation(name: string): boolean {
  if (name.charCodeAt(0) === UNDERSCORE) {
    const second = name.charCodeAt(1);
    return second === UNDERSCORE || (second >= 0x41 && second <= 0x5a);
  }
  return name === name.toUpperCase();
}

function isIdentStart(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === UNDERSCORE;
}

function isIdentPart(c: number): boolean {
  return isIdentStart(c) || (c >= 0x30 && c <= 0x39);
}

function isSpace(c: number): boolean {
  return c === SPACE || c === TAB || c === NEWLINE || c === CR || c === FF || c === VT;
}

const NEWLINE = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const TAB = 0x09;
const FF = 0x0c;
const VT = 0x0b;
const SLASH = 0x2f;
const STAR = 0x2a;
const HASH = 0x23;
const DQUOTE = 0x22;
const SQUOTE = 0x27;
const BACKSLASH = 0x5c;
const LPAREN = 0x28;
const RPAREN = 0x29;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const SEMI = 0x3b;
const UNDERSCORE = 0x5f;
/** Marks "last significant token was an identifier" (no character has this code). */
const IDENT = -1;
