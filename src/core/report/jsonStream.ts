/**
 * JSON text of a report, produced in pieces: the same bytes as `JSON.stringify(value, null, 2)`,
 * but no single string holds the whole document, so a report of any size can be written (V8 caps
 * one string at ~512 MB, and a 100 MB string already costs its double in memory).
 */

type Json = string | number | boolean | null | undefined | readonly unknown[] | { readonly [k: string]: unknown };

function isSkipped(v: unknown): boolean {
  return v === undefined || typeof v === 'function' || typeof v === 'symbol';
}

function* pieces(value: unknown, indent: string): Generator<string> {
  let v = value as Json;
  if (v !== null && typeof v === 'object' && typeof (v as { toJSON?: unknown }).toJSON === 'function') {
    v = (v as { toJSON(): Json }).toJSON();
  }
  if (v === null || typeof v !== 'object') {
    yield isSkipped(v) ? 'null' : JSON.stringify(v);
    return;
  }
  const inner = `${indent}  `;
  if (Array.isArray(v)) {
    if (v.length === 0) {
      yield '[]';
      return;
    }
    yield '[';
    for (let i = 0; i < v.length; i++) {
      yield `${i === 0 ? '' : ','}\n${inner}`;
      yield* pieces(v[i], inner);
    }
    yield `\n${indent}]`;
    return;
  }
  let first = true;
  for (const [k, item] of Object.entries(v)) {
    if (isSkipped(item)) continue;
    yield `${first ? '{' : ','}\n${inner}${JSON.stringify(k)}: `;
    first = false;
    yield* pieces(item, inner);
  }
  yield first ? '{}' : `\n${indent}}`;
}

/** Pieces of `JSON.stringify(value, null, 2)` followed by a newline, gathered into chunks of about `chunkChars`. */
export function* jsonChunks(value: unknown, chunkChars = 1 << 16): Generator<string> {
  let buf: string[] = [];
  let size = 0;
  for (const p of pieces(value, '')) {
    buf.push(p);
    size += p.length;
    if (size >= chunkChars) {
      yield buf.join('');
      buf = [];
      size = 0;
    }
  }
  buf.push('\n');
  yield buf.join('');
}

/** Writes `value` as indented JSON plus a newline through `write`, one chunk at a time. */
export function writeJson(value: unknown, write: (chunk: string) => void): void {
  for (const chunk of jsonChunks(value)) write(chunk);
}
