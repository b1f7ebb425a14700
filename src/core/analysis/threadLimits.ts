/**
 * Heap settings for the threads that run the analysis: the CLI's check workers, the editor's
 * analysis and patch-review workers, and `npm run bench` (which measures in such a thread).
 *
 * The analysis allocates a plain-JS copy of each function and many short-lived path states. With
 * V8's default young generation (16 MB) a scavenge runs every few milliseconds while a file's
 * copies are still live, so most of them are copied and promoted: garbage collection took ~100 ms
 * of a 750 ms run over the 50k-line benchmark corpus. A 64 MB young generation lets them die young
 * (~25 ms). It is an upper bound, grown only under allocation pressure.
 */
export const ANALYSIS_YOUNG_GENERATION_MB = 64;
