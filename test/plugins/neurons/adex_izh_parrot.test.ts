import { describe, it, expect } from 'vitest';
import { trace, spikeSource } from './harness.js';
import { rk4 } from './reference.js';
import { createSimulator } from '../../../index.js';
import { drive } from '../schemes/helpers.js';
import { aeifCondExp } from '../../../plugins/neurons/aeif_cond_exp.js';

const h = 0.1;

/** AdEx under a constant current: RK4 at h/1000, spike and reset checked after every fine step. */
function adexReference(p: Record<string, number>, steps: number): { spikes: number[]; w: number[] } {
  const y = Float64Array.of(p.E_L, 0);
  const rhs = (y: Float64Array, f: Float64Array) => {
    const V = Math.min(y[0], p.V_peak);
    f[0] = (-p.g_L * (V - p.E_L) + p.g_L * p.Delta_T * Math.exp((V - p.V_th) / p.Delta_T) - y[1] + p.I_e) / p.C_m;
    f[1] = (p.a * (V - p.E_L) - y[1]) / p.tau_w;
  };
  const spikes: number[] = [];
  const w: number[] = [];
  for (let k = 0; k < steps; k++) {
    for (let j = 0; j < 1000; j++) {
      rk4(rhs, y, h / 1000, 1);
      if (y[0] >= p.V_peak) {
        y[0] = p.V_reset;
        y[1] += p.b;
        spikes.push(k);
      }
    }
    w.push(y[1]);
  }
  return { spikes, w };
}

describe('aeif_cond_exp (AdEx)', () => {
  const nestDefaults = { C_m: 281, g_L: 30, E_L: -70.6, V_th: -50.4, Delta_T: 2, V_peak: 0, V_reset: -60, a: 4, b: 80.5, tau_w: 144 };

  for (const I of [800, 1500]) {
    it(`I_e = ${I} pA: spike steps and adaptation current match a fine-step reference; intervals lengthen (adaptation)`, () => {
      const p = { ...nestDefaults, I_e: I };
      const steps = 3000;
      const sim = trace('aeif_cond_exp', p, steps, { record: ['V_m', 'w'] });
      const ref = adexReference(p, steps);
      expect(sim.spikeSteps.length).toBeGreaterThanOrEqual(5);
      expect(sim.spikeSteps.length).toBe(ref.spikes.length);
      for (let k = 0; k < ref.spikes.length; k++) expect(Math.abs(sim.spikeSteps[k] - ref.spikes[k])).toBeLessThanOrEqual(1);
      // w after every step: within 0.05 % of its range (the per-step tolerance is 1e-6 relative).
      let maxW = 0;
      for (let k = 0; k < steps; k++) maxW = Math.max(maxW, Math.abs(sim.values.w[k] - ref.w[k]));
      expect(maxW).toBeLessThan(5e-4 * Math.max(...ref.w));
      const isis = sim.spikeSteps.slice(1).map((s, k) => s - sim.spikeSteps[k]);
      for (let k = 1; k < Math.min(4, isis.length); k++) expect(isis[k]).toBeGreaterThan(isis[k - 1]);
      // Spike-triggered adaptation: w jumps by b in the spike's step.
      const s = sim.spikeSteps[0];
      expect(sim.values.w[s] - sim.values.w[s - 1]).toBeGreaterThan(0.99 * p.b);
    });
  }

  it('with Delta_T = 0 it is a LIF with threshold V_th (spikes detected at V_th)', () => {
    const r = trace('aeif_cond_exp', { ...nestDefaults, Delta_T: 0, a: 0, b: 0, I_e: 1000 }, 2000);
    const tau = 281 / 30;
    const free = tau * Math.log((1000 / 30 - (-60 + 70.6)) / (1000 / 30 - (-50.4 + 70.6)));
    const isis = r.spikeSteps.slice(1).map((s, k) => (s - r.spikeSteps[k]) * h);
    expect(isis.length).toBeGreaterThan(3);
    for (const isi of isis) {
      expect(isi).toBeGreaterThanOrEqual(free - 1e-3);
      expect(isi).toBeLessThan(free + h + 1e-3);
    }
  });
});

describe('izhikevich', () => {
  it('tonic spiking (a 0.02, b 0.2, c −65, d 6, I 14; Izhikevich 2004): a regular train within 2 % of the interval of a fine-step reference', () => {
    // Fine reference: the same equations with forward Euler at 1e-4 ms.
    let v = -65;
    let u = 0;
    const fine: number[] = [];
    const hf = 1e-4;
    for (let k = 0; k < 300 / hf; k++) {
      const v0 = v;
      v += hf * (0.04 * v0 * v0 + 5 * v0 + 140 - u + 14);
      u += hf * 0.02 * (0.2 * v0 - u);
      if (v >= 30) {
        v = -65;
        u += 6;
        fine.push((k + 1) * hf);
      }
    }
    const fineIsi = fine.at(-1)! - fine.at(-2)!;
    for (const ci of [1, 0]) {
      const r = trace('izhikevich', { a: 0.02, b: 0.2, c: -65, d: 6, I_e: 14, consistent_integration: ci }, 3000);
      const isis = r.spikeSteps.slice(1).map((s, k) => (s - r.spikeSteps[k]) * h);
      expect(isis.length).toBeGreaterThan(8);
      const steady = isis.slice(3);
      // Tonic: a constant interval on the grid; Euler at 0.1 ms plus the grid's rounding keep it within
      // 2 % of the fine reference (measured 27.0 vs 26.75 ms).
      for (const isi of steady) expect(isi).toBeCloseTo(steady[0], 9);
      expect(Math.abs(steady[0] - fineIsi)).toBeLessThan(0.02 * fineIsi);
    }
  });

  it("one step follows NEST's update: V += h(0.04V² + 5V + 140 − U + I) + input; U += h a(bV − U)", () => {
    const r = trace('izhikevich', { I_e: 10 }, 2, { record: ['V_m', 'U_m'], devices: [{ plugin: spikeSource([{ step: 0, weight: 3 }]), delay: h }] });
    const v1 = -65 + h * (0.04 * 65 * 65 - 5 * 65 + 140 - 0 + 10);
    const u1 = h * 0.02 * (0.2 * -65);
    expect(r.values.V_m[0]).toBeCloseTo(v1, 12);
    expect(r.values.U_m[0]).toBeCloseTo(u1, 12);
    // The spike sent in step 0 is read in step 1 and moves V in that same step (NEST's izhikevich order).
    const v2 = v1 + h * (0.04 * v1 * v1 + 5 * v1 + 140 - u1 + 10) + 3;
    expect(r.values.V_m[1]).toBeCloseTo(v2, 12);
  });
});

describe('parrot_neuron', () => {
  it('spikes in the step the input arrives (t_in + delay), once per step, whatever the weight sign', () => {
    const input = [
      { step: 5, weight: 1 },
      { step: 5, weight: 1 }, // two in one step: one output spike (no multiplicity)
      { step: 20, weight: -2 },
      { step: 33, weight: 0.5 },
    ];
    const r = trace('parrot_neuron', {}, 60, { record: ['input'], devices: [{ plugin: spikeSource(input), delay: 1.0 }] });
    expect(r.spikeSteps).toEqual([15, 30, 43]);
  });

  it('repeats spikes of a neuron population through the kernel: parrot spike time = source spike time + delay', async () => {
    const { createSimulator } = await import('../../../index.js');
    const sim = createSimulator({ dt: h });
    const src = sim.create('iaf_psc_alpha', 1, { I_e: 1000 });
    const parrot = sim.create('parrot_neuron', 1);
    sim.connect(src, parrot, { rule: 'fixed_indegree', indegree: 1 }, { weight: 1, delay: 1.5 });
    const rec = sim.create('spike_recorder');
    sim.connect(src, rec);
    sim.connect(parrot, rec);
    sim.simulate(100);
    const ev = rec.events<{ senders: Int32Array; times: Float64Array }>();
    const srcTimes = Array.from(ev.times).filter((_, k) => ev.senders[k] === src.firstGid);
    const parrotTimes = Array.from(ev.times).filter((_, k) => ev.senders[k] === parrot.firstGid);
    expect(srcTimes.length).toBeGreaterThan(5);
    const expected = srcTimes.map((t) => t + 1.5).filter((t) => t <= 100 + 1e-9);
    expect(parrotTimes.length).toBe(expected.length);
    for (let k = 0; k < expected.length; k++) expect(parrotTimes[k]).toBeCloseTo(expected[k], 9);
  });
});

describe('the specialised aeif_cond_exp RKF45 kernel', () => {
  it('agrees with the generic Rkf45 driver (AeifSystem) under irregular input, currents, spikes and refractoriness', async () => {
    const { createAeifRkf45, createAeifRkf45Generic, aeifParams, aeifCondExp } = await import('../../../plugins/neurons/aeif_cond_exp.js');
    const { kernelOf } = await import('../../support/kernels.js');
    const { resolveParams } = await import('../../../core/schema.js');
    const { RingBuffer } = await import('../../../core/ringbuffer.js');
    const n = 100;
    const slots = 16;
    for (const tRef of [0, 1]) {
      const params = resolveParams('t', aeifParams, { I_e: 700, t_ref: tRef });
      const ctx = { n, params, dt: h, firstGid: 1, seed: 1 };
      const a = kernelOf(aeifCondExp, aeifCondExp.integrators.rkf45, ctx, (c) => createAeifRkf45(c, 1));
      const b = kernelOf(aeifCondExp, aeifCondExp.integrators.rkf45, ctx, (c) => createAeifRkf45Generic(c, 1));
      const ring = new RingBuffer(n, slots);
      let s = 11;
      const rand = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296);
      for (let k = 0; k < n * slots; k++) {
        if (rand() < 0.2) ring.ex[k] = 3 * rand();
        if (rand() < 0.05) ring.inh[k] = -6 * rand();
        if (rand() < 0.1) ring.cur[k] = 300 * rand();
      }
      const sa = new Int32Array(n);
      const sb = new Int32Array(n);
      let spikes = 0;
      for (let st = 0; st < 1000; st++) {
        const off = (st % slots) * n;
        const ca = a.update(st, ring, off, sa);
        const cb = b.update(st, ring, off, sb);
        expect(ca).toBe(cb);
        for (let k = 0; k < ca; k++) expect(sa[k]).toBe(sb[k]);
        spikes += ca;
      }
      expect(spikes).toBeGreaterThan(50);
      for (const key of ['V_m', 'g_ex', 'g_in', 'w']) {
        for (let i = 0; i < n; i++) expect(Math.abs(a.state[key][i] - b.state[key][i])).toBeLessThan(1e-9 * Math.max(1, Math.abs(b.state[key][i])));
      }
    }
  });
});

describe('izhikevich under generated schemes', () => {
  it("consistent_integration = 0 (the published scheme) is a ParameterError outside 'euler', which runs it", () => {
    const sim = createSimulator();
    sim.create('izhikevich', 2, { consistent_integration: 0 }, { integrator: 'euler-generated' });
    expect(() => sim.simulate(1)).toThrow(/consistent_integration.*'euler' takes 0/);
    const fine = createSimulator();
    fine.create('izhikevich', 2, { consistent_integration: 0 });
    expect(() => fine.simulate(1)).not.toThrow();
  });
});

describe('aeif_cond_exp as equations', () => {
  it("the generated rkf45 and rk4 fire within 0.5 ms of NEST's in-loop rkf45 over 7 adapting spikes (800 pA DC, 300 ms)", () => {
    const nest = drive(aeifCondExp, 'rkf45', { n: 1, steps: 3000, params: { I_e: 800 }, pSpike: 0 }).spikes.map(([s]) => s);
    expect(nest.length).toBe(7);
    for (const scheme of ['rkf45-generated', 'rk4']) {
      const gen = drive(aeifCondExp, scheme, { n: 1, steps: 3000, params: { I_e: 800 }, pSpike: 0 }).spikes.map(([s]) => s);
      expect(gen.length, scheme).toBe(nest.length);
      gen.forEach((s, k) => expect(Math.abs(s - nest[k]), `${scheme} spike ${k}`).toBeLessThanOrEqual(5));
    }
  });

  it("Delta_T = 0 is a ParameterError outside NEST's rkf45, which takes it", () => {
    const sim = createSimulator();
    sim.create('aeif_cond_exp', 2, { Delta_T: 0 }, { integrator: 'rk4' });
    expect(() => sim.simulate(1)).toThrow(/Delta_T.*'rkf45' takes 0/);
    const fine = createSimulator();
    fine.create('aeif_cond_exp', 2, { Delta_T: 0 });
    expect(() => fine.simulate(1)).not.toThrow();
  });
});
