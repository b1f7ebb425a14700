import { analysisIncomplete } from './analysisIncomplete';
import { doubleAcquire } from './doubleAcquire';
import { lockLeak } from './lockLeak';
import { releaseMismatch } from './releaseMismatch';
import { refLeak } from './refLeak';
import { refUnderflow } from './refUnderflow';
import { releaseUnheld } from './releaseUnheld';
import { useAfterRelease } from './useAfterRelease';
import { useAfterUnlock } from './useAfterUnlock';
import { unlockedAccess } from './unlockedAccess';
import { rcuFree } from './rcuFree';
import { inconsistentExit } from './inconsistentExit';
import { tryRefNeeded } from './tryRefNeeded';
import { contextMismatch } from './contextMismatch';
import type { Rule } from './ruleInput';
import { writeUnderRead } from './writeUnderRead';

/** Per-function rules, in report order. lock-order is a set-level rule (analysis/lockOrder.ts). */
export const FUNCTION_RULES: Rule[] = [
  lockLeak, doubleAcquire, releaseUnheld, releaseMismatch, writeUnderRead,
  refLeak, refUnderflow, useAfterRelease, useAfterUnlock, unlockedAccess, rcuFree, inconsistentExit, tryRefNeeded, contextMismatch, analysisIncomplete,
];
