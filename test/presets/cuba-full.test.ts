import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { builtinPlugins, presets, findPreset, runPreset } from '../../index.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const reference = JSON.parse(readFileSync(new URL('../../presets/reference/cuba-static.json', import.meta.url), 'utf8'));

describe('cuba-static (seed 002, static E→E) against NEST 3.9', () => {
  it('full size, 1 s: 12.66 M synapses, ≤ 8 bytes each, E and I rates within ±20 % of the NEST reference', () => {
    const { summary: s } = runPreset(findPreset(presets, 'cuba-static'), { simtime: 1000, seed: 1 }, { plugins: builtinPlugins });
    expect(s.neurons).toBe(11250);
    // NEST counts the 11250 generator and 11250 recorder connections too.
    expect(s.synapses + 2 * 11250).toBe(reference.synapses_including_device_connections);
    expect(s.bytes_per_synapse).toBeLessThanOrEqual(8);
    expect(Math.abs(s.rate_e_hz / reference.rate_e_hz - 1)).toBeLessThan(0.2);
    expect(Math.abs(s.rate_i_hz / reference.rate_i_hz - 1)).toBeLessThan(0.2);
  });

  it('the CLI prints one JSON summary with the contract keys', () => {
    const out = execFileSync('node', ['bin/spikeworks.js', 'run', 'cuba-static', '--scale', '0.05', '--simtime', '100', '--seed', '4', '--json', '--no-progress'], { cwd: root, encoding: 'utf8' });
    const s = JSON.parse(out);
    for (const key of ['preset', 'neurons', 'synapses', 'bytes_per_synapse', 'build_time_s', 'sim_time_s', 'simtime_ms', 'rate_e_hz', 'rate_i_hz', 'spike_count', 'spike_digest']) {
      expect(s).toHaveProperty(key);
    }
    expect(s.preset).toBe('cuba-static');
    expect(s.neurons).toBe(Math.round(9000 * 0.05) + Math.round(2250 * 0.05));
    expect(s.spike_digest).toMatch(/^[0-9a-f]{64}$/);
    // Same run through the API: same digest (the CLI adds nothing random).
    const api = runPreset(findPreset(presets, 'cuba-static'), { scale: 0.05, simtime: 100, seed: 4 }, { plugins: builtinPlugins }).summary;
    expect(s.spike_digest).toBe(api.spike_digest);
  });

  it('the CLI refuses a bad --set with the parameter named, exit code 2', () => {
    let status = 0;
    let stderr = '';
    try {
      execFileSync('node', ['bin/spikeworks.js', 'run', 'cuba-static', '--set', 'g=-1'], { cwd: root, encoding: 'utf8', stdio: 'pipe' });
    } catch (e) {
      status = (e as { status: number }).status;
      stderr = String((e as { stderr: string }).stderr);
    }
    expect(status).toBe(2);
    expect(stderr).toMatch(/parameter 'g' = "?-1"? is invalid; allowed: a finite number >= 0/);
  });
});
