import type { SourceFile } from '../src/core/analysis/types';
import { mulberry32 } from '../src/core/sim/random';

/**
 * A deterministic generator of datapath-style C: the lock, goto and error-path shapes of the OVS
 * Windows (NDIS) datapath, the Linux kernel datapath and OVS userspace, plus the lock-free helpers
 * that make up most real files. Same seed → same text, byte for byte. About 1 function in 25 has a
 * deliberate bug (leak on an error path, Dpr mismatch, write under a read lock) so the rules fire;
 * those are named `gen_bug_N`, every other function `gen_fn_N` is meant to be correct.
 */

export interface GenOptions {
  /** Stop once the corpus has at least this many lines. */
  lines: number;
  seed?: number;
  /** Lines per generated file (files end at a function boundary). */
  linesPerFile?: number;
}

/** mulberry32 (the simulator's): tiny, fast, and the same on every platform. */
export const prng = mulberry32;

type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const int = (r: Rand, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));

/** A few statements of lock-free work, with branches and loops, indented by `ind`. */
function work(r: Rand, ind: string, vars: { obj: string; field: string }, depth = 0): string[] {
  const out: string[] = [];
  const n = int(r, 1, 4);
  for (let i = 0; i < n; i++) {
    const k = int(r, 0, depth > 1 ? 2 : 5);
    if (k === 0) out.push(`${ind}${vars.obj}->${vars.field} += ${int(r, 1, 64)};`);
    else if (k === 1) out.push(`${ind}stats[${int(r, 0, 7)}]++;`);
    else if (k === 2) out.push(`${ind}hash = hash_add(hash, ${vars.obj}->${pick(r, ['id', 'port', 'len', 'flags'])});`);
    else if (k === 3) {
      out.push(`${ind}if (${vars.obj}->flags & 0x${int(r, 1, 255).toString(16)}) {`);
      out.push(...work(r, `${ind}    `, vars, depth + 1));
      out.push(`${ind}} else {`, `${ind}    ${vars.obj}->misses++;`, `${ind}}`);
    } else if (k === 4) {
      out.push(`${ind}for (i = 0; i < ${vars.obj}->n_${vars.field}; i++) {`);
      out.push(`${ind}    if (${vars.obj}->${vars.field}s[i] == 0) {`, `${ind}        continue;`, `${ind}    }`);
      out.push(...work(r, `${ind}    `, vars, depth + 1));
      out.push(`${ind}}`);
    } else {
      out.push(`${ind}switch (${vars.obj}->type) {`);
      for (let c = 0; c < int(r, 2, 4); c++) out.push(`${ind}case ${c}:`, `${ind}    ${vars.obj}->${vars.field} = ${c};`, `${ind}    break;`);
      out.push(`${ind}default:`, `${ind}    break;`, `${ind}}`);
    }
  }
  return out;
}

function ndisTableFunction(r: Rand, name: string, bug: boolean): string[] {
  const write = r() < 0.4;
  const v = { obj: 'flow', field: pick(r, ['packets', 'bytes', 'used', 'tcpFlags']) };
  const acquire = write ? 'NdisAcquireRWLockWrite' : 'NdisAcquireRWLockRead';
  return [
    'NDIS_STATUS',
    `${name}(POVS_DATAPATH datapath, POVS_FLOW_KEY key, UINT32 flags)`,
    '{',
    '    LOCK_STATE_EX lockState;',
    '    NDIS_STATUS status = NDIS_STATUS_SUCCESS;',
    '    POVS_FLOW flow;',
    '    UINT64 hash = 0;',
    '    UINT32 i;',
    '',
    '    if (key == NULL) {',
    '        return NDIS_STATUS_INVALID_PARAMETER;',
    '    }',
    `    ${acquire}(datapath->lock, &lockState, flags & NDIS_RWL_AT_DISPATCH_LEVEL);`,
    '    flow = OvsLookupFlow(datapath, key, &hash, FALSE);',
    '    if (flow == NULL) {',
    '        status = NDIS_STATUS_NOT_FOUND;',
    bug ? '        return status;' : '        goto unlock;',
    '    }',
    ...work(r, '    ', v),
    ...(write && r() < 0.5 ? ['    RemoveEntryList(&flow->ListEntry);', '    OvsFreeFlow(flow);'] : []),
    ...(!write && bug ? ['    RemoveEntryList(&flow->ListEntry);'] : []),
    'unlock:',
    '    NdisReleaseRWLock(datapath->lock, &lockState);',
    '    return status;',
    '}',
  ];
}

function ndisSpinFunction(r: Rand, name: string, bug: boolean): string[] {
  const dpr = r() < 0.5;
  const v = { obj: 'vport', field: pick(r, ['rxPackets', 'txPackets', 'drops']) };
  const [acq, rel] = dpr ? ['NdisDprAcquireSpinLock', 'NdisDprReleaseSpinLock'] : ['NdisAcquireSpinLock', 'NdisReleaseSpinLock'];
  const relUsed = bug ? (dpr ? 'NdisReleaseSpinLock' : 'NdisDprReleaseSpinLock') : rel;
  const needLock = r() < 0.3;
  return [
    'VOID',
    `${name}(POVS_SWITCH_CONTEXT ctx, POVS_VPORT_ENTRY vport, BOOLEAN needLock)`,
    '{',
    '    UINT64 hash = 0;',
    '    UINT32 i;',
    needLock ? '    if (needLock) {' : '    {',
    `        ${acq}(&ctx->pidHashLock);`,
    '    }',
    '    InterlockedIncrement(&vport->refCount);',
    ...work(r, '    ', v),
    '    if (InterlockedDecrement(&vport->refCount) == 0) {',
    '        OvsFreeMemoryWithTag(vport, OVS_VPORT_POOL_TAG);',
    '    }',
    needLock ? '    if (needLock) {' : '    {',
    `        ${relUsed}(&ctx->pidHashLock);`,
    '    }',
    '}',
  ];
}

function linuxFunction(r: Rand, name: string, bug: boolean): string[] {
  const v = { obj: 'dp', field: pick(r, ['n_hit', 'n_missed', 'n_lost', 'n_mask_hit']) };
  const style = int(r, 0, 2);
  if (style === 0) {
    return [
      `static int ${name}(struct datapath *dp, struct sk_buff *skb, u32 portid)`,
      '{',
      '    struct vport *vport;',
      '    u32 hash = 0;',
      '    int i, err;',
      '',
      '    err = mutex_lock_interruptible(&dp->mutex);',
      '    if (err)',
      '        return err;',
      '    vport = kzalloc(sizeof(*vport), GFP_KERNEL);',
      '    if (!vport) {',
      '        err = -ENOMEM;',
      '        goto err_unlock;',
      '    }',
      ...work(r, '    ', v),
      '    if (portid == 0) {',
      '        err = -EINVAL;',
      // The bug: unlocking before jumping to a label that unlocks again.
      ...(bug ? ['        mutex_unlock(&dp->mutex);'] : []),
      '        goto err_free;',
      '    }',
      '    dev_hold(dp->dev);',
      '    vport->dev = dp->dev;',
      '    list_add_rcu(&vport->node, &dp->ports);',
      '    mutex_unlock(&dp->mutex);',
      '    return 0;',
      'err_free:',
      '    kfree(vport);',
      'err_unlock:',
      '    mutex_unlock(&dp->mutex);',
      '    return err;',
      '}',
    ];
  }
  if (style === 1) {
    return [
      `static void ${name}(struct datapath *dp, const struct sw_flow_key *key)`,
      '{',
      '    struct sw_flow *flow;',
      '    unsigned long flags;',
      '    u32 hash = 0;',
      '    int i;',
      '',
      '    rcu_read_lock();',
      '    flow = ovs_flow_tbl_lookup(&dp->table, key);',
      '    if (!flow) {',
      '        rcu_read_unlock();',
      '        return;',
      '    }',
      '    spin_lock_irqsave(&flow->lock, flags);',
      ...work(r, '    ', { obj: 'flow', field: pick(r, ['packet_count', 'byte_count', 'used']) }),
      bug ? '    spin_unlock(&flow->lock);' : '    spin_unlock_irqrestore(&flow->lock, flags);',
      '    rcu_read_unlock();',
      '}',
    ];
  }
  return [
    `static int ${name}(struct datapath *dp, int budget)`,
    '{',
    '    int done = 0, i;',
    '    u32 hash = 0;',
    '',
    '    while (done < budget) {',
    '        if (!spin_trylock_bh(&dp->lock))',
    '            break;',
    '        if (dp->n_pending == 0) {',
    '            spin_unlock_bh(&dp->lock);',
    '            break;',
    '        }',
    ...work(r, '        ', v),
    '        dp->n_pending--;',
    bug ? '        if (dp->n_pending > 100) continue;' : '',
    '        spin_unlock_bh(&dp->lock);',
    '        done++;',
    '    }',
    '    return done;',
    '}',
  ].filter((l) => l !== '');
}

function userspaceFunction(r: Rand, name: string, bug: boolean): string[] {
  const v = { obj: 'port', field: pick(r, ['n_rxq', 'n_txq', 'mtu']) };
  if (r() < 0.5) {
    return [
      `static int`,
      `${name}(struct dp_netdev *dp, const char *devname, odp_port_t port_no)`,
      '{',
      '    struct dp_netdev_port *port;',
      '    struct netdev *netdev;',
      '    uint32_t hash = 0;',
      '    int i, error;',
      '',
      '    error = netdev_open(devname, "system", &netdev);',
      '    if (error) {',
      '        return error;',
      '    }',
      '    port = xzalloc(sizeof *port);',
      '    ovs_mutex_lock(&dp->port_mutex);',
      ...work(r, '    ', v),
      '    if (port_no == ODPP_NONE) {',
      '        error = EINVAL;',
      '        goto out_unlock;',
      '    }',
      '    port->netdev = netdev;',
      '    hmap_insert(&dp->ports, &port->node, hash_port_no(port_no));',
      '    ovs_mutex_unlock(&dp->port_mutex);',
      '    return 0;',
      '',
      'out_unlock:',
      '    ovs_mutex_unlock(&dp->port_mutex);',
      '    free(port);',
      bug ? '' : '    netdev_close(netdev);',
      '    return error;',
      '}',
    ].filter((l) => l !== '');
  }
  return [
    'static void',
    `${name}(struct dp_netdev *dp, uint32_t hash)`,
    '{',
    '    struct dp_netdev_flow *flow, *next;',
    '    int i;',
    '',
    '    ovs_rwlock_rdlock(&dp->flow_rwlock);',
    '    HMAP_FOR_EACH_SAFE (flow, next, node, &dp->flows) {',
    '        if (!dp_netdev_flow_ref(flow)) {',
    '            continue;',
    '        }',
    ...work(r, '        ', { obj: 'flow', field: pick(r, ['n_packets', 'n_bytes', 'used']) }),
    bug ? '        hmap_remove(&dp->flows, &flow->node);' : '',
    '        if (ovs_refcount_unref(&flow->ref_cnt) == 1) {',
    '            free(flow);',
    '        }',
    '    }',
    '    ovs_rwlock_unlock(&dp->flow_rwlock);',
    '}',
  ].filter((l) => l !== '');
}

/** Lock-free code: parsing, hashing, formatting — most of any real datapath file. */
function helperFunction(r: Rand, name: string): string[] {
  return [
    'static uint32_t',
    `${name}(const struct pkt_metadata *md, struct flow_stats *stats_out)`,
    '{',
    '    uint32_t hash = md->in_port;',
    '    uint64_t stats[8] = { 0 };',
    '    int i;',
    '',
    ...work(r, '    ', { obj: 'stats_out', field: pick(r, ['packets', 'bytes']) }),
    ...work(r, '    ', { obj: 'stats_out', field: 'errors' }),
    '    return hash ^ (uint32_t) stats[0];',
    '}',
  ];
}

const HEADER = (i: number): string[] => [
  `/* Generated datapath-style C for the Lockstep benchmark (file ${i}). Not real code. */`,
  '#include "precomp.h"',
  '#include <linux/spinlock.h>',
  '#include "dpif-netdev.h"',
  '',
];

/** The corpus as in-memory files named `gen/datapath_NNN.c`. */
export function generateDatapathCorpus(options: GenOptions): SourceFile[] {
  const r = prng(options.seed ?? 20140806);
  const perFile = options.linesPerFile ?? 2000;
  const files: SourceFile[] = [];
  let total = 0;
  let fn = 0;
  while (total < options.lines) {
    const lines = HEADER(files.length);
    while (lines.length < perFile && total + lines.length < options.lines) {
      const bug = r() < 0.04;
      const kind = int(r, 0, 9);
      // Functions with a deliberate bug are named gen_bug_N, so findings elsewhere are false positives.
      const name = `${bug && kind <= 6 ? 'gen_bug' : 'gen_fn'}_${fn++}`;
      const body = kind <= 1 ? ndisTableFunction(r, name, bug)
        : kind === 2 ? ndisSpinFunction(r, name, bug)
          : kind <= 4 ? linuxFunction(r, name, bug)
            : kind <= 6 ? userspaceFunction(r, name, bug)
              : helperFunction(r, name);
      lines.push(...body, '');
    }
    total += lines.length;
    files.push({ uri: `gen/datapath_${String(files.length).padStart(3, '0')}.c`, text: `${lines.join('\n')}\n` });
  }
  return files;
}

/**
 * One very large, correct action-execution function (an `OvsDoExecuteActions` / `odp_execute_actions`
 * style dispatch loop): a switch over action types whose cases take and drop NDIS, spin and OVS
 * locks, hold flow references, and leave through shared error labels. It measures the engine's cost
 * on one huge lock-dense function (the "no single function over 50 ms" target); any finding in it
 * is a false positive.
 */
export function largeDispatchFunction(cases: number, seed = 20161205): SourceFile {
  const r = prng(seed);
  const lines = [
    ...HEADER(999),
    'NDIS_STATUS',
    'gen_execute_actions(POVS_DATAPATH datapath, POVS_SWITCH_CONTEXT ctx, struct dp_netdev *dp, POVS_FLOW flow, const UINT32 *types, UINT32 n)',
    '{',
    '    LOCK_STATE_EX lockState;',
    '    NDIS_STATUS status = NDIS_STATUS_SUCCESS;',
    '    struct dp_netdev_flow *nf;',
    '    UINT64 hash = 0;',
    '    UINT32 i, k;',
    '',
    '    for (k = 0; k < n; k++) {',
    '        switch (types[k]) {',
  ];
  for (let c = 0; c < cases; c++) {
    const v = { obj: 'flow', field: pick(r, ['packets', 'bytes', 'used', 'tcpFlags']) };
    const body = (() => {
      switch (c % 5) {
        case 0: return [
          '            NdisAcquireRWLockRead(datapath->lock, &lockState, 0);',
          `            if (flow->${v.field} > ${int(r, 1, 999)}) {`,
          '                NdisReleaseRWLock(datapath->lock, &lockState);',
          '                status = NDIS_STATUS_FAILURE;',
          '                goto out;',
          '            }',
          ...work(r, '            ', v),
          '            NdisReleaseRWLock(datapath->lock, &lockState);',
        ];
        case 1: return [
          '            NdisAcquireSpinLock(&ctx->pidHashLock);',
          ...work(r, '            ', { obj: 'ctx', field: 'numPids' }),
          '            NdisReleaseSpinLock(&ctx->pidHashLock);',
        ];
        case 2: return [
          '            ovs_mutex_lock(&dp->port_mutex);',
          `            if (dp->n_ports < ${int(r, 1, 64)}) {`,
          '                ovs_mutex_unlock(&dp->port_mutex);',
          '                status = NDIS_STATUS_RESOURCES;',
          '                goto out;',
          '            }',
          '            dp->n_ports--;',
          '            ovs_mutex_unlock(&dp->port_mutex);',
        ];
        case 3: return [
          `            nf = dp_netdev_lookup_flow(dp, hash + ${c});`,
          '            if (nf == NULL || !dp_netdev_flow_ref(nf)) {',
          '                break;',
          '            }',
          '            nf->stats.n_packets++;',
          '            dp_netdev_flow_unref(nf);',
        ];
        default: return [
          '            NdisAcquireRWLockWrite(datapath->lock, &lockState, 0);',
          ...work(r, '            ', v),
          '            NdisReleaseRWLock(datapath->lock, &lockState);',
        ];
      }
    })();
    lines.push(`        case ${c}: {`, ...body, '            break;', '        }');
  }
  lines.push(
    '        default:',
    '            status = NDIS_STATUS_NOT_SUPPORTED;',
    '            goto out;',
    '        }',
    '    }',
    'out:',
    '    return status;',
    '}',
    '',
  );
  return { uri: 'gen/large_dispatch.c', text: `${lines.join('\n')}\n` };
}

export function countLines(files: readonly SourceFile[]): number {
  return files.reduce((n, f) => n + f.text.split('\n').length - 1, 0);
}
