/**
 * Assertion macros written as calls. `holds`: the program claims the argument is true past this
 * point (`assert(c)`, `ovs_assert(c)`, NDIS `ASSERT`/`NT_ASSERT`); `fails`: it stops when the
 * argument is true (`BUG_ON(c)`). The analysis CFG follows only the side where the claim holds,
 * as the compiler-checked build does; `WARN_ON` goes on either way and is not listed.
 */
export type AssertionKind = 'holds' | 'fails';

export const ASSERTION_MACROS: ReadonlyMap<string, AssertionKind> = new Map<string, AssertionKind>([
  ['assert', 'holds'], ['ovs_assert', 'holds'], ['ASSERT', 'holds'], ['NT_ASSERT', 'holds'],
  ['BUG_ON', 'fails'],
]);
