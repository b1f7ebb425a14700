/**
 * Run-once calls: the first caller runs the initialiser while every other caller waits for it to
 * finish, so to lock order the once object is a lock held around the initialiser
 * (analysis/onceLocks.ts).
 */
export interface OnceApi {
  name: string;
  /** Argument that is (a pointer to) the once object. */
  onceArg: number;
  /** Argument that names the initialiser function. */
  fnArg: number;
}

export const ONCE_CALLS: OnceApi[] = [
  { name: 'pthread_once', onceArg: 0, fnArg: 1 },
  { name: 'call_once', onceArg: 0, fnArg: 1 },
  { name: 'InitOnceExecuteOnce', onceArg: 0, fnArg: 1 },
];
