import { describe, it, expect } from 'vitest';
import { builtinPlugins } from '../../plugins/index.js';
import { runPreset, findPreset, presets } from '../../presets/index.js';
import { indegrees, mean, expectBinomial, synapsesBetween } from './helpers.js';

const opts = { plugins: builtinPlugins };

describe('zenke-25k-static (seed 003, Auryn sim_bg_static)', () => {
  it('at scale 0.1: 3.375·10^7 × scale synapses, indegrees of the full network, weights in units of g_L', () => {
    const r = runPreset(findPreset(presets, 'zenke-25k-static'), { scale: 0.1, simtime: 5 }, opts);
    const { sim, net } = r;
    expect([net.E.size, net.I.size]).toEqual([2000, 500]);
    const input = sim.populations.find((p) => p.model === 'parrot_neuron')!;
    expect(input.size).toBe(250);
    // Full network: 20000² + 2·20000·5000 + 5000² + 2500·20000 pairs at p 0.05 = 3.375·10^7 synapses.
    expectBinomial(r.summary.synapses, (2000 * 2000 + 2 * 2000 * 500 + 500 * 500 + 250 * 2000), 0.5);
    expect(Math.abs(mean(indegrees(sim, net.E, net.E)) - 1000) / 1000).toBeLessThan(0.01);
    expect(Math.abs(mean(indegrees(sim, net.I, net.E)) - 250) / 250).toBeLessThan(0.02);
    expect(Math.abs(mean(indegrees(sim, input, net.E)) - 125) / 125).toBeLessThan(0.03);
    expect(synapsesBetween(sim, input, net.I)).toBe(0);
    const w = (pre: typeof net.E, post: typeof net.E) => sim.projections.find((p) => p.source === pre && p.target === post)!.weights()[0];
    // 0.16 g_L and 1 g_L with g_L = C_m / tau_m: 10 nS for E (20 ms), 20 nS for I (10 ms).
    expect(w(net.E, net.E)).toBeCloseTo(1.6, 5);
    expect(w(net.E, net.I)).toBeCloseTo(3.2, 5);
    expect(w(net.I, net.E)).toBeCloseTo(-10, 5);
    expect(w(net.I, net.I)).toBeCloseTo(-20, 5);
    expect(r.summary.plastic).toBe(0);
    expect(net.E.model).toBe('IFGroup');
    expect(net.I.model).toBe('IFGroup');
  });

  it('at scale 0.2 for 1 s fires at Auryn\'s ≈ 3 Hz (seed 003): E rate within 2–5 Hz', () => {
    // Seed 003 gives ≈ 3 Hz for the full network. At scale 0.2 every E neuron draws its 1000 E inputs from
    // a quarter of the E population, so shared input makes short population bursts: in 50 ms bins the
    // E rate swings between ~1 and ~20 Hz, and 1-s means of different seeds and lengths measured 3.3–4.6 Hz.
    // The band 2–5 Hz takes that spread and still fails for the former stand-in (iaf_cond_exp with t_ref:
    // 7 Hz exact, ~190 Hz in float32 Euler) and for a silent network.
    const r = runPreset(findPreset(presets, 'zenke-25k-static'), { scale: 0.2, simtime: 1000 }, opts);
    expect(r.summary.rate_e_hz).toBeGreaterThan(2);
    expect(r.summary.rate_e_hz).toBeLessThan(5);
    expect(r.summary.rate_i_hz).toBeGreaterThan(2);
    expect(r.summary.rate_i_hz).toBeLessThan(6);
  }, 30000);
});

describe('zenke-25k (triplet STDP on E→E)', () => {
  it('E→E uses triplet_auryn with Auryn\'s parameters, in nS like the weights', () => {
    const r = runPreset(findPreset(presets, 'zenke-25k'), { scale: 0.1, simtime: 2 }, opts);
    const ee = r.sim.projections.find((p) => p.source === r.net.E && p.target === r.net.E)!;
    expect(ee.synapseModel.name).toBe('triplet_auryn');
    expect(ee.params).toMatchObject({ tau_hom: 50000, eta: 1, kappa: 3 });
    expect(ee.params.Wmax).toBeCloseTo(10, 9);
    expect(ee.params.A3_plus).toBeCloseTo(0.065, 12);
    expect(r.sim.projections.filter((p) => p.synapseModel.name === 'triplet_auryn')).toHaveLength(1);
    expect(r.summary.plastic).toBe(1);
  });
});
