#!/usr/bin/env node
// Builds the MPI addon (npm run build:mpi). Needs Open MPI's compiler wrapper and headers:
// apt-get install -y --no-install-recommends libopenmpi-dev openmpi-bin
import { spawnSync } from 'node:child_process';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rebuild } from '../gyp.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const which = spawnSync('mpicc', ['--showme:link'], { encoding: 'utf8' });
if (which.error || which.status !== 0) {
  console.error('build:mpi: mpicc not found. Install Open MPI first: apt-get install -y --no-install-recommends libopenmpi-dev openmpi-bin');
  process.exit(1);
}
process.exit(rebuild(here));
