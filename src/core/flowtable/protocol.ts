// What a reference protocol module provides: a name and summary, the C-like listing users read (the
// steps point at its lines), and the step programs of its packet and put contexts. A protocol that
// is one reading of the seed thread among several has parameters: each value is a variant with its
// own listing and model, named `<protocol>(<param>=<value>,...)` (non-default values only).

import type { ProtocolModel } from '../model/program';
import type { ProtocolInfo, VariantParam } from '../model/types';

export type { VariantParam } from '../model/types';

export interface ProtocolDefinition {
  info: ProtocolInfo;
  listing: string;
  model(): ProtocolModel;
  /** The protocol with these parameter values (every parameter present); only for protocols with `info.variants`. */
  withValues?(values: Readonly<Record<string, string>>): ProtocolDefinition;
}

/** `base(k=v,...)` with only the non-default values, in parameter order; `base` when all are defaults. */
export function variantName(base: string, params: readonly VariantParam[], values: Readonly<Record<string, string>>): string {
  const set = params.filter((p) => values[p.name] !== undefined && values[p.name] !== p.default).map((p) => `${p.name}=${values[p.name]}`);
  return set.length > 0 ? `${base}(${set.join(',')})` : base;
}

/** Every parameter's value: the given ones, else the defaults. */
export function withDefaults(params: readonly VariantParam[], values: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(params.map((p) => [p.name, values[p.name] ?? p.default]));
}
