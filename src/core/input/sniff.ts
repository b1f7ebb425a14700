import * as path from 'node:path';

/** Extensions of C sources and headers: what directories are searched for, and what is analysed without a second look. */
export const C_EXTENSIONS = new Set(['.c', '.h']);

/** C++ sources and headers: never analysed (the grammar is C's; a C++ file would give nonsense or silence). */
const CPP_EXTENSIONS = new Set(['.cc', '.cpp', '.cxx', '.c++', '.hh', '.hpp', '.hxx', '.h++', '.ipp', '.tpp', '.ixx', '.cppm']);

/**
 * Markers that only C++ has (checked outside comments and strings), each with words one of which
 * any match contains: a text with none of them cannot match, and is not blanked and searched
 * (on a 300 KLOC tree the search cost more CPU than a tenth of the parse).
 */
const CPP_MARKERS: readonly [RegExp, string, readonly string[]][] = [
  [/^[ \t]*(?:template\s*<|namespace\s+[A-Za-z_]\w*\s*\{|namespace\s*\{|using\s+namespace\s)/m, 'templates or namespaces', ['template', 'namespace']],
  [/^[ \t]*(?:class|struct)\s+[A-Za-z_]\w*\s*(?:final\s*)?:\s*(?:public|private|protected|virtual)\b/m, 'class inheritance', ['public', 'private', 'protected', 'virtual']],
  [/^[ \t]*(?:public|private|protected)[ \t]*:/m, 'access specifiers', ['public', 'private', 'protected']],
  [/^[ \t]*class\s+[A-Za-z_]\w*\s*\{/m, 'classes', ['class']],
  [/\b(?:std|boost)::/, 'std::', ['std::', 'boost::']],
  [/^[ \t]*#[ \t]*include\s*<(?:iostream|vector|string|map|memory|mutex|thread|atomic|algorithm|functional|cstdio|cstdlib|cstring)>/m, 'C++ standard headers',
    ['<iostream>', '<vector>', '<string>', '<map>', '<memory>', '<mutex>', '<thread>', '<atomic>', '<algorithm>', '<functional>', '<cstdio>', '<cstdlib>', '<cstring>']],
  [/(?<!\[\[[ \t]*)\b[A-Za-z_]\w*::~?[A-Za-z_]\w*\s*\(/, 'qualified member functions (X::f)', ['::']],
];

/**
 * Comments and string/char literals blanked, newlines kept (one linear scan: hostile text must not
 * make a regex backtrack). Built from slices: the text between blanked spans is copied whole, so a
 * large file costs a few strings, not one per character.
 */
export function blankCommentsAndStrings(text: string): string {
  const parts: string[] = [];
  let kept = 0;
  let i = 0;
  const n = text.length;
  const blank = (from: number, to: number): void => {
    parts.push(text.slice(kept, from), text.slice(from, to).replace(NOT_NEWLINE, ' '));
    kept = to;
  };
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === SLASH && text.charCodeAt(i + 1) === STAR) {
      const end = text.indexOf('*/', i + 2);
      const stop = end < 0 ? n : end + 2;
      blank(i, stop);
      i = stop;
    } else if (c === SLASH && text.charCodeAt(i + 1) === SLASH) {
      const end = text.indexOf('\n', i);
      const stop = end < 0 ? n : end;
      blank(i, stop);
      i = stop;
    } else if (c === DQUOTE || c === SQUOTE) {
      let k = i + 1;
      while (k < n) {
        const d = text.charCodeAt(k);
        if (d === c || d === NEWLINE) break;
        k += d === BACKSLASH ? 2 : 1;
      }
      const stop = Math.min(n, k + 1);
      blank(i, stop);
      i = stop;
    } else {
      i++;
    }
  }
  if (kept === 0) return text;
  parts.push(text.slice(kept));
  return parts.join('');
}

const NOT_NEWLINE = /[^\n]/g;
const SLASH = 0x2f;
const STAR = 0x2a;
const DQUOTE = 0x22;
const SQUOTE = 0x27;
const BACKSLASH = 0x5c;
const NEWLINE = 0x0a;

/**
 * Lines inside `#ifdef __cplusplus` (or `#if`/`#elif defined(__cplusplus)`) up to its `#else`/`#elif`/`#endif`
 * blanked: C headers carry C++-only helpers there (OVS's util.h has a template `ARRAY_SIZE`), and a C
 * compiler never sees them.
 */
export function blankCplusplusSections(text: string): string {
  if (!text.includes('__cplusplus')) return text;
  const lines = text.split('\n');
  let depth = 0;
  let blankFrom = -1;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    const d = /^[ \t]*#[ \t]*(if|ifdef|ifndef|elif|else|endif)\b(.*)$/.exec(l);
    if (d) {
      const kw = d[1]!;
      if (kw === 'if' || kw === 'ifdef' || kw === 'ifndef') {
        depth++;
        if (blankFrom < 0 && (kw === 'ifdef' || kw === 'if') && /^\s*(?:defined\s*\(?\s*)?__cplusplus\b/.test(d[2]!)) blankFrom = depth;
      } else if (kw === 'endif') {
        if (blankFrom === depth) blankFrom = -1;
        depth--;
      } else if (blankFrom === depth) {
        blankFrom = -1;
      } else if (kw === 'elif' && blankFrom < 0 && /^\s*(?:defined\s*\(?\s*)?__cplusplus\b/.test(d[2]!)) {
        blankFrom = depth; // `#elif defined(__cplusplus)`: the C++ alternative of a C section
      }
      continue;
    }
    if (blankFrom >= 0) lines[i] = '';
  }
  return lines.join('\n');
}

/**
 * Why a file is not C, or undefined when it may be. By extension first (C++ extensions are never C;
 * .c and .h are C unless their code has C++-only constructs), then by content for other names: a
 * file with no line that looks like C (a statement, a brace, a preprocessor line) is not C.
 */
export function notCReason(file: string, text: string): string | undefined {
  const ext = path.extname(file).toLowerCase();
  if (CPP_EXTENSIONS.has(ext) || (ext === '.c' && path.extname(file) === '.C')) return `a C++ file (${path.extname(file)}); Lockstep analyses C`;
  const head = text.length > 1 << 20 ? text.slice(0, 1 << 20) : text;
  // Blanking only replaces characters by spaces: a word absent from the text is absent from the sample.
  const candidates = CPP_MARKERS.filter(([, , words]) => words.some((w) => head.includes(w)));
  if (candidates.length === 0 && C_EXTENSIONS.has(ext)) return undefined;
  const sample = blankCplusplusSections(blankCommentsAndStrings(head));
  for (const [re, what] of candidates) {
    if (re.test(sample)) return `looks like C++ (${what}); Lockstep analyses C`;
  }
  if (C_EXTENSIONS.has(ext)) return undefined;
  const cLike = /(?:;|\{|\})[ \t]*$|^[ \t]*#[ \t]*(?:include|define|if|ifdef|ifndef|endif|pragma)\b/m;
  if (!cLike.test(sample)) return `does not look like C (no statement, brace or preprocessor line${ext ? `; extension ${ext}` : ''})`;
  return undefined;
}
