// Entry of the bench's measuring worker: loads the TypeScript bench through tsx's require hook
// (a worker thread does not inherit the `--import tsx` loader of the main thread).
require('tsx/cjs');
require('./run.ts');
