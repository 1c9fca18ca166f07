import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';

let gc: (() => void) | null | undefined;

/**
 * A full garbage collection, where the engine lets us ask for one. Reading a long run's spike files makes
 * garbage fast (a string and two arrays per 64 KiB piece); V8 then grows its young generation, and the
 * process's peak memory with it, by as much as the run is long. Collecting every few MiB keeps it flat.
 */
export function collectGarbage(): void {
  if (gc === undefined) {
    try {
      v8.setFlagsFromString('--expose-gc');
      gc = runInNewContext('gc') as () => void;
    } catch {
      gc = null;
    }
  }
  gc?.();
}
