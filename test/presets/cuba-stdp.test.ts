import { describe, it, expect } from 'vitest';
import { cubaStdp, cubaStatic, resolvePresetParams, runPreset, builtinPlugins, Simulator } from '../../index.js';

describe('cuba-stdp preset (seed 002, plastic_synapses = True)', () => {
  it('builds E→E stdp_synapse with alpha 1.05, Wmax 70, NEST defaults otherwise, weights normal(35, 3), delay 1.5 ms', () => {
    const p = resolvePresetParams(cubaStdp, { scale: 0.1 });
    const sim = new Simulator({ plugins: builtinPlugins, seed: 238 });
    const net = cubaStdp.build(sim, p);
    const ee = sim.projections.find((pr) => pr.source === net.E && pr.target === net.E)!;
    expect(ee.synapseModel.name).toBe('stdp_synapse');
    expect(ee.params).toEqual({ tau_plus: 20, lambda: 0.01, alpha: 1.05, mu_plus: 1, mu_minus: 1, Wmax: 70 });
    expect(ee.options.delay_handler).toBe('dendritic');
    expect(ee.table.homDelay).toBe(15);
    expect(net.E.params.tau_minus).toBe(20);
    const w = ee.weights();
    let sum = 0;
    let sq = 0;
    for (const x of w) {
      sum += x;
      sq += x * x;
    }
    const mean = sum / w.length;
    const sd = Math.sqrt(sq / w.length - mean * mean);
    expect(Math.abs(mean - 35)).toBeLessThan(0.05);
    expect(Math.abs(sd - 3)).toBeLessThan(0.05);
    // The other projections stay static.
    expect(sim.projections.filter((pr) => pr.synapseModel.name === 'static_synapse').length).toBe(3);
  });

  for (const handler of ['dendritic', 'axonal']) {
    it(`runs with the ${handler} handler: rates near the static network's, weights in [0, 70] and moving`, () => {
      const stat = runPreset(cubaStatic, { scale: 0.1, simtime: 300 }, { plugins: builtinPlugins }).summary;
      const { summary, sim, net } = runPreset(cubaStdp, { scale: 0.1, simtime: 300, delay_handler: handler }, { plugins: builtinPlugins });
      expect(summary.rate_e_hz).toBeGreaterThan(0.6 * stat.rate_e_hz);
      expect(summary.rate_e_hz).toBeLessThan(1.6 * stat.rate_e_hz);
      const ee = sim.projections.find((pr) => pr.source === net.E && pr.target === net.E)!;
      const w = ee.weights();
      let changed = 0;
      let lo = Infinity;
      let hi = -Infinity;
      for (const x of w) {
        if (x < lo) lo = x;
        if (x > hi) hi = x;
      }
      expect(lo).toBeGreaterThanOrEqual(0);
      expect(hi).toBeLessThanOrEqual(70);
      const before = new Simulator({ plugins: builtinPlugins, seed: 1 });
      const netB = cubaStdp.build(before, resolvePresetParams(cubaStdp, { scale: 0.1, delay_handler: handler }));
      const w0 = before.projections.find((pr) => pr.source === netB.E && pr.target === netB.E)!.weights();
      for (let k = 0; k < w.length; k++) if (w[k] !== w0[k]) changed++;
      expect(changed).toBeGreaterThan(0.5 * w.length);
      expect(summary.bytes_per_synapse).toBeGreaterThan(0);
    });
  }
});
