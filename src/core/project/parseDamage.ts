import type { Tree } from 'web-tree-sitter';
import type { KnowledgeIndex } from '../analysis/knowledgeIndex';
import { walkTopLevel } from '../c/topLevel';
import type { Finding } from '../findings';
import { RULES } from '../rules/registry';

/** At most this many API names are listed in the note (the region may hide thousands). */
const MAX_NAMES = 5;

const CALL = /\b([A-Za-z_]\w*)\s*\(/g;

/**
 * Top-level regions that do not parse (`int f( { spin_lock(&a); …`) hide whole functions: the
 * function is not found, so nothing in it is analysed and the file looked clean. When such a region
 * (outside every function that was found) calls a known lock or reference API, the file gets one
 * `analysis-incomplete` note at the first such call, naming its line and the calls. (The region
 * can be the whole file: tree-sitter's root is an ERROR when the top level does not parse.)
 */
export function parseDamageFindings(tree: Tree, text: string, uri: string, functions: readonly { startIndex: number; endIndex: number }[], index: KnowledgeIndex): Finding[] {
  if (!tree.rootNode.hasError) return [];
  const regions: { start: number; end: number }[] = [];
  walkTopLevel(tree, (cursor, type) => {
    if (type !== 'ERROR') return 'descend';
    const start = cursor.startIndex;
    const last = regions[regions.length - 1];
    if (!last || start >= last.end) regions.push({ start, end: cursor.endIndex });
    return 'descend'; // functions recovered inside it are listed (and analysed) as usual
  });
  if (regions.length === 0) return [];
  const fns = [...functions].sort((a, b) => a.startIndex - b.startIndex);
  const insideFunction = (i: number): boolean => {
    let lo = 0;
    let hi = fns.length - 1;
    while (lo <= hi) { // the last function starting at or before i (definitions do not overlap)
      const mid = (lo + hi) >> 1;
      if (fns[mid]!.startIndex <= i) lo = mid + 1;
      else hi = mid - 1;
    }
    return hi >= 0 && i < fns[hi]!.endIndex;
  };
  const names: string[] = [];
  let first = -1;
  for (const r of regions) {
    CALL.lastIndex = r.start;
    let m: RegExpExecArray | null;
    while ((m = CALL.exec(text)) !== null && m.index < r.end) {
      const name = m[1]!;
      if (!index.lockNames.has(name) && !index.refs.has(name)) continue;
      if (insideFunction(m.index)) continue;
      if (first < 0) first = m.index;
      if (!names.includes(name)) names.push(name);
      if (names.length > MAX_NAMES) break;
    }
    if (names.length > MAX_NAMES) break;
  }
  if (first < 0) return [];
  const at = position(text, first);
  const listed = names.slice(0, MAX_NAMES).map((n) => `\`${n}\``).join(', ') + (names.length > MAX_NAMES ? ', …' : '');
  return [{
    ruleId: 'analysis-incomplete',
    severity: RULES['analysis-incomplete'].defaultSeverity,
    message: `code around line ${at.line + 1} does not parse (unbalanced brackets, an unknown macro, a function header split by #if?) and hides ${listed}: it was not analysed, findings there may be missing`,
    uri,
    range: { start: at, end: { line: at.line, column: at.column + (names[0]?.length ?? 0) } },
    functionName: '',
    related: [],
    path: [],
    key: `analysis-incomplete::parse-damage:${names[0] ?? ''}`,
  }];
}

function position(text: string, index: number): { line: number; column: number } {
  let line = 0;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < index; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: index - lineStart };
}
