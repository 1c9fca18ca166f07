import { availableParallelism } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { ParameterError } from '../core/errors.js';

/**
 * Where V8 optimises the workers' hot functions: `true` on its background compiler thread (V8's default),
 * `false` on each worker's own thread, `'auto'` (the default) on the worker's own thread when the workers fill
 * every core. There the background thread can only run by taking a core from a worker, and the other workers
 * then wait for that one at the next barrier; compiled on the worker's thread, each worker pays for its own
 * compiles only.
 */
export type ConcurrentRecompilation = boolean | 'auto';

/** Whether `size` workers should compile on their own threads under `mode`. */
export function compileOnWorkerThreads(size: number, mode: ConcurrentRecompilation = 'auto', cores = availableParallelism()): boolean {
  if (mode !== 'auto' && typeof mode !== 'boolean') throw new ParameterError('workers', 'concurrentRecompilation', mode, "true, false or 'auto'");
  return mode === 'auto' ? size >= cores : !mode;
}

let holders = 0;

/** Whoever started this process chose V8's compiler thread themselves: leave it as they set it. */
function flagSetByUser(): boolean {
  const given = [...process.execArgv, process.env.NODE_OPTIONS ?? ''].join(' ');
  return /--(no-)?concurrent[-_]recompilation\b/.test(given);
}

/**
 * Make the isolates created from now on compile synchronously, until the returned release has been called by
 * every holder. V8's flags are process-wide, and an isolate decides when it is created whether it gets a
 * compiler thread, so workers started while the hold lasts keep their choice after it ends.
 */
export function holdSynchronousCompile(): () => void {
  if (flagSetByUser()) return () => {};
  if (holders++ === 0) setFlagsFromString('--no-concurrent-recompilation');
  let released = false;
  return () => {
    if (released) return;
    released = true;
    if (--holders === 0) setFlagsFromString('--concurrent-recompilation');
  };
}
