import { readBoundedFile } from './boundedRead';
import { decodeSource, type DecodedSource } from './decode';
import { DEFAULT_MAX_FILE_BYTES, InputError } from './inputError';

export { InputError, DEFAULT_MAX_FILE_BYTES } from './inputError';
export { readBoundedFile, describeErrno } from './boundedRead';
export { decodeSource, decodeCSource, encodeLike, restoreLoneCrs, type DecodedSource, type SourceEncoding } from './decode';
export { C_EXTENSIONS, notCReason } from './sniff';
export { collectCFiles, type CollectedInputs, type ExcludeRule } from './collect';
export { GlobSet } from './glob';

/** Reads and decodes a C file: regular files only, bounded, UTF-8 / UTF-16 / Windows-1252 (see decodeSource). */
export function readSourceFile(file: string, maxBytes = DEFAULT_MAX_FILE_BYTES): DecodedSource {
  let bytes: Buffer;
  try {
    bytes = readBoundedFile(file, maxBytes);
  } catch (e) {
    // Not found stays as it is; a file that is there but refused says that it was skipped.
    if (e instanceof InputError && /(limit|regular file)$/.test(e.message)) throw new InputError(`${e.message}; skipped`);
    throw e;
  }
  return decodeSource(bytes, file, maxBytes);
}

/** The text of a C file (see readSourceFile). */
export function readCSource(file: string, maxBytes = DEFAULT_MAX_FILE_BYTES): string {
  return readSourceFile(file, maxBytes).text;
}
