import type { Parser } from 'web-tree-sitter';
import { analyzeEntry, disposePrepared, prepareFile } from '../../src/core/analysis/engine';
import type { FunctionAnalysis } from '../../src/core/analysis/functionAnalysis';
import { indexKnowledge } from '../../src/core/analysis/knowledgeIndex';
import { summaryTable, type SourceFile } from '../../src/core/analysis/types';
import type { ApiKnowledge } from '../../src/core/apis/types';
import type { Finding } from '../../src/core/findings';
import { FUNCTION_RULES } from '../../src/core/rules/index';

/** Every function of one file analysed on its own (no summaries): the engine's view, for tests that look inside. */
export function analyseEach(parser: Parser, file: SourceFile, knowledge: ApiKnowledge): { analyses: Map<string, FunctionAnalysis>; findings: Finding[] } {
  const prepared = prepareFile(parser, file);
  try {
    const index = indexKnowledge(knowledge);
    const analyses = new Map<string, FunctionAnalysis>();
    const findings: Finding[] = [];
    for (const e of prepared.fns) {
      const a = analyzeEntry(prepared, e, index, summaryTable(), [], { knowledge });
      analyses.set(e.fn.name, a);
      for (const rule of FUNCTION_RULES) findings.push(...rule.check({ uri: file.uri, analysis: a }));
    }
    return { analyses, findings };
  } finally {
    disposePrepared(prepared);
  }
}
