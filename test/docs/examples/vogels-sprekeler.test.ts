import { describe, it, expect } from 'vitest';
import { createSimulator, builtinPlugins } from '../../../index.js';
import { vogelsSprekelerSynapse } from '../../../docs/examples/vogels-sprekeler.js';
import { forcer, slaveNeuron, ulp32 } from '../../plugins/synapses/plasticity/helpers.js';

/**
 * A rule written outside the package (docs/examples/vogels-sprekeler.ts, public API only) registers
 * like a built-in one and runs with both delay handlers. The weights after a pairing sequence must
 * match NEST's vogels_sprekeler_synapse update sequence, written out here.
 */
function run(handler: 'dendritic' | 'axonal') {
  const dt = 0.1;
  const sim = createSimulator({ dt, plugins: [...builtinPlugins, vogelsSprekelerSynapse, forcer('force_pre', [[100, 300, 700]]), forcer('force_post', [[160, 250, 500]])] });
  const pre = sim.create('iaf_psc_exp', 1, slaveNeuron);
  const post = sim.create('iaf_psc_exp', 1, slaveNeuron); // tau_minus 20 ms, as tau
  sim.connect(sim.create('force_pre'), pre, 'all_to_all', { weight: 1e6, delay: dt });
  sim.connect(sim.create('force_post'), post, 'all_to_all', { weight: 1e6, delay: dt });
  const proj = sim.connect(pre, post, { rule: 'fixed_indegree', indegree: 1 }, {
    synapse_model: 'vogels_sprekeler_synapse', weight: -0.5, delay: 1, eta: 0.05, alpha: 0.12, tau: 20, Wmax: 2, delay_handler: handler,
  })!;
  sim.simulate(80);
  return proj;
}

describe('a user-defined rule from docs/examples', () => {
  it('is listed by the registry and keeps its inhibitory sign', () => {
    const sim = createSimulator({ plugins: [...builtinPlugins, vogelsSprekelerSynapse] });
    expect(sim.registry.get('synapse', 'vogels_sprekeler_synapse').plastic).toBe(true);
  });

  it('dendritic: the NEST update sequence (pre at 10, 30, 70 ms; post at 16, 25, 50 ms; delay 1 ms)', () => {
    const proj = run('dendritic');
    const E = Math.exp;
    const eta = 0.05;
    const step = (w: number, k: number) => Math.min(w + eta * k, 2);
    const dep = (w: number) => Math.max(w - 0.12 * eta, 0);
    // t = 10: no post spike before 9 ms.
    let w = dep(step(0.5, 0));
    w = Math.fround(w);
    // t = 30: posts 16, 25 reach the synapse at 17, 26 (pre trace from t = 10), then the post trace at 29 ms.
    w = step(w, E(-(17 - 10) / 20));
    w = step(w, E(-(26 - 10) / 20));
    w = dep(step(w, E(-(29 - 16) / 20) + E(-(29 - 25) / 20)));
    w = Math.fround(w);
    // t = 70: post 50 reaches the synapse at 51, pre trace from 10 and 30; post trace at 69 ms.
    w = step(w, (E(-(30 - 10) / 20) + 1) * E(-(51 - 30) / 20));
    w = dep(step(w, E(-(69 - 16) / 20) + E(-(69 - 25) / 20) + E(-(69 - 50) / 20)));
    const got = proj.weights()[0];
    expect(got).toBeLessThan(0);
    expect(Math.abs(-got - w)).toBeLessThanOrEqual(1e-6 * w + ulp32(w));
    expect(-got).toBeGreaterThan(0.5);
  });

  it('axonal: runs, stays inhibitory and within [0, Wmax] in magnitude', () => {
    const w = run('axonal').weights()[0];
    expect(w).toBeLessThan(0);
    expect(-w).toBeLessThanOrEqual(2);
    expect(-w).toBeGreaterThan(0.5);
  });
});
