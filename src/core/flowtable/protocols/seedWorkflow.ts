// The reply's workflow from the seed thread. The thread leaves three things open, so they are
// parameters: how "Increment the refcount" is done, the count a flow starts with, and how the put
// finds its flow. The plain name is the reading that breaks; the listing's header quotes the
// thread's words and lists our assumptions, per variant.

import { ListingBuilder, protocolUri } from '../../model/builder';
import type { ProtocolModel } from '../../model/program';
import type { VariantParam } from '../../model/types';
import { variantName, withDefaults } from '../protocol';
import type { ProtocolDefinition } from '../protocol';

const NAME = 'seed-workflow';

const PARAMS: VariantParam[] = [
  {
    name: 'increment',
    values: ['plain', 'atomic'],
    default: 'plain',
    meaning: {
      plain: '"Increment the refcount on the flow" is a plain load and store (n = flow->refCount; flow->refCount = ++n)',
      atomic: '"Increment the refcount on the flow" is InterlockedIncrement',
    },
  },
  {
    name: 'initial',
    values: ['1', '0'],
    default: '1',
    meaning: {
      '1': 'a flow in the table holds one reference for the table: its count starts at 1',
      '0': 'the count starts at 0, as the OVS_REF_COUNT proposal quoted in the thread says ("must be initialized to 0")',
    },
  },
  {
    name: 'put',
    values: ['lookup-skips-inactive', 'no-lookup'],
    default: 'lookup-skips-inactive',
    meaning: {
      'lookup-skips-inactive': 'the put finds its flow with the same lookup as packets, under the write lock, skipping INACTIVE flows',
      'no-lookup': 'the put is handed the flow by its caller, found before the put began (the thread\'s put has no lookup)',
    },
  },
];

const QUOTE = ` * THE THREAD'S WORDS (Nithin Raju's reply of 16 Aug 2014, quoted):
 *
 *   Context #1: packet processing context
 *   1. Lock Flowtable (read)
 *   2. pFlow = FlowLookup()
 *      * This one checks if the flag on the flow is ACTIVE
 *      * Increment the refcount on the flow
 *   3. Unlock Flowtable
 *   4. Process the packet using the flow
 *   5. Lock Flowtable (write)
 *   6. Decrement the refcount on the flow.
 *      * if the new refcount == 0, cleanup the flow by deleting it from the flowable.
 *   7. Unblock Flowtable.
 *
 *   Context #2: flow put context
 *   1. Lock Flowtable (write)
 *   2. Decrement the refcount on the flow:
 *      * if new refcount is 0, cleanup the flow by deleting it from the flowable.
 *      * if new refcount is 1, mark the flag on the flow as INACTIVE
 *   3. Unblock Flowtable.
 *`;

/** What the checker finds, per reading (test/sim/variants.test.ts holds these against the explorer). */
function findings(v: Record<string, string>): string[] {
  const out: string[] = [];
  if (v.increment === 'plain') {
    out.push(
      'LOST UPDATE (2 packets, 1 put). The increment is a plain load and store under',
      '  the *shared* read lock, so two packets can both load the same count and',
      '  both store it plus one: one reference is lost. The count then reaches 0',
      '  while a packet still holds the flow, which is freed under it',
      '  (use-after-free), and the last decrement takes the count below 0',
      '  (negative-refcount).',
    );
  }
  if (v.initial === '1') {
    out.push(
      "THE PUT'S DECREMENT (3 packets, 1 put). With two packets holding the flow",
      '  its count is 3; the put takes it to 2, which is neither 0 (delete) nor',
      '  1 (mark INACTIVE), so the flow stays ACTIVE in the table after the put',
      '  has returned. The next lookup still finds the deleted flow and takes a',
      '  reference on it (stale-lookup).',
    );
    if (v.put !== 'no-lookup') {
      out.push(
        'A SECOND PUT (2 packets, 2 puts). The second put finds the flow the',
        '  first left ACTIVE (stale-lookup), drops a reference it never owned,',
        '  and the flow is freed while a packet still uses it (use-after-free,',
        '  negative-refcount).',
      );
    }
  } else {
    out.push(
      'NO TABLE REFERENCE (1 packet, 1 put). Starting at 0, the table owns no',
      '  reference: a put alone takes the count to -1 (negative-refcount) and',
      '  leaves the flow ACTIVE, so the next lookup finds and uses it',
      "  (stale-lookup); and with a packet holding the flow, the put's decrement",
      '  reaches 0 and frees it under the packet (use-after-free).',
    );
  }
  if (v.put === 'no-lookup') {
    out.push(
      'TWO PUTS, ONE FLOW (1 packet, 2 puts). Each put is handed the flow and',
      '  decrements it: the second drops a reference it never owned, on a flow',
      '  the first has freed (use-after-free, negative-refcount).',
    );
  }
  return out;
}

function listing(v: Record<string, string>): string {
  const name = variantName(NAME, PARAMS, v);
  const assumptions = PARAMS.flatMap((p) => {
    const others = p.values.filter((x) => x !== v[p.name]).map((x) => `${p.name}=${x}`).join(', ');
    return wrap(`${p.name}=${v[p.name]}: ${p.meaning[v[p.name]!]} (other: ${others})`, 70).map((l, i) => ` *   ${i === 0 ? '' : '  '}${l}`);
  });
  const found = findings(v);
  const increment = v.increment === 'plain'
    ? `    n = flow->refCount;                        /* 2. Increment the refcount on the flow: */
    flow->refCount = ++n;                      /*    load + store under a SHARED lock */`
    : `    InterlockedIncrement(&flow->refCount);     /* 2. Increment the refcount on the flow (atomic) */`;
  const putHead = v.put === 'no-lookup'
    ? `VOID
FlowPutContext(OVS_FLOW *flow)                 /* the flow, as its caller found it */
{
    LOCK_STATE_EX ls;
    LONG n;

    NdisAcquireRWLockWrite(table, &ls, 0);     /* 1. Lock Flowtable (write) */`
    : `VOID
FlowPutContext(OVS_FLOW_KEY *key)
{
    LOCK_STATE_EX ls;
    OVS_FLOW *flow;
    LONG n;

    NdisAcquireRWLockWrite(table, &ls, 0);     /* 1. Lock Flowtable (write) */
    flow = FlowLookup(key);                    /*    the flow to delete (ACTIVE only) */
    if (flow == NULL) {
        goto unlock;                           /*    already going away: nothing to do */
    }`;
  return `/*
 * ${name}
 *
 * The packet and flow-put contexts of the reply in the 2014 ovs-dev thread
 * "[PATCH 11/15] datapath-windows: Add RefCount.h", in C. Step numbers in
 * the comments are the reply's.
 *
${QUOTE}
 * OUR ASSUMPTIONS (the thread leaves them open; --variant name=value changes
 * them; the plain name seed-workflow is the reading that breaks):
 *
${assumptions.join('\n')}
 *
 *   In every variant: the table has one NDIS reader-writer lock; "cleanup the
 *   flow by deleting it" unlinks and frees it at once; the packet's decrement
 *   is a load and store (the write lock makes it exclusive); a lookup that
 *   finds nothing ends the context (the upcall is not modelled).
 *
 * WHAT THE MODEL CHECKER FINDS in this reading
 * (lockstep simulate --protocol '${name}'):
 *
${found.map((l) => (l.startsWith(' ') ? ` * ${l}` : ` *\n * ${l}`)).join('\n').replace(/^ \*\n/, '')}
 *
 * Price: every packet takes the table's write lock (step 5), so the packet
 * fast path is serialised behind one exclusive lock.
 */

NDIS_RW_LOCK_EX *table;                        /* the flow table's lock */

/* Walks the bucket for key; returns only flows whose flag is ACTIVE.
 * The caller holds table (read or write). */
OVS_FLOW *FlowLookup(OVS_FLOW_KEY *key);

/* Context #1: packet processing */
VOID
PacketContext(OVS_FLOW_KEY *key)
{
    LOCK_STATE_EX ls;
    OVS_FLOW *flow;
    LONG n;

    NdisAcquireRWLockRead(table, &ls, 0);      /* 1. Lock Flowtable (read) */
    flow = FlowLookup(key);                    /* 2. lookup: checks the flag is ACTIVE */
    if (flow == NULL) {
        NdisReleaseRWLock(table, &ls);         /*    no flow: unlock (upcall not modelled) */
        return;
    }
${increment}
    NdisReleaseRWLock(table, &ls);             /* 3. Unlock Flowtable */

    OvsActionsExecute(flow);                   /* 4. Process the packet using the flow */

    NdisAcquireRWLockWrite(table, &ls, 0);     /* 5. Lock Flowtable (write) - every packet */
    n = flow->refCount;                        /* 6. Decrement the refcount on the flow */
    flow->refCount = --n;                      /*    (exclusive here: the write lock is held) */
    if (n == 0) {                              /*    new refcount 0: */
        RemoveEntryList(&flow->link);          /*    cleanup: delete it from the flowtable */
        FreeFlow(flow);
    }
    NdisReleaseRWLock(table, &ls);             /* 7. Unlock Flowtable */
}

/* Context #2: flow put (delete) */
${putHead}
    n = flow->refCount;                        /* 2. Decrement the refcount on the flow */
    flow->refCount = --n;
    if (n == 0) {                              /*    new refcount 0: */
        RemoveEntryList(&flow->link);          /*    cleanup: delete it from the flowtable */
        FreeFlow(flow);
    } else if (n == 1) {                       /*    new refcount 1: */
        flow->flag = INACTIVE;                 /*    mark the flow INACTIVE */
    }                                          /*    any other count: nothing, still ACTIVE */
unlock:
    NdisReleaseRWLock(table, &ls);             /* 3. Unlock Flowtable */
}
`;
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let cur = '';
  for (const word of text.split(' ')) {
    if (cur !== '' && cur.length + 1 + word.length > width) {
      lines.push(cur);
      cur = word;
    } else cur = cur === '' ? word : `${cur} ${word}`;
  }
  if (cur !== '') lines.push(cur);
  return lines;
}

function model(v: Record<string, string>, name: string, text: string): ProtocolModel {
  const uri = protocolUri(name);
  const l = new ListingBuilder(uri, text);
  let pb = l
    .fn('PacketContext', 'PacketContext(OVS_FLOW_KEY')
    .at('1. Lock Flowtable (read)').acquire('table', 'read')
    .at('2. lookup').lookup('F', 'flow', true)
    .at('if (flow == NULL)').jump({ kind: 'null', flow: 'flow' }, 'none');
  pb = v.increment === 'plain'
    ? pb.at('2. Increment').refLoad('flow', 'n').at('flow->refCount = ++n').refStore('flow', 'n', 1)
    : pb.at('InterlockedIncrement').refAtomic('flow', 1);
  const packet = pb
    .at('3. Unlock').release('table')
    .at('4. Process').use('flow', 'actions')
    .at('5. Lock Flowtable (write)').acquire('table', 'write')
    .at('6. Decrement').refLoad('flow', 'n')
    .at('flow->refCount = --n').refStore('flow', 'n', -1)
    .at('if (n == 0)').jump({ kind: 'value', reg: 'n', op: '!=', value: 0 }, 'unlock')
    .at('RemoveEntryList').unlink('flow')
    .at('FreeFlow').free('flow')
    .label('unlock').at('7. Unlock').release('table')
    .ret()
    .label('none').at('no flow: unlock').release('table')
    .ret()
    .build();
  let ub = l.fn('FlowPutContext', 'FlowPutContext(');
  ub = v.put === 'no-lookup'
    ? ub.at('FlowPutContext(OVS_FLOW *flow)').given('F', 'flow').at('1. Lock Flowtable (write)').acquire('table', 'write')
    : ub.at('1. Lock Flowtable (write)').acquire('table', 'write')
      .at('the flow to delete').lookup('F', 'flow', true)
      .at('if (flow == NULL)').jump({ kind: 'null', flow: 'flow' }, 'unlock');
  const put = ub
    .at('2. Decrement').refLoad('flow', 'n')
    .at('flow->refCount = --n').refStore('flow', 'n', -1)
    .at('if (n == 0)').jump({ kind: 'value', reg: 'n', op: '!=', value: 0 }, 'notZero')
    .at('RemoveEntryList').unlink('flow')
    .at('FreeFlow').free('flow')
    .goto('unlock')
    .label('notZero').at('else if (n == 1)').jump({ kind: 'value', reg: 'n', op: '!=', value: 1 }, 'unlock')
    .at('mark the flow INACTIVE').flagWrite('flow', 'INACTIVE')
    .label('unlock').at('3. Unlock').release('table')
    .build();
  return {
    name,
    listingUri: uri,
    locks: [{ name: 'table', kind: 'rw' }],
    initialRefcount: Number(v.initial),
    packet: { name: 'packet', entry: packet.name, functions: [packet] },
    put: { name: 'put', entry: put.name, functions: [put] },
  };
}

function define(values: Readonly<Record<string, string>>): ProtocolDefinition {
  const v = withDefaults(PARAMS, values);
  const name = variantName(NAME, PARAMS, v);
  const text = listing(v);
  const isDefault = name === NAME;
  return {
    info: {
      name,
      title: isDefault ? "The seed reply's workflow, as written (the reading that breaks)" : `The seed reply's workflow (${PARAMS.filter((p) => v[p.name] !== p.default).map((p) => `${p.name}=${v[p.name]}`).join(', ')})`,
      summary: `Packet: read-lock, lookup (ACTIVE only) + ${v.increment} increment, unlock, process, write-lock, decrement, delete at 0. Put: write-lock, ${v.put === 'no-lookup' ? 'the flow its caller found' : 'lookup (ACTIVE only)'}, decrement, delete at 0, INACTIVE at 1. Count starts at ${v.initial}.`,
      listingUri: protocolUri(name),
      variants: PARAMS.map((p) => ({ ...p, values: [...p.values], meaning: { ...p.meaning } })),
      values: v,
    },
    listing: text,
    model: () => model(v, name, text),
    withValues: (more) => define({ ...v, ...more }),
  };
}

export const seedWorkflow: ProtocolDefinition = define({});
