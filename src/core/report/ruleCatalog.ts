import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { RULE_IDS, type RuleId } from '../findings';
import { RULE_DOC_BASE, RULES, type RuleMeta } from '../rules/registry';

/** Rule metadata for reports: the rules registry (one source of truth) plus a SARIF display name. */
export interface RuleInfo extends RuleMeta {
  /** PascalCase name for SARIF `reportingDescriptor.name` (`lock-leak` → `LockLeak`). */
  name: string;
}

export function ruleInfo(id: RuleId): RuleInfo {
  return { ...RULES[id], name: id.split('-').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('') };
}

export function allRules(): RuleInfo[] {
  return RULE_IDS.map(ruleInfo);
}

/** Base of the rule pages' help URIs; the registry's RULE_DOC_BASE is the one place that says where they live. */
export const DEFAULT_HELP_BASE_URI = RULE_DOC_BASE;

export function ruleHelpUri(id: RuleId, baseUri: string = DEFAULT_HELP_BASE_URI): string {
  return `${baseUri}${id}.md`;
}

/** Rule pages inside the repository and the installed package. */
export const RULE_DOCS_DIR = 'docs/rules';

/**
 * `file:` URI of the rule pages inside an installed package (the CLI's `dist/..`), ending in `/`:
 * for hosts that want help links that work offline. `lockstep check` uses DEFAULT_HELP_BASE_URI.
 */
export function ruleDocsBaseUri(packageRoot: string): string {
  return `${pathToFileURL(path.join(packageRoot, RULE_DOCS_DIR)).href}/`;
}
