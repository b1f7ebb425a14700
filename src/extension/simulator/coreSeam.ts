// The one place the extension reaches into the simulator core (src/core/sim, src/core/flowtable): the
// protocol registry, the explorer and schedule replay. A change in the core's entry points is a change here.
import { findProtocol, listProtocols, protocolListing } from '../../core/flowtable/protocols/index';
import type { ProtocolDefinition } from '../../core/flowtable/protocol';
import { ConfigError, knowledgeFromConfigFile } from '../../core/apis/config';
import { createCParser } from '../../core/c/treeSitter';
import { extractModel } from '../../core/extract/extract';
import { ExtractError } from '../../core/extract/types';
import type { ExtractedModel } from '../../core/extract/types';
import type { ProtocolModel } from '../../core/model/program';
import type { CSourceJob } from './workerProtocol';
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
  /** Compiles two C functions into a model (src/core/extract); call it in a worker. */
  extractC(source: CSourceJob): Promise<ExtractedModel>;
  /** Explores a model on a scenario, or replays `schedule` on it. */
  simulateModel(model: ProtocolModel, scenario: Scenario, schedule?: string, limits?: RunLimits): SimulationResult;
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
  extractC: async (source) => {
    const parser = await createCParser(source.grammar);
    try {
      const knowledge = knowledgeFromConfigFile(source.configFile ?? undefined);
      return extractModel(parser, { uri: source.uri, text: source.text }, source.packet, source.put, { knowledge });
    } catch (e) {
      if (e instanceof ExtractError || e instanceof ConfigError) throw new SimulatorInputError(e.message);
      throw e;
    } finally {
      parser.delete();
    }
  },
  simulateModel: (model, scenario, schedule, limits = {}) => {
    if (schedule === undefined) return simulate(model, { packets: scenario.packets, puts: scenario.puts, preemptions: scenario.preemptionBound, ...limits });
    let parsed;
    try {
      parsed = decodeSchedule(schedule);
    } catch (e) {
      throw new SimulatorInputError(e instanceof Error ? e.message : String(e));
    }
    if (parsed.protocol !== model.name) throw new SimulatorInputError(`the schedule is for ${parsed.protocol}, not ${model.name}`);
    return simulateReplay(model, { packets: parsed.packets, puts: parsed.puts }, parsed.steps);
  },
};
