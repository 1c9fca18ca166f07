// Loads the MPI addon built by `npm run build:mpi`; returns null with the reason when it is not there.
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
export const addonPath = join(here, 'build', 'Release', 'spikeworks_mpi.node');

export function loadMpiAddon() {
  if (!existsSync(addonPath)) return { addon: null, reason: `${addonPath} does not exist` };
  try {
    return { addon: createRequire(import.meta.url)(addonPath), reason: '' };
  } catch (e) {
    return { addon: null, reason: e instanceof Error ? e.message : String(e) };
  }
}
