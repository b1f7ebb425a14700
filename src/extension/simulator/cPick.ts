// Pure helpers of "Simulate with…" (no vscode import, unit-tested): which functions to offer as the
// other context, the scenario choices, and the panel's protocol entry for a C model.
import type { ProtocolInfo, Scenario } from '../../webview/model';

export type CRole = 'packet' | 'put';

const PUT_LIKE = /put|del|remove|flush|destroy|free|modify|cmd/i;
const PACKET_LIKE = /packet|pkt|recv|rx|input|ingress|process|execute|lookup|path/i;

/**
 * The candidates for the other context, most likely first: for a packet path, names that look like a
 * flow put/delete; for a put, names that look like a packet path; then the rest in file order. The
 * function itself comes last (a context against copies of itself is a valid scenario).
 */
export function otherContextCandidates(functions: readonly string[], chosen: string, chosenRole: CRole): string[] {
  const want = chosenRole === 'packet' ? PUT_LIKE : PACKET_LIKE;
  const others = [...new Set(functions)].filter((f) => f !== chosen);
  const likely = others.filter((f) => want.test(f));
  const rest = others.filter((f) => !want.test(f));
  return [...likely, ...rest, ...(functions.includes(chosen) ? [chosen] : [])];
}

/** The role a function most likely plays, from its name (the first quick pick's default). */
export function guessRole(name: string): CRole {
  return PUT_LIKE.test(name) && !/packet|pkt/i.test(name) ? 'put' : 'packet';
}

export interface CountChoice {
  label: string;
  packets: number;
  puts: number;
}

/** Scenario sizes offered, smallest useful first; 2 × 1 finds the seed's lost update. */
export const COUNT_CHOICES: readonly CountChoice[] = [
  { label: '2 packets × 1 put', packets: 2, puts: 1 },
  { label: '1 packet × 1 put', packets: 1, puts: 1 },
  { label: '3 packets × 1 put', packets: 3, puts: 1 },
  { label: '2 packets × 2 puts', packets: 2, puts: 2 },
  { label: '3 packets × 2 puts', packets: 3, puts: 2 },
];

/** The name of a C model: the same as the core's `cModelName` (`<file>:<packet>+<put>`). */
export function cProtocolName(uri: string, packet: string, put: string): string {
  const base = uri.replace(/[?#].*$/, '').replace(/^[a-z][\w+.-]*:/i, '').split(/[\\/]/).pop() || 'file.c';
  return `${decodeURIComponent(base)}:${packet}+${put}`;
}

/** The panel's protocol entry for a C model; its listing is the C document itself. */
export function cProtocolInfo(uri: string, packet: string, put: string): ProtocolInfo {
  const name = cProtocolName(uri, packet, put);
  const file = name.slice(0, name.indexOf(':'));
  return {
    id: name,
    title: `${packet} × ${put} (${file})`,
    summary: `Your C: ${packet} as the packet path, ${put} as the flow put/delete, compiled into the simulator's steps.`,
    listingUri: uri,
  };
}

export function cScenario(name: string, c: { packets: number; puts: number }): Scenario {
  return { protocol: name, packets: c.packets, puts: c.puts, preemptionBound: null };
}

/** What an unmodelled item's reason means, in words for the panel's note ("line 58: …"). */
const UNMODELLED_WORDS: Record<string, string> = {
  'nondeterministic': 'a condition the model does not track (both branches explored)',
  'unknown-call': 'a call the model knows nothing about (no effect)',
  'unsupported': 'something the model cannot express',
  'depth-limit': 'a call not followed (depth limit or recursion)',
  'bounded-loop': 'a loop cut after its bound',
  'not-a-flow': 'works on something other than the flow (left out)',
  'assumed': 'assumed by the model, not done by the function',
};

export function unmodelledWords(reason: string): string {
  return UNMODELLED_WORDS[reason] ?? reason.replaceAll('-', ' ');
}
