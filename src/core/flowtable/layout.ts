// Where the flow table lives in the explorer's flat state array: the slots of one lock and of one
// flow. The explorer (src/core/sim/compile.ts) places the blocks; the table and lock operations here
// read and write them.

// Slots of a lock: writer + 1 (0 = none), readers mask, waiting writers mask, waiting readers mask.
export const LOCK_SIZE = 4;
export const L_WRITER = 0;
export const L_READERS = 1;
export const L_WAIT_W = 2;
export const L_WAIT_R = 3;

// Slots of a flow.
export const FLOW_SIZE = 6;
export const F_KEY = 0;
export const F_RC = 1;
export const F_ACTIVE = 2;
export const F_FREED = 3;
export const F_LINKED = 4;
export const F_RETIRED = 5;

/** Flows a scenario may hold (inserts included): flow sets are bit masks in a context's slots. */
export const MAX_FLOWS = 24;
