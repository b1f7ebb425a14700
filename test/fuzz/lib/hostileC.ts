import type { Prng } from './prng';

/**
 * Generated C that stresses the front end and the engine: extreme nesting, huge switches, many
 * gotos to one label, megabyte lines, locks in every branch. `full` gives the sizes the issue
 * names (10,000 levels, 100,000 cases, 10,000 gotos, 1 MB line); otherwise a random smaller size,
 * so a run spends its time on many inputs rather than a few giant ones.
 */
export interface Generated {
  text: string;
  kind: string;
}

const LOCKS = ['spin_lock(&d->lock);', 'mutex_lock(&d->mu);', 'NdisAcquireSpinLock(&d->Lock);', 'ovs_mutex_lock(&d->mutex);', 'read_lock_bh(&d->rw);'];
const UNLOCKS = ['spin_unlock(&d->lock);', 'mutex_unlock(&d->mu);', 'NdisReleaseSpinLock(&d->Lock);', 'ovs_mutex_unlock(&d->mutex);', 'read_unlock_bh(&d->rw);'];

function fn(body: string, name = 'f'): string {
  return `struct dev { int lock; int mu; int Lock; int mutex; int rw; int ref; };\nint ${name}(struct dev *d, int x)\n{\n${body}\n  return 0;\n}\n`;
}

function size(rng: Prng, full: boolean, max: number): number {
  return full ? max : rng.range(1, Math.max(1, Math.floor(max / rng.pick([10, 100, 1000]))));
}

type Gen = (rng: Prng, full: boolean) => string;

const GENERATORS: Record<string, Gen> = {
  'nested-blocks': (rng, full) => {
    const n = size(rng, full, 10_000);
    return fn('{'.repeat(n) + LOCKS[0] + UNLOCKS[0] + '}'.repeat(n));
  },
  'nested-ifs': (rng, full) => {
    const n = size(rng, full, 10_000);
    const lock = rng.int(LOCKS.length);
    return fn(`  ${LOCKS[lock]}\n` + 'if (x) {\n'.repeat(n) + `${UNLOCKS[lock]} return 1;\n` + '}\n'.repeat(n) + `  ${UNLOCKS[lock]}`);
  },
  'nested-parens': (rng, full) => {
    const n = size(rng, full, 10_000);
    return fn(`  x = ${'('.repeat(n)}x${')'.repeat(n)};\n  if (${'!('.repeat(n)}x${')'.repeat(n)}) spin_lock(&d->lock);`);
  },
  'else-if-chain': (rng, full) => {
    const n = size(rng, full, 10_000);
    const parts: string[] = [];
    for (let i = 0; i < n; i++) parts.push(`${i ? 'else ' : ''}if (x == ${i}) { ${LOCKS[i % LOCKS.length]} ${i % 7 ? UNLOCKS[i % LOCKS.length] : ''} }`);
    return fn(parts.join('\n'));
  },
  'huge-switch': (rng, full) => {
    const n = size(rng, full, 100_000);
    const cases: string[] = [];
    for (let i = 0; i < n; i++) cases.push(`  case ${i}: ${i % 3 === 0 ? 'spin_lock(&d->lock); ' : ''}x += ${i}; ${i % 5 ? 'break;' : ''}`);
    return fn(`  switch (x) {\n${cases.join('\n')}\n  default: break;\n  }\n  spin_unlock(&d->lock);`);
  },
  'gotos-one-label': (rng, full) => {
    const n = size(rng, full, 10_000);
    const lines = ['  spin_lock(&d->lock);'];
    for (let i = 0; i < n; i++) lines.push(`  if (x == ${i}) goto out;`);
    lines.push('  spin_unlock(&d->lock);\n  return 1;\nout:\n  spin_unlock(&d->lock);');
    return fn(lines.join('\n'));
  },
  'goto-web': (rng, full) => {
    const n = size(rng, full, 2_000);
    const lines = ['  mutex_lock(&d->mu);'];
    for (let i = 0; i < n; i++) lines.push(`l${i}: if (x & ${i}) goto l${rng.int(n)}; ${i % 4 === 0 ? 'mutex_unlock(&d->mu); mutex_lock(&d->mu);' : ''}`);
    lines.push('  mutex_unlock(&d->mu);');
    return fn(lines.join('\n'));
  },
  'long-line': (rng, full) => {
    const target = full ? 1 << 20 : rng.range(1, 1 << 16);
    const unit = rng.pick(['x = x + 1; ', 'spin_lock(&d->lock); spin_unlock(&d->lock); ', 'if (x) { x--; } ', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', '/* ... */ ']);
    return fn(unit.repeat(Math.ceil(target / unit.length)));
  },
  'long-identifier': (rng, full) => fn(`  int ${'v'.repeat(full ? 1 << 20 : rng.range(1, 1 << 14))} = x; spin_lock(&d->lock);`),
  'long-string': (rng, full) => fn(`  const char *s = "${'\\"x'.repeat(full ? 1 << 19 : rng.range(1, 1 << 12))}"; spin_lock(&d->lock);`),
  'many-functions': (rng, full) => {
    const n = size(rng, full, 5_000);
    const out: string[] = [];
    for (let i = 0; i < n; i++) out.push(fn(`  ${LOCKS[i % 5]} if (x) return ${i}; ${UNLOCKS[i % 5]} f${(i + 1) % n}(d, x);`, `f${i}`));
    return out.join('\n');
  },
  'deep-macros': (rng, full) => {
    const n = size(rng, full, 2_000);
    const defs: string[] = [];
    for (let i = 0; i < n; i++) defs.push(`#define M${i}(x) M${i + 1}(x) {`);
    return defs.join('\n') + '\n' + fn(`  M0(x) spin_lock(&d->lock); }`);
  },
  'lock-pairs': (rng, full) => {
    const n = size(rng, full, 20_000);
    const lines: string[] = [];
    for (let i = 0; i < n; i++) {
      const k = rng.int(LOCKS.length);
      lines.push(`  if (x > ${i}) { ${LOCKS[k]} } else { ${rng.chance(0.5) ? UNLOCKS[k] : 'x++;'} }`);
    }
    return fn(lines.join('\n'));
  },
  'only-braces': (rng, full) => {
    const n = size(rng, full, 100_000);
    let s = '';
    for (let i = 0; i < n; i++) s += rng.pick(['{', '}', '(', ')', ';', '\n']);
    return s;
  },
  'preprocessor-maze': (rng, full) => {
    const n = size(rng, full, 5_000);
    return fn('#if A\n{\n'.repeat(n) + '#else\n}\n'.repeat(n) + '#endif\n'.repeat(n));
  },
};

export const GENERATOR_KINDS = Object.keys(GENERATORS);

export function generateHostileC(rng: Prng, full: boolean): Generated {
  const kind = rng.pick(GENERATOR_KINDS);
  return { text: GENERATORS[kind]!(rng, full), kind: `gen:${kind}${full ? ':full' : ''}` };
}

export function generateNamed(kind: string, rng: Prng, full: boolean): string {
  const g = GENERATORS[kind];
  if (g === undefined) throw new Error(`no generator ${kind}`);
  return g(rng, full);
}
