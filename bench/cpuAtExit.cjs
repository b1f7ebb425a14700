/* global process */
// Preloaded (`node --require`) into each process bench/trees.ts times: its own CPU time, user +
// system, written at exit as one line the bench reads back (a child's rusage is not in node's API).
process.on('exit', () => {
  const u = process.cpuUsage();
  process.stderr.write(`\nLOCKSTEP_BENCH_CPU ${(u.user + u.system) / 1000}\n`);
});
