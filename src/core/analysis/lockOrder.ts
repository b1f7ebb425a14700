import type { Finding } from '../findings';
import type { LockOrderEdge } from './project';

// Interim: cycles are found by the reference-counting and lock-order issue.
export function lockOrderFindings(_edges: LockOrderEdge[]): Finding[] {
  return [];
}
