import { PatchParseError, type DocLine } from './types';

/**
 * Decodes mail bodies (quoted-printable, base64) back to text lines, remembering for each decoded
 * line the document line it starts on. Written here rather than taken from a library because the
 * line map is the point: patch findings must land on the mail's own lines.
 */

const HEX = /^[0-9A-Fa-f]{2}$/;

function decoderFor(charset: string, where: number): TextDecoder {
  try {
    return new TextDecoder(charset, { fatal: false });
  } catch {
    throw new PatchParseError(where, `unknown charset ${JSON.stringify(charset)} in Content-Type`);
  }
}

/** Appends the bytes one quoted-printable line stands for. */
function qpBytes(text: string, out: number[]): void {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 61 /* = */ && i + 2 < text.length && HEX.test(text.slice(i + 1, i + 3))) {
      out.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (c < 128) {
      out.push(c);
    } else {
      // Raw 8-bit text in a QP body is not valid QP, but mailers do it: keep it as UTF-8.
      const cp = text.codePointAt(i)!;
      const ch = String.fromCodePoint(cp);
      for (const b of Buffer.from(ch, 'utf8')) out.push(b);
      i += ch.length - 1;
    }
  }
}

/** Quoted-printable (RFC 2045 §6.7): `=XX` escapes and `=` at line end for soft breaks. */
export function decodeQuotedPrintable(lines: DocLine[], charset: string, charsetLine: number): DocLine[] {
  const decoder = decoderFor(charset, charsetLine);
  const out: DocLine[] = [];
  let bytes: number[] = [];
  let startLine = -1;
  for (const l of lines) {
    if (startLine < 0) startLine = l.docLine;
    // Transport may add trailing whitespace; RFC 2045 says to drop it.
    const t = l.text.replace(/[ \t]+$/, '');
    // An escape `=XX` never ends in `=`, so a trailing `=` is always a soft break.
    const soft = t.endsWith('=');
    qpBytes(soft ? t.slice(0, -1) : t, bytes);
    if (!soft) {
      out.push({ text: decoder.decode(Uint8Array.from(bytes)), docLine: startLine });
      bytes = [];
      startLine = -1;
    }
  }
  if (startLine >= 0) out.push({ text: decoder.decode(Uint8Array.from(bytes)), docLine: startLine });
  return splitEmbeddedBreaks(out);
}

/** `=0A` inside a QP line is a real line break in the decoded text. */
function splitEmbeddedBreaks(lines: DocLine[]): DocLine[] {
  if (!lines.some((l) => l.text.includes('\n') || l.text.endsWith('\r'))) return lines;
  const out: DocLine[] = [];
  for (const l of lines) {
    for (const part of l.text.split('\n')) out.push({ text: part.endsWith('\r') ? part.slice(0, -1) : part, docLine: l.docLine });
  }
  return out;
}

const B64_LINE = /^[A-Za-z0-9+/]*={0,2}$/;

/** Base64: decoded lines map to the encoded line holding their first byte. */
export function decodeBase64(lines: DocLine[], charset: string, charsetLine: number): DocLine[] {
  const decoder = decoderFor(charset, charsetLine);
  const chunks: string[] = [];
  /** Decoded byte offset where each encoded line starts. */
  const starts: number[] = [];
  const owners: number[] = [];
  let total = 0;
  for (const l of lines) {
    const t = l.text.trim();
    if (t === '') continue;
    if (!B64_LINE.test(t)) {
      throw new PatchParseError(l.docLine, `invalid base64 in a body declared Content-Transfer-Encoding: base64`);
    }
    starts.push(total);
    owners.push(l.docLine);
    chunks.push(t);
    const pad = t.endsWith('==') ? 2 : t.endsWith('=') ? 1 : 0;
    total += Math.floor((t.length * 3) / 4) - pad;
  }
  const joined = chunks.join('');
  if (joined.replace(/=+$/, '').length % 4 === 1) {
    throw new PatchParseError(owners[owners.length - 1] ?? lines[0]?.docLine ?? 0, 'truncated base64 body (its length is not a whole number of bytes)');
  }
  const bytes = Buffer.from(joined, 'base64');
  const out: DocLine[] = [];
  let owner = 0;
  let lineStart = 0;
  for (let i = 0; i <= bytes.length; i++) {
    if (i === bytes.length || bytes[i] === 10) {
      if (i === bytes.length && i === lineStart) break;
      while (owner + 1 < starts.length && starts[owner + 1]! <= lineStart) owner++;
      let end = i;
      if (end > lineStart && bytes[end - 1] === 13) end--;
      out.push({ text: decoder.decode(bytes.subarray(lineStart, end)), docLine: owners[owner] ?? 0 });
      lineStart = i + 1;
    }
  }
  return out;
}
