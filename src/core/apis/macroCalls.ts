/**
 * Public headers' one-call logging macros, as those headers define them (the header itself is
 * usually outside the files analysed): the analysis reads them like `#define` lines of the inputs
 * (analysis/macroCalls.ts). Only macros that are one call belong here; a definition in the inputs
 * wins over these.
 */
export const MACRO_CALLS: string[] = [
  // Open vSwitch userspace (include/openvswitch/vlog.h): the non-returning log calls.
  '#define VLOG_FATAL(...) vlog_fatal(&this_module, __VA_ARGS__)',
  '#define VLOG_ABORT(...) vlog_abort(&this_module, __VA_ARGS__)',
];
