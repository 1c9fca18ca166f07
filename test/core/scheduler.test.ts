import { describe, it, expect } from 'vitest';
import { createSimulator } from '../../index.js';
import { spikeDigest } from '../../core/digest.js';

/**
 * A slice run population by population (NeuronGroup.updateSlice) must give exactly what NEST's per-step
 * loop gives. A multimeter forces the per-step loop (it samples state within a slice), so the same network
 * with and without one must record the same spikes in the same order.
 */
function network(withMultimeter: boolean, minDelay = 0.8) {
  const sim = createSimulator({ dt: 0.1, seed: 7 });
  const cell = { C_m: 200, g_L: 10, E_L: -60, V_th: -50, V_reset: -60, t_ref: 5, E_ex: 0, E_in: -80, tau_syn_ex: 5, tau_syn_in: 10, I_e: 150 };
  // two f32x4 groups (sliced kernels), and a parrot group without updateSlice (the generic fallback)
  const E = sim.create('iaf_cond_exp', 400, cell, { integrator: 'euler-f32x4-wasm-simd' });
  const I = sim.create('iaf_cond_exp', 100, cell, { integrator: 'euler-f32x4-wasm-simd' });
  const P = sim.create('parrot_neuron', 50);
  E.set('V_m', { distribution: 'uniform', min: -60, max: -50 });
  I.set('V_m', { distribution: 'uniform', min: -60, max: -50 });
  const drive = sim.create('poisson_generator', 1, { rate: 20 });
  sim.connect(drive, P, 'all_to_all', { weight: 1, delay: 0.1 });
  const conn = { rule: 'pairwise_bernoulli', p: 0.1 };
  sim.connect(E, E, conn, { weight: 2, delay: minDelay });
  sim.connect(E, I, conn, { weight: 2, delay: minDelay + 0.4 });
  sim.connect(I, E, conn, { weight: -20, delay: minDelay });
  sim.connect(I, I, conn, { weight: -20, delay: minDelay });
  sim.connect(P, E, conn, { weight: 6, delay: minDelay + 0.2 });
  // a dc_generator writes the current channel the kernels read
  const dc = sim.create('dc_generator', 1, { amplitude: 40, start: 100, stop: 300 });
  sim.connect(dc, I, 'all_to_all', { weight: 1, delay: 0.1 });
  const rec = sim.create('spike_recorder');
  sim.connect(E, rec);
  sim.connect(I, rec);
  sim.connect(P, rec);
  if (withMultimeter) {
    const mm = sim.create('multimeter', 1, { interval: 1, record_from: ['V_m'] });
    sim.connect(mm, E.slice(0, 1));
  }
  sim.simulate(300);
  sim.simulate(200.4); // a partial last slice
  const ev = rec.events<{ senders: Int32Array; times: Float64Array }>();
  const steps = Array.from(ev.times, (t) => Math.round(t / 0.1));
  return { mode: sim.sliceMode, minDelaySteps: sim.delays.minDelaySteps, senders: Array.from(ev.senders), steps, digest: spikeDigest(ev.senders, steps), V: Array.from(E.get('V_m')) };
}

describe('population-by-population slices (updateSlice)', () => {
  it('record the same spikes, in the same order, as the per-step loop, and leave the same state', () => {
    const sliced = network(false);
    const stepped = network(true);
    expect(sliced.mode).toBe('blocked');
    expect(stepped.mode).toBe('stepwise');
    expect(sliced.senders.length).toBeGreaterThan(2000);
    // every group spiked
    expect(new Set(sliced.senders.map((g) => (g <= 400 ? 'E' : g <= 500 ? 'I' : 'P'))).size).toBe(3);
    expect(sliced.senders).toEqual(stepped.senders);
    expect(sliced.steps).toEqual(stepped.steps);
    expect(sliced.digest).toBe(stepped.digest);
    expect(sliced.V).toEqual(stepped.V);
  });

  it('do the same when a min-delay slice is longer than one block (4.5 ms: 45 steps, run as 32 + 13)', () => {
    const sliced = network(false, 4.5);
    const stepped = network(true, 4.5);
    expect(sliced.minDelaySteps).toBe(45);
    expect(sliced.mode).toBe('blocked');
    expect(sliced.senders.length).toBeGreaterThan(2000);
    expect(sliced.senders).toEqual(stepped.senders);
    expect(sliced.steps).toEqual(stepped.steps);
    expect(sliced.V).toEqual(stepped.V);
  });
});
