// The bundled reference protocols, by name. A name may carry variant values:
// `seed-workflow(increment=atomic,initial=0)` (see protocol.ts).

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

/** A protocol by name, or what is wrong with the name (unknown protocol, parameter or value). */
export function resolveProtocol(name: string): ProtocolDefinition | string {
  const m = /^([\w-]+)(?:\(([^()]*)\))?$/.exec(name.trim());
  const base = m !== null ? PROTOCOLS.find((p) => p.info.name === m[1]) : undefined;
  if (m === null || base === undefined) return `unknown protocol '${name}' (one of: ${PROTOCOLS.map((p) => p.info.name).join(', ')})`;
  if (m[2] === undefined) return base;
  const params = base.info.variants ?? [];
  if (params.length === 0 || base.withValues === undefined) return `${base.info.name} has no variants`;
  const values: Record<string, string> = {};
  for (const part of m[2].split(',').map((x) => x.trim()).filter((x) => x !== '')) {
    const [k, v] = part.split('=').map((x) => x.trim());
    const param = params.find((p) => p.name === k);
    if (param === undefined) return `${base.info.name} has no parameter '${k ?? part}' (parameters: ${params.map((p) => p.name).join(', ')})`;
    if (v === undefined || !param.values.includes(v)) return `${base.info.name}: ${param.name} is one of ${param.values.join(', ')}`;
    values[param.name] = v;
  }
  return base.withValues(values);
}

export function findProtocol(name: string): ProtocolDefinition | undefined {
  const r = resolveProtocol(name);
  return typeof r === 'string' ? undefined : r;
}

/** The C-like listing the protocol's steps point at, or undefined for an unknown name. */
export function protocolListing(name: string): string | undefined {
  return findProtocol(name)?.listing;
}

/** Accepts a listing uri (lockstep-protocol:/<name>.c, the name percent-encoded or not) and gives the protocol name. */
export function protocolNameFromUri(uri: string): string | undefined {
  const m = /^lockstep-protocol:\/(.+)\.c$/.exec(uri);
  if (m === null) return undefined;
  let name: string;
  try {
    name = decodeURIComponent(m[1]!);
  } catch {
    return undefined;
  }
  return findProtocol(name)?.info.name;
}

export function protocolModel(name: string): ProtocolModel | undefined {
  return findProtocol(name)?.model();
}
