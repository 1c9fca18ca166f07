import { describe, it, expect } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Runs the built CLI (npm test builds dist/ with tsup first).
const root = fileURLToPath(new URL('../..', import.meta.url));
const cli = (args: string[]) => execFileSync('node', ['bin/spikeworks.js', ...args], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

describe('spikeworks CLI: run --out, compare, describe', () => {
  it('run writes the output folder and prints JSON with the statistics means; compare of a folder with itself gives D = 0', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'spikeworks-cli-')), 'run');
    const s = JSON.parse(cli(['run', 'va-cuba', '--scale', '0.1', '--simtime', '200', '--seed', '2', '--json', '--no-progress', '--out', dir]));
    expect(s.preset).toBe('va-cuba');
    for (const k of ['rate_mean_e_hz', 'isi_mean_e_ms', 'cv_isi_e_mean', 'average_rate_hz', 'weight_e_pA']) expect(s).toHaveProperty(k);
    const files = readdirSync(dir);
    for (const f of ['summary.json', 'log_0.dat', 'raster.svg', 'rate_histogram.svg']) expect(files).toContain(f);
    expect(JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')).spike_digest).toBe(s.spike_digest);
    const rows = JSON.parse(cli(['compare', dir, dir, '--json']));
    expect(rows).toHaveLength(2);
    for (const r of rows) for (const k of ['rate', 'isi', 'cv_isi']) expect(r[k].D).toBe(0);
    const text = cli(['compare', dir, dir]);
    expect(text).toMatch(/E\s+rate \(Hz\)\s+\d+\s+\d+\s+0\.0000\s+1\.0000/);
  });

  it('compare names a missing folder; describe lists every parameter', () => {
    let status = 0;
    let stderr = '';
    try {
      cli(['compare', '/nonexistent/a', '/nonexistent/b']);
    } catch (e) {
      status = (e as { status: number }).status;
      stderr = String((e as { stderr: string }).stderr);
    }
    expect(status).toBe(2);
    expect(stderr).toMatch(/no such folder: \/nonexistent\/a/);
    const d = cli(['describe', 'brunel']);
    for (const k of ['regime', 'g', 'eta', 'order', 'epsilon', 'J', 'delay', 'simtime', 'seed', 'scale', 'dt']) expect(d).toMatch(new RegExp(`\\n  ${k}\\s`));
    expect(d).toContain('docs/presets/brunel.md');
  });

  it('describe --schedule builds the preset and prints its systems by phase with the entities they run over', () => {
    const text = cli(['describe', 'va-coba', '--schedule', '--scale', '0.1', '--set', 'integrator=euler-f32x4-wasm-simd']);
    expect(text).toMatch(/^va-coba: schedule\nslices of 8 steps \(min delay 0\.8 ms at dt 0\.1 ms\), run in blocks of up to 8 steps per call/);
    expect(text).toMatch(/update\s+neuron-update \[slice\]\n\s+population 0 iaf_cond_exp\/euler-f32x4-wasm-simd, 320 neurons here \[ownRing, slice, adoptTable\]/);
    expect(text).toMatch(/propagate\s+propagate \[batch\]/);
  });

  it('a plain run prints the summary on stdout and no log lines (they go to log_0.dat); --version', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'spikeworks-cli-')), 'run');
    const out = cli(['run', 'va-cuba', '--scale', '0.1', '--simtime', '100', '--no-progress', '--out', dir]);
    expect(out).toMatch(/^preset\s+va-cuba$/m);
    expect(out).not.toMatch(/# (virt_mem_0|build_time_nodes|sim_time)/);
    expect(readFileSync(join(dir, 'log_0.dat'), 'utf8')).toMatch(/^0 0 \d+ # virt_mem_0$/m);
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    expect(cli(['--version']).trim()).toBe(pkg.version);
  });

  it('prints the memory estimate before building: at least the tables the run then allocates, and under its peak RSS', () => {
    const r = spawnSync('node', ['bin/spikeworks.js', 'run', 'cuba-static', '--scale', '0.2', '--simtime', '50', '--json', '--no-out'], { cwd: root, encoding: 'utf8' });
    expect(r.status).toBe(0);
    const m = /^memory estimate: ([\d.]+) (MB|GB) for the network's tables and state; .* available/m.exec(r.stderr);
    expect(m, r.stderr).not.toBeNull();
    const estimate = Number(m![1]) * (m![2] === 'GB' ? 1e9 : 1e6);
    const s = JSON.parse(r.stdout);
    // The synapse tables alone (bytes per synapse measured from them), then everything the process held.
    expect(estimate).toBeGreaterThanOrEqual(s.synapses * s.bytes_per_synapse);
    expect(estimate).toBeLessThan(s.rss_mib * 2 ** 20);
  });
});
