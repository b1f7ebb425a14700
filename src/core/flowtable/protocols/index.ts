// The bundled reference protocols, by name.

import type { ProtocolModel } from '../../model/program';
import type { ProtocolInfo } from '../../model/types';
import type { ProtocolDefinition } from '../protocol';
import { ovsWindows } from './ovsWindows';
import { rcu } from './rcu';
import { seedRefcountApi } from './seedRefcountApi';
import { seedRefcountApiLocked } from './seedRefcountApiLocked';
import { seedWorkflow } from './seedWorkflow';
import { seedWorkflowFixed } from './seedWorkflowFixed';

const PROTOCOLS: readonly ProtocolDefinition[] = [seedWorkflow, seedWorkflowFixed, seedRefcountApi, seedRefcountApiLocked, ovsWindows, rcu];

export function listProtocols(): ProtocolInfo[] {
  return PROTOCOLS.map((p) => ({ ...p.info }));
}

export function findProtocol(name: string): ProtocolDefinition | undefined {
  return PROTOCOLS.find((p) => p.info.name === name);
}

/** The C-like listing the protocol's steps point at, or undefined for an unknown name. */
export function protocolListing(name: string): string | undefined {
  return findProtocol(name)?.listing;
}

/** Accepts a protocol name or its listing uri (lockstep-protocol:/<name>.c). */
export function protocolNameFromUri(uri: string): string | undefined {
  const m = /^lockstep-protocol:\/([\w-]+)\.c$/.exec(uri);
  return m !== null && findProtocol(m[1]!) !== undefined ? m[1] : undefined;
}

export function protocolModel(name: string): ProtocolModel | undefined {
  return findProtocol(name)?.model();
}
