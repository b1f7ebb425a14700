import { InputError } from '../input';
import { joinImage, type FileImage } from './image';
import type { AppliedImages } from './applyHunks';
import type { Hunk, HunkLine } from './types';

/**
 * When the base tree lacks a file that the patch modifies, the hunks are all we know of it. Each
 * side is rebuilt from them (context + `-` lines before, context + `+` lines after), placed at the
 * lines the headers name, so findings keep real line numbers. A hunk that starts inside a function
 * (git names it after the second `@@`) is wrapped in that function's header and closed with the
 * braces it leaves open, so the parser sees whole functions "as far as the hunks show them".
 */

/** Rebuilding pads blank lines up to each hunk; past this line the file is skipped instead (time, memory). */
export const MAX_RECONSTRUCTED_LINES = 1_000_000;

const FUNCTION_LIKE = /^[A-Za-z_][\w\s*,()[\]]*\(/;

function braceBalance(lines: string[]): { min: number; end: number } {
  let depth = 0;
  let min = 0;
  for (const l of lines) {
    // Rough on purpose: strings and comments rarely hold braces in datapath code.
    const code = l.replace(/\/\/.*$/, '').replace(/"(?:[^"\\]|\\.)*"/g, '""').replace(/'(?:[^'\\]|\\.)*'/g, "''");
    for (const ch of code) {
      if (ch === '{') depth++;
      else if (ch === '}') min = Math.min(min, --depth);
    }
  }
  return { min, end: depth };
}

function sideOf(hunk: Hunk, side: 'pre' | 'post'): HunkLine[] {
  const drop = side === 'pre' ? 'added' : 'removed';
  return hunk.lines.filter((l) => l.kind !== drop);
}

function wrapper(hunk: Hunk, lines: HunkLine[], ordinal: number): { head: string[]; tail: string[] } {
  const texts = lines.map((l) => l.text);
  const { min, end } = braceBalance(texts);
  const firstCode = texts.find((t) => t.trim() !== '');
  const startsInside = firstCode !== undefined && /^\s/.test(firstCode);
  const section = hunk.section;
  const sectionIsFunction = FUNCTION_LIKE.test(section) && !section.trimEnd().endsWith(';');
  const head: string[] = [];
  let depth = end;
  if (min < 0 || (startsInside && sectionIsFunction)) {
    const open = Math.max(1, -min);
    const name = sectionIsFunction ? section.replace(/\s*\{\s*$/, '') : `void lockstep_hunk_${ordinal}(void)`;
    head.push(`${name} {`, ...Array.from({ length: open - 1 }, () => '{'));
    depth += open;
  }
  return { head, tail: Array.from({ length: Math.max(0, depth) }, () => '}') };
}

function buildSide(hunks: Hunk[], side: 'pre' | 'post'): { image: FileImage; touched: number[] } {
  const image: FileImage = { lines: [], eols: [], docLines: [] };
  const touched: number[] = [];
  const push = (text: string, docLine: number): void => {
    image.lines.push(text);
    image.eols.push('\n');
    image.docLines.push(docLine);
  };
  hunks.forEach((hunk, k) => {
    const lines = sideOf(hunk, side);
    const start = (side === 'pre' ? hunk.oldStart : hunk.newStart) - 1;
    if (start > MAX_RECONSTRUCTED_LINES) {
      throw new InputError(`hunk ${hunk.header} starts at line ${start + 1}; a file missing from the base is rebuilt only up to line ${MAX_RECONSTRUCTED_LINES}`);
    }
    const { head, tail } = wrapper(hunk, lines, k);
    while (image.lines.length < start - head.length) push('', -1);
    for (const h of head) push(h, hunk.headerDocLine);
    for (const l of lines) {
      if (l.kind !== 'context') touched.push(image.lines.length);
      push(l.text, l.docLine);
    }
    for (const t of tail) push(t, -1);
  });
  return { image, touched };
}

export function reconstructFromHunks(hunks: Hunk[]): AppliedImages {
  const pre = buildSide(hunks, 'pre');
  const post = buildSide(hunks, 'post');
  return {
    pre: pre.image,
    post: post.image,
    preText: joinImage(pre.image),
    postText: joinImage(post.image),
    addedLines: post.touched,
    removedLines: pre.touched,
    hunks: hunks.map((hunk, index) => ({ index, hunk, applied: true, appliedAt: hunk.oldStart, offset: 0 })),
  };
}
