import { describe, it, expect } from 'vitest';
import { pairNet } from './plasticity/helpers.js';

/**
 * stdp_pl_synapse_hom with seed 000's parameters (alpha 0.0513, lambda 0.1, mu 0.4, tau_plus 15 ms,
 * tau_minus 30 ms on the neuron), delay 1.5 ms, on two neurons: presynaptic spikes at 10, 30, 70 ms,
 * postsynaptic spikes at 16, 25, 50 ms (spike stamps are the end of the step; only differences matter).
 * The expected weights are NEST's update sequence written out by hand.
 */
const params = { synapse_model: 'stdp_pl_synapse_hom', weight: 45, delay: 1.5, alpha: 0.0513, lambda: 0.1, mu: 0.4, tau_plus: 15 };
const E = Math.exp;
const fac = (w: number, k: number) => w + 0.1 * Math.pow(w, 0.4) * k;
const dep = (w: number, k: number) => Math.max(w - 0.1 * 0.0513 * w * k, 0);

describe('stdp_pl_synapse_hom: a hand-computed sequence of updates', () => {
  it('dendritic (NEST): updates at 10, 30 and 70 ms from the post history shifted by the delay', () => {
    const net = pairNet({ pre: [100, 300, 700], post: [160, 250, 500], synapse: params, postParams: { tau_minus: 30 } });
    const seen: number[] = [];
    // Read the weight after each presynaptic spike has been propagated (slices are 1.5 ms).
    for (const t of [15, 45, 75]) {
      net.sim.simulate(t - net.sim.time);
      seen.push(net.weights()[0]);
    }
    // t = 10: no postsynaptic spike before 10 - 1.5 ms: nothing to depress, Kplus = 1.
    const w1 = 45;
    // t = 30: post spikes at 16 and 25 reach the synapse at 17.5 and 26.5 ms (window (8.5, 28.5]).
    let w = fac(w1, E((10 - 17.5) / 15));
    w = fac(w, E((10 - 26.5) / 15));
    w = dep(w, E(-(28.5 - 16) / 30) + E(-(28.5 - 25) / 30));
    const w2 = Math.fround(w);
    const kplus = E((10 - 30) / 15) + 1;
    // t = 70: post spike at 50 (window (28.5, 68.5]), then depression with all three post spikes.
    w = fac(w2, kplus * E((30 - 51.5) / 15));
    w = dep(w, E(-(68.5 - 16) / 30) + E(-(68.5 - 25) / 30) + E(-(68.5 - 50) / 30));
    const w3 = w;
    expect(seen[0]).toBe(w1);
    expect(Math.abs(seen[1] - w2) / w2).toBeLessThan(1e-6);
    expect(Math.abs(seen[2] - w3) / w3).toBeLessThan(1e-6);
    expect(seen[1]).not.toBe(w1);
  });

  it('axonal (Auryn): each update when its spike reaches the synapse (pre at 11.5, 31.5, 71.5 ms)', () => {
    const net = pairNet({ pre: [100, 300, 700], post: [160, 250, 500], synapse: { ...params, delay_handler: 'axonal' }, postParams: { tau_minus: 30 } });
    net.sim.simulate(80);
    let w = 45; // arrival at 11.5: no post spike yet
    w = Math.fround(fac(w, E(-(16 - 11.5) / 15)));
    w = Math.fround(fac(w, E(-(25 - 11.5) / 15)));
    w = Math.fround(dep(w, E(-(31.5 - 16) / 30) + E(-(31.5 - 25) / 30)));
    const x = E(-(31.5 - 11.5) / 15) + 1;
    w = Math.fround(fac(w, x * E(-(50 - 31.5) / 15)));
    w = dep(w, E(-(71.5 - 16) / 30) + E(-(71.5 - 25) / 30) + E(-(71.5 - 50) / 30));
    expect(Math.abs(net.weights()[0] - w) / w).toBeLessThan(1e-6);
  });
});
