import type { Parser } from 'web-tree-sitter';
import { analyzeSet } from '../analysis/analyzeSet';
import type { ApiKnowledge } from '../apis/types';
import type { Analyzer } from './reviewPatch';

/** The full engine as a patch-review analyser: one `analyzeSet` over the images of one side. */
export function engineAnalyzer(parser: Parser, knowledge: ApiKnowledge): Analyzer {
  return (files) => analyzeSet(parser, files, { knowledge }).findings;
}
