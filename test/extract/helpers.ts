import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Parser } from 'web-tree-sitter';
import { extractModel } from '../../src/core/extract/extract';
import type { ExtractOptions, ExtractedModel } from '../../src/core/extract/types';
import { instrText } from '../../src/core/model/program';
import type { Instr } from '../../src/core/model/program';
import { repoRoot, testParser } from '../helpers/grammar';

let parser: Promise<Parser> | undefined;

export function sharedParser(): Promise<Parser> {
  return (parser ??= testParser());
}

export const FIXTURES = path.join(repoRoot, 'test', 'fixtures', 'sim');

export function fixtureText(name: string): string {
  return fs.readFileSync(path.join(FIXTURES, name), 'utf8');
}

/** 0-based line of the only line containing `marker` (fails the test when it is not exactly one). */
export function lineOf(text: string, marker: string): number {
  const hits = text.split('\n').flatMap((l, i) => (l.includes(marker) ? [i] : []));
  if (hits.length !== 1) throw new Error(`marker "${marker}" found on ${hits.length} lines`);
  return hits[0]!;
}

export async function extract(text: string, packet: string, put: string, options: ExtractOptions = {}): Promise<ExtractedModel> {
  return extractModel(await sharedParser(), { uri: 'file:///t.c', text }, packet, put, options);
}

/** The packet program's instructions as `L<line+1> <text>` (1-based, like the CLI). */
export function listing(body: readonly Instr[]): string[] {
  return body.map((i) => `L${i.loc.line + 1} ${instrText(i)}`);
}

export async function packetOps(text: string, options: ExtractOptions = {}): Promise<{ ops: Instr[]; lines: string[]; ex: ExtractedModel }> {
  const ex = await extract(`${text}\nvoid Put(void) { }\n`, 'Packet', 'Put', options);
  const ops = ex.model.packet.functions[0]!.body;
  return { ops, lines: listing(ops), ex };
}
