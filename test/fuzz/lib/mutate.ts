import { concat, lossy, utf8 } from './bytes';
import type { Prng } from './prng';

/**
 * Mutations of an existing input. Each returns new bytes and the name of what it did, so the
 * summary can say which kind of input was slowest and a saved regression says how it was made.
 */
export interface Mutated {
  bytes: Uint8Array;
  kind: string;
}

type Mutator = (rng: Prng, input: Uint8Array, others: readonly Uint8Array[]) => Uint8Array;

/** Byte sequences that break strict UTF-8 decoding or binary checks in different ways. */
const HOSTILE_BYTES: readonly number[][] = [
  [0x00], // NUL
  [0xff], // never valid in UTF-8
  [0x80], // lone continuation byte
  [0xc3], // truncated two-byte sequence
  [0xc0, 0xaf], // overlong '/'
  [0xed, 0xa0, 0x80], // UTF-16 surrogate encoded in UTF-8
  [0xef, 0xbb, 0xbf], // BOM in the middle
  [0xf4, 0x90, 0x80, 0x80], // above U+10FFFF
  [0xe2, 0x80, 0xa8], // U+2028 line separator (a line break to JS, not to C)
  [0x0c], // form feed
  [0x1a], // DOS end-of-file
];

const TOKEN = /[A-Za-z_]\w*|0[xX][0-9a-fA-F]+|\d+|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|\/\*[\s\S]*?\*\/|\/\/[^\n]*|->|\+\+|--|<<|>>|&&|\|\||[^\sA-Za-z0-9_]/g;

function tokens(text: string): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  for (const m of text.matchAll(TOKEN)) out.push({ start: m.index, end: m.index + m[0].length });
  return out;
}

function splice(input: Uint8Array, at: number, remove: number, insert: Uint8Array): Uint8Array {
  return concat([input.subarray(0, at), insert, input.subarray(Math.min(input.length, at + remove))]);
}

function onText(f: (rng: Prng, text: string) => string): Mutator {
  return (rng, input) => utf8(f(rng, lossy(input)));
}

/** Points where a truncated file or mail tends to break a parser: after an opener, mid-token, mid-character. */
const CUT_AFTER = ['{', '}', '(', ')', ';', '"', "'", '/*', '//', '#', '\\', '\n', '\r', ',', '->', '@@', '+', '-', ' ', '=', ':', '.', '*'];

const truncate: Mutator = (rng, input) => {
  if (input.length === 0) return input;
  const how = rng.int(3);
  if (how === 0) return input.subarray(0, rng.int(input.length));
  if (how === 1) {
    // Mid multi-byte character, if there is one.
    const starts: number[] = [];
    for (let i = 0; i < input.length; i++) if (input[i]! >= 0xc2 && input[i]! <= 0xf4) starts.push(i);
    if (starts.length > 0) return input.subarray(0, rng.pick(starts) + 1);
  }
  const text = lossy(input);
  const needle = rng.pick(CUT_AFTER);
  const hits: number[] = [];
  for (let i = text.indexOf(needle); i >= 0 && hits.length < 2000; i = text.indexOf(needle, i + 1)) hits.push(i);
  if (hits.length === 0) return input.subarray(0, rng.int(input.length));
  return utf8(text.slice(0, rng.pick(hits) + needle.length));
};

const MUTATORS: Record<string, Mutator> = {
  'byte-flip': (rng, input) => {
    const out = Uint8Array.from(input);
    const n = rng.range(1, 8);
    for (let i = 0; i < n && out.length > 0; i++) out[rng.int(out.length)]! ^= 1 << rng.int(8);
    return out;
  },
  'hostile-bytes': (rng, input) => splice(input, rng.int(input.length + 1), 0, Uint8Array.from(rng.pick(HOSTILE_BYTES))),
  'bom': (rng, input) => {
    const bom = Uint8Array.from([0xef, 0xbb, 0xbf]);
    return rng.chance(0.7) ? concat([bom, input]) : concat([bom, bom, input]);
  },
  'truncate': truncate,
  'token-delete': onText((rng, text) => {
    const t = tokens(text);
    let out = text;
    for (let i = 0, n = rng.range(1, 4); i < n && t.length > 0; i++) {
      const k = rng.int(t.length);
      const tok = t.splice(k, 1)[0]!;
      out = out.slice(0, tok.start) + out.slice(tok.end);
      for (let j = k; j < t.length; j++) t[j] = { start: t[j]!.start - (tok.end - tok.start), end: t[j]!.end - (tok.end - tok.start) };
    }
    return out;
  }),
  'token-duplicate': onText((rng, text) => {
    const t = tokens(text);
    if (t.length === 0) return text + text;
    const tok = rng.pick(t);
    const s = text.slice(tok.start, tok.end);
    return text.slice(0, tok.end) + s.repeat(rng.range(1, 3)) + text.slice(tok.end);
  }),
  'token-swap': onText((rng, text) => {
    const t = tokens(text);
    if (t.length < 2) return text;
    const [a, b] = [rng.pick(t), rng.pick(t)].sort((x, y) => x.start - y.start) as [{ start: number; end: number }, { start: number; end: number }];
    if (a.end > b.start) return text;
    return text.slice(0, a.start) + text.slice(b.start, b.end) + text.slice(a.end, b.start) + text.slice(a.start, a.end) + text.slice(b.end);
  }),
  'unbalance': onText((rng, text) => {
    const ch = rng.pick(['{', '}', '(', ')', '[', ']', '"', "'", '/*', '*/', '#if 1\n', '#endif\n', '\\\n']);
    let out = text;
    for (let i = 0, n = rng.range(1, 5); i < n; i++) {
      const at = rng.int(out.length + 1);
      out = out.slice(0, at) + ch + out.slice(at);
    }
    return out;
  }),
  'drop-closer': onText((rng, text) => {
    const closer = rng.pick(['}', ')', ']', '*/', '#endif']);
    const at = text.lastIndexOf(closer, rng.int(text.length + 1));
    return at < 0 ? text : text.slice(0, at) + text.slice(at + closer.length);
  }),
  'macro-braces': onText((rng, text) => {
    const head = '#define LS_BEGIN {\n#define LS_END }\n#define LS_LOCK(l) { spin_lock(l);\n#define LS_UNLOCK(l) spin_unlock(l); }\n';
    let out = text;
    for (let i = 0, n = rng.range(1, 6); i < n; i++) {
      const open = rng.chance(0.5);
      const at = out.indexOf(open ? '{' : '}', rng.int(out.length + 1));
      if (at >= 0) out = out.slice(0, at) + (open ? 'LS_BEGIN' : 'LS_END') + out.slice(at + 1);
    }
    if (rng.chance(0.3)) out = out.replace(/\{/, '\n#ifdef X\n{\n#else\n{ {\n#endif\n');
    return head + out;
  }),
  'line-endings': onText((rng, text) => {
    const lines = text.split(/\r\n|\r|\n/);
    const mode = rng.int(4);
    return lines.map((l, i) => l + (i === lines.length - 1 ? '' : mode === 0 ? '\r\n' : mode === 1 ? '\r' : rng.pick(['\n', '\r\n', '\r', '\n\r']))).join('');
  }),
  'line-shuffle': onText((rng, text) => {
    const lines = text.split('\n');
    if (lines.length < 2) return text;
    const op = rng.int(3);
    const i = rng.int(lines.length);
    if (op === 0) lines.splice(i, rng.range(1, 10));
    else if (op === 1) lines.splice(i, 0, ...lines.slice(rng.int(lines.length), rng.int(lines.length) + rng.range(1, 20)));
    else {
      const j = rng.int(lines.length);
      [lines[i], lines[j]] = [lines[j]!, lines[i]!];
    }
    return lines.join('\n');
  }),
  'splice-other': (rng, input, others) => {
    if (others.length === 0) return input;
    const o = rng.pick(others);
    const from = rng.int(o.length + 1);
    const chunk = o.subarray(from, from + rng.range(1, 4000));
    return splice(input, rng.int(input.length + 1), rng.chance(0.5) ? rng.int(2000) : 0, chunk);
  },
  'number-extremes': onText((rng, text) => {
    const nums = [...text.matchAll(/\d+/g)];
    if (nums.length === 0) return text;
    const m = rng.pick(nums);
    const v = rng.pick(['0', '-1', '4294967295', '4294967296', '99999999999999999999', '1e309', '00', '9'.repeat(400)]);
    return text.slice(0, m.index) + v + text.slice(m.index + m[0].length);
  }),
};

export const MUTATION_KINDS = Object.keys(MUTATORS);

/** Applies one to three random mutations in a row. */
export function mutate(rng: Prng, input: Uint8Array, others: readonly Uint8Array[]): Mutated {
  let bytes = input;
  const kinds: string[] = [];
  for (let i = 0, n = rng.chance(0.6) ? 1 : rng.range(2, 3); i < n; i++) {
    const kind = rng.pick(MUTATION_KINDS);
    bytes = MUTATORS[kind]!(rng, bytes, others);
    kinds.push(kind);
  }
  return { bytes, kind: kinds.join('+') };
}
