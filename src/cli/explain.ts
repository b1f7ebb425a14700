import * as fs from 'node:fs';
import * as path from 'node:path';
import { RULE_IDS, type RuleId } from '../core/findings';
import { ruleHelpUri } from '../core/report/ruleCatalog';
import { RULES, ruleDocPath } from '../core/rules/registry';
import type { CliHost } from './check';
import { errorLine, usageLine } from './usage';

const HELP = `Usage: lockstep explain <rule>

Prints the rule's documentation page: what it finds, why it matters, examples, how to fix and
suppress it. lockstep check --list-rules lists the rules.
`;

/** `lockstep check --list-rules`: id, default severity, one line each. */
export function ruleList(): string {
  const width = Math.max(...RULE_IDS.map((id) => id.length));
  return RULE_IDS.map((id) => `${id.padEnd(width)}  ${RULES[id].defaultSeverity.padEnd(7)}  ${RULES[id].short}\n`).join('');
}

/** The page from the package (`docs/rules/<id>.md` beside `dist/`), or the one-line description and the page's address. */
export function explainRule(id: RuleId, packageRoot: string): string {
  try {
    return fs.readFileSync(path.join(packageRoot, ruleDocPath(id)), 'utf8');
  } catch {
    return `${id} (${RULES[id].defaultSeverity}): ${RULES[id].short}\nSee ${ruleHelpUri(id)}\n`;
  }
}

export function runExplain(argv: readonly string[], host: CliHost, out: (s: string) => void = (s) => void process.stdout.write(s)): number {
  if (argv.includes('--help') || argv.includes('-h')) {
    out(HELP);
    return 0;
  }
  const bad = argv.find((a) => a.startsWith('-'));
  if (bad !== undefined) {
    process.stderr.write(usageLine('explain', `unknown option '${bad}'`));
    return 2;
  }
  if (argv.length !== 1) {
    process.stderr.write(usageLine('explain', argv.length === 0 ? 'no rule given' : 'one rule at a time'));
    return 2;
  }
  const id = argv[0]!;
  if (!(RULE_IDS as readonly string[]).includes(id)) {
    process.stderr.write(errorLine('explain', `no rule '${id}' (rules: ${RULE_IDS.join(', ')})`));
    return 2;
  }
  out(explainRule(id as RuleId, path.resolve(host.distDir, '..')));
  return 0;
}
