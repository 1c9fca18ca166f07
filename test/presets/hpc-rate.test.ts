import { describe, it, expect } from 'vitest';
import { builtinPlugins } from '../../plugins/index.js';
import { runPreset, findPreset, presets } from '../../presets/index.js';
import { referenceJson } from './helpers.js';

interface HpcReference {
  presimtime_ms: number;
  simtime_ms: number;
  nest: { seed: number; ee_synapse: string; rate_e_hz: number }[];
}

const reference = referenceJson<HpcReference>('hpc-benchmark.json');

describe('hpc-benchmark at scale 1 against NEST 3.9 (presets/reference/hpc-benchmark.json)', () => {
  it("with static E→E synapses, seed 1: the recorded E rate of the 250 ms after the presimulation is within 5 % of NEST's", () => {
    const nest = reference.nest.find((r) => r.seed === 1 && r.ee_synapse === 'static_synapse')!;
    const hpc = findPreset(presets, 'hpc-benchmark');
    const r = runPreset(hpc, { ee_synapse: 'static_synapse', seed: 1 }, { plugins: builtinPlugins });
    expect(r.windowMs).toEqual([reference.presimtime_ms, reference.presimtime_ms + reference.simtime_ms]);
    expect(r.groups[0].stats.gids.length).toBe(1000);
    const rate = r.summary.rate_e_hz;
    expect(Math.abs(rate - nest.rate_e_hz) / nest.rate_e_hz, `spikeworks ${rate} Hz, NEST ${nest.rate_e_hz} Hz`).toBeLessThan(0.05);
  }, 120_000);
});
