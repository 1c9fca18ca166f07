/**
 * vitest global setup: the native addon some tests need (Open MPI's) is built here
 * when they are missing and their toolchain is installed, so a fresh clone with g++ or Open MPI tests them
 * without a manual step. Where the toolchain is missing nothing is built, and those tests skip, naming it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

const addons = [
  { name: 'MPI', built: 'native/mpi/build/Release/spikeworks_mpi.node', script: 'native/mpi/build.mjs', tool: ['mpicc', '--showme:link'], env: 'SPIKEWORKS_MPI_ADDON' },
];

function has(cmd: string[]): boolean {
  const r = spawnSync(cmd[0], cmd.slice(1), { encoding: 'utf8' });
  return !r.error && r.status === 0;
}

export default function setup(): void {
  for (const a of addons) {
    if (process.env[a.env] || existsSync(`${root}/${a.built}`) || !has(a.tool) || !has(['make', '--version'])) continue;
    process.stderr.write(`tests: building the ${a.name} addon (node ${a.script}) ...\n`);
    const r = spawnSync(process.execPath, [a.script], { cwd: root, encoding: 'utf8', timeout: 300_000 });
    if (r.status === 0) process.stderr.write(`tests: built the ${a.name} addon\n`);
    // Its tests then skip (or, under SPIKEWORKS_REQUIRE_NATIVE=1, fail) naming the missing addon.
    else process.stderr.write(`tests: could not build the ${a.name} addon:\n${(r.stderr || r.stdout || String(r.error)).split('\n').slice(-15).join('\n')}\n`);
  }
}
