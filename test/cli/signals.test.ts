import { describe, it, expect } from 'vitest';
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readSpikeFileChunks } from '../../analysis/spikefile.js';
import { manifest, until } from '../support/run-folders.js';

// Runs the built CLI (npm test builds dist/ with tsup first).
const root = fileURLToPath(new URL('../..', import.meta.url));
const fast = ['--set', 'integrator=euler-f32x4-wasm-simd'];

function start(args: string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
  return spawn('node', ['bin/spikeworks.js', ...args], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
}

function exited(p: ChildProcess): Promise<{ code: number | null; stderr: string }> {
  let stderr = '';
  p.stderr!.on('data', (d) => (stderr += d));
  return new Promise((resolve) => p.on('exit', (code) => resolve({ code, stderr })));
}

function compare(a: string, extra: string[] = []): { status: number; out: string } {
  try {
    return { status: 0, out: execFileSync('node', ['bin/spikeworks.js', 'compare', a, a, ...extra], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }) };
  } catch (e) {
    return { status: (e as { status: number }).status, out: String((e as { stderr: string }).stderr) };
  }
}

/** Every spike file of the folder parses with the strict reader; the spikes in them. */
function spikesIn(dir: string): number {
  let n = 0;
  for (const g of (manifest(dir)!.groups as { file: string }[]) ?? []) n += readSpikeFileChunks(join(dir, g.file), () => {}).count;
  return n;
}

describe('spikeworks run: signals end the run at the next slice and leave a readable folder', () => {
  it('SIGINT mid-simulation: exit 130, run.json interrupted at the time reached, spike files parse, compare refuses unless --allow-incomplete', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'spikeworks-sig-')), 'run');
    const p = start(['run', 'va-coba', ...fast, '--simtime', '200000', '--out', dir, '--no-progress']);
    const done = exited(p);
    await until(() => ((manifest(dir)?.t_ms as number) ?? 0) > 0);
    p.kill('SIGINT');
    const { code, stderr } = await done;
    expect(code).toBe(130);
    expect(stderr).toMatch(/SIGINT: ended at t = [\d.]+ of 200000 ms/);
    const m = manifest(dir)!;
    expect(m.status).toBe('interrupted');
    expect(m.signal).toBe('SIGINT');
    expect(m.t_ms as number).toBeGreaterThan(0);
    expect(m.t_ms as number).toBeLessThan(200000);
    expect(spikesIn(dir)).toBeGreaterThan(0);
    expect(existsSync(join(dir, 'summary.json'))).toBe(false);
    const refused = compare(dir);
    expect(refused.status).toBe(2);
    expect(refused.out).toMatch(/interrupted/);
    expect(compare(dir, ['--allow-incomplete']).status).toBe(0);
  });

  it('SIGTERM during the build: exit 143, run.json interrupted at t = 0', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'spikeworks-sig-')), 'run');
    const p = start(['run', 'hpc-benchmark', '--scale', '0.5', '--simtime', '100', '--out', dir, '--no-progress']);
    const done = exited(p);
    await until(() => manifest(dir) !== null);
    p.kill('SIGTERM');
    const { code } = await done;
    expect(code).toBe(143);
    const m = manifest(dir)!;
    expect(m.status).toBe('interrupted');
    expect(m.signal).toBe('SIGTERM');
    expect(m.t_ms).toBe(0);
    for (const f of readdirSync(dir)) expect(f).not.toMatch(/\.tmp$/);
  });

  it('SIGINT while the output is written: the exit status and run.json agree', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'spikeworks-sig-')), 'run');
    const p = start(['run', 'va-coba', ...fast, '--simtime', '2000', '--out', dir, '--no-progress', '--json']);
    const done = exited(p);
    await until(() => existsSync(join(dir, 'summary.json')) || p.exitCode !== null, 120_000);
    p.kill('SIGINT');
    const { code } = await done;
    const m = manifest(dir)!;
    // The signal may come after the run ended: then it completed.
    if (code === 0) expect(m.status).toBe('complete');
    else {
      expect(code).toBe(130);
      expect(m.status).toBe('interrupted');
      expect(m.t_ms).toBe(2000);
      expect(compare(dir).status).toBe(2);
    }
    expect(spikesIn(dir)).toBeGreaterThan(0);
  });

  it('started through npx, the run ends when the wrapper goes away (SIGKILL to its shell)', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'spikeworks-sig-')), 'run');
    // npm exec runs the bin through `sh -c`; a shell that is killed leaves its child to init.
    const sh = spawn('sh', ['-c', `node bin/spikeworks.js run va-coba ${fast.join(' ')} --simtime 200000 --out ${dir} --no-progress; exit 0`], {
      cwd: root, env: { ...process.env, npm_command: 'exec' }, stdio: 'ignore',
    });
    await until(() => ((manifest(dir)?.t_ms as number) ?? 0) > 0);
    sh.kill('SIGKILL');
    await until(() => manifest(dir)?.status !== 'running', 30_000);
    const m = manifest(dir)!;
    expect(m.status).toBe('interrupted');
    expect(m.signal).toBe('SIGHUP');
  });

  it("SIGINT mid-simulation of a user's network: the multimeter and weight tables were written as it went, whole rows up to the time reached", async () => {
    for (const workers of [0, 2]) {
      const dir = join(mkdtempSync(join(tmpdir(), 'spikeworks-sig-')), 'run');
      const p = start(['run', 'test/parallel/fixtures/user-network.ts', '--simtime', '1000000', '--out', dir, '--no-progress', ...(workers ? ['--workers', String(workers)] : [])]);
      const done = exited(p);
      await until(() => ((manifest(dir)?.t_ms as number) ?? 0) > 300);
      p.kill('SIGINT');
      expect((await done).code).toBe(130);
      const m = manifest(dir)!;
      expect(m.status).toBe('interrupted');
      const tMs = m.t_ms as number;
      const at = workers ? join(dir, 'ranks') : dir;
      const names = workers ? [0, 1].map((r) => `multimeter-204-rank${r}.tsv`) : ['multimeter-204.tsv'];
      if (!workers) expect(m.files).toEqual(expect.arrayContaining(['multimeter-204.tsv', 'weight_recorder-205.tsv']));
      let last = 0;
      for (const f of names) {
        let lastHere = 0;
        const text = readFileSync(join(at, f), 'utf8');
        expect(text.endsWith('\n')).toBe(true);
        const lines = text.split('\n').slice(0, -1);
        expect(lines[1]).toBe(workers ? 'watch\tsenders\ttimes\tV_m\tI_syn' : 'senders\ttimes\tV_m\tI_syn');
        for (const l of lines.slice(2)) {
          const cells = l.split('\t').map(Number);
          expect(cells.length).toBe(workers ? 5 : 4);
          expect(cells.every(Number.isFinite)).toBe(true);
          lastHere = Math.max(lastHere, cells[workers ? 2 : 1]);
        }
        // 20 neurons (10 on each of two workers) sampled every 1 ms: every sample whole. Workers are ended
        // where each one is, so their files may end a sample apart.
        expect(lines.length - 2).toBe((20 / names.length) * lastHere);
        last = Math.max(last, lastHere);
      }
      // Up to about where the run stopped: the manifest notes the time at most once a second.
      expect(last).toBeGreaterThan(300);
      expect(last).toBeLessThanOrEqual(tMs + 2000);
      const weights = readFileSync(join(at, workers ? 'weight_recorder-205-rank0.tsv' : 'weight_recorder-205.tsv'), 'utf8').split('\n');
      expect(weights.length).toBeGreaterThan(3);
    }
  }, 120_000);

  it('--checkpoint-every, SIGTERM, then `spikeworks resume`: the digest and statistics of the run never interrupted', async () => {
    const base = mkdtempSync(join(tmpdir(), 'spikeworks-resume-'));
    const args = ['run', 'va-cuba', '--scale', '0.25', '--simtime', '20000', '--seed', '4', '--no-progress', '--json'];
    const whole = JSON.parse(execFileSync('node', ['bin/spikeworks.js', ...args, '--out', join(base, 'whole')], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }));
    const dir = join(base, 'cut');
    const p = start([...args, '--out', dir, '--checkpoint-every', '2000']);
    const done = exited(p);
    await until(() => ((manifest(dir)?.checkpoint as { t_ms: number } | null | undefined)?.t_ms ?? 0) >= 4000);
    // Past the checkpoint: the spikes after it, in the files, are cut back on resume.
    await new Promise((r) => setTimeout(r, 300));
    p.kill('SIGTERM');
    const { code, stderr } = await done;
    expect(code).toBe(143);
    expect(stderr).toMatch(/spikeworks resume .* goes on from t = \d+ ms/);
    const cut = manifest(dir)!;
    expect(cut.status).toBe('interrupted');
    const resumed = JSON.parse(execFileSync('node', ['bin/spikeworks.js', 'resume', dir, '--no-progress', '--json'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }));
    for (const k of ['spike_digest', 'spike_count', 'rate_e_hz', 'rate_mean_e_hz', 'isi_mean_e_ms', 'cv_isi_e_mean', 'average_rate_hz']) expect(resumed[k]).toBe(whole[k]);
    const m = manifest(dir)!;
    expect(m.status).toBe('complete');
    expect((m.resumed as unknown[]).length).toBe(1);
    expect(existsSync(join(dir, 'checkpoint.spkw'))).toBe(false);
    expect(compare(dir).status).toBe(0);
    // The log has each key once, as the uninterrupted run's.
    const keys = (d: string) => readFileSync(join(d, 'log_0.dat'), 'utf8').trim().split('\n').map((l) => l.split('# ')[1]);
    expect(keys(dir)).toEqual(keys(join(base, 'whole')));
    const again = compare(dir, []);
    expect(again.status).toBe(0);
  });

  it('--workers 2 and SIGINT: the workers end, exit 130, run.json interrupted, ranks/ holds each worker\'s spike files', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'spikeworks-sig-')), 'run');
    const p = start(['run', 'va-coba', ...fast, '--simtime', '200000', '--workers', '2', '--out', dir, '--no-progress']);
    const done = exited(p);
    await until(() => ((manifest(dir)?.t_ms as number) ?? 0) > 200);
    p.kill('SIGINT');
    const { code } = await done;
    expect(code).toBe(130);
    const m = manifest(dir)!;
    expect(m.status).toBe('interrupted');
    const files = readdirSync(join(dir, 'ranks')).sort();
    expect(files.filter((f) => /-1\.dat$/.test(f)).length).toBe(2);
    let n = 0;
    for (const f of files) n += readSpikeFileChunks(join(dir, 'ranks', f), () => {}).count;
    expect(n).toBeGreaterThan(0);
  });

  it('--workers 2 --checkpoint-every, SIGINT, then `spikeworks resume`: the digest of the run never interrupted', async () => {
    const base = mkdtempSync(join(tmpdir(), 'spikeworks-resume-'));
    const args = ['run', 'va-cuba', '--scale', '0.25', '--simtime', '20000', '--seed', '5', '--no-progress', '--json'];
    const whole = JSON.parse(execFileSync('node', ['bin/spikeworks.js', ...args, '--out', join(base, 'whole')], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }));
    const dir = join(base, 'cut');
    const p = start([...args, '--workers', '2', '--out', dir, '--checkpoint-every', '2000']);
    const done = exited(p);
    // Both generations written: at least two checkpoints behind the run.
    await until(() => existsSync(join(dir, 'checkpoint-g1-rank1.spkw')) && existsSync(join(dir, 'checkpoint-g0-rank1.spkw')));
    p.kill('SIGINT');
    const { code, stderr } = await done;
    expect(code).toBe(130);
    expect(stderr).toMatch(/spikeworks resume .* goes on from t = \d+ ms/);
    const cut = manifest(dir)!;
    expect(cut.status).toBe('interrupted');
    expect(cut.workers).toBe(2);
    const resumed = JSON.parse(execFileSync('node', ['bin/spikeworks.js', 'resume', dir, '--no-progress', '--json'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }));
    expect(resumed.ranks).toBe(2);
    for (const k of ['spike_digest', 'spike_count', 'rate_e_hz', 'rate_mean_e_hz', 'cv_isi_e_mean']) expect(resumed[k]).toBe(whole[k]);
    expect(manifest(dir)!.status).toBe('complete');
    expect(readdirSync(dir).filter((f) => f.startsWith('checkpoint') || f === 'ranks')).toEqual([]);
    expect(compare(dir).status).toBe(0);
  });
});
