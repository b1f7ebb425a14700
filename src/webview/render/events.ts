// What the panel's controls emit: a reducer action, or a request main.ts turns into a message.
import type { Command } from '../keyboard';

export type UiEvent =
  | Command
  | { type: 'cancel' }
  | { type: 'replay'; schedule: string };
