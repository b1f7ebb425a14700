// How a context's mark on a listing line looks and reads. Pure (no vscode import), unit-tested: the
// gutter mark's SVG, whether the after-the-line label fits in a beside-the-panel editor, and the hover.
import type { LineMark } from '../../webview/messages';

/** The lanes' colours as fixed hex (a gutter icon cannot use theme variables), in palette order. */
export const GUTTER_COLOURS = ['#3794ff', '#d18616', '#4caf50', '#b180d7', '#cca700', '#f14c4c'] as const;

/**
 * An editor beside the panel shows about this many columns at 1400 px: a label is written after a line
 * only when line and label fit, else it would sit off to the right where nobody sees it. The gutter mark
 * and the hover name the context on every line.
 */
export const LABEL_COLUMNS = 64;

/** `packet 2` → role and number; anything else (a C function's own label) → no number. */
function roleOf(label: string): { put: boolean; n: string } {
  const m = /^(packet|put)\s+(\d+)/.exec(label);
  return { put: m?.[1] === 'put', n: m?.[2] ?? '' };
}

/** A 16×16 mark in the context's colour: a circle for a packet, a square for a put, its number inside. */
export function gutterMarkSvg(colour: number, label: string): string {
  const fill = GUTTER_COLOURS[colour % GUTTER_COLOURS.length]!;
  const { put, n } = roleOf(label);
  const shape = put
    ? `<rect x="1.5" y="1.5" width="13" height="13" rx="2" fill="${fill}"/>`
    : `<circle cx="8" cy="8" r="6.8" fill="${fill}"/>`;
  const digits = n.length > 1 ? 8 : 10;
  const text = n === '' ? '' : `<text x="8" y="8" dy="0.36em" text-anchor="middle" font-family="sans-serif" font-weight="bold" font-size="${digits}" fill="#ffffff">${n}</text>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 16 16">${shape}${text}</svg>`;
}

/** Whether `label`, written 2 columns after the line (tabs expanded), ends within LABEL_COLUMNS. */
export function labelFits(lineText: string, label: string, tabSize: number): boolean {
  let col = 0;
  for (const ch of lineText.replace(/\s+$/, '')) col = ch === '\t' ? col + tabSize - (col % tabSize) : col + 1;
  return col + 2 + [...label].length <= LABEL_COLUMNS;
}

/** The hover of a lit line: who is here and why, one line per context. */
export function markHover(sharing: readonly LineMark[]): string {
  return sharing.map((m) => {
    const notStarted = / \(not started\)$/.test(m.label);
    const who = m.label.replace(/ \(not started\)$/, '');
    if (notStarted) return `${who}: starts here (it has not run yet)`;
    return m.current ? `${who}: took the current step here` : `${who}: its latest step was here`;
  }).join('\n\n');
}
