import { DEFAULT_MAX_FILE_BYTES, InputError } from './inputError';

/** How the bytes of a source file were read; --fix writes a file back the same way. */
export type SourceEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252';

export interface DecodedSource {
  /** The text, with a BOM replaced by a space and lone CRs by LFs, so offsets match the file's characters. */
  text: string;
  encoding: SourceEncoding;
  /** The file started with a byte-order mark. */
  bom: boolean;
  /** Offsets of lone CRs turned into LFs (a classic-Mac or mangled file), to restore when writing back. */
  loneCrs: number[];
  /** Things the reader should know (`read as Windows-1252`), without the file name. */
  notes: string[];
}

/**
 * Decodes the bytes of a C source. UTF-8 (with or without a BOM) and UTF-16 with a BOM are read as
 * such; other bytes that are not UTF-8 are read as Windows-1252 with a note (Windows driver sources
 * are often CP-1252). NUL bytes outside UTF-16 mean a binary file: refused. A lone CR is a line break.
 */
export function decodeSource(bytes: Uint8Array, name: string, maxBytes = DEFAULT_MAX_FILE_BYTES): DecodedSource {
  if (bytes.length > maxBytes) {
    throw new InputError(`${name}: file is ${bytes.length} bytes, over the ${maxBytes}-byte limit; skipped`);
  }
  const notes: string[] = [];
  let encoding: SourceEncoding;
  let bom: boolean;
  let text: string;
  const utf16 = bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff));
  if (utf16) {
    encoding = bytes[0] === 0xff ? 'utf-16le' : 'utf-16be';
    if (bytes.length % 2 !== 0) throw new InputError(`${name}: ${encoding.toUpperCase()} file with an odd number of bytes; skipped`);
    text = new TextDecoder(encoding, { fatal: false, ignoreBOM: true }).decode(bytes);
    bom = true;
    notes.push(`read as ${encoding === 'utf-16le' ? 'UTF-16LE' : 'UTF-16BE'} (byte-order mark)`);
  } else {
    const nul = bytes.indexOf(0);
    if (nul >= 0) throw new InputError(`${name}: binary file (NUL byte at offset ${nul}); skipped`);
    try {
      text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
      encoding = 'utf-8';
    } catch {
      text = decodeWindows1252(bytes);
      encoding = 'windows-1252';
      notes.push(`not valid UTF-8 (first bad byte at offset ${firstInvalidUtf8(bytes)}); read as Windows-1252`);
    }
    bom = encoding === 'utf-8' && text.charCodeAt(0) === 0xfeff;
  }
  if (text.includes('\0')) throw new InputError(`${name}: binary file (NUL character); skipped`);
  if (text.charCodeAt(0) === 0xfeff) text = ` ${text.slice(1)}`;
  const loneCrs: number[] = [];
  if (text.includes('\r')) {
    text = text.replace(/\r(?!\n)/g, (_m, offset: number) => {
      loneCrs.push(offset);
      return '\n';
    });
  }
  return { text, encoding, bom, loneCrs, notes };
}

/** Decoded text only (the editor and patch hosts, which show no notes). */
export function decodeCSource(bytes: Uint8Array, name: string, maxBytes = DEFAULT_MAX_FILE_BYTES): string {
  return decodeSource(bytes, name, maxBytes).text;
}

/** The decoded text with its lone CRs put back: same length, so offsets into either are the same. */
export function restoreLoneCrs(text: string, loneCrs: readonly number[]): string {
  if (loneCrs.length === 0) return text;
  const chars = text.split('');
  for (const o of loneCrs) chars[o] = '\r';
  return chars.join('');
}

/** The bytes of `text` in the file's own encoding, with its BOM (which decoding turned into a space) back. */
export function encodeLike(text: string, like: Pick<DecodedSource, 'encoding' | 'bom'>): Buffer {
  const t = like.bom ? `\ufeff${text.slice(1)}` : text;
  switch (like.encoding) {
    case 'utf-8':
      return Buffer.from(t, 'utf8');
    case 'utf-16le':
      return Buffer.from(t, 'utf16le');
    case 'utf-16be':
      return Buffer.from(t, 'utf16le').swap16();
    case 'windows-1252':
      return encodeWindows1252(t);
  }
}

/** Byte offset of the first byte that is not UTF-8 (the lossy decode's first U+FFFD that the input did not spell). */
function firstInvalidUtf8(bytes: Uint8Array): number {
  const lossy = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true }).decode(bytes);
  let from = 0;
  for (;;) {
    const i = lossy.indexOf('\ufffd', from);
    if (i < 0) return bytes.length;
    const at = Buffer.byteLength(lossy.slice(0, i), 'utf8');
    if (!(bytes[at] === 0xef && bytes[at + 1] === 0xbf && bytes[at + 2] === 0xbd)) return at;
    from = i + 1;
  }
}

/** Windows-1252's 0x80–0x9F (the rest of the bytes are their Latin-1 code points); undefined bytes map to themselves. */
const CP1252_HIGH = [
  0x20ac, 0x81, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8d, 0x017d, 0x8f,
  0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x9d, 0x017e, 0x0178,
];

function decodeWindows1252(bytes: Uint8Array): string {
  const parts: string[] = [];
  for (let i = 0; i < bytes.length; i += 8192) {
    const slice = bytes.subarray(i, i + 8192);
    parts.push(String.fromCharCode(...Array.from(slice, (b) => (b >= 0x80 && b <= 0x9f ? CP1252_HIGH[b - 0x80]! : b))));
  }
  return parts.join('');
}

function encodeWindows1252(text: string): Buffer {
  const reverse = new Map(CP1252_HIGH.map((cp, i) => [cp, 0x80 + i]));
  const out = Buffer.alloc(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    out[i] = c < 0x80 || (c >= 0xa0 && c <= 0xff) ? c : reverse.get(c) ?? 0x3f; // '?' for what CP-1252 cannot hold
  }
  return out;
}
