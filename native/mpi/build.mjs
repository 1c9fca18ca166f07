#!/usr/bin/env node
// Builds the MPI addon (npm run build:mpi). Needs Open MPI's compiler wrapper and headers:
// apt-get install -y --no-install-recommends libopenmpi-dev openmpi-bin
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const which = spawnSync('mpicc', ['--showme:link'], { encoding: 'utf8' });
if (which.error || which.status !== 0) {
  console.error('build:mpi: mpicc not found. Install Open MPI first: apt-get install -y --no-install-recommends libopenmpi-dev openmpi-bin');
  process.exit(1);
}
const require = createRequire(import.meta.url);
const gyp = require.resolve('node-gyp/bin/node-gyp.js');
const args = [gyp, 'rebuild', `--directory=${here}`];
// Use the headers of the running node when they are installed next to it (no download needed).
const prefix = dirname(dirname(process.execPath));
if (existsSync(join(prefix, 'include', 'node', 'common.gypi'))) args.push(`--nodedir=${prefix}`);
const r = spawnSync(process.execPath, args, { stdio: 'inherit' });
process.exit(r.status ?? 1);
