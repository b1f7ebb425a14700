// The one place the extension reaches into the simulator core (src/core/sim, src/core/flowtable). Those
// modules are written in parallel with this panel; this seam names what the panel needs from them, so a
// change in their entry points is a change here only.
// Until the core exports a protocol registry, the list of protocols is kept here.
import type { ProtocolDefinition } from '../../core/flowtable/protocol';
import { seedWorkflow } from '../../core/flowtable/protocols/seedWorkflow';
import { seedWorkflowFixed } from '../../core/flowtable/protocols/seedWorkflowFixed';
import { compileModel } from '../../core/sim/compile';
import { decodeSchedule } from '../../core/sim/schedule';
import { snapshot } from '../../core/sim/snapshot';
import { simulate, simulateReplay } from '../../core/sim/simulate';
import type { ProtocolInfo, SimulationResult, StateSnapshot } from '../../core/sim/types';
import type { Scenario } from '../../webview/model';

export interface RunLimits {
  maxStates?: number;
  timeLimitMs?: number;
}

export interface SimulatorCore {
  listProtocols(): ProtocolInfo[];
  /** The listing text of a protocol, or undefined for an unknown name. */
  protocolListing(name: string): string | undefined;
  /** Runs the explorer synchronously; call it in a worker. */
  simulate(scenario: Scenario, limits?: RunLimits): SimulationResult;
  /** Replays a schedule string (which names its own protocol and counts). */
  replay(schedule: string): SimulationResult;
  /** The state before any step of a result's scenario (results record the state after each step). */
  initialState(result: SimulationResult): StateSnapshot;
}

export class SimulatorInputError extends Error {}

const PROTOCOLS: readonly ProtocolDefinition[] = [seedWorkflow, seedWorkflowFixed];

function definition(name: string): ProtocolDefinition {
  const d = PROTOCOLS.find((p) => p.info.name === name);
  if (!d) throw new SimulatorInputError(`unknown protocol "${name}" (known: ${PROTOCOLS.map((p) => p.info.name).join(', ')})`);
  return d;
}

export const simulatorCore: SimulatorCore = {
  listProtocols: () => PROTOCOLS.map((p) => p.info),
  protocolListing: (name) => PROTOCOLS.find((p) => p.info.name === name)?.listing,
  simulate: (scenario, limits = {}) => simulate(definition(scenario.protocol).model(), {
    packets: scenario.packets,
    puts: scenario.puts,
    preemptions: scenario.preemptionBound,
    ...limits,
  }),
  replay: (schedule) => {
    let parsed;
    try {
      parsed = decodeSchedule(schedule);
    } catch (e) {
      throw new SimulatorInputError(e instanceof Error ? e.message : String(e));
    }
    return simulateReplay(definition(parsed.protocol).model(), { packets: parsed.packets, puts: parsed.puts }, parsed.steps);
  },
  initialState: (result) => {
    const m = compileModel(definition(result.protocol).model(), result.scenario);
    return snapshot(m, m.initial);
  },
};
