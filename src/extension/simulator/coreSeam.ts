// The one place the extension reaches into the simulator core (src/core/sim, src/core/flowtable). Those
// modules are written in parallel with this panel; this seam names what the panel needs from them, so a
// change in their entry points is a change here only.
import type { ProtocolInfo, SimulationResult } from '../../core/sim/types';
import type { Scenario } from '../../webview/model';

export interface SimulatorCore {
  listProtocols(): ProtocolInfo[];
  /** The listing text of a protocol, or undefined for an unknown name. */
  protocolListing(name: string): string | undefined;
  /** Runs the explorer (or replays `schedule`) synchronously; call it in a worker. */
  simulate(scenario: Scenario, schedule: string | null): SimulationResult;
}

export class CoreUnavailableError extends Error {}

export const simulatorCore: SimulatorCore = {
  listProtocols: () => [],
  protocolListing: () => undefined,
  simulate: () => {
    throw new CoreUnavailableError('the simulator core (src/core/sim) is not built into this version yet');
  },
};
