// Messages between the extension and the explorer's worker thread (dist/simWorker.js). Structured-clone
// data only; the view model is built inside the worker so the extension host never adapts large results.
import type { CostView, RunProgress, RunResult, Scenario } from '../../webview/model';

export type WorkerJob =
  | { kind: 'explore'; scenario: Scenario }
  | { kind: 'replay'; scenario: Scenario; schedule: string };

export type WorkerReply =
  | { type: 'progress'; progress: RunProgress }
  | { type: 'result'; result: RunResult }
  /** Costs of the other protocols on the same scenario, sent after the result. */
  | { type: 'costs'; costs: CostView[] }
  | { type: 'failed'; message: string }
  | { type: 'done' };
