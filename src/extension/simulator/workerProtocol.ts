// Messages between the extension and the explorer's worker thread (dist/simWorker.js). Structured-clone
// data only; the view model is built inside the worker so the extension host never adapts large results.
import type { GrammarLocation } from '../../core/c/treeSitter';
import type { Unmodelled } from '../../core/extract/types';
import type { CostView, RunProgress, RunResult, Scenario } from '../../webview/model';

/** Two functions of a C document to compile into the simulator (the text comes from the editor). */
export interface CSourceJob {
  uri: string;
  text: string;
  packet: string;
  put: string;
  /** Where the worker loads the C grammar from (the extension's dist/). */
  grammar: GrammarLocation;
  /** The project's lockstep.json, if any (flowTable names, extra lock and refcount APIs). */
  configFile: string | null;
}

export type WorkerJob =
  | { kind: 'explore'; scenario: Scenario }
  | { kind: 'replay'; scenario: Scenario; schedule: string }
  /** Explore (or, with a schedule, replay) C functions; `scenario.protocol` is the C model's name. */
  | { kind: 'exploreC'; scenario: Scenario; source: CSourceJob; schedule?: string };

export type WorkerReply =
  | { type: 'progress'; progress: RunProgress }
  /** A C job compiled: the model's name and what it could not represent exactly. */
  | { type: 'extracted'; model: string; unmodelled: Unmodelled[] }
  | { type: 'result'; result: RunResult }
  /** Costs of the other protocols on the same scenario, sent after the result. */
  | { type: 'costs'; costs: CostView[] }
  | { type: 'failed'; message: string }
  | { type: 'done' };
