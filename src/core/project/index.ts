/**
 * The core's one entry for hosts (CLI, editor worker, patch reviewer): the pipeline and the types
 * its inputs and results are made of. Faces import from here, never from analysis internals.
 */
import type { Parser } from 'web-tree-sitter';
import { parseC, type TextSpan } from '../c/parse';
import type { SourceFile } from '../analysis/types';
import { Project, type ParseHost, type ProjectOptions } from './project';
import type { ProjectResult } from './results';

export { Project, type ParseHost, type ProjectOptions, type RunStats } from './project';
export type { ProjectResult } from './results';
export type {
  AnalysisOptions, FileCheckResult, FunctionInfo, FunctionSummary, LockEffect, LockOrderEdge, SourceFile, RefEffect, AcquiredLock,
} from '../analysis/types';
export { ANALYSIS_YOUNG_GENERATION_MB } from '../analysis/threadLimits';

/** Parses with one parser and frees each tree after use (the CLI's and the tests' host). */
export function parserHost(parser: Parser): ParseHost {
  return {
    parse(file: SourceFile, ranges?: TextSpan[]) {
      const t0 = performance.now();
      const parsed = parseC(parser, file.text, null, ranges);
      return { parsed, ms: performance.now() - t0, owned: true };
    },
  };
}

/** One run over a set of files (tests, patch review, one-shot CLI runs). */
export function analyzeFiles(parser: Parser, files: SourceFile[], options: ProjectOptions): ProjectResult {
  const project = new Project(parserHost(parser), options);
  for (const f of files) project.setFile(f);
  return project.run();
}
