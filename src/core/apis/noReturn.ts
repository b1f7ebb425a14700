import { noReturn } from './define';
import type { NoReturnApi } from './types';

/** Calls after which control never comes back: the path ends there (no leak is reported past them). */
export const NO_RETURN: NoReturnApi[] = [
  // C library and compilers
  ...noReturn('abort', 'exit', '_exit', '_Exit', 'quick_exit', 'longjmp', 'siglongjmp', 'pthread_exit', 'thrd_exit',
    '__assert_fail', '__builtin_unreachable', '__builtin_trap', 'err', 'errx', 'verr', 'verrx'),
  // Linux kernel
  ...noReturn('BUG', 'panic', 'do_exit', 'kthread_exit', 'unreachable'),
  // Open vSwitch userspace
  ...noReturn('ovs_abort', 'ovs_abort_valist', 'ovs_fatal', 'ovs_fatal_valist', 'ovs_assert_failure', 'OVS_NOT_REACHED',
    'out_of_memory'),
  // Windows kernel
  ...noReturn('KeBugCheckEx', 'KeBugCheck', 'ExRaiseStatus', 'RtlRaiseStatus', '__fastfail'),
];
