import { splitDocLines } from './docLines';
import { decodeEncodedWords, headerParam, headerValue, looksLikeHeaderLine, parseSubject, readHeaders, type HeaderBlock } from './mailHeaders';
import { decodeBase64, decodeQuotedPrintable } from './transferEncoding';
import { parseFileDiffs } from './unifiedDiff';
import { PatchParseError, type DocLine, type MailInfo, type Patch, type PatchDocument } from './types';

/**
 * Reads a patch document: a plain diff (`git diff`, `diff -u`, a `.patch`), one `git format-patch`
 * mail, or an mbox holding a series. Throws PatchParseError naming the line when it cannot.
 */

/** `From <sha> Mon Sep 17 00:00:00 2001` and the classic mbox `From sender date` line. */
const MBOX_SEPARATOR = /^From (\S+) .*\d\d:\d\d:\d\d.* \d{4}$/;

function isMboxSeparator(lines: DocLine[], i: number): boolean {
  const t = lines[i]!.text;
  // Length cap keeps the regex linear on hostile input.
  return t.startsWith('From ') && t.length < 200 && MBOX_SEPARATOR.test(t) && i + 1 < lines.length && looksLikeHeaderLine(lines[i + 1]!.text);
}

function isMailStart(lines: DocLine[]): boolean {
  if (lines.length === 0 || !looksLikeHeaderLine(lines[0]!.text)) return false;
  const block = readHeaders(lines, 0, Math.min(lines.length, 200));
  return block.fields.some((f) => f.name === 'subject' || f.name === 'from');
}

export function parsePatchDocument(text: string): PatchDocument {
  const lines = splitDocLines(text);
  if (lines.every((l) => l.text.trim() === '')) throw new PatchParseError(0, 'the input is empty');
  let doc: PatchDocument;
  if (isMboxSeparator(lines, 0)) {
    const starts: number[] = [];
    for (let i = 0; i < lines.length; i++) {
      if ((i === 0 || lines[i - 1]!.text === '') && isMboxSeparator(lines, i)) starts.push(i);
    }
    const patches = starts.map((s, k) => parseMail(lines, s, starts[k + 1] ?? lines.length, k));
    doc = { kind: patches.length > 1 ? 'mbox' : 'mail', patches };
  } else if (isMailStart(lines)) {
    doc = { kind: 'mail', patches: [parseMail(lines, 0, lines.length, 0)] };
  } else {
    const files = parseFileDiffs(lines);
    doc = { kind: 'diff', patches: [{ ordinal: 0, startDocLine: 0, endDocLine: lines[lines.length - 1]!.docLine, files }] };
  }
  if (!doc.patches.some((p) => p.files.length > 0)) {
    throw new PatchParseError(0, doc.kind === 'diff'
      ? `no diff found (expected a 'diff --git' line, a '---'/'+++' file header pair or a format-patch mail)`
      : `no diff found in the ${doc.patches.length === 1 ? 'mail' : `${doc.patches.length} mails`}`);
  }
  return doc;
}

function parseMail(lines: DocLine[], start: number, end: number, ordinal: number): Patch {
  const hasSeparator = isMboxSeparator(lines, start);
  const separator = hasSeparator ? MBOX_SEPARATOR.exec(lines[start]!.text) : null;
  const headerStart = hasSeparator ? start + 1 : start;
  const headers = readHeaders(lines, headerStart, end);
  const subjectField = headerValue(headers, 'subject');
  const subject = decodeEncodedWords(subjectField?.value ?? '');
  const { title, numbering } = parseSubject(subject);
  const contentType = headerValue(headers, 'content-type');
  const charset = headerParam(contentType?.value ?? '', 'charset') ?? 'utf-8';
  const cte = (headerValue(headers, 'content-transfer-encoding')?.value ?? '7bit').toLowerCase();
  const from = headerValue(headers, 'from');
  const date = headerValue(headers, 'date');
  const messageId = headerValue(headers, 'message-id');
  const mail: MailInfo = {
    subject,
    title,
    transferEncoding: cte,
    charset,
    ...(from ? { from: decodeEncodedWords(from.value) } : {}),
    ...(date ? { date: date.value } : {}),
    ...(messageId ? { messageId: messageId.value } : {}),
    ...(separator && /^[0-9a-f]{40}$/.test(separator[1]!) ? { commit: separator[1]! } : {}),
    ...(subjectField ? { subjectDocLine: subjectField.docLine } : {}),
    ...(numbering ? { numbering } : {}),
  };
  const body = decodeBody(lines.slice(headers.bodyStart, end), headers, contentType?.docLine ?? lines[start]!.docLine);
  return {
    ordinal,
    mail,
    startDocLine: lines[start]!.docLine,
    endDocLine: lines[end - 1]!.docLine,
    files: parseFileDiffs(body),
  };
}

function decodeBody(body: DocLine[], headers: HeaderBlock, charsetLine: number): DocLine[] {
  const type = headerValue(headers, 'content-type')?.value ?? 'text/plain';
  const charset = headerParam(type, 'charset') ?? 'utf-8';
  if (/^multipart\//i.test(type)) {
    const boundary = headerParam(type, 'boundary');
    if (!boundary) throw new PatchParseError(charsetLine, 'multipart mail without a boundary parameter');
    return decodeMultipart(body, boundary);
  }
  const cteField = headerValue(headers, 'content-transfer-encoding');
  const cte = (cteField?.value ?? '7bit').toLowerCase();
  if (cte === 'quoted-printable') return decodeQuotedPrintable(body, charset, charsetLine);
  if (cte === 'base64') return decodeBase64(body, charset, charsetLine);
  if (cte === '7bit' || cte === '8bit' || cte === 'binary') return body;
  throw new PatchParseError(cteField!.docLine, `unsupported Content-Transfer-Encoding ${JSON.stringify(cteField!.value)}`);
}

/** `git format-patch --attach`/`--inline`: decode each text part and read them as one body. */
function decodeMultipart(body: DocLine[], boundary: string): DocLine[] {
  const delimiter = `--${boundary}`;
  const out: DocLine[] = [];
  let partStart = -1;
  const flush = (end: number): void => {
    if (partStart < 0) return;
    const part = body.slice(partStart, end);
    const headers = readHeaders(part, 0, part.length);
    const type = headerValue(headers, 'content-type')?.value ?? 'text/plain';
    if (/^(text\/|application\/(x-)?(patch|diff))/i.test(type) || /^multipart\//i.test(type)) {
      out.push(...decodeBody(part.slice(headers.bodyStart), headers, part[0]?.docLine ?? 0));
    }
  };
  for (let i = 0; i < body.length; i++) {
    const t = body[i]!.text.trimEnd();
    if (t === delimiter || t === `${delimiter}--`) {
      flush(i);
      partStart = t === delimiter ? i + 1 : -1;
    }
  }
  flush(body.length);
  return out;
}
