import { describe, it, expect } from 'vitest';
import { builtinPlugins } from '../../plugins/index.js';
import { runPreset, findPreset, presets } from '../../presets/index.js';
import { ParameterError } from '../../core/errors.js';
import { indegrees, autapses } from './helpers.js';

const hpc = findPreset(presets, 'hpc-benchmark');

describe('hpc-benchmark at scale 0.02', () => {
  const r = runPreset(hpc, { scale: 0.02, Nrec: 100, ee_synapse: 'static_synapse', simtime: 50, presimtime: 20, seed: 2 }, { plugins: builtinPlugins });
  const { sim, net } = r;

  it('keeps indegrees 9000 E + 2250 I for every neuron, without autapses', () => {
    expect(net.E.size).toBe(180);
    expect(net.I.size).toBe(45);
    for (const post of [net.E, net.I]) {
      expect(Array.from(new Set(indegrees(sim, net.E, post)))).toEqual([9000]);
      expect(Array.from(new Set(indegrees(sim, net.I, post)))).toEqual([2250]);
    }
    expect(autapses(sim, net.E)).toBe(0);
    expect(autapses(sim, net.I)).toBe(0);
    expect(r.summary.synapses).toBe(225 * 11250);
  });

  it('weights are JE_pA (Lambert-W conversion of 0.14 mV) and g × JE_pA', () => {
    expect(r.summary.JE_pA).toBeCloseTo(45.6096, 3);
    const JE = r.summary.JE_pA as number;
    const ws = sim.projections.map((p) => p.weights());
    const byPair = sim.projections.map((p, i) => ({ pre: p.source === net.E ? 'E' : 'I', w: ws[i] }));
    for (const { pre, w } of byPair) {
      const expected = pre === 'E' ? JE : -5 * JE;
      expect(Math.abs(w[0] - expected)).toBeLessThan(1e-4 * Math.abs(expected));
      expect(Math.abs(w[w.length - 1] - expected)).toBeLessThan(1e-4 * Math.abs(expected));
    }
    expect(r.summary.stimulus_rate_hz).toBeCloseTo(20856.0372, 3);
  });

  it('records the first Nrec E neurons and writes the seed log lines in order', () => {
    expect(r.groups).toHaveLength(1);
    expect(r.groups[0].stats.gids.length).toBe(100);
    expect(r.groups[0].firstGid).toBe(net.E.firstGid);
    for (const g of r.groups[0].senders) expect(g - net.E.firstGid).toBeLessThan(100);
    const keys = r.log.map((l) => l.split(' # ')[1]);
    expect(keys).toEqual([
      'virt_mem_0', 'build_time_nodes', 'virt_mem_after_nodes', 'build_edge_time', 'virt_mem_after_edges',
      'virt_mem_after_presim', 'presim_time', 'virt_mem_after_sim', 'sim_time', 'average rate',
    ]);
    // compute_rate: every recorded event, presimulation included, over Nrec × simtime.
    const avg = Number(r.log[9].split(' ')[2]);
    expect(avg).toBeCloseTo((r.groups[0].senders.length / (100 * 50)) * 1000, 9);
    expect(r.groups[0].group.fileLabel).toBe('alpha_0.0513_spikes');
    // Rates and statistics cover the 50 ms after the presimulation.
    expect(r.windowMs).toEqual([20, 70]);
  });

  it('the default E→E synapse is stdp_pl_synapse_hom with the seed\'s parameters, and the weights move', () => {
    const rp = runPreset(hpc, { scale: 0.02, Nrec: 100, simtime: 100, presimtime: 50, seed: 2 }, { plugins: builtinPlugins });
    const ee = rp.sim.projections.find((p) => p.source === rp.net.E && p.target === rp.net.E)!;
    expect(ee.synapseModel.name).toBe('stdp_pl_synapse_hom');
    expect(ee.params).toMatchObject({ alpha: 0.0513, lambda: 0.1, mu: 0.4, tau_plus: 15 });
    expect(rp.net.E.params.tau_minus).toBe(30);
    const w = ee.weights();
    expect(w.length).toBe(180 * 9000);
    let changed = 0;
    for (let i = 0; i < w.length; i++) if (Math.abs(w[i] - (rp.summary.JE_pA as number)) > 1e-3) changed++;
    expect(changed).toBeGreaterThan(0);
    // The other projections stay static.
    expect(rp.sim.projections.filter((p) => p.synapseModel.name === 'static_synapse')).toHaveLength(3);
  });

  it('refuses Nrec above the number of E neurons, naming Nrec', () => {
    let err: unknown;
    try {
      runPreset(hpc, { scale: 0.02 }, { plugins: builtinPlugins });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ParameterError);
    expect(String(err)).toMatch(/'Nrec' = 1000 .*at most the number of excitatory neurons, 180/);
  });
});
