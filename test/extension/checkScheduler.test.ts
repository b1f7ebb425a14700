import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CheckScheduler } from '../../src/extension/checkScheduler';

/** A run the test finishes by hand, so the order of events never depends on timing. */
function manualRuns(): { runs: string[]; finish(): void; scheduler: CheckScheduler<string>; idle(): Promise<void> } {
  const runs: string[] = [];
  const pending: (() => void)[] = [];
  const scheduler = new CheckScheduler<string>((target) => {
    runs.push(target);
    return new Promise<void>((resolve) => pending.push(resolve));
  });
  return {
    runs,
    scheduler,
    finish: () => pending.shift()?.(),
    idle: () => new Promise((r) => setImmediate(r)),
  };
}

async function until(probe: () => boolean): Promise<void> {
  for (let i = 0; i < 10_000 && !probe(); i++) await new Promise((r) => setTimeout(r, 1));
  assert.ok(probe(), 'condition never became true');
}

test('a document has one check at a time; what was asked for meanwhile runs once, on the latest text, when it is back', async () => {
  const { runs, finish, scheduler, idle } = manualRuns();
  scheduler.schedule('a', 'a@v1', 0);
  await until(() => runs.length === 1);
  // Three keystrokes while v1 is being checked: one more check, of the last version only.
  scheduler.schedule('a', 'a@v2', 0);
  scheduler.schedule('a', 'a@v3', 0);
  scheduler.schedule('a', 'a@v4', 0);
  await new Promise((r) => setTimeout(r, 5));
  assert.deepEqual(runs, ['a@v1']);
  finish();
  await until(() => runs.length === 2);
  assert.deepEqual(runs, ['a@v1', 'a@v4']);
  finish();
  await idle();
  assert.equal(runs.length, 2);
  scheduler.dispose();
});

test('other documents are not held up by a running check; a cancelled check never starts', async () => {
  const { runs, finish, scheduler } = manualRuns();
  scheduler.schedule('a', 'a@v1', 0);
  scheduler.schedule('b', 'b@v1', 0);
  await until(() => runs.length === 2);
  scheduler.schedule('a', 'a@v2', 0);
  await new Promise((r) => setTimeout(r, 5));
  scheduler.cancel('a'); // closed while its check ran: the queued one is dropped
  scheduler.schedule('c', 'c@v1', 10_000);
  scheduler.cancel('c');
  finish();
  finish();
  await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(runs.sort(), ['a@v1', 'b@v1']);
  scheduler.dispose();
});

test('background work waits until no check is waiting or running, then goes', async () => {
  const { runs, finish, scheduler } = manualRuns();
  let released = false;
  await scheduler.whenIdle(); // nothing to wait for
  scheduler.schedule('a', 'a@v1', 0);
  const waiting = scheduler.whenIdle().then(() => { released = true; });
  await until(() => runs.length === 1);
  scheduler.schedule('a', 'a@v2', 0); // a keystroke while the check runs: still busy after it
  await new Promise((r) => setTimeout(r, 5));
  finish();
  await until(() => runs.length === 2);
  assert.equal(released, false, 'released while the second check was still to run');
  finish();
  await waiting;
  assert.equal(scheduler.busy, false);
  // A check scheduled and then cancelled releases waiters too; dispose releases them rather than hang.
  scheduler.schedule('b', 'b@v1', 10_000);
  const cancelled = scheduler.whenIdle();
  scheduler.cancel('b');
  await cancelled;
  scheduler.schedule('c', 'c@v1', 10_000);
  const disposed = scheduler.whenIdle();
  scheduler.dispose();
  await disposed;
});
