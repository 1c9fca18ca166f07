import { describe, it, expect } from 'vitest';
import { builtinPlugins } from '../../plugins/index.js';
import { runPreset, findPreset, presets, resolvePresetParams } from '../../presets/index.js';
import { brunelDerived, BRUNEL_REGIMES } from '../../presets/brunel.js';
import { ParameterError } from '../../core/errors.js';
import { indegrees, mean, expectBinomial } from './helpers.js';

const opts = { plugins: builtinPlugins };

describe('brunel (Brunel 2000, NEST brunel_delta_nest)', () => {
  it('each regime sets g and eta; the Poisson rate is eta × nu_thr × CE', () => {
    const brunel = findPreset(presets, 'brunel');
    const expected: Record<string, [number, number]> = { SR: [3, 2], 'SI-fast': [6, 4], AI: [5, 2], 'SI-slow': [4.5, 0.9] };
    for (const [regime, [g, eta]] of Object.entries(expected)) {
      const d = brunelDerived(resolvePresetParams(brunel, { regime }));
      expect([d.g, d.eta]).toEqual([g, eta]);
      expect(BRUNEL_REGIMES[regime as keyof typeof BRUNEL_REGIMES].g).toBe(g);
      // nu_thr = theta / (J CE tau) = 20 / (0.1 · 1000 · 20) per ms.
      expect(d.nuTh).toBeCloseTo(0.01, 12);
      expect(d.pRate).toBeCloseTo(eta * 0.01 * 1000 * 1000, 9);
    }
    const custom = brunelDerived(resolvePresetParams(brunel, { regime: 'custom', g: 7, eta: 1.5 }));
    expect([custom.g, custom.eta]).toEqual([7, 1.5]);
    expect(() => resolvePresetParams(brunel, { regime: 'XY' })).toThrow(/'regime' = "XY" is invalid; allowed: one of SR, SI-fast, AI, SI-slow, custom/);
  });

  it('keeps indegrees CE 1000 and CI 250 at scale 0.1, with weights J and −g·J', () => {
    const r = runPreset(findPreset(presets, 'brunel'), { scale: 0.1, simtime: 50, regime: 'SI-slow' }, opts);
    const { sim, net } = r;
    expect([net.E.size, net.I.size]).toEqual([1000, 250]);
    for (const post of [net.E, net.I]) {
      expect(Array.from(new Set(indegrees(sim, net.E, post)))).toEqual([1000]);
      expect(Array.from(new Set(indegrees(sim, net.I, post)))).toEqual([250]);
    }
    expect(r.summary.synapses).toBe(1250 * 1250);
    const inh = sim.projections.find((p) => p.source === net.I)!.weights();
    expect(inh[0]).toBeCloseTo(-0.45, 6);
    expect(r.summary.poisson_rate_hz).toBeCloseTo(9000, 6);
    expect(() => runPreset(findPreset(presets, 'brunel'), { scale: 0.05, simtime: 1 }, opts)).toThrow(ParameterError);
  });
});

describe('brunel-stdp (Zenke & Gerstner 2014 §2.3.3, Auryn sim_brunel2k_pl)', () => {
  it('at scale 0.2 (static E→E): expected indegree 0.1 × 8000 E, 10^7 × scale synapses, weights J and −gamma·J', () => {
    const r = runPreset(findPreset(presets, 'brunel-stdp'), { scale: 0.2, simtime: 20, plastic: 0 }, opts);
    const { sim, net } = r;
    expect([net.E.size, net.I.size]).toEqual([1600, 400]);
    expectBinomial(r.summary.synapses, 2000 * 2000, 0.5);
    expect(Math.abs(mean(indegrees(sim, net.E, net.E)) - 800) / 800).toBeLessThan(0.01);
    expect(Math.abs(mean(indegrees(sim, net.I, net.E)) - 200) / 200).toBeLessThan(0.02);
    expect(sim.projections.every((p) => p.table.homDelay === 8)).toBe(true);
    const ie = sim.projections.find((p) => p.source === net.I && p.target === net.E)!.weights();
    expect(ie[0]).toBeCloseTo(-0.5, 6);
    expect(r.summary.Wmax_mV).toBeCloseTo(0.3, 12);
  });

  it('plastic by default: E→E stdp_synapse with alpha 2.02, Wmax 3 J, weight-dependent (mu 1)', () => {
    const r = runPreset(findPreset(presets, 'brunel-stdp'), { scale: 0.2, simtime: 30 }, opts);
    const ee = r.sim.projections.find((p) => p.source === r.net.E && p.target === r.net.E)!;
    expect(ee.synapseModel.name).toBe('stdp_synapse');
    expect(ee.params).toMatchObject({ alpha: 2.02, lambda: 0.01, mu_plus: 1, mu_minus: 1, tau_plus: 20 });
    expect(ee.params.Wmax).toBeCloseTo(0.3, 12);
    const w = ee.weights();
    let max = 0;
    for (let i = 0; i < w.length; i++) max = Math.max(max, w[i]);
    expect(max).toBeLessThanOrEqual(0.3 + 1e-6);
  });
});
