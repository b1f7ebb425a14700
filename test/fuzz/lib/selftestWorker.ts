import type { WorkReply, WorkRequest } from './worker';

/**
 * A stand-in fuzz worker for the harness's own tests: the input's text says what to do — answer,
 * spin forever, exhaust the heap, or exit — so the pool's hang, memory and crash handling can be
 * checked without a real bug.
 */
const send = process.send?.bind(process);
if (send === undefined) throw new Error('selftest worker: no IPC channel');

process.on('message', (req: WorkRequest) => {
  const cmd = Buffer.from(req.bytes).toString('utf8');
  if (cmd === 'hang') for (;;);
  if (cmd === 'oom') {
    const hoard: number[][] = [];
    for (;;) hoard.push(Array.from({ length: 1e5 }, (_, i) => i));
  }
  if (cmd === 'exit') process.exit(3);
  const reply: WorkReply = { id: req.id, outcome: 'ok', detail: cmd, ms: 0, rssBytes: process.memoryUsage.rss() };
  send(reply);
});
send({ ready: true });
