/**
 * A file image in memory: its lines without endings, each line's ending, and for each line the
 * patch-document line it came from (-1 when it lies outside every hunk).
 */
export interface FileImage {
  lines: string[];
  eols: string[];
  /** Patch document line per image line, or -1. */
  docLines: number[];
}

export function splitImage(text: string): FileImage {
  const lines: string[] = [];
  const eols: string[] = [];
  let start = 0;
  while (start < text.length) {
    const nl = text.indexOf('\n', start);
    if (nl < 0) {
      lines.push(text.slice(start));
      eols.push('');
      break;
    }
    const cr = nl > start && text.charCodeAt(nl - 1) === 13;
    lines.push(text.slice(start, cr ? nl - 1 : nl));
    eols.push(cr ? '\r\n' : '\n');
    start = nl + 1;
  }
  return { lines, eols, docLines: lines.map(() => -1) };
}

export function joinImage(image: FileImage): string {
  const parts: string[] = [];
  for (let i = 0; i < image.lines.length; i++) parts.push(image.lines[i]!, image.eols[i]!);
  return parts.join('');
}

/** CRLF when most lines of the base end that way (Windows driver sources often do). */
export function dominantEol(image: FileImage): string {
  let crlf = 0;
  for (const e of image.eols) if (e === '\r\n') crlf++;
  return crlf * 2 > image.eols.length ? '\r\n' : '\n';
}
