// `lockstep-sim:` directives: settings a C file gives its own simulation, in a comment, so that the
// CLI and the editor (which has no option form for them) read the same ones. One per comment line:
//
//   /* lockstep-sim: initial-refcount 0 */
//   /* lockstep-sim: lookup-active-only FlowLookup */            (lookups that skip INACTIVE flows)
//   /* lockstep-sim: flow-table lookup=A,B insert=C remove=D free=E use=F */
//   /* lockstep-sim: state-field NAME | deleted-field NAME | active-field NAME */
//   /* lockstep-sim: loop-bound 3 */   /* lockstep-sim: inline-depth 2 */

import type { FlowTableApis } from '../apis/types';
import type { FlagConvention } from './types';

export interface Directives {
  initialRefcount?: number;
  loopBound?: number;
  inlineDepth?: number;
  activeOnly: string[];
  flowTable: FlowTableApis;
  flags: FlagConvention;
  /** Directives that could not be read, with their 0-based line. */
  problems: { line: number; text: string }[];
}

const IDENT = /^[A-Za-z_]\w*$/;

export function readDirectives(text: string): Directives {
  const d: Directives = {
    activeOnly: [],
    flowTable: { lookup: [], insert: [], remove: [], free: [], use: [] },
    flags: { stateFields: [], deletedFields: [], activeFields: [] },
    problems: [],
  };
  const lines = text.split('\n');
  lines.forEach((raw, line) => {
    const at = raw.indexOf('lockstep-sim:');
    if (at < 0) return;
    const body = raw.slice(at + 'lockstep-sim:'.length).replace(/\*\/.*$/, '').trim();
    const [word, ...rest] = body.split(/\s+/);
    const arg = rest.join(' ');
    const names = arg.split(/[\s,]+/).filter((n) => n !== '');
    const num = (max: number): number | undefined => (/^\d+$/.test(arg) && Number(arg) <= max ? Number(arg) : undefined);
    const bad = (): void => void d.problems.push({ line, text: body });
    switch (word) {
      case 'initial-refcount':
        if ((d.initialRefcount = num(100)) === undefined) bad();
        return;
      case 'loop-bound':
        if ((d.loopBound = num(16)) === undefined) bad();
        return;
      case 'inline-depth':
        if ((d.inlineDepth = num(8)) === undefined) bad();
        return;
      case 'lookup-active-only':
        if (names.length === 0 || !names.every((n) => IDENT.test(n))) bad();
        else d.activeOnly.push(...names);
        return;
      case 'state-field':
      case 'deleted-field':
      case 'active-field': {
        if (names.length === 0 || !names.every((n) => IDENT.test(n))) return bad();
        const key = word === 'state-field' ? 'stateFields' : word === 'deleted-field' ? 'deletedFields' : 'activeFields';
        d.flags[key].push(...names);
        return;
      }
      case 'flow-table': {
        for (const part of rest) {
          const m = /^(lookup|insert|remove|free|use)=([\w,]+)$/.exec(part);
          if (m === null) return bad();
          const list = m[2]!.split(',').filter((n) => IDENT.test(n));
          d.flowTable[m[1] as keyof FlowTableApis].push(...list);
        }
        if (rest.length === 0) bad();
        return;
      }
      default:
        bad();
    }
  });
  return d;
}
