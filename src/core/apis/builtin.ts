import { KERNEL_WIN_LOCKS } from './kernelWin';
import { LINUX_HELD_ASSERTIONS, LINUX_LOCKS } from './linux';
import { MUTATORS } from './mutators';
import { NDIS_LOCKS } from './ndis';
import { NO_RETURN } from './noReturn';
import { OVS_USERSPACE_LOCKS } from './ovsUserspace';
import { OVS_WINDOWS_LOCKS } from './ovsWindows';
import { POSIX_LOCKS } from './posix';
import { LINUX_REFS } from './refsLinux';
import { USERSPACE_REFS } from './refsUserspace';
import { WINDOWS_REFS } from './refsWindows';
import type { ApiKnowledge } from './types';

/** Every API Lockstep knows without a project config, grouped by ecosystem in the files above. */
export function builtinKnowledge(): ApiKnowledge {
  // A fresh copy each call: hosts merge project config into it and must not change the tables.
  return structuredClone({
    locks: [...NDIS_LOCKS, ...KERNEL_WIN_LOCKS, ...OVS_WINDOWS_LOCKS, ...LINUX_LOCKS, ...OVS_USERSPACE_LOCKS, ...POSIX_LOCKS],
    refs: [...WINDOWS_REFS, ...LINUX_REFS, ...USERSPACE_REFS],
    noReturn: [...NO_RETURN],
    mutators: [...MUTATORS],
    heldAssertions: [...LINUX_HELD_ASSERTIONS],
  });
}

/** Lookup maps by function name, for engines that resolve calls by callee name. */
export interface KnowledgeIndex {
  locks: Map<string, ApiKnowledge['locks'][number]>;
  refs: Map<string, ApiKnowledge['refs'][number]>;
  noReturn: Set<string>;
  mutators: Map<string, ApiKnowledge['mutators'][number]>;
}

export function indexKnowledge(k: ApiKnowledge): KnowledgeIndex {
  return {
    locks: new Map(k.locks.map((a) => [a.name, a])),
    refs: new Map(k.refs.map((a) => [a.name, a])),
    noReturn: new Set(k.noReturn.map((a) => a.name)),
    mutators: new Map(k.mutators.map((a) => [a.name, a])),
  };
}
