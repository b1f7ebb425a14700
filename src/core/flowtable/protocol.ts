// What a reference protocol module provides: a name and summary, the C-like listing users read (the
// steps point at its lines), and the step programs of its packet and put contexts.

import type { ProtocolModel } from '../model/program';
import type { ProtocolInfo } from '../model/types';

export interface ProtocolDefinition {
  info: ProtocolInfo;
  listing: string;
  model(): ProtocolModel;
}
