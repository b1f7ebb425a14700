import type { DocLine } from './types';

/**
 * Splits a document into lines, dropping `\n`, `\r\n` and a lone trailing `\r`, and numbering them
 * from 0. One pass with indexOf, so a multi-megabyte patch costs linear time. A final line ending
 * does not produce an extra empty line.
 */
export function splitDocLines(text: string, firstDocLine = 0): DocLine[] {
  const out: DocLine[] = [];
  let start = 0;
  let n = firstDocLine;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    let stop = end;
    if (stop > start && text.charCodeAt(stop - 1) === 13) stop--;
    out.push({ text: text.slice(start, stop), docLine: n++ });
    start = end + 1;
  }
  return out;
}

/** Shortens a line for an error message, so a megabyte of garbage never lands in one. */
export function quoteForMessage(text: string, max = 60): string {
  const shown = text.length > max ? `${text.slice(0, max)}…` : text;
  return JSON.stringify(shown);
}
