import type { Command } from 'commander';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ParameterError, SpikeworksError } from '../core/errors.js';

const ADDONS = { mpi: { dir: join('native', 'mpi'), file: 'spikeworks_mpi.node' } } as const;

/** The package's root: one level above this file both in the sources (cli/) and in the bundle (dist/). */
function packageRoot(): string {
  return dirname(dirname(fileURLToPath(import.meta.url)));
}

/**
 * `spikeworks build mpi`: compile the MPI backend's addon where the package is installed (node-gyp against the
 * running node's headers; Open MPI's mpicc for the flags). Returns the build's exit status.
 */
export function buildAddon(name: string): number {
  if (!Object.hasOwn(ADDONS, name)) throw new ParameterError('spikeworks build', 'addon', name, Object.keys(ADDONS).map((k) => `'${k}'`).join(', '));
  const addon = ADDONS[name as keyof typeof ADDONS];
  const dir = join(packageRoot(), addon.dir);
  const script = join(dir, 'build.mjs');
  if (!existsSync(script)) throw new SpikeworksError(`spikeworks build ${name}: ${script} is missing (this copy of the package does not carry the addon's sources)`);
  const r = spawnSync(process.execPath, [script], { stdio: 'inherit' });
  if (r.status !== 0) return r.status ?? 1;
  const built = join(dir, 'build', 'Release', addon.file);
  console.log(`built ${built}; start ranks with: mpirun -np N npx spikeworks run <preset or spec file> --comm mpi`);
  return 0;
}

export function registerBuild(program: Command): void {
  program
    .command('build')
    .description('build a native addon of the installed package: mpi (the MPI backend; needs Open MPI: apt-get install -y libopenmpi-dev openmpi-bin)')
    .argument('<addon>', "what to build: 'mpi'")
    .action((name: string) => {
      process.exit(buildAddon(name));
    });
}
