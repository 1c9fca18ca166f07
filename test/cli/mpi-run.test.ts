import { describe, expect } from 'vitest';
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readSpikeFileChunks } from '../../analysis/spikefile.js';
import { manifest, until } from '../support/run-folders.js';
import { itNeeds, missingMpi } from '../support/requirements.js';

// The built CLI under mpirun (npm test builds dist/ with tsup first).
const root = fileURLToPath(new URL('../..', import.meta.url));
const MPIRUN = ['--allow-run-as-root', '--oversubscribe', '-np', '2', process.execPath, 'bin/spikeworks.js'];
const args = ['va-cuba', '--scale', '0.25', '--simtime', '20000', '--seed', '6', '--no-progress', '--json'];

const summaryOf = (out: string) => JSON.parse(out.split('\n').find((l) => l.startsWith('{'))!) as Record<string, unknown>;

describe('spikeworks run --comm mpi: a folder written as the run goes, signals, checkpoint and resume', () => {
  itNeeds(missingMpi())('run.json before the build; mpirun signalled: every rank ends at the same step; resume under mpirun gives the uninterrupted digest', async () => {
    const base = mkdtempSync(join(tmpdir(), 'spikeworks-mpi-'));
    const whole = summaryOf(execFileSync(process.execPath, ['bin/spikeworks.js', 'run', ...args, '--no-out'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }));
    const dir = join(base, 'cut');
    const p = spawn('mpirun', [...MPIRUN, 'run', ...args, '--comm', 'mpi', '--out', dir, '--checkpoint-every', '2000'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    p.stderr!.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((r) => p.on('exit', (code) => r(code)));
    await until(() => manifest(dir) !== null, 90_000);
    const first = manifest(dir)!;
    expect(first.status).toBe('running');
    expect(first.mpi_ranks).toBe(2);
    await until(() => ((manifest(dir)?.checkpoint as { t_ms: number } | null | undefined)?.t_ms ?? 0) >= 4000, 90_000);
    p.kill('SIGINT');
    await exited;
    // mpirun passes SIGTERM on to the ranks.
    expect(stderr).toMatch(/SIGTERM: ended at t = [\d.]+ of 20000 ms on 2 MPI ranks/);
    const cut = manifest(dir)!;
    expect(cut.status).toBe('interrupted');
    expect(cut.t_ms as number).toBeLessThan(20000);
    const files = readdirSync(join(dir, 'ranks'));
    expect(files.sort()).toEqual(['spikes_E-1001-0.dat', 'spikes_E-1001-1.dat', 'spikes_I-1002-0.dat', 'spikes_I-1002-1.dat']);
    let spikes = 0;
    for (const f of files) spikes += readSpikeFileChunks(join(dir, 'ranks', f), () => {}).count;
    expect(spikes).toBeGreaterThan(0);
    // One rank alone cannot resume a run of two.
    const alone = (() => {
      try {
        execFileSync(process.execPath, ['bin/spikeworks.js', 'resume', dir], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
        return '';
      } catch (e) {
        return String((e as { stderr: string }).stderr);
      }
    })();
    expect(alone).toMatch(/mpirun -np' = 1.*2 ranks, as many as the run had/);
    const resumed = summaryOf(execFileSync('mpirun', [...MPIRUN, 'resume', dir, '--no-progress', '--json'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }));
    for (const k of ['spike_digest', 'spike_count', 'rate_e_hz', 'rate_mean_e_hz', 'cv_isi_e_mean']) expect(resumed[k]).toBe(whole[k]);
    const m = manifest(dir)!;
    expect(m.status).toBe('complete');
    expect((m.resumed as unknown[]).length).toBe(1);
    expect(readdirSync(dir).filter((f) => f.startsWith('checkpoint') || f === 'ranks')).toEqual([]);
    expect(existsSync(join(dir, 'summary.json'))).toBe(true);
  }, 180_000);
});
