import type { Parser } from 'web-tree-sitter';
import { compareFindings, type Finding } from '../findings';
import { checkPrepared, disposePrepared, prepareFile, summarizePrepared } from './engine';
import { clearTextMemos } from './exprs';
import { lockOrderFindings } from './lockOrder';
import type { AnalysisOptions, FileCheckResult, SourceFile, SummaryTable } from './project';

export interface SetResult {
  findings: Finding[];
  files: FileCheckResult[];
  summaries: SummaryTable;
}

/** Runs the three phases in-process over a set of files (tests, patch review, small CLI runs). */
export function analyzeSet(parser: Parser, files: SourceFile[], options: AnalysisOptions): SetResult {
  // Each file is parsed once for both phases; trees are freed before returning.
  const prepared = files.map((f) => prepareFile(parser, f));
  let results: FileCheckResult[];
  const summaries: SummaryTable = {};
  try {
    for (const p of prepared) {
      for (const s of summarizePrepared(p, options)) summaries[s.name] ??= s;
    }
    results = prepared.map((p) => checkPrepared(p, summaries, options));
  } finally {
    for (const p of prepared) disposePrepared(p);
    clearTextMemos();
  }
  const findings = results.flatMap((r) => r.findings);
  findings.push(...lockOrderFindings(results.flatMap((r) => r.lockOrderEdges)));
  findings.sort(compareFindings);
  return { findings, files: results, summaries };
}
