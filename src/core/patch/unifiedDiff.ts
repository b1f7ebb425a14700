import { DEFAULT_MAX_FILE_BYTES } from '../input';
import { quoteForMessage } from './docLines';
import { fileHeaderName, gitDiffNames, stripPrefix, unquoteGitPath } from './gitPaths';
import { PatchParseError, type DocLine, type FilePatch, type Hunk, type HunkLine } from './types';

/**
 * Parses the diff part of a patch body: unified diffs with or without git's extended headers.
 * One forward pass; hunks are read by their `@@` counts, which is how a truncated hunk or wrong
 * counts are told apart from trailing text (mail signatures, commentary). Lines before the first
 * file header (a commit message, a diffstat) are skipped.
 */

const HUNK_HEADER = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@(.*)$/;

/**
 * A file under the input size limit has no more lines than bytes; a header naming a later line
 * is refused, since rebuilding a missing base file pads it with blank lines up to the hunk.
 */
const MAX_HUNK_LINE = DEFAULT_MAX_FILE_BYTES;

/** The `-- ` line git format-patch puts before its version signature. */
function isSignature(text: string): boolean {
  return text === '-- ' || text === '--';
}

function isPlainFileHeader(lines: DocLine[], i: number): boolean {
  return lines[i]!.text.startsWith('--- ') && i + 1 < lines.length && lines[i + 1]!.text.startsWith('+++ ');
}

export function parseFileDiffs(lines: DocLine[]): FilePatch[] {
  const files: FilePatch[] = [];
  let i = 0;
  /** Set right after a hunk ends, so a stray `+`/`-` line there is reported as a count error. */
  let lastHunk: Hunk | undefined;
  while (i < lines.length) {
    const line = lines[i]!;
    const t = line.text;
    if (t.startsWith('diff --git ')) {
      const file = parseGitHeader(lines, i);
      i = file.next;
      i = parseHunks(lines, i, file.patch);
      lastHunk = file.patch.hunks[file.patch.hunks.length - 1];
      files.push(file.patch);
      continue;
    }
    if (isPlainFileHeader(lines, i)) {
      const patch = newFilePatch(line.docLine);
      setNamesFromFileHeaders(patch, lines, i);
      patch.headerEndDocLine = lines[i + 1]!.docLine;
      i = parseHunks(lines, i + 2, patch);
      lastHunk = patch.hunks[patch.hunks.length - 1];
      files.push(patch);
      continue;
    }
    if (lastHunk && (t.startsWith('+') || (t.startsWith('-') && !isSignature(t)))) {
      throw new PatchParseError(
        line.docLine,
        `${quoteForMessage(t)} follows the hunk ${lastHunk.header} (line ${lastHunk.headerDocLine + 1}) after all the lines its header counts: the @@ counts are wrong or the hunk was edited by hand`,
      );
    }
    if (t.startsWith('@@ ')) {
      throw new PatchParseError(line.docLine, `hunk header ${quoteForMessage(t)} is not under a file header ('diff --git' or '---'/'+++')`);
    }
    lastHunk = undefined;
    i++;
  }
  return files;
}

function newFilePatch(docLine: number): FilePatch {
  return { status: 'modified', binary: false, headerStartDocLine: docLine, headerEndDocLine: docLine, hunks: [] };
}

function setNamesFromFileHeaders(patch: FilePatch, lines: DocLine[], i: number): void {
  const oldName = fileHeaderName(lines[i]!.text.slice(4));
  const newName = fileHeaderName(lines[i + 1]!.text.slice(4));
  if (oldName === undefined) throw new PatchParseError(lines[i]!.docLine, `'---' line names no file`);
  if (newName === undefined) throw new PatchParseError(lines[i + 1]!.docLine, `'+++' line names no file`);
  const oldPath = stripPrefix(oldName);
  const newPath = stripPrefix(newName);
  if (oldPath === undefined && newPath === undefined) throw new PatchParseError(lines[i]!.docLine, 'both sides of the diff are /dev/null');
  // git's own headers (rename/new/delete) win over the ---/+++ names when both are present.
  if (patch.status === 'modified' || patch.status === 'added' || patch.status === 'deleted') {
    patch.oldPath = oldPath ?? (patch.status === 'added' ? undefined : patch.oldPath);
    patch.newPath = newPath ?? (patch.status === 'deleted' ? undefined : patch.newPath);
    if (oldPath === undefined) { patch.status = 'added'; patch.oldPath = undefined; }
    if (newPath === undefined) { patch.status = 'deleted'; patch.newPath = undefined; }
  }
}

function headerPath(rest: string): string {
  return (rest.startsWith('"') ? unquoteGitPath(rest) : undefined) ?? rest;
}

/** `diff --git` and the extended header lines after it, up to the first hunk or next file. */
function parseGitHeader(lines: DocLine[], start: number): { patch: FilePatch; next: number } {
  const first = lines[start]!;
  const patch = newFilePatch(first.docLine);
  const names = gitDiffNames(first.text.slice('diff --git '.length));
  if (!names) throw new PatchParseError(first.docLine, `cannot read the file names of ${quoteForMessage(first.text)}`);
  patch.oldPath = stripPrefix(names.oldName);
  patch.newPath = stripPrefix(names.newName);
  let i = start + 1;
  while (i < lines.length) {
    const { text: t, docLine } = lines[i]!;
    if (t.startsWith('diff --git ') || t.startsWith('@@ ')) break;
    if (isPlainFileHeader(lines, i)) {
      setNamesFromFileHeaders(patch, lines, i);
      patch.headerEndDocLine = lines[i + 1]!.docLine;
      return { patch, next: i + 2 };
    }
    let m: RegExpExecArray | null;
    if ((m = /^old mode ([0-7]+)$/.exec(t))) patch.oldMode = m[1];
    else if ((m = /^new mode ([0-7]+)$/.exec(t))) patch.newMode = m[1];
    else if ((m = /^new file mode ([0-7]+)$/.exec(t))) { patch.status = 'added'; patch.newMode = m[1]; patch.oldPath = undefined; }
    else if ((m = /^deleted file mode ([0-7]+)$/.exec(t))) { patch.status = 'deleted'; patch.oldMode = m[1]; patch.newPath = undefined; }
    else if (t.startsWith('rename from ')) { patch.status = 'renamed'; patch.oldPath = headerPath(t.slice(12)); }
    else if (t.startsWith('rename to ')) { patch.status = 'renamed'; patch.newPath = headerPath(t.slice(10)); }
    else if (t.startsWith('copy from ')) { patch.status = 'copied'; patch.oldPath = headerPath(t.slice(10)); }
    else if (t.startsWith('copy to ')) { patch.status = 'copied'; patch.newPath = headerPath(t.slice(8)); }
    else if ((m = /^similarity index (\d+)%$/.exec(t))) patch.similarity = Number(m[1]);
    else if ((m = /^dissimilarity index (\d+)%$/.exec(t))) patch.dissimilarity = Number(m[1]);
    else if ((m = /^index ([0-9a-fA-F]+)\.\.([0-9a-fA-F]+)(?: ([0-7]+))?$/.exec(t))) {
      patch.index = { oldId: m[1]!, newId: m[2]!, ...(m[3] ? { mode: m[3] } : {}) };
    } else if (/^Binary files .* differ$/.test(t)) {
      patch.binary = true;
      patch.headerEndDocLine = docLine;
      return { patch, next: i + 1 };
    } else if (t === 'GIT binary patch') {
      patch.binary = true;
      patch.headerEndDocLine = docLine;
      return { patch, next: skipBinaryData(lines, i + 1) };
    } else {
      break; // a mode-only change followed by the next file, a signature, or trailing prose
    }
    patch.headerEndDocLine = docLine;
    i++;
  }
  return { patch, next: i };
}

/** `literal N` / `delta N` blocks of base85 lines, each ended by an empty line. */
function skipBinaryData(lines: DocLine[], start: number): number {
  let i = start;
  while (i < lines.length) {
    const t = lines[i]!.text;
    if (/^(literal|delta) \d+$/.test(t)) {
      i++;
      while (i < lines.length && lines[i]!.text !== '') i++;
      i++;
      continue;
    }
    break;
  }
  return i;
}

/** Reads consecutive hunks; returns the index after the last one. */
function parseHunks(lines: DocLine[], start: number, patch: FilePatch): number {
  let i = start;
  while (i < lines.length && lines[i]!.text.startsWith('@@')) {
    const hunk = parseHunkHeader(lines[i]!);
    i = readHunkBody(lines, i + 1, hunk);
    patch.hunks.push(hunk);
  }
  return i;
}

function parseHunkHeader(line: DocLine): Hunk {
  const m = HUNK_HEADER.exec(line.text);
  if (!m) {
    throw new PatchParseError(line.docLine, `malformed hunk header ${quoteForMessage(line.text)} (expected '@@ -start,count +start,count @@')`);
  }
  const header = line.text.slice(0, line.text.length - m[5]!.length);
  const tooBig = [m[1], m[2], m[3], m[4]].find((v) => v !== undefined && Number(v) > MAX_HUNK_LINE);
  if (tooBig !== undefined) {
    throw new PatchParseError(line.docLine, `hunk header ${quoteForMessage(header)} names ${tooBig} lines, more than a file under the ${MAX_HUNK_LINE}-byte input limit can have`);
  }
  return {
    oldStart: Number(m[1]),
    oldCount: m[2] === undefined ? 1 : Number(m[2]),
    newStart: Number(m[3]),
    newCount: m[4] === undefined ? 1 : Number(m[4]),
    section: m[5]!.trim(),
    header,
    headerDocLine: line.docLine,
    lines: [],
  };
}

function readHunkBody(lines: DocLine[], start: number, hunk: Hunk): number {
  let oldLeft = hunk.oldCount;
  let newLeft = hunk.newCount;
  let i = start;
  const where = `hunk ${hunk.header} (line ${hunk.headerDocLine + 1})`;
  while (oldLeft > 0 || newLeft > 0) {
    if (i >= lines.length) {
      const last = lines.length > 0 ? lines[lines.length - 1]!.docLine : hunk.headerDocLine;
      throw new PatchParseError(last, `the patch ends inside ${where}: ${oldLeft} old and ${newLeft} new lines are missing (truncated patch?)`);
    }
    const { text: t, docLine } = lines[i]!;
    const c = t.length === 0 ? ' ' : t[0];
    let kind: HunkLine['kind'];
    if (c === ' ') kind = 'context';
    else if (c === '-') kind = 'removed';
    else if (c === '+') kind = 'added';
    else if (c === '\\') {
      markNoNewline(hunk, docLine);
      i++;
      continue;
    } else {
      throw new PatchParseError(docLine, `${where} still expects ${oldLeft} old and ${newLeft} new lines, but this line is ${quoteForMessage(t)} (no ' ', '-' or '+' prefix)`);
    }
    if (kind !== 'added' && --oldLeft < 0) {
      throw new PatchParseError(docLine, `${where} has more old lines than its header counts (${hunk.oldCount})`);
    }
    if (kind !== 'removed' && --newLeft < 0) {
      throw new PatchParseError(docLine, `${where} has more new lines than its header counts (${hunk.newCount})`);
    }
    hunk.lines.push({ kind, text: t.slice(1), docLine });
    i++;
  }
  if (i < lines.length && lines[i]!.text.startsWith('\\')) {
    markNoNewline(hunk, lines[i]!.docLine);
    i++;
  }
  return i;
}

function markNoNewline(hunk: Hunk, docLine: number): void {
  const prev = hunk.lines[hunk.lines.length - 1];
  if (!prev) throw new PatchParseError(docLine, `'\\ No newline at end of file' before any line of the hunk ${hunk.header}`);
  prev.noNewlineAtEnd = true;
}
