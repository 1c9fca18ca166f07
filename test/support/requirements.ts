import { it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mpiAddonAvailable, MPI_INSTALL_HINT } from '../../plugins/backends/mpi.js';

/**
 * Tests that need something built outside Node (the MPI addon and mpirun) run
 * where it is there. Where it is missing they are skipped with what is missing in their title, unless
 * SPIKEWORKS_REQUIRE_NATIVE=1 (CI sets it after building both), where a missing piece fails the test.
 */
export const nativeRequired = process.env.SPIKEWORKS_REQUIRE_NATIVE === '1';

/** `it`, or a skip naming what is missing and how to get it. `missing` is null when everything is there. */
export function itNeeds(missing: string | null, required = nativeRequired): (title: string, fn: () => void | Promise<void>, timeout?: number) => void {
  if (missing === null) return (title, fn, timeout) => it(title, fn, timeout);
  if (required) return (title, _fn, timeout) => it(title, () => { throw new Error(`cannot run: ${missing}`); }, timeout);
  // A named skip: vitest lists it as skipped, with the reason in its title.
  return (title) => it.skip(`${title} [skipped: ${missing}]`, () => {});
}

/** What a test under mpirun needs (the MPI addon and mpirun), or null when both are there. */
export function missingMpi(): string | null {
  if (!mpiAddonAvailable()) return MPI_INSTALL_HINT;
  const which = spawnSync('mpirun', ['--version'], { encoding: 'utf8' });
  return which.error || which.status !== 0 ? 'mpirun not found; apt-get install -y --no-install-recommends openmpi-bin' : null;
}

/** SPIKEWORKS_REQUIRE_BROWSER=1 (CI, with Debian's chromium installed): a missing browser fails the page's tests. */
export const browserRequired = process.env.SPIKEWORKS_REQUIRE_BROWSER === '1';

/** The Chromium the page's end-to-end test drives: SPIKEWORKS_CHROMIUM, else Debian's or Google's in /usr/bin. */
export function chromiumPath(): string | null {
  const env = process.env.SPIKEWORKS_CHROMIUM;
  if (env) return existsSync(env) ? env : null;
  return ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((p) => existsSync(p)) ?? null;
}

/** What the browser tests need (a Chromium to drive), or null when it is there. */
export function missingChromium(): string | null {
  if (chromiumPath()) return null;
  const env = process.env.SPIKEWORKS_CHROMIUM;
  return env ? `SPIKEWORKS_CHROMIUM=${env} does not exist` : 'chromium not found; apt-get install -y --no-install-recommends chromium (or set SPIKEWORKS_CHROMIUM)';
}
