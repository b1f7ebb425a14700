/** An input that cannot be used: one line naming the file and the reason (the CLI exits 2). */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

/** Files larger than this are refused with a message rather than parsed (see docs/robustness.md: limits). */
export const DEFAULT_MAX_FILE_BYTES = 8 * 1024 * 1024;
