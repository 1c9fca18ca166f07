import { describe, it, expect } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { itNeeds, missingMpi } from '../support/requirements.js';

// A user's module (its own neuron model and STDP rule, a multimeter and a weight recorder), run by the built CLI.
const root = fileURLToPath(new URL('../..', import.meta.url));
const module = 'test/parallel/fixtures/user-network.ts';
const TIMING = /^(build_time|build_edge_time|build_time_nodes|presim_time|sim_time|real_time_factor|time_|rss_mib|ranks$|rank\d+_|spike_files)/;

/** The CLI on the module in one process (or, with `mpi`, under mpirun -np 2); its summary and output folder. */
function run(args: string[], mpi = false): { summary: Record<string, unknown>; dir: string } {
  const dir = join(mkdtempSync(join(tmpdir(), 'spikeworks-user-')), 'out');
  const cli = ['bin/spikeworks.js', 'run', module, '--json', '--no-progress', '--out', dir, ...args];
  let out: string;
  if (!mpi) out = execFileSync(process.execPath, cli, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });
  else {
    const r = spawnSync('mpirun', ['--allow-run-as-root', '--oversubscribe', '-np', '2', process.execPath, ...cli, '--spike-dir', join(dir, '..', 'ranks')], { cwd: root, encoding: 'utf8', timeout: 120_000 });
    if (r.status !== 0) throw new Error(`mpirun failed (${r.status}): ${r.stderr}`);
    out = r.stdout;
  }
  return { summary: JSON.parse(out.split('\n').find((l) => l.startsWith('{'))!), dir };
}

/** An output folder's files, with the summary's timing fields and the log (timings) left out. */
function folder(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of readdirSync(dir).sort()) {
    if (f === 'log_0.dat') continue;
    const text = readFileSync(join(dir, f), 'utf8');
    if (f === 'summary.json') {
      const s = JSON.parse(text) as Record<string, unknown>;
      out[f] = JSON.stringify(Object.fromEntries(Object.entries(s).filter(([k]) => !TIMING.test(k))));
    } else if (f === 'run.json') {
      // The manifest less what differs between any two runs: when, how, the memory; its files as a set.
      const { command: _c, started: _s, finished: _f, peak_rss_mib: _p, pid: _i, workers: _w, mpi_ranks: _r, files, ...m } = JSON.parse(text) as Record<string, unknown>;
      out[f] = JSON.stringify({ ...m, files: (files as string[]).slice().sort() });
    } else out[f] = text;
  }
  return out;
}

describe("a user's network module on workers and MPI ranks", () => {
  const single = (() => {
    let r: ReturnType<typeof run> | null = null;
    return () => (r ??= run([]));
  })();

  it('in one process: its own model and rule run, every recorder writes its file', () => {
    const { summary, dir } = single();
    expect(summary.spike_count as number).toBeGreaterThan(500);
    const files = readdirSync(dir);
    for (const f of ['multimeter-204.tsv', 'weight_recorder-205.tsv', 'spikes_P0-202-0.dat', 'spikes_P1-203-0.dat', 'summary.json', 'raster.svg']) expect(files).toContain(f);
    const mm = readFileSync(join(dir, 'multimeter-204.tsv'), 'utf8').split('\n');
    expect(mm[1]).toBe('senders\ttimes\tV_m\tI_syn');
    // 20 neurons sampled every 1 ms for 200 ms.
    expect(mm.filter((l) => /^\d/.test(l))).toHaveLength(20 * 200);
    // The STDP rule moved weights: the last sample differs from the first.
    const w = readFileSync(join(dir, 'weight_recorder-205.tsv'), 'utf8').split('\n').filter((l) => /^\d/.test(l)).map((l) => l.split('\t'));
    const first = w.filter((r) => r[2] === '50').map((r) => r[3]);
    const last = w.filter((r) => r[2] === '200').map((r) => r[3]);
    expect(first.length).toBe(160 * 16);
    expect(last).not.toEqual(first);
  }, 120_000);

  for (const workers of [1, 2, 3]) {
    it(`--workers ${workers}: the single-process digest, multimeter traces and weights; the same output folder apart from timings`, () => {
      const ref = single();
      const { summary, dir } = run(['--workers', String(workers)]);
      expect(summary.ranks).toBe(workers);
      expect(summary.spike_digest).toBe(ref.summary.spike_digest);
      expect(folder(dir)).toEqual(folder(ref.dir));
    }, 120_000);
  }

  itNeeds(missingMpi())('mpirun -np 2 --comm mpi: the same digest and output folder as one process', () => {
    const ref = single();
    if (!existsSync(join(root, 'dist', 'cli.js'))) throw new Error('dist/cli.js is missing; build with npx tsup (npm test does)');
    const { summary, dir } = run(['--comm', 'mpi'], true);
    expect(summary.ranks).toBe(2);
    expect(summary.spike_digest).toBe(ref.summary.spike_digest);
    expect(folder(dir)).toEqual(folder(ref.dir));
  }, 120_000);
});
