import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../../helpers/grammar';

export const patchFixtures = path.join(repoRoot, 'test', 'fixtures', 'patches');
export const baseDir = path.join(patchFixtures, 'base');

export function readFixture(name: string): string {
  return fs.readFileSync(path.join(patchFixtures, name), 'utf8');
}

/** 0-based document line of the first line that equals `text` (after `from`), for exact assertions. */
export function lineOf(doc: string, text: string, from = 0): number {
  const lines = doc.split(/\r?\n/);
  const i = lines.findIndex((l, k) => k >= from && l === text);
  if (i < 0) throw new Error(`fixture has no line ${JSON.stringify(text)}`);
  return i;
}
