import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join, resolve } from 'node:path';
import { SpikeworksError } from '../core/errors.js';

/**
 * A native addon under native/<dir>/build/Release, built by an npm script on the machine that uses it.
 * `envVar` names an explicit path, which is then the only candidate (a wrong one must not fall back to
 * another build silently); otherwise the addon is looked up next to the package root, which is one level
 * above this file both in the sources (plugins/) and in the bundle (dist/).
 */
export function addonLoader<T>(dir: string, file: string, envVar: string, hint: () => string) {
  const candidates = (): string[] => {
    if (process.env[envVar]) return [resolve(process.env[envVar]!)];
    const here = dirname(fileURLToPath(import.meta.url));
    return [resolve(here, '..', join('native', dir, 'build', 'Release', file))];
  };
  let cached: T | null = null;
  return {
    /** Load the addon, or throw a SpikeworksError saying what to install and run. */
    load(): T {
      if (cached) return cached;
      const paths = candidates();
      const found = paths.find((p) => existsSync(p));
      if (!found) throw new SpikeworksError(`${hint()}. No built addon at ${paths.join(' or ')}`);
      try {
        cached = createRequire(import.meta.url)(found) as T;
      } catch (e) {
        throw new SpikeworksError(`${hint()}. Loading ${found} failed: ${(e as Error).message}`);
      }
      return cached;
    },
    /** Whether the addon is built here (the CLI and tests use it to explain what is missing). */
    available(): boolean {
      return candidates().some((p) => existsSync(p));
    },
  };
}
