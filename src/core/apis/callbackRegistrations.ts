/**
 * Where a function's execution context comes from when nothing in the inputs calls it: the code
 * registers it with the kernel, a library or a thread API, which runs it later, from another
 * context, with none of the registering code's locks held (analysis/executionContexts.ts).
 *
 * Only registrations whose context is known to hold nothing belong here. Callbacks the framework
 * runs with something held (a network driver's receive handler runs inside an RCU read section,
 * a generic-netlink operation under its family's mutex, a notifier under its chain's lock) are
 * left out on purpose: a requirement they seem to miss is met by the caller we cannot see.
 */
export type CallbackContext = 'rcu-callback' | 'postponed' | 'work' | 'timer' | 'thread' | 'file-operation';

export interface CallbackRegistrationApi {
  name: string;
  /** Argument that names the function run later. */
  fnArg: number;
  context: CallbackContext;
}

export const CALLBACK_REGISTRATIONS: CallbackRegistrationApi[] = [
  // Linux RCU: the callback runs after a grace period from softirq, outside any read section.
  { name: 'call_rcu', fnArg: 1, context: 'rcu-callback' },
  { name: 'call_rcu_hurry', fnArg: 1, context: 'rcu-callback' },
  { name: 'call_rcu_bh', fnArg: 1, context: 'rcu-callback' },
  { name: 'call_rcu_sched', fnArg: 1, context: 'rcu-callback' },
  { name: 'call_srcu', fnArg: 2, context: 'rcu-callback' },
  // OVS userspace RCU: run by the RCU thread once every thread has quiesced.
  { name: 'ovsrcu_postpone', fnArg: 0, context: 'postponed' },
  { name: 'ovsrcu_postpone__', fnArg: 0, context: 'postponed' },
  // Linux work queues and kernel threads: process context, nothing held.
  { name: 'INIT_WORK', fnArg: 1, context: 'work' },
  { name: 'INIT_DELAYED_WORK', fnArg: 1, context: 'work' },
  { name: 'INIT_DEFERRABLE_WORK', fnArg: 1, context: 'work' },
  { name: 'INIT_RCU_WORK', fnArg: 1, context: 'work' },
  { name: 'DECLARE_WORK', fnArg: 1, context: 'work' },
  { name: 'DECLARE_DELAYED_WORK', fnArg: 1, context: 'work' },
  { name: 'kthread_run', fnArg: 0, context: 'thread' },
  { name: 'kthread_create', fnArg: 0, context: 'thread' },
  // Linux timers and tasklets: softirq, nothing held.
  { name: 'timer_setup', fnArg: 1, context: 'timer' },
  { name: 'setup_timer', fnArg: 1, context: 'timer' },
  { name: 'tasklet_init', fnArg: 1, context: 'timer' },
  // Threads: POSIX, OVS userspace, Windows kernel.
  { name: 'pthread_create', fnArg: 2, context: 'thread' },
  { name: 'ovs_thread_create', fnArg: 1, context: 'thread' },
  { name: 'PsCreateSystemThread', fnArg: 5, context: 'thread' },
  // Windows work items and DPCs.
  { name: 'NdisQueueIoWorkItem', fnArg: 1, context: 'work' },
  { name: 'IoQueueWorkItem', fnArg: 1, context: 'work' },
  { name: 'KeInitializeDpc', fnArg: 1, context: 'timer' },
];

/**
 * Struct types whose function slots the framework calls with nothing held: a character device's
 * `file_operations` (`.read`, `.poll`, `.unlocked_ioctl`) run in the calling process's context.
 */
export const NOTHING_HELD_SLOT_TYPES: ReadonlyMap<string, CallbackContext> = new Map([
  ['file_operations', 'file-operation'],
  ['proc_ops', 'file-operation'],
]);

/** How a finding names the context. */
export function describeContext(c: CallbackContext): string {
  switch (c) {
    case 'rcu-callback': return 'an RCU callback';
    case 'postponed': return 'a postponed RCU callback';
    case 'work': return 'a work item';
    case 'timer': return 'a timer callback';
    case 'thread': return 'a thread function';
    case 'file-operation': return 'a file operation';
  }
}
