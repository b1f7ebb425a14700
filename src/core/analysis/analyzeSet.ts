import type { Parser } from 'web-tree-sitter';
import { compareFindings, type Finding } from '../findings';
import { checkFile, summarizeFile } from './engine';
import { lockOrderFindings } from './lockOrder';
import type { AnalysisOptions, FileCheckResult, SourceFile, SummaryTable } from './project';

export interface SetResult {
  findings: Finding[];
  files: FileCheckResult[];
  summaries: SummaryTable;
}

/** Runs the three phases in-process over a set of files (tests, patch review, small CLI runs). */
export function analyzeSet(parser: Parser, files: SourceFile[], options: AnalysisOptions): SetResult {
  const summaries: SummaryTable = {};
  for (const f of files) {
    for (const s of summarizeFile(parser, f, options)) summaries[s.name] ??= s;
  }
  const results = files.map((f) => checkFile(parser, f, summaries, options));
  const findings = results.flatMap((r) => r.findings);
  findings.push(...lockOrderFindings(results.flatMap((r) => r.lockOrderEdges)));
  findings.sort(compareFindings);
  return { findings, files: results, summaries };
}
