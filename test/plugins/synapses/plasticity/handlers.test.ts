import { describe, it, expect } from 'vitest';
import { pairNet, ulp32 } from './helpers.js';

/**
 * Dendritic (NEST) and axonal (Auryn) delays see a pair at different lags: post - pre + d at the
 * synapse for a dendritic delay, post - pre - d for an axonal one (NEST's stdp_pl_synapse_hom_ax_delay
 * uses the same convention). With a delay of one step and pairs far apart, the two must give the same
 * weights once the spikes are timed to give the same lag at the synapse, and must differ by exactly that
 * 2d shift when they are not.
 */
const dt = 0.1;
const gap = 10000; // 1 s between pairs: every trace is down to e^-50
const lags = [-300, -120, -40, -7, 6, 25, 90, 250]; // steps, at the synapse

function run(synapse: Record<string, unknown>, handler: 'dendritic' | 'axonal', shift: number, postParams?: Record<string, number>) {
  const pre: number[] = [];
  const post: number[] = [];
  lags.forEach((lag, i) => {
    const p = 1000 + i * gap;
    pre.push(p);
    post.push(p + lag + shift);
  });
  pre.push(1000 + lags.length * gap);
  const net = pairNet({ dt, pre, post, synapse: { ...synapse, delay: dt, delay_handler: handler }, postParams });
  net.sim.simulate((pre[pre.length - 1] + 10) * dt);
  expect(net.postSteps().length).toBe(lags.length);
  return net.weights()[0];
}

const rules: [string, Record<string, unknown>, Record<string, number>?][] = [
  ['stdp_synapse', { synapse_model: 'stdp_synapse', weight: 50, lambda: 0.1, alpha: 1.05, Wmax: 100 }],
  ['stdp_pl_synapse_hom', { synapse_model: 'stdp_pl_synapse_hom', weight: 45, alpha: 0.0513, lambda: 0.1, mu: 0.4, tau_plus: 15 }, { tau_minus: 30 }],
  ['stdp_triplet_synapse', { synapse_model: 'stdp_triplet_synapse', weight: 50, Aplus: 0.5, Aminus: 0.7, Aplus_triplet: 0.3, Aminus_triplet: 0.2 }],
];

describe('dendritic and axonal delay handlers at a delay of one step', () => {
  for (const [name, syn, postParams] of rules) {
    it(`${name}: equal weights for equal lags at the synapse, far-apart pairs`, () => {
      // post emitted at pre + lag - 1 (dendritic) or pre + lag + 1 (axonal): the same lag at the synapse.
      const wd = run(syn, 'dendritic', -1, postParams);
      const wa = run(syn, 'axonal', +1, postParams);
      const w0 = syn.weight as number;
      expect(Math.abs(wd - w0)).toBeGreaterThan(0.005 * w0);
      // Dendritic stores the weight once per pre spike, axonal after every event: a few float32 roundings.
      expect(Math.abs(wd - wa)).toBeLessThanOrEqual(4 * lags.length * ulp32(wd));
    });
  }

  it('the same emission times give different weights: the lag differs by 2 steps at the synapse', () => {
    const [, syn] = rules[0];
    const wd = run(syn, 'dendritic', 0);
    const wa = run(syn, 'axonal', 0);
    expect(Math.abs(wd - wa)).toBeGreaterThan(1000 * ulp32(wd));
  });
});

describe('dendritic history of a neuron whose source falls silent', () => {
  it('stays bounded and the late presynaptic spike still applies every pairing exactly', async () => {
    const { referenceWeight } = await import('./helpers.js');
    const { nestStdp } = await import('./rules.js');
    // One source fires at 10 ms and again 10 s later; its target fires at ~67 Hz in between (600 spikes).
    const post: number[] = [];
    for (let s = 120; s < 90000; s += 150) post.push(s);
    const pre = [100, 100000];
    const syn = { synapse_model: 'stdp_synapse', weight: 50, delay: 1.5, lambda: 0.1, alpha: 1.05, Wmax: 100 };
    const net = pairNet({ dt, pre, post, synapse: syn });
    net.sim.simulate(10010);
    const rt = net.sim.projections[0].runtime!;
    // 600 post spikes would need a 1024-entry history (28 kB); the flush keeps it at 32 entries.
    expect(rt.neuronBytes!()).toBeLessThan(2000);
    const ref = referenceWeight(nestStdp({ tau_plus: 20, tau_minus: 20, lambda: 0.1, alpha: 1.05, mu_plus: 1, mu_minus: 1, Wmax: 100 }), 'dendritic', pre, post, 15, 50, dt);
    const w = net.weights()[0];
    expect(w).toBeGreaterThan(50);
    // The flush stores the weight once more as float32: a few roundings apart from NEST's sequence.
    expect(Math.abs(w - ref)).toBeLessThanOrEqual(1e-6 * (ref - 50) + 4 * ulp32(ref));
  });
});

describe('per-synapse delays (dendritic)', () => {
  it('a delay array with the same value gives the same weights as the scalar delay', () => {
    const pre = [1000, 1300, 2000, 2600];
    const post = [1100, 1280, 1990, 2700];
    const base = { synapse_model: 'stdp_synapse', weight: 50, lambda: 0.1, alpha: 1.05, Wmax: 100 };
    const a = pairNet({ dt, pre, post, synapse: { ...base, delay: 1.5 } });
    const b = pairNet({ dt, pre, post, synapse: { ...base, delay: { distribution: 'uniform', min: 1.5, max: 1.50001 } } });
    a.sim.simulate(300);
    b.sim.simulate(300);
    expect(b.sim.projections[0].table.delay).not.toBeNull();
    expect(a.weights()[0]).not.toBe(50);
    expect(b.weights()[0]).toBe(a.weights()[0]);
  });
});
