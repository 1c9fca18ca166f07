import { describe, it, expect } from 'vitest';
import { createSimulator, builtinPlugins, ParameterError } from '../../../index.js';
import { synapticScalingSystem, SynapticScaling } from '../../../docs/examples/synaptic-scaling.js';

/**
 * The scaling system of docs/examples (public API only) registered like a plugin: 200 iaf_psc_alpha neurons
 * driven by 100 Poisson sources each (10 Hz), weights drawn around a mean that makes them fire far below or
 * far above the 8 Hz target. Scaling every 200 ms with eta 0.1 brings the rate to the target from both sides.
 */
function run(meanWeight: number) {
  const sim = createSimulator({ seed: 3, plugins: [...builtinPlugins, synapticScalingSystem] });
  const input = sim.create('poisson_population', 500, { rate: 10 });
  const pop = sim.create('iaf_psc_alpha', 200);
  const proj = sim.connect(input, pop, { rule: 'fixed_indegree', indegree: 100 }, {
    weight: { distribution: 'uniform', min: 0.5 * meanWeight, max: 1.5 * meanWeight }, delay: 1,
  })!;
  sim.attach(proj, SynapticScaling, { target: 8, period: 200, eta: 0.1 });
  const w0 = proj.weights();
  const rates: number[] = [];
  let before = 0;
  for (let s = 0; s < 10; s++) {
    sim.simulate(1000);
    const c = sim.spikeCounts()[pop.id];
    rates.push((c - before) / pop.size);
    before = c;
  }
  return { sim, proj, w0, rates };
}

describe('docs/examples/synaptic-scaling.ts: a user system', () => {
  for (const meanWeight of [30, 120]) {
    it(`brings the mean rate within 10 % of its 8 Hz target (weights around ${meanWeight} pA to start)`, () => {
      const { proj, w0, rates, sim } = run(meanWeight);
      // The start is far from the target: below 1 Hz or above 15 Hz in the first second.
      expect(meanWeight < 50 ? rates[0] < 1 : rates[0] > 15).toBe(true);
      const late = rates.slice(6).reduce((a, b) => a + b, 0) / 4;
      expect(Math.abs(late / 8 - 1)).toBeLessThan(0.1);
      // Multiplicative: the weights onto one neuron keep their ratios (float32 rounding over 50 scalings).
      const t = proj.table;
      const w = proj.weights();
      const onto0 = Array.from({ length: t.count }, (_, k) => k).filter((k) => t.target[k] === 0);
      for (const k of onto0.slice(1)) expect(Math.abs(w[k] / w[onto0[0]] / (w0[k] / w0[onto0[0]]) - 1)).toBeLessThan(1e-5);
      expect(sim.schedule()).toMatch(/control\s+synaptic_scaling\n\s+projection 0 .*toward 8 Hz every 200 ms/);
    });
  }

  it('refuses a projection whose weight is one scalar, naming the setting', () => {
    const sim = createSimulator({ plugins: [...builtinPlugins, synapticScalingSystem] });
    const a = sim.create('iaf_psc_alpha', 10);
    const p = sim.connect(a, a, { rule: 'fixed_indegree', indegree: 2 }, { weight: 5, delay: 1 })!;
    sim.attach(p, SynapticScaling, { target: 5, period: 100 });
    expect(() => sim.simulate(1)).toThrow(ParameterError);
    expect(() => sim.schedule()).toThrow(/synaptic_scaling \(projection 0\): parameter 'weight' = 5 is invalid; allowed: weights stored per synapse/);
  });
});
