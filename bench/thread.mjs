// Entry of the bench's measuring worker: a worker thread does not inherit the main thread's
// `--import tsx` loader, so it registers tsx itself before loading the TypeScript bench.
import { register } from 'tsx/esm/api';

register();
await import('./run.ts');
