/**
 * The parsed shape of a patch document: a plain diff, one `git format-patch` mail, or an mbox of
 * several. Every line keeps `docLine`, its 0-based line in the patch document as the user sees it,
 * so findings can be shown on the patch's own `+` lines.
 */

/** One decoded line of a patch body with the document line it came from. */
export interface DocLine {
  text: string;
  /** 0-based line in the patch document (for base64 bodies: the first line of the encoded block). */
  docLine: number;
}

export type HunkLineKind = 'context' | 'removed' | 'added';

export interface HunkLine {
  kind: HunkLineKind;
  /** The line without its ` `/`-`/`+` prefix and without line ending. */
  text: string;
  docLine: number;
  /** `\ No newline at end of file` followed this line. */
  noNewlineAtEnd?: boolean;
}

export interface Hunk {
  /** 1-based, as written in the `@@ -oldStart,oldCount +newStart,newCount @@` header. */
  oldStart: number;
  oldCount: number;
  newStart: number;
  newCount: number;
  /** Text after the second `@@` (git puts the enclosing function's first line there). */
  section: string;
  /** The whole header line, for messages. */
  header: string;
  headerDocLine: number;
  lines: HunkLine[];
}

export type FileStatus = 'modified' | 'added' | 'deleted' | 'renamed' | 'copied';

export interface FilePatch {
  /** Path before the patch (without `a/`), undefined for a new file. */
  oldPath?: string;
  /** Path after the patch (without `b/`), undefined for a deleted file. */
  newPath?: string;
  status: FileStatus;
  /** `similarity index N%` of renames and copies. */
  similarity?: number;
  /** `dissimilarity index N%` of rewrites. */
  dissimilarity?: number;
  oldMode?: string;
  newMode?: string;
  /** `Binary files … differ` or `GIT binary patch`: no text hunks to apply. */
  binary: boolean;
  /** `index abc123..def456 100644` object ids, when present. */
  index?: { oldId: string; newId: string; mode?: string };
  /** Document lines from the `diff --git` (or `---`) line to the last header line before the first hunk. */
  headerStartDocLine: number;
  headerEndDocLine: number;
  hunks: Hunk[];
}

/** Where `[PATCH v2 3/5]` puts a patch in its series. */
export interface PatchNumbering {
  index: number;
  total: number;
  /** `v2` etc., when given. */
  version?: number;
  /** Other bracket words: `RFC`, `net-next`, … */
  tags: string[];
}

export interface MailInfo {
  /** Subject with folding undone and encoded words decoded, including the `[PATCH …]` prefix. */
  subject: string;
  /** Subject without the bracket prefix: the commit title. */
  title: string;
  /** Document line of the Subject header (where an editor puts the patch's CodeLens). */
  subjectDocLine?: number;
  from?: string;
  date?: string;
  messageId?: string;
  /** mbox `From <sha> Mon Sep 17 00:00:00 2001` separator: the commit id git wrote. */
  commit?: string;
  numbering?: PatchNumbering;
  /** Body transfer encoding as declared (`quoted-printable`, `base64`, `8bit`, …). */
  transferEncoding: string;
  charset: string;
}

/** One patch: a mail of a series, or a whole plain diff. */
export interface Patch {
  /** 0-based position in the document. */
  ordinal: number;
  mail?: MailInfo;
  /** Document lines this patch covers (its mail from separator to end, or the whole diff). */
  startDocLine: number;
  endDocLine: number;
  files: FilePatch[];
}

export interface PatchDocument {
  kind: 'diff' | 'mail' | 'mbox';
  patches: Patch[];
}

/** A patch document that cannot be read; `line` is 0-based, the message names it 1-based. */
export class PatchParseError extends Error {
  constructor(readonly line: number, readonly detail: string) {
    super(`line ${line + 1}: ${detail}`);
    this.name = 'PatchParseError';
  }
}
