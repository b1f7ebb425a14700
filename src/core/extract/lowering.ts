// What expression evaluation (evaluate.ts) needs from the function lowering around it
// (compiler.ts implements it): the settings, the output, and the way back in for inlined calls.
// An interface of its own so that the two modules do not import each other.

import type { SyntaxNode as Node } from '../c/syntax';
import type { FlowTableApi } from '../apis/flowTableBuiltins';
import type { LockApi, RefApi } from '../apis/types';
import type { LockKind } from '../model/types';
import type { Emitter } from './emitter';
import type { Frame, Registers, Val } from './frame';
import type { FlagConvention, UnmodelledReason } from './types';

export interface Lowering {
  readonly uri: string;
  readonly flags: FlagConvention;
  readonly flowTable: Map<string, FlowTableApi>;
  readonly locks: Map<string, LockApi>;
  readonly refs: Map<string, RefApi>;
  readonly initialRefcount: number;
  readonly em: Emitter;
  readonly regs: Registers;
  /** Records what the model cannot represent exactly (listed with the result). */
  unmodelled(n: Node, reason: UnmodelledReason, note: string, what?: string): void;
  /** A step that only marks a line, for code the model does not track (listed). */
  nop(n: Node, text: string, reason: UnmodelledReason, note: string): void;
  declareLock(name: string, kind: LockKind, n: Node): void;
  /** The value of an expression statement is thrown away. */
  statementLevel(n: Node): boolean;
  /** Inlines a call to a function of the file; null when `name` is not one (or knowledge should decide). */
  inline(name: string, call: Node, args: Node[], caller: Frame): Val | null;
}
