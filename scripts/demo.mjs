// `npm run demo`: the main job on the bundled examples — the CLI over media/samples, then the seed
// thread's refcount workflow in the simulator. Findings and violations are the point here, so
// exit 1 from either command is expected; anything else (2, a crash) fails the demo.
import { spawnSync } from 'node:child_process';

// The rule of `--color auto` (src/cli/color.ts): a terminal only, NO_COLOR off, FORCE_COLOR on.
const env = process.env;
const colour = env.NO_COLOR ? false : env.FORCE_COLOR && env.FORCE_COLOR !== '0' ? true : process.stdout.isTTY === true && env.TERM !== 'dumb';
const bold = (s) => (colour ? `\x1b[1m${s}\x1b[22m` : s);

function run(title, args) {
  process.stdout.write(`\n${bold(`$ lockstep ${args.join(' ')}`)}   # ${title}\n\n`);
  const r = spawnSync(process.execPath, ['dist/cli.js', ...args], { stdio: 'inherit' });
  if (r.status !== 0 && r.status !== 1) {
    process.stderr.write(`demo: lockstep ${args[0]} exited with ${r.status ?? r.signal}\n`);
    process.exit(2);
  }
}

run('lock and refcount bugs in the sample datapaths', ['check', 'media/samples']);
run("the 2014 ovs-dev reply's workflow, two packets and one put", ['simulate', '--protocol', 'seed-workflow', '--packets', '2', '--puts', '1']);
