/**
 * Windows driver annotations (SAL, `__drv_*`, calling conventions) and kernel/OVS attribute macros
 * are not C that tree-sitter knows; they turn declarations into ERROR nodes. We blank them with
 * the same number of spaces (newlines kept) so every offset, line and column stays true, and keep
 * what the lock-contract annotations said so the analysis can still use it.
 */

export interface LockAnnotation {
  /** Macro name as written, e.g. `_Acquires_lock_`, `__must_hold`, `OVS_REQUIRES`. */
  macro: string;
  /** Raw argument text (may be empty). */
  args: string;
  /** Offset of the macro name in the text. */
  offset: number;
}

export interface BlankedText {
  text: string;
  lockAnnotations: LockAnnotation[];
}

/** Macros whose argument list names a lock: blanked, but remembered. */
export const LOCK_CONTRACT_MACROS = new Set([
  '_Acquires_lock_', '_Releases_lock_', '_Requires_lock_held_', '_Requires_lock_not_held_',
  '_Acquires_exclusive_lock_', '_Acquires_shared_lock_', '_Releases_exclusive_lock_', '_Releases_shared_lock_',
  '_Requires_exclusive_lock_held_', '_Requires_shared_lock_held_', '_Requires_no_locks_held_',
  '_Acquires_nonreentrant_lock_', '_Releases_nonreentrant_lock_',
  '__acquires', '__releases', '__must_hold', '__cond_acquires', '__cond_releases',
  'OVS_ACQUIRES', 'OVS_RELEASES', 'OVS_REQUIRES', 'OVS_TRY_LOCK', 'OVS_EXCLUDED',
  'OVS_ACQ_RDLOCK', 'OVS_ACQ_WRLOCK', 'OVS_REQ_RDLOCK', 'OVS_REQ_WRLOCK', 'OVS_TRY_WRLOCK', 'OVS_TRY_RDLOCK',
  'OVS_LOCKABLE', 'OVS_NO_THREAD_SAFETY_ANALYSIS', 'OVS_GUARDED', 'OVS_GUARDED_BY', 'OVS_PT_GUARDED_BY',
  '_Guarded_by_', '_Interlocked_', '__guarded_by', '__pt_guarded_by', 'OVS_ACQ_AFTER', 'OVS_ACQ_BEFORE',
]);

/** Plain words blanked wherever they stand. */
const BARE_WORDS = new Set([
  '_In_', '_Out_', '_Inout_', '_In_opt_', '_Out_opt_', '_Inout_opt_', '_Outptr_', '_Outptr_opt_',
  '_Outptr_result_maybenull_', '_Outptr_opt_result_maybenull_', '_Ret_maybenull_', '_Ret_notnull_',
  '_Use_decl_annotations_', '_Must_inspect_result_', '_Check_return_', '_Success_', '_Null_terminated_',
  '_In_z_', '_In_opt_z_', '_Printf_format_string_', '_Reserved_', '_Frees_ptr_', '_Frees_ptr_opt_',
  '_Post_invalid_', '_Post_ptr_invalid_', '_Analysis_noreturn_', '_Kernel_float_used_',
  '_Function_class_', '__in', '__out', '__inout', '__in_opt', '__out_opt', '__inout_opt',
  'NTAPI', 'NDIS_API', 'WINAPI', 'STDCALL', '__stdcall', '__cdecl', '__fastcall', '__forceinline',
  'FORCEINLINE', 'DECLSPEC_NOINLINE', 'IN', 'OUT', 'OPTIONAL', 'INLINE',
  '__init', '__exit', '__rcu', '__user', '__iomem', '__percpu', '__force', '__must_check',
  '__always_inline', '__maybe_unused', 'noinline', '__cold', '__read_mostly',
  'OVS_UNUSED', 'OVS_WARN_UNUSED_RESULT', 'OVS_NO_RETURN', 'OVS_LIKELY', 'OVS_PACKED_ENUM',
]);

/** Prefixes of annotation families that always take a parenthesised argument list (or stand bare). */
const PREFIX_FAMILIES = [/^_IRQL_\w*_$/, /^__drv_\w+$/, /^_When_$/, /^_At_$/, /^_Field_\w*_$/, /^_(In|Out|Inout)_\w*_$/,
  /^_Ret_\w*_$/, /^_Post_\w*_$/, /^_Pre_\w*_$/, /^_Outptr_\w*_$/, /^_Deref_\w*_$/, /^_Guarded_by_$/, /^_Interlocked_operand_$/,
  /^__attribute__$/, /^__declspec$/, /^OVS_\w+_LOCK\w*$/];

const annotationWords = new Map<string, boolean>();

function isAnnotation(word: string): boolean {
  if (BARE_WORDS.has(word) || LOCK_CONTRACT_MACROS.has(word)) return true;
  const c = word.charCodeAt(0);
  if (c !== 95 /* _ */ && c !== 79 /* O */) return false;
  let known = annotationWords.get(word);
  if (known === undefined) {
    known = PREFIX_FAMILIES.some((re) => re.test(word));
    // Identifiers repeat across a tree; a bounded memo keeps the families' regexes off the hot path.
    if (annotationWords.size > 50_000) annotationWords.clear();
    annotationWords.set(word, known);
  }
  return known;
}

/** `text` with the [start, end) pairs replaced by spaces, line breaks kept. */
function blanked(text: string, ranges: number[]): string {
  if (ranges.length === 0) return text;
  const parts: string[] = [];
  let at = 0;
  for (let i = 0; i < ranges.length; i += 2) {
    const start = ranges[i]!;
    const end = ranges[i + 1]!;
    parts.push(text.slice(at, start), text.slice(start, end).replace(/[^\r\n]/g, ' '));
    at = end;
  }
  parts.push(text.slice(at));
  return parts.join('');
}

/** Index just past the balanced parenthesis group that starts at `open`, or -1 if unbalanced. */
function matchParen(text: string, open: number): number {
  let depth = 0;
  // Bounded: annotation arguments are short; an unbalanced one is left alone rather than eating the file.
  const limit = Math.min(text.length, open + 4000);
  for (let i = open; i < limit; i++) {
    const ch = text[i];
    if (ch === '(') depth++;
    else if (ch === ')') {
      depth--;
      if (depth === 0) return i + 1;
    } else if (ch === ';' || ch === '{' || ch === '}') return -1;
  }
  return -1;
}

/**
 * Candidate words only: annotations start with `_` or `O`, or are one of a few plain words. Scanning
 * just these (not every identifier) keeps blanking cheap on multi-megabyte files.
 */
const WORD = new RegExp(`(?<![A-Za-z0-9_])(?:[_O][A-Za-z0-9_]*|${[...BARE_WORDS].filter((w) => !/^[_O]/.test(w)).join('|')})(?![A-Za-z0-9_])`, 'g');

/**
 * Comments and string literals, as [start, end) pairs in text order: an annotation written there
 * (`/* OVS_REQUIRES(ipf_lock) *\/` documenting an intent the compiler does not check) is prose.
 */
function proseRegions(text: string): number[] {
  const out: number[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 47 /* / */ && text.charCodeAt(i + 1) === 42 /* * */) {
      const e = text.indexOf('*/', i + 2);
      const end = e < 0 ? n : e + 2;
      out.push(i, end);
      i = end;
    } else if (c === 47 && text.charCodeAt(i + 1) === 47) {
      const e = text.indexOf('\n', i + 2);
      const end = e < 0 ? n : e;
      out.push(i, end);
      i = end;
    } else if (c === 34 /* " */ || c === 39 /* ' */) {
      let j = i + 1;
      while (j < n && text.charCodeAt(j) !== c && text.charCodeAt(j) !== 10) j += text.charCodeAt(j) === 92 /* \\ */ ? 2 : 1;
      out.push(i, Math.min(j + 1, n));
      i = j + 1;
    } else {
      const next = nextSpecial(text, i + 1);
      i = next < 0 ? n : next;
    }
  }
  return out;
}

const SPECIAL = /[/"']/g;

function nextSpecial(text: string, from: number): number {
  SPECIAL.lastIndex = from;
  const m = SPECIAL.exec(text);
  return m ? m.index : -1;
}

export function blankAnnotations(text: string): BlankedText {
  const lockAnnotations: LockAnnotation[] = [];
  const ranges: number[] = [];
  const prose = proseRegions(text);
  let r = 0;
  WORD.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = WORD.exec(text)) !== null) {
    const word = m[0];
    if (!isAnnotation(word)) continue;
    const start = m.index;
    while (r < prose.length && prose[r + 1]! <= start) r += 2;
    if (r < prose.length && prose[r]! <= start) {
      WORD.lastIndex = prose[r + 1]!;
      continue;
    }
    let end = start + word.length;
    let j = end;
    while (j < text.length && (text[j] === ' ' || text[j] === '\t')) j++;
    let args = '';
    if (text[j] === '(') {
      const close = matchParen(text, j);
      if (close < 0) continue;
      args = text.slice(j + 1, close - 1).trim();
      end = close;
    } else if (word === '__attribute__' || word === '__declspec') {
      continue;
    }
    if (LOCK_CONTRACT_MACROS.has(word)) lockAnnotations.push({ macro: word, args, offset: start });
    ranges.push(start, end);
    WORD.lastIndex = end;
  }
  return { text: blanked(text, ranges), lockAnnotations };
}
