import type { Tree } from 'web-tree-sitter';
import type { ApiKnowledge } from '../apis/types';
import type { Finding, Fix } from '../findings';
import { rangeOf } from '../source';
import { releaseCallFor } from './matchingCalls';
import { callsIn } from './syntax';

/**
 * The quick fix for `release-mismatch`: replace the release with the call that matches the acquire
 * (`spin_unlock(&l)` after `spin_lock_irqsave(&l, flags)` → `spin_unlock_irqrestore(&l, flags)`,
 * `NdisReleaseSpinLock` after `NdisDprAcquireSpinLock` → `NdisDprReleaseSpinLock`, the acquire's own
 * IRQL handle, `up_read` for a `down_read`). Mechanical: built from the API knowledge and the two
 * calls as written, the same way the lock-leak fix builds the release it inserts. None when the lock
 * comes from the caller (the acquire is not in this function) or the knowledge cannot say.
 */
export function mismatchFix(tree: Tree, text: string, finding: Finding, knowledge: ApiKnowledge): Fix | undefined {
  if (finding.ruleId !== 'release-mismatch') return undefined;
  const acquireAt = finding.related.find((r) => (!r.uri || r.uri === finding.uri) && r.message.startsWith('acquired here'));
  if (!acquireAt) return undefined;
  const acquires = new Set(knowledge.locks.filter((a) => a.kind !== 'release').map((a) => a.name));
  const releases = new Set(knowledge.locks.filter((a) => a.kind === 'release').map((a) => a.name));
  const acquire = callsIn(tree, text, acquireAt.range).find((c) => acquires.has(c.name));
  const release = callsIn(tree, text, finding.range).find((c) => releases.has(c.name));
  if (!acquire || !release) return undefined;
  const call = releaseCallFor(knowledge, acquire)?.replace(/;$/, '');
  if (call === undefined) return undefined;
  const written = release.node.text.replace(/\s+/g, '');
  if (written === call.replace(/\s+/g, '')) return undefined; // it already is that call: the knowledge and the engine disagree
  return {
    title: `Replace with \`${call}\` (matches the acquire on line ${acquireAt.range.start.line + 1})`,
    edits: [{ range: rangeOf(release.node), newText: call }],
    isPreferred: true,
  };
}
