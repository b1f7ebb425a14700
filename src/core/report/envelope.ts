import { VERSION } from '../version';

/** Bumped when the shape of any command's JSON output changes incompatibly. */
export const JSON_FORMAT_VERSION = 1;

/**
 * The fields every `lockstep` JSON document starts with (`check`, `patch`, `simulate`): which shape
 * this is, which tool wrote it, and how its positions count. Every line and column is 1-based.
 */
export interface JsonEnvelope {
  formatVersion: number;
  tool: { name: 'lockstep'; version: string };
  /** Every line and column in the document is 1-based; range ends are exclusive. */
  positions: '1-based';
}

export function jsonEnvelope(): JsonEnvelope {
  return { formatVersion: JSON_FORMAT_VERSION, tool: { name: 'lockstep', version: VERSION }, positions: '1-based' };
}
