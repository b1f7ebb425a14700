import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv04 from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import type { ErrorObject } from 'ajv';
import { repoRoot } from '../helpers/grammar';

/**
 * The official SARIF 2.1.0 JSON schema (OASIS, "2.1.0-rtm.5", draft-04) as Microsoft ships it in
 * the @microsoft/jest-sarif package; validated with Ajv's draft-04 build and standard formats.
 * `unicodeRegExp: false`: one pattern in that schema (`language`) is not a valid Unicode-mode regex.
 */
export const SARIF_SCHEMA_FILE = path.join(repoRoot, 'node_modules', '@microsoft', 'jest-sarif', 'lib', 'schemas', 'sarif-2.1.0-rtm.5.json');

let validator: ((data: unknown) => boolean) & { errors?: ErrorObject[] | null } | undefined;

/** Schema errors as `instancePath: message` lines; empty when the log is valid. */
export function sarifSchemaErrors(log: unknown): string[] {
  if (!validator) {
    const ajv = new Ajv04({ allErrors: true, strict: false, unicodeRegExp: false });
    addFormats(ajv);
    validator = ajv.compile(JSON.parse(fs.readFileSync(SARIF_SCHEMA_FILE, 'utf8')) as object);
  }
  return validator(log) ? [] : (validator.errors ?? []).map((e) => `${e.instancePath}: ${e.message ?? e.keyword}`);
}
