import { utf8 } from './bytes';
import { generateHostileC } from './hostileC';
import type { Prng } from './prng';

/** Hostile patches, schedules and configs built from scratch (the C ones live in hostileC.ts). */

function newFilePatch(path: string, text: string, crlf: boolean): string {
  const lines = text.split('\n');
  const nl = crlf ? '\r\n' : '\n';
  return [`diff --git a/${path} b/${path}`, 'new file mode 100644', '--- /dev/null', `+++ b/${path}`, `@@ -0,0 +1,${lines.length} @@`, ...lines.map((l) => `+${l}`)].join(nl) + nl;
}

const PATCH_GENERATORS: Record<string, (rng: Prng) => string> = {
  'new-file-hostile-c': (rng) => newFilePatch(rng.pick(['datapath/vport.c', 'datapath-windows/new.c', 'x.h']), generateHostileC(rng, false).text, rng.chance(0.2)),
  'modify-vport': (rng) => {
    const body = generateHostileC(rng, false).text.split('\n').slice(0, rng.range(1, 400));
    return ['--- a/datapath/vport.c', '+++ b/datapath/vport.c', `@@ -${rng.range(0, 200)},${rng.range(0, 5)} +${rng.range(0, 200)},${body.length} @@`, ...body.map((l) => `+${l}`)].join('\n') + '\n';
  },
  'huge-counts': (rng) => `--- a/datapath/vport.c\n+++ b/datapath/vport.c\n@@ -${rng.pick(['1', '4294967295', '99999999999999999999', '0'])},${rng.pick(['999999999', '1', '-1', '0'])} +1,${rng.pick(['999999999', '2', '1e9'])} @@\n-x\n+y\n`,
  'many-hunks': (rng) => {
    const n = rng.range(1, 20_000);
    const out = ['--- a/datapath/vport.c', '+++ b/datapath/vport.c'];
    for (let i = 0; i < n; i++) out.push(`@@ -${i + 1},1 +${i + 1},1 @@`, ' x', '+spin_lock(&d->lock);');
    return out.join('\n') + '\n';
  },
  'many-files': (rng) => {
    const n = rng.range(1, 3_000);
    const out: string[] = [];
    for (let i = 0; i < n; i++) out.push(newFilePatch(`d/f${i}.c`, `int f${i}(void) { spin_lock(&l); return ${i}; }`, false));
    return out.join('');
  },
  'climbing-paths': (rng) => {
    const p = rng.pick(['../../etc/passwd', '/etc/passwd', '..', 'a/../../b.c', 'C:\\Windows\\x.c', '"quoted\\tname.c"', 'dir/', '', ' ', 'a\u0000b.c', 'ñ/ü.c']);
    return `diff --git a/${p} b/${p}\n--- a/${p}\n+++ b/${p}\n@@ -1 +1 @@\n-a\n+b\n`;
  },
  'mbox-storm': (rng) => {
    const n = rng.range(1, 2_000);
    let s = '';
    for (let i = 0; i < n; i++) s += `From ${i.toString(16).padStart(40, '0')} Mon Sep 17 00:00:00 2001\nFrom: A <a@b>\nSubject: [PATCH ${i + 1}/${n}] x\n${rng.pick(['Content-Transfer-Encoding: base64\n', 'Content-Transfer-Encoding: quoted-printable\n', 'Content-Type: multipart/mixed; boundary="b"\n', ''])}\n${rng.pick(['=3D=\n=20', 'AAAA====', '--b\n\n--b--', '---\n'])}\n`;
    return s;
  },
  'binary-markers': (rng) => `diff --git a/x.c b/x.c\nindex 1..2 100644\n${rng.pick(['Binary files a/x.c and b/x.c differ', 'GIT binary patch\nliteral 0\nHcmV?d00001\n', 'similarity index 999%\nrename from x.c\nrename to y.c'])}\n`,
  'header-only': (rng) => rng.pick(['--- a\n', '+++ b\n', '@@ -1 +1 @@\n', 'diff --git\n', 'From \n', 'Subject:\n\n', '\n\n\n', '---\n+++\n@@\n']).repeat(rng.range(1, 1000)),
};

export function generateHostilePatch(rng: Prng): { bytes: Uint8Array; kind: string } {
  const kind = rng.pick(Object.keys(PATCH_GENERATORS));
  return { bytes: utf8(PATCH_GENERATORS[kind]!(rng)), kind: `gen:${kind}` };
}

const PROTOCOL_NAMES = ['seed-workflow', 'rcu-deferred-free', 'refcount-fixed', 'nope', '', 'seed-workflow:extra'];

export function generateHostileSchedule(rng: Prng, protocols: readonly string[]): { bytes: Uint8Array; kind: string } {
  const proto = rng.chance(0.8) && protocols.length > 0 ? rng.pick(protocols) : rng.pick(PROTOCOL_NAMES);
  const packets = rng.chance(0.7) ? rng.range(0, 4) : rng.range(0, 99);
  const puts = rng.chance(0.7) ? rng.range(0, 3) : rng.range(0, 99);
  const contexts = Math.max(1, packets + puts);
  const steps: string[] = [];
  const n = rng.chance(0.1) ? rng.range(1, 5000) : rng.range(0, 60);
  for (let i = 0; i < n; i++) {
    let tok = String(rng.chance(0.95) ? rng.int(contexts) : rng.range(0, 99));
    if (rng.chance(0.2)) tok += `/${rng.int(2)}`;
    if (rng.chance(0.1)) tok += `*${rng.chance(0.9) ? rng.range(1, 20) : rng.range(1, 999_999)}`;
    steps.push(tok);
  }
  return { bytes: utf8(`${proto}:${packets}x${puts}:${steps.join('.')}`), kind: 'gen:schedule' };
}

/** JSON values that stress a schema validator and whatever reads the config after it. */
function wildValue(rng: Prng, depth: number): unknown {
  switch (rng.int(depth > 3 ? 7 : 9)) {
    case 0: return rng.pick([0, -1, 1.5, 1e308, -0, 2 ** 53, 4294967296]);
    case 1: return rng.pick(['', 'x', 'a'.repeat(rng.range(1, 100_000)), '(a+)+$', '[', '\u0000', '__proto__', 'spin_lock', 'acquire', 'get', '1bad']);
    case 2: return rng.chance(0.5);
    case 3: return null;
    case 4: return rng.pick(['acquire', 'release', 'tryacquire', 'get', 'put', 'returnsRef', 'nonnull', 'zero', 'self', 'field']);
    case 5: return rng.range(0, 8);
    case 6: return `f${rng.int(50)}`;
    case 7: return Array.from({ length: rng.range(0, 4) }, () => wildValue(rng, depth + 1));
    default: {
      const keys = ['name', 'kind', 'lockArg', 'objArg', 'family', 'mode', 'objFrom', 'success', 'consumes', 'argPattern', 'containerArg', 'trySuccess', 'locks', 'refs', 'lookup', 'free', '__proto__', 'constructor'];
      const o: Record<string, unknown> = {};
      for (let i = 0, k = rng.range(0, 5); i < k; i++) o[rng.pick(keys)] = wildValue(rng, depth + 1);
      return o;
    }
  }
}

export function generateHostileConfig(rng: Prng): { bytes: Uint8Array; kind: string } {
  const which = rng.int(4);
  if (which === 0) {
    const depth = rng.chance(0.1) ? 100_000 : rng.range(1, 5000);
    return { bytes: utf8('['.repeat(depth) + ']'.repeat(rng.chance(0.8) ? depth : 0)), kind: 'gen:deep-json' };
  }
  if (which === 1) {
    const sections = ['locks', 'refs', 'noReturn', 'mutators', 'disable', 'flowTable'];
    const o: Record<string, unknown> = {};
    for (const s of sections) if (rng.chance(0.5)) o[s] = rng.chance(0.7) ? Array.from({ length: rng.range(0, 6) }, () => wildValue(rng, 1)) : wildValue(rng, 1);
    return { bytes: utf8(JSON.stringify(o)), kind: 'gen:wild-config' };
  }
  if (which === 2) {
    // Schema-valid entries with names the probe file calls, so the merged knowledge is exercised.
    const locks = Array.from({ length: rng.range(1, 300) }, (_, i) => ({ name: rng.pick(['my_lock', 'my_unlock', 'spin_lock', 'spin_unlock', `l${i}`]), kind: rng.pick(['acquire', 'release', 'tryacquire']), lockArg: rng.range(0, 3), family: rng.pick(['a', 'b', 'spin']) }));
    const refs = Array.from({ length: rng.range(0, 50) }, () => ({ name: rng.pick(['kref_get', 'dev_put', 'my_get']), kind: rng.pick(['get', 'put', 'returnsRef']), objArg: rng.range(0, 2) }));
    return { bytes: utf8(JSON.stringify({ locks, refs, noReturn: rng.chance(0.3) ? ['spin_lock', 'probe'] : [] })), kind: 'gen:valid-config' };
  }
  return { bytes: utf8(`{"refs":[{"name":"kref_get","kind":"get","objArg":0,"argPattern":${JSON.stringify(rng.pick(['(a+)+$', '(x|x)*y', '.*.*.*=.*', '^(\\w+\\s?)*$', '[', '(?<n>a)\\k<n>']))}}]}`), kind: 'gen:regex-config' };
}
