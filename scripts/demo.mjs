// `npm run demo`: the main job on the bundled examples — the CLI over media/samples, then the seed
// thread's refcount workflow in the simulator. Findings and violations are the point here, so
// exit 1 from either command is expected; anything else (2, a crash) fails the demo.
import { spawnSync } from 'node:child_process';

function run(title, args) {
  process.stdout.write(`\n\x1b[1m$ lockstep ${args.join(' ')}\x1b[0m   # ${title}\n\n`);
  const r = spawnSync(process.execPath, ['dist/cli.js', ...args], { stdio: 'inherit' });
  if (r.status !== 0 && r.status !== 1) {
    process.stderr.write(`demo: lockstep ${args[0]} exited with ${r.status ?? r.signal}\n`);
    process.exit(2);
  }
}

run('lock and refcount bugs in the sample datapaths', ['check', 'media/samples']);
run("the 2014 ovs-dev reply's workflow, two packets and one put", ['simulate', '--protocol', 'seed-workflow', '--packets', '2', '--puts', '1']);
