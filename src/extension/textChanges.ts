import { posAt } from '../core/fixes/syntax';

/** A change to a document's text in UTF-16 offsets, as VS Code reports it (`rangeOffset`, `rangeLength`). */
export interface OffsetChange {
  offset: number;
  length: number;
  text: string;
}

/**
 * Applies changes in the order given, each relative to the text after the previous one (VS Code's
 * `contentChanges` of one event are non-overlapping and ordered so this holds). Returns undefined
 * when a change falls outside the text: the caller then asks for the full text again.
 */
export function applyChanges(text: string, changes: readonly OffsetChange[]): string | undefined {
  let out = text;
  for (const c of changes) {
    if (c.offset < 0 || c.length < 0 || c.offset + c.length > out.length) return undefined;
    out = out.slice(0, c.offset) + c.text + out.slice(c.offset + c.length);
  }
  return out;
}

/** The length a text will have after the changes, without building it (the host's sync check). */
export function lengthAfter(length: number, changes: readonly OffsetChange[]): number {
  return changes.reduce((n, c) => n - c.length + c.text.length, length);
}

export interface TextDiff {
  start: number;
  oldEnd: number;
  newEnd: number;
}

/**
 * The single edit that turns `before` into `after`: common prefix and suffix stripped. Undefined when
 * the texts are equal. Linear in the text length (about 1 ms for 1 MB).
 */
export function diffTexts(before: string, after: string): TextDiff | undefined {
  if (before === after) return undefined;
  const max = Math.min(before.length, after.length);
  let start = 0;
  while (start < max && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let oldEnd = before.length;
  let newEnd = after.length;
  while (oldEnd > start && newEnd > start && before.charCodeAt(oldEnd - 1) === after.charCodeAt(newEnd - 1)) {
    oldEnd--;
    newEnd--;
  }
  // Never split a surrogate pair: tree-sitter columns are UTF-16 units but the edit must be whole characters.
  if (start > 0 && isHighSurrogate(before.charCodeAt(start - 1))) start--;
  return { start, oldEnd, newEnd };
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

export interface RowColumn {
  row: number;
  column: number;
}

/** Row and UTF-16 column of an offset (the units web-tree-sitter uses for string input). */
export function pointAt(text: string, offset: number): RowColumn {
  const p = posAt(text, offset);
  return { row: p.line, column: p.column };
}
