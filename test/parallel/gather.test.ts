import { describe, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createSimulator, builtinPlugins } from '../../index.js';
import { build, plugins } from './fixtures/user-network.js';
import { itNeeds, missingMpi } from '../support/requirements.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** The fixture network in one process, read as the MPI script prints it. */
function singleProcess() {
  const sim = createSimulator({ plugins: [...builtinPlugins, ...plugins], seed: 7 });
  build(sim);
  sim.simulate(120);
  sim.simulate(80);
  const events: Record<string, Record<string, number[]>> = {};
  for (const d of sim.devices) {
    if (d.kind !== 'recorder') continue;
    events[`${d.model}-${d.gid}`] = Object.fromEntries(Object.entries(d.events<Record<string, ArrayLike<number>>>()).map(([k, v]) => [k, Array.from(v)]));
  }
  return { ranks: 1, events, counts: Array.from(sim.spikeCounts()), synapses: sim.synapseCount(), time: sim.time };
}

describe('gatherRun: the MPI path through the API', () => {
  itNeeds(missingMpi())("mpirun -np 2 of a script calling createSimulator({ backend: 'mpi' }): gatherRun gives one process's events", () => {
    const r = spawnSync('mpirun', ['--allow-run-as-root', '--oversubscribe', '-np', '2', process.execPath, '--import', 'tsx', 'test/parallel/fixtures/mpi-api.ts'], {
      cwd: root, encoding: 'utf8', timeout: 120_000,
    });
    if (r.status !== 0) throw new Error(`mpirun failed (${r.status}): ${r.stderr}`);
    const lines = r.stdout.split('\n').filter((l) => l.startsWith('{'));
    // Only rank 0 prints.
    expect(lines).toHaveLength(1);
    const ref = singleProcess();
    expect(ref.events['spike_recorder-202'].senders.length).toBeGreaterThan(500);
    expect(JSON.parse(lines[0])).toEqual({ ...ref, ranks: 2 });
  }, 120_000);
});
