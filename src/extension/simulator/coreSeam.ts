// The one place the extension reaches into the simulator core (src/core/sim, src/core/flowtable): the
// protocol registry, the explorer and schedule replay. A change in the core's entry points is a change here.
import { findProtocol, listProtocols, protocolListing } from '../../core/flowtable/protocols/index';
import type { ProtocolDefinition } from '../../core/flowtable/protocol';
import { decodeSchedule } from '../../core/sim/schedule';
import { simulate, simulateReplay } from '../../core/sim/simulate';
import type { ProtocolInfo, SimulationResult } from '../../core/sim/types';
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
}

/** Input the core refuses (unknown protocol, malformed schedule), worded for the reviewer. */
export class SimulatorInputError extends Error {}

function definition(name: string): ProtocolDefinition {
  const d = findProtocol(name);
  if (!d) throw new SimulatorInputError(`unknown protocol "${name}" (known: ${listProtocols().map((p) => p.name).join(', ')})`);
  return d;
}

export const simulatorCore: SimulatorCore = {
  listProtocols,
  protocolListing,
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
};
