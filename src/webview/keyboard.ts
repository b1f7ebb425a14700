// Keyboard shortcuts of the panel. Plain keys only (no Ctrl/Cmd), so they never fight VS Code's own
// keybindings; ignored while typing in a field. The same table labels the buttons (aria-keyshortcuts).
import type { Action } from './state';

export type Command = Action | { type: 'copySchedule' } | { type: 'focusReplay' } | { type: 'run' };

export interface Shortcut {
  keys: string[];
  /** As `aria-keyshortcuts` spells it. */
  aria: string;
  /** As a tooltip shows it. */
  label: string;
  command: Command;
}

export const SHORTCUTS = {
  back: { keys: ['ArrowLeft', 'b'], aria: 'ArrowLeft B', label: '← or B', command: { type: 'step', delta: -1 } },
  forward: { keys: ['ArrowRight', 'n'], aria: 'ArrowRight N', label: '→ or N', command: { type: 'step', delta: 1 } },
  play: { keys: [' ', 'p'], aria: 'Space P', label: 'Space or P', command: { type: 'togglePlay' } },
  start: { keys: ['Home', 's'], aria: 'Home S', label: 'Home or S', command: { type: 'toStart' } },
  violation: { keys: ['End', 'v'], aria: 'End V', label: 'End or V', command: { type: 'toViolation' } },
  slower: { keys: ['-', '['], aria: 'Minus', label: '− or [', command: { type: 'speed', delta: -1 } },
  faster: { keys: ['+', '=', ']'], aria: 'Plus', label: '+ or ]', command: { type: 'speed', delta: 1 } },
  copy: { keys: ['c'], aria: 'C', label: 'C', command: { type: 'copySchedule' } },
  replay: { keys: ['r'], aria: 'R', label: 'R', command: { type: 'focusReplay' } },
} satisfies Record<string, Shortcut>;

export interface KeyInput {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  /** True when focus is in a text field or select, where keys belong to the field. */
  inField: boolean;
}

export function commandForKey(k: KeyInput): Command | null {
  if (k.ctrlKey || k.metaKey || k.altKey || k.inField) return null;
  const key = k.key.length === 1 ? k.key.toLowerCase() : k.key;
  for (const s of Object.values(SHORTCUTS) as Shortcut[]) if (s.keys.includes(key)) return s.command;
  return null;
}
