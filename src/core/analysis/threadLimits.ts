/**
 * Heap settings for the threads that run the analysis: the CLI's check workers, the editor's
 * analysis and patch-review workers, and `npm run bench` (which measures in such a thread).
 *
 * The analysis allocates a plain-JS copy of each function and many short-lived path states. With
 * V8's default young generation (16 MB) a scavenge runs every few milliseconds while a file's
 * copies are still live, so most of them are copied and promoted: garbage collection took ~100 ms
 * of a 750 ms run over the 50k-line benchmark corpus. 64 MB let most die young (~25 ms); 192 MB
 * (V8 makes it three 64 MB semi-spaces' worth) took the steady analysis time of that corpus from
 * ~300 to ~230 ms and an 8,000-line function's from ~140 to ~95 ms. It is an upper bound, grown
 * only under allocation pressure: a one-shot `lockstep check` of the corpus peaks at the same
 * ~190 MB resident with either setting.
 */
export const ANALYSIS_YOUNG_GENERATION_MB = 192;
