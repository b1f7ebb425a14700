/**
 * `argPattern` of a refcount API (`lockstep.json` refs[].argPattern): "count this call only when
 * the object argument's text matches". A repository's config is untrusted input, so the pattern is
 * matched in linear time (RE2 semantics through re2js: no backtracking, so `^(a+)+$` cannot stall
 * the analysis), against at most MAX_ARG_TEXT characters of the argument. Plain words (the built-ins'
 * `ref`) are matched with `includes`, so most runs never load the regex engine.
 */
import type { RE2JS } from 're2js';

/** Longer argument texts are matched on their first this many characters. */
export const MAX_ARG_TEXT = 1024;
/** Longer patterns are refused by the config schema (and here). */
export const MAX_ARG_PATTERN = 256;

type Matcher = (text: string) => boolean;

const compiled = new Map<string, Matcher>();
let engine: typeof RE2JS | undefined;

function re2(): typeof RE2JS {
  // Loaded on the first pattern that is not a plain word: it costs ~60 ms of start-up otherwise.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  engine ??= (require('re2js') as typeof import('re2js')).RE2JS;
  return engine;
}

/** Why the pattern cannot be used (RE2 syntax: no backreferences, no lookarounds), or undefined. */
export function argPatternProblem(pattern: string): string | undefined {
  if (pattern.length > MAX_ARG_PATTERN) return `longer than ${MAX_ARG_PATTERN} characters`;
  try {
    matcherFor(pattern);
    return undefined;
  } catch (e) {
    // re2js spells the case-insensitive flag into the pattern it quotes: show the user's pattern.
    return (e instanceof Error ? e.message : String(e)).replace('`(?i)', '`');
  }
}

function matcherFor(pattern: string): Matcher {
  let m = compiled.get(pattern);
  if (m) return m;
  if (/^[A-Za-z0-9_]+(?:\|[A-Za-z0-9_]+)*$/.test(pattern)) {
    const words = pattern.toLowerCase().split('|');
    m = (text) => {
      const t = text.toLowerCase();
      return words.some((w) => t.includes(w));
    };
  } else {
    const RE2 = re2();
    const re = RE2.compile(pattern, RE2.CASE_INSENSITIVE);
    m = (text) => re.matcher(text).find();
  }
  if (compiled.size > 1000) compiled.clear();
  compiled.set(pattern, m);
  return m;
}

/** Whether `text` (an argument's source text) matches `pattern`, case-insensitively, anywhere. */
export function argPatternMatches(pattern: string, text: string): boolean {
  return matcherFor(pattern)(text.length > MAX_ARG_TEXT ? text.slice(0, MAX_ARG_TEXT) : text);
}
