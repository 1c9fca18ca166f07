import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findPreset } from '../../../presets/preset.js';
import { runPreset } from '../../../presets/run.js';
import { presets } from '../../../presets/index.js';
import { builtinPlugins } from '../../../plugins/index.js';
import { mpiAddonAvailable, MPI_INSTALL_HINT } from '../../../plugins/backends/mpi.js';
import { itNeeds, missingMpi } from '../../support/requirements.js';

const root = new URL('../../../', import.meta.url).pathname;
const cli = join(root, 'bin', 'spikeworks.js');

/** What the mpirun test needs, or null when all of it is there. */
function missingMpiSetup(): string | null {
  const mpi = missingMpi();
  if (mpi) return mpi;
  if (!existsSync(join(root, 'dist', 'cli.js'))) return 'dist/cli.js is missing; build with `npx tsup` (npm test does)';
  return null;
}

function singleProcess(overrides: Record<string, unknown>) {
  const r = runPreset(findPreset(presets, 'cuba-static'), overrides, { plugins: builtinPlugins });
  const pairs: [number, number][] = [];
  for (const rec of r.net.recorders) {
    const st = (rec.runtime as unknown as { steps(): Int32Array }).steps();
    const s = rec.events<{ senders: Int32Array }>().senders;
    for (let i = 0; i < st.length; i++) pairs.push([s[i], st[i]]);
  }
  return { summary: r.summary, pairs, dt: r.sim.dt };
}

describe('mpi backend', () => {
  itNeeds(missingMpiSetup())('mpirun -np 2 on cuba-static (scale 0.1, 200 ms) gives the single-process spikes; each rank writes its own file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'spikeworks-mpi-'));
    try {
      const args = ['--allow-run-as-root', '--oversubscribe', '-np', '2', process.execPath, cli, 'run', 'cuba-static', '--comm', 'mpi', '--scale', '0.1', '--simtime', '200', '--json', '--spike-dir', dir];
      const r = spawnSync('mpirun', args, { encoding: 'utf8', timeout: 90_000, cwd: root });
      if (r.status !== 0) throw new Error(`mpirun failed (status ${r.status}):\n${r.stderr}\n${r.stdout}`);
      // Only rank 0 prints the summary.
      const jsonLines = r.stdout.split('\n').filter((l) => l.startsWith('{'));
      expect(jsonLines).toHaveLength(1);
      const summary = JSON.parse(jsonLines[0]) as Record<string, number | string>;
      const single = singleProcess({ scale: 0.1, simtime: 200 });
      expect(single.summary.spike_count).toBeGreaterThan(500);
      expect(summary.ranks).toBe(2);
      expect(summary.spike_count).toBe(single.summary.spike_count);
      expect(summary.spike_digest).toBe(single.summary.spike_digest);
      expect(summary.rate_e_hz).toBe(single.summary.rate_e_hz);
      expect(summary.synapses).toBe(single.summary.synapses);
      for (const k of ['rank0_update_s', 'rank1_update_s']) expect(summary[k] as number).toBeGreaterThan(0);
      // The two files hold disjoint senders (each rank records its own neurons) and together every spike.
      const files = readdirSync(dir).sort();
      expect(files).toEqual(['cuba-static-spikes-rank0-of-2.tsv', 'cuba-static-spikes-rank1-of-2.tsv']);
      const perRank = files.map((f) =>
        readFileSync(join(dir, f), 'utf8').split('\n').filter((l) => l && !l.startsWith('#')).map((l) => {
          const [s, t] = l.split('\t');
          return [Number(s), Math.round(Number(t) / single.dt) - 1] as [number, number];
        }),
      );
      expect(perRank[0].length).toBeGreaterThan(0);
      expect(perRank[1].length).toBeGreaterThan(0);
      const maxSender0 = Math.max(...perRank[0].map((p) => p[0]));
      const minSender1 = Math.min(...perRank[1].map((p) => p[0]));
      expect(maxSender0).toBeLessThan(Math.max(...perRank[1].map((p) => p[0])));
      expect(minSender1).toBeGreaterThan(Math.min(...perRank[0].map((p) => p[0])));
      const sort = (a: [number, number][]) => [...a].sort((x, y) => x[1] - y[1] || x[0] - y[0]);
      expect(sort([...perRank[0], ...perRank[1]])).toEqual(sort(single.pairs));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('--comm mpi without the built addon says what to install and run', () => {
    if (!existsSync(join(root, 'dist', 'cli.js'))) throw new Error('dist/cli.js is missing; build with `npx tsup` (npm test does)');
    const r = spawnSync(process.execPath, [cli, 'run', 'cuba-static', '--comm', 'mpi', '--scale', '0.05', '--simtime', '10'], {
      encoding: 'utf8', timeout: 30_000, cwd: root, env: { ...process.env, SPIKEWORKS_MPI_ADDON: join(tmpdir(), 'no-such-dir', 'spikeworks_mpi.node') },
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/apt-get install -y --no-install-recommends libopenmpi-dev openmpi-bin/);
    expect(r.stderr).toMatch(/npm run build:mpi/);
    expect(r.stderr).toMatch(/mpirun -np N/);
  });
});
