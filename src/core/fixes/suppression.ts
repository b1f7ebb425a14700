import type { Finding, Fix } from '../findings';
import { indentAt, offsetAt, posAt } from './syntax';

/** The placeholder the user replaces; the engine reports a suppression without a real reason. */
export const REASON_PLACEHOLDER = '<reason>';

/**
 * `/* lockstep-ignore <rule>: <reason> *\/` on its own line above the finding's line, with that
 * line's indentation (the engine honours a suppression on the finding's line or the line above).
 */
export function suppressionFix(text: string, finding: Finding): Fix {
  const lineStart = offsetAt(text, { line: finding.range.start.line, column: 0 });
  const comment = `/* lockstep-ignore ${finding.ruleId}: ${REASON_PLACEHOLDER} */`;
  const pos = posAt(text, lineStart);
  return {
    title: `Suppress ${finding.ruleId} on this line (with a reason)`,
    edits: [{ range: { start: pos, end: pos }, newText: `${indentAt(text, lineStart)}${comment}\n` }],
  };
}
