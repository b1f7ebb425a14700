import type { Parser } from 'web-tree-sitter';
import type { ApiKnowledge } from '../apis/types';
import { analyzeFiles } from '../project';
import type { Analyzer } from './reviewPatch';

/** The full engine as a patch-review analyser: the project pipeline over the images of one side (`defines`: lockstep.json's). */
export function engineAnalyzer(parser: Parser, knowledge: ApiKnowledge, defines?: Record<string, string>): Analyzer {
  return (files) => analyzeFiles(parser, files, { knowledge, ...(defines ? { defines } : {}) }).findings;
}
