import { describe, it, expect } from 'vitest';
import { builtinPlugins } from '../../plugins/index.js';
import { runPreset, findPreset, presets } from '../../presets/index.js';
import { indegrees, referenceJson } from './helpers.js';

const reference = referenceJson<{ rate_e_hz: number; rate_i_hz: number; runs: { cv_isi_e_mean: number }[] }>('cuba-static.json');

describe('cuba-static at scale 0.2 (indegrees kept)', () => {
  it('rates within the preset\'s ±20 % of NEST\'s 7.48 / 7.50 Hz, CV-ISI near NEST\'s 0.56', () => {
    const preset = findPreset(presets, 'cuba-static');
    const r = runPreset(preset, { scale: 0.2, simtime: 1000, seed: 1 }, { plugins: builtinPlugins });
    expect(Array.from(new Set(indegrees(r.sim, r.net.E, r.net.E)))).toEqual([900]);
    expect(Array.from(new Set(indegrees(r.sim, r.net.I, r.net.I)))).toEqual([225]);
    const tol = preset.reference!.tolerance;
    expect(Math.abs(r.summary.rate_e_hz / reference.rate_e_hz - 1)).toBeLessThan(tol);
    expect(Math.abs(r.summary.rate_i_hz / reference.rate_i_hz - 1)).toBeLessThan(tol);
    // The statistics the output folder carries: NEST's two runs have mean CV-ISI 0.567 and 0.559.
    const cvNest = (reference.runs[0].cv_isi_e_mean + reference.runs[1].cv_isi_e_mean) / 2;
    expect(Math.abs((r.summary.cv_isi_e_mean as number) / cvNest - 1)).toBeLessThan(0.15);
    expect(r.summary.rate_mean_e_hz).toBeCloseTo(r.summary.rate_e_hz, 3);
  });
});
