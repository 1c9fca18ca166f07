import { describe, it, expect } from 'vitest';
import { pairNet } from './plasticity/helpers.js';
import { createSimulator } from '../../../index.js';

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

/**
 * NEST's stdp_pl_synapse_hom::send, written plainly: for every presynaptic spike at t (stamps (step+1)·h),
 * facilitate by the post spikes of (t_last − d, t − d] with K+ decayed from t_last, depress with K− of the
 * post spikes strictly before t − d, then update K+; t_last starts at 0.
 */
function replayNest(w0: number, pre: readonly number[], post: readonly number[], h: number, d: number): number {
  const [tauPlus, tauMinus, lambda, alpha, mu] = [15, 30, 0.1, 0.0513, 0.4];
  const eps = 1e-9;
  let w = w0;
  let kPlus = 0;
  let tLast = 0;
  for (const s of pre) {
    const t = (s + 1) * h;
    for (const sj of post) {
      const tj = (sj + 1) * h;
      if (tj > tLast - d + eps && tj <= t - d + eps) w += lambda * Math.pow(w, mu) * kPlus * Math.exp((tLast - (tj + d)) / tauPlus);
    }
    let kMinus = 0;
    for (const sj of post) {
      const tj = (sj + 1) * h;
      if (tj < t - d - eps) kMinus += Math.exp((tj - (t - d)) / tauMinus);
    }
    w = Math.max(w - lambda * alpha * w * kMinus, 0);
    kPlus = kPlus * Math.exp((tLast - t) / tauPlus) + 1;
    tLast = t;
  }
  return w;
}

describe('stdp_pl_synapse_hom in a recurrent network', () => {
  it("every weight equals NEST's send() replayed over the recorded spike trains (32 000 synapses, 300 ms)", () => {
    const sim = createSimulator({ seed: 5 });
    const model = { E_L: 0, C_m: 250, tau_m: 10, t_ref: 0.5, V_th: 20, V_reset: 0, tau_syn_ex: 0.3258, tau_syn_in: 0.3258, tau_minus: 30 };
    const [NE, NI, w0] = [400, 100, 45.6];
    const E = sim.create('iaf_psc_alpha', NE, model);
    const I = sim.create('iaf_psc_alpha', NI, model);
    E.set('V_m', { distribution: 'normal', mean: 5.7, std: 7.2 });
    I.set('V_m', { distribution: 'normal', mean: 5.7, std: 7.2 });
    const drive = sim.create('poisson_generator', 1, { rate: 30000 });
    sim.connect(drive, E, 'all_to_all', { weight: w0, delay: 1.5 });
    sim.connect(drive, I, 'all_to_all', { weight: w0, delay: 1.5 });
    const ee = sim.connect(E, E, { rule: 'fixed_indegree', indegree: 80, allow_autapses: false }, { ...params, weight: w0 })!;
    sim.connect(I, E, { rule: 'fixed_indegree', indegree: 20 }, { weight: -5 * w0, delay: 1.5 });
    sim.connect(E, I, { rule: 'fixed_indegree', indegree: 80 }, { weight: w0, delay: 1.5 });
    sim.connect(I, I, { rule: 'fixed_indegree', indegree: 20 }, { weight: -5 * w0, delay: 1.5 });
    const rec = sim.create('spike_recorder');
    sim.connect(E, rec);
    sim.simulate(300);
    const steps = (rec.runtime as unknown as { steps(): Int32Array }).steps();
    const senders = rec.events<{ senders: Int32Array }>().senders;
    const trains: number[][] = Array.from({ length: NE }, () => []);
    for (let i = 0; i < steps.length; i++) trains[senders[i] - E.firstGid].push(steps[i]);
    // Dozens of spikes per neuron: the post histories grow past their first capacity.
    expect(steps.length / NE).toBeGreaterThan(30);
    const t = ee.table;
    const w = ee.weights();
    let worst = 0;
    let moved = 0;
    for (let s = 0; s < t.sourceCount; s++) {
      for (let k = t.rowStart[s]; k < t.rowStart[s + 1]; k++) {
        const ref = replayNest(w0, trains[s], trains[t.target[k]], sim.dt, 1.5);
        worst = Math.max(worst, Math.abs(w[k] - ref) / ref);
        if (Math.abs(ref - w0) > 0.01) moved++;
      }
    }
    // Weights are float32 and rounded after every update: a few ulps.
    expect(worst).toBeLessThan(1e-6);
    expect(moved).toBeGreaterThan(t.count / 2);
  });
});
