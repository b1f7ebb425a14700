// Simulator benchmark: states explored and states/s, with and without partial-order reduction, for
// 2-4 packets x 1-2 puts. Run: node --import tsx bench/sim.ts [--all] [--protocol NAME] [--max-states N]
// Checks the issue's bar: the exhaustive 3-packet x 2-put run of seed-workflow-fixed under 10 s.

import { listProtocols, protocolModel } from '../src/core/flowtable/protocols/index';
import { simulate } from '../src/core/sim/simulate';

const args = process.argv.slice(2);
const all = args.includes('--all');
const only = args.includes('--protocol') ? args[args.indexOf('--protocol') + 1] : undefined;
const maxStates = args.includes('--max-states') ? Number(args[args.indexOf('--max-states') + 1]) : 3_000_000;
const names = only !== undefined ? [only] : all ? listProtocols().map((p) => p.name) : ['seed-workflow-fixed', 'seed-workflow'];
const scenarios: [number, number][] = [[2, 1], [3, 1], [4, 1], [2, 2], [3, 2], [4, 2]];

const pad = (s: string | number, n: number): string => String(s).padStart(n);
console.log(`node ${process.version}, ${new Date().toISOString()}, state limit ${maxStates}`);
console.log('| protocol | scenario | reduction | verdict | states | transitions | CPU ms | states/CPU s | longest schedule |');
console.log('|---|---|---|---|---:|---:|---:|---:|---:|');
let bar: number | null = null;
for (const name of names) {
  const model = protocolModel(name);
  if (model === undefined) throw new Error(`unknown protocol ${name}`);
  for (const [p, u] of scenarios) {
    for (const reduction of [true, false]) {
      const r = simulate(model, { packets: p, puts: u, reduction, maxStates, timeLimitMs: 120_000 });
      const st = r.stats;
      const cpu = st.cpuMs ?? st.ms;
      const rate = cpu > 0 ? Math.round((st.states / cpu) * 1000) : st.states;
      const verdict = st.complete ? r.verdict : `${r.verdict} (${st.stoppedBecause})`;
      const longest = Math.max(0, ...r.violations.map((v) => v.steps.length));
      console.log(`| ${name} | ${p}x${u} | ${reduction ? 'on' : 'off'} | ${verdict} | ${pad(st.states, 9)} | ${pad(st.transitions, 10)} | ${pad(cpu, 7)} | ${pad(rate, 8)} | ${longest || ''} |`);
      if (name === 'seed-workflow-fixed' && p === 3 && u === 2 && reduction) bar = st.complete ? cpu : Infinity;
    }
  }
}
if (bar !== null) {
  const ok = bar < 10_000;
  console.log(`\nseed-workflow-fixed 3x2 exhaustive: ${Number.isFinite(bar) ? `${bar} ms CPU` : 'incomplete'} (bar: under 10 s) ${ok ? 'OK' : 'FAILED'}`);
  process.exitCode = ok ? 0 : 1;
}
