import type { ApiKnowledge } from '../src/core/apis/types';

/** The TextMate injection grammar for the given knowledge (see generate.mjs). */
export function injectionGrammar(knowledge: ApiKnowledge): unknown;
