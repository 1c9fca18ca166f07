import { SpikeworksError } from '../core/errors.js';
import { platform } from '../core/platform.js';

/**
 * A native addon under native/<dir>/build/Release, built by an npm script on the machine that uses it.
 * `envVar` names an explicit path, which is then the only candidate (a wrong one must not fall back to
 * another build silently); otherwise the addon is looked up under the package root (core/platform-node.ts).
 */
export function addonLoader<T>(dir: string, file: string, envVar: string, hint: () => string) {
  const candidates = (): string[] => platform.addonPaths(dir, file, envVar);
  let cached: T | null = null;
  return {
    /** Load the addon, or throw a SpikeworksError saying what to install and run. */
    load(): T {
      if (cached) return cached;
      const paths = candidates();
      const found = paths.find((p) => platform.files.exists(p));
      if (!found) throw new SpikeworksError(`${hint()}. No built addon at ${paths.join(' or ')}`);
      try {
        cached = platform.loadAddon(found) as T;
      } catch (e) {
        throw new SpikeworksError(`${hint()}. Loading ${found} failed: ${(e as Error).message}`);
      }
      return cached;
    },
    /** Whether the addon is built here (the CLI and tests use it to explain what is missing). */
    available(): boolean {
      return candidates().some((p) => platform.files.exists(p));
    },
  };
}
