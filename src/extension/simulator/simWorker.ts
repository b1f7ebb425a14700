// Worker-thread entry (bundled to dist/simWorker.js): runs the explorer off the extension host's thread,
// so a long search never freezes the editor and Cancel is simply terminating this thread. Gets one job in
// workerData, posts the result as the panel's view model, then the other protocols' costs on the same
// scenario (so the panel can show them side by side), then 'done'. A C job first compiles the two
// functions (src/core/extract) and says what it could not model.
import { parentPort, workerData } from 'node:worker_threads';
import { costView, resultView } from './adapt';
import { simulatorCore } from './coreSeam';
import type { WorkerJob, WorkerReply } from './workerProtocol';

const COSTS_BUDGET = { maxStates: 300_000, timeLimitMs: 15_000 };

function send(m: WorkerReply): void {
  parentPort?.postMessage(m);
}

async function run(job: WorkerJob): Promise<void> {
  try {
    if (job.kind === 'replay') {
      const r = simulatorCore.replay(job.schedule);
      send({ type: 'result', result: resultView(r, job.schedule) });
      return;
    }
    let r;
    if (job.kind === 'exploreC') {
      const model = await simulatorCore.extractC(job.source);
      send({ type: 'extracted', model: model.model.name, unmodelled: model.unmodelled });
      r = simulatorCore.simulateModel(model.model, job.scenario, job.schedule);
      send({ type: 'result', result: resultView(r, job.schedule) });
      if (job.schedule !== undefined) return;
    } else {
      r = simulatorCore.simulate(job.scenario);
      send({ type: 'result', result: resultView(r) });
    }
    // The other protocols' costs on the same scenario, with a budget: their per-context counters are
    // exact; the share of waiting states comes from however much of the search fits in it.
    for (const p of simulatorCore.listProtocols()) {
      if (p.name === job.scenario.protocol) continue;
      const other = simulatorCore.simulate({ ...job.scenario, protocol: p.name }, COSTS_BUDGET);
      send({ type: 'costs', costs: [costView(p.name, other.costs)] });
    }
  } catch (e) {
    send({ type: 'failed', message: e instanceof Error ? e.message : String(e) });
  } finally {
    send({ type: 'done' });
  }
}

void run(workerData as WorkerJob);
