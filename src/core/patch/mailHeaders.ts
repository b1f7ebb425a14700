import type { DocLine, PatchNumbering } from './types';

/**
 * RFC 5322 header block of a mail: folded lines joined, names lower-cased, RFC 2047 encoded words
 * decoded. `git format-patch` writes From, Date, Subject (folded when long, encoded when not ASCII).
 */

export interface HeaderField {
  name: string;
  value: string;
  docLine: number;
}

export interface HeaderBlock {
  fields: HeaderField[];
  /** Index of the first body line (after the blank separator line). */
  bodyStart: number;
}

const FIELD = /^([\x21-\x39\x3b-\x7e]+):[ \t]?(.*)$/;

export function looksLikeHeaderLine(text: string): boolean {
  return FIELD.test(text);
}

/** Reads header lines from `start` until the first empty line (or the end). */
export function readHeaders(lines: DocLine[], start: number, end: number): HeaderBlock {
  const fields: HeaderField[] = [];
  let i = start;
  for (; i < end; i++) {
    const { text, docLine } = lines[i]!;
    if (text === '') return { fields, bodyStart: i + 1 };
    const last = fields[fields.length - 1];
    if ((text.startsWith(' ') || text.startsWith('\t')) && last) {
      last.value += ` ${text.trim()}`;
      continue;
    }
    const m = FIELD.exec(text);
    if (!m) return { fields, bodyStart: i }; // no blank separator: the body starts here
    fields.push({ name: m[1]!.toLowerCase(), value: m[2]!.trim(), docLine });
  }
  return { fields, bodyStart: i };
}

export function headerValue(block: HeaderBlock, name: string): HeaderField | undefined {
  return block.fields.find((f) => f.name === name);
}

/** `text/plain; charset="UTF-8"; format=flowed` → parameter value. */
export function headerParam(value: string, param: string): string | undefined {
  const re = new RegExp(`(?:^|;)\\s*${param}\\s*=\\s*(?:"([^"]*)"|([^;\\s]*))`, 'i');
  const m = re.exec(value);
  return m ? (m[1] ?? m[2]) : undefined;
}

const ENCODED_WORD = /=\?([^?\s]+)\?([QqBb])\?([^?\s]*)\?=/g;

/** Decodes `=?UTF-8?q?Jos=C3=A9?=` words; whitespace between two encoded words is dropped. */
export function decodeEncodedWords(value: string): string {
  if (!value.includes('=?')) return value;
  const joined = value.replace(/(\?=)\s+(?==\?)/g, '$1');
  return joined.replace(ENCODED_WORD, (whole, charset: string, enc: string, data: string) => {
    let bytes: Buffer;
    if (enc === 'B' || enc === 'b') {
      bytes = Buffer.from(data, 'base64');
    } else {
      const out: number[] = [];
      for (let i = 0; i < data.length; i++) {
        const c = data[i]!;
        if (c === '_') out.push(32);
        else if (c === '=' && /^[0-9A-Fa-f]{2}$/.test(data.slice(i + 1, i + 3))) {
          out.push(parseInt(data.slice(i + 1, i + 3), 16));
          i += 2;
        } else out.push(c.charCodeAt(0) & 0xff);
      }
      bytes = Buffer.from(out);
    }
    try {
      return new TextDecoder(charset.replace(/\*.*$/, '')).decode(bytes);
    } catch {
      return whole; // unknown charset: show the word as written
    }
  });
}

/**
 * Splits `[ovs-dev] [PATCH v2 net-next 3/5] datapath: fix` into its numbering and the title.
 * Leading `Re:`/`Fwd:` and every bracket group are taken off the title.
 */
export function parseSubject(subject: string): { title: string; numbering?: PatchNumbering } {
  let rest = subject.trim();
  const words: string[] = [];
  for (let guard = 0; guard < 32; guard++) {
    const re = /^(?:(?:re|fwd?|aw):\s*)/i.exec(rest);
    if (re) {
      rest = rest.slice(re[0].length);
      continue;
    }
    if (!rest.startsWith('[')) break;
    const close = rest.indexOf(']');
    if (close < 0) break;
    words.push(...rest.slice(1, close).split(/\s+/).filter((w) => w !== ''));
    rest = rest.slice(close + 1).trimStart();
  }
  let numbering: PatchNumbering | undefined;
  let version: number | undefined;
  const tags: string[] = [];
  for (const w of words) {
    const n = /^(\d+)\/(\d+)$/.exec(w);
    const v = /^v(\d+)$/i.exec(w);
    if (n) numbering = { index: Number(n[1]), total: Number(n[2]), tags: [] };
    else if (v) version = Number(v[1]);
    else if (!/^patch$/i.test(w)) tags.push(w);
  }
  if (numbering) {
    numbering.tags = tags;
    if (version !== undefined) numbering.version = version;
  } else if (words.some((w) => /^patch$/i.test(w))) {
    numbering = { index: 1, total: 1, tags, ...(version !== undefined ? { version } : {}) };
  }
  return { title: rest, ...(numbering ? { numbering } : {}) };
}
