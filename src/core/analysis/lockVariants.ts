import type { Finding } from '../findings';
import { RULES } from '../rules/registry';
import type { LockVariantUse } from './lockContext';

/**
 * context-mismatch, across the inputs (Linux): a lock class taken with `spin_lock_bh` /
 * `spin_lock_irq(save)` somewhere — so softirqs or interrupt handlers take it too — and with the
 * plain form where the path runs in process context with bottom halves (interrupts) still on. A
 * softirq (interrupt) on that CPU that takes the lock while the plain holder is interrupted spins
 * forever. Plain acquires in contexts not known to be process context (softirq handlers, timers,
 * callbacks the kernel calls with BH off) are the kernel's normal pairing and are never recorded.
 */
export function lockVariantFindings(uses: readonly LockVariantUse[]): Finding[] {
  const byClass = new Map<string, LockVariantUse[]>();
  for (const u of uses) byClass.set(u.cls, [...(byClass.get(u.cls) ?? []), u]);
  const out: Finding[] = [];
  for (const [cls, list] of byClass) {
    const others = list.filter((u) => u.variant !== 'plain');
    if (others.length === 0) continue;
    for (const p of list) {
      if (p.variant !== 'plain' || !p.process) continue;
      const irq = others.find((o) => (o.variant === 'irq' || o.variant === 'irqsave') && p.off !== 'irq');
      const bh = others.find((o) => o.variant === 'bh' && p.off === 'none');
      const other = irq ?? bh;
      if (!other) continue;
      const who = irq ? 'an interrupt handler' : 'a softirq';
      const fix = irq ? `${p.api}_irqsave` : `${p.api}_bh`;
      const where = `\`${other.fn}\` (${other.uri}:${other.range.start.line + 1})`;
      const message = `\`${p.display}\` is taken with plain \`${p.api}\` here, in process context (${p.process}), but with \`${other.api}\` in ${where}, so ${who} may take it too: if it interrupts this CPU while the lock is held here, it spins forever. Use \`${fix}\` here, as \`${other.fn}\` does`;
      out.push({
        ruleId: 'context-mismatch', severity: RULES['context-mismatch'].defaultSeverity, message, uri: p.uri, range: p.range,
        functionName: p.fn,
        related: [{ ...(other.uri !== p.uri ? { uri: other.uri } : {}), range: other.range, message: `\`${other.display}\` taken with \`${other.api}\` here` }],
        path: [{ range: p.range, message: `\`${p.api}\` in process context with ${irq ? 'interrupts' : 'bottom halves'} on` }],
        key: `context-mismatch:${p.fn}:${cls}@${p.api}`,
      });
    }
  }
  return out;
}
