import { describe, it, expect } from 'vitest';
import { trace, dcSource, spikeSource } from './harness.js';
import { createSimulator, ParameterError } from '../../../index.js';

/** Closed-form membrane responses of the current-based LIF (Rotter & Diesmann 1999), V relative to E_L. */
const dcResponse = (I: number, C: number, tau: number, t: number) => ((I * tau) / C) * (1 - Math.exp(-t / tau));
/** PSP of a unit alpha current (peak 1 pA at t = τs) — the formula of seed 000's convert_synapse_weight. */
function alphaPsp(t: number, tauS: number, tauM: number, C: number): number {
  if (t <= 0) return 0;
  if (tauS === tauM) return ((Math.E / (tauS * C)) * t * t * 0.5) * Math.exp(-t / tauM);
  const b = 1 / tauS - 1 / tauM;
  return (Math.E / (tauS * C * b)) * ((Math.exp(-t / tauM) - Math.exp(-t / tauS)) / b - t * Math.exp(-t / tauS));
}
function expPsp(t: number, tauS: number, tauM: number, C: number): number {
  if (t <= 0) return 0;
  if (tauS === tauM) return (t / C) * Math.exp(-t / tauM);
  return ((tauS * tauM) / (C * (tauM - tauS))) * (Math.exp(-t / tauM) - Math.exp(-t / tauS));
}
/** Principal-branch-free Lambert W_{-1} by Newton iteration (seed 000's t_rise needs W_{-1}). */
function lambertWm1(x: number): number {
  let w = Math.log(-x) - Math.log(-Math.log(-x));
  for (let k = 0; k < 50; k++) w -= (w * Math.exp(w) - x) / (Math.exp(w) * (w + 1));
  return w;
}

describe('iaf_psc_alpha reproduces NEST', () => {
  it("matches the golden trace of NEST's test_iaf_psc_alpha.py (dc 1000 pA, delay 0.1 ms) to the printed digits", () => {
    const r = trace('iaf_psc_alpha', {}, 71, { devices: [{ plugin: dcSource(1000), weight: 1, delay: 0.1 }] });
    const at = (t: number) => r.values.V_m[Math.round(t / 0.1) - 1];
    // NEST prints -69.602, -66.9247, -55.0001, then -70 during t_ref, -69.602 again.
    expect(at(0.3)).toBeCloseTo(-69.602, 3);
    expect(at(1.0)).toBeCloseTo(-66.9247, 4);
    expect(at(4.9)).toBeCloseTo(-55.0001, 4);
    for (let t = 5.0; t <= 7.0 + 1e-9; t += 0.1) expect(at(t)).toBe(-70);
    expect(at(7.1)).toBeCloseTo(-69.602, 3);
    expect(r.spikeSteps).toEqual([49]);
  });

  it("the golden trace also holds when driven by the library's dc_generator (delay 0.1 ms)", async () => {
    const { createSimulator } = await import('../../../index.js');
    const sim = createSimulator({ dt: 0.1 });
    const neuron = sim.create('iaf_psc_alpha', 1);
    const dc = sim.create('dc_generator', 1, { amplitude: 1000 });
    sim.connect(dc, neuron, 'all_to_all', { weight: 1, delay: 0.1 });
    const V: number[] = [];
    for (let k = 0; k < 71; k++) {
      sim.simulate(0.1);
      V.push(neuron.get('V_m')[0]);
    }
    expect(V[2]).toBeCloseTo(-69.602, 3);
    expect(V[9]).toBeCloseTo(-66.9247, 4);
    expect(V[48]).toBeCloseTo(-55.0001, 4);
    for (let k = 49; k <= 69; k++) expect(V[k]).toBe(-70);
    expect(V[70]).toBeCloseTo(-69.602, 3);
  });

  it('PSP of one spike: the exact trace equals the analytic alpha PSP; peak at t_rise = 1.700759 ms (seed 000)', () => {
    const tauS = 0.32582722403722841;
    const tauM = 10;
    const C = 250;
    const dt = 0.01;
    // Seed 000's formulas: t_rise from Lambert W_{-1}, v_max per pA.
    const a = tauM / tauS;
    const b = 1 / tauS - 1 / tauM;
    const tRise = (1 / b) * (-lambertWm1(-Math.exp(-1 / a) / a) - 1 / a);
    expect(tRise).toBeCloseTo(1.700759, 6);
    const vMax = alphaPsp(tRise, tauS, tauM, C);
    const w = 1 / vMax; // the weight that makes a 1 mV PSP (hpc_benchmark's J_E conversion)
    const sendStep = 9;
    const delay = 1;
    const r = trace('iaf_psc_alpha', { tau_syn_ex: tauS, tau_syn_in: tauS, tau_m: tauM, C_m: C, E_L: 0, V_th: 20, V_reset: 0 }, 1000,
      { dt, devices: [{ plugin: spikeSource([{ step: sendStep, weight: w }]), delay }] });
    // The current jumps at the end of step sendStep + delay/dt, i.e. at t0 = (sendStep + delay/dt + 1)·dt.
    const t0 = (sendStep + delay / dt + 1) * dt;
    let peak = -Infinity;
    let peakT = 0;
    for (let k = 0; k < r.times.length; k++) {
      const v = r.values.V_m[k];
      expect(Math.abs(v - w * alphaPsp(r.times[k] - t0, tauS, tauM, C))).toBeLessThan(1e-9);
      if (v > peak) {
        peak = v;
        peakT = r.times[k] - t0;
      }
    }
    expect(Math.abs(peakT - tRise)).toBeLessThanOrEqual(dt / 2 + 1e-9);
    expect(peak).toBeCloseTo(1, 5); // 1 mV within the grid's sampling of a flat maximum
  });

  it('tau_syn = tau_m takes the singular propagators and still follows the analytic PSP to 1e-9 mV', () => {
    const r = trace('iaf_psc_alpha', { tau_syn_ex: 10, tau_m: 10, E_L: 0, V_th: 100, V_reset: 0 }, 300,
      { devices: [{ plugin: spikeSource([{ step: 0, weight: 100 }]), delay: 0.1 }] });
    const t0 = 0.2;
    for (let k = 0; k < r.times.length; k++) expect(Math.abs(r.values.V_m[k] - 100 * alphaPsp(r.times[k] - t0, 10, 10, 250))).toBeLessThan(1e-9);
  });

  it('V_min bounds the membrane from below', () => {
    const r = trace('iaf_psc_alpha', { V_min: -72 }, 200, { devices: [{ plugin: spikeSource([{ step: 0, weight: -5000 }]), delay: 0.1 }] });
    expect(Math.min(...r.values.V_m)).toBe(-72);
    const free = trace('iaf_psc_alpha', {}, 200, { devices: [{ plugin: spikeSource([{ step: 0, weight: -5000 }]), delay: 0.1 }] });
    expect(Math.min(...free.values.V_m)).toBeLessThan(-72);
  });
});

describe('current-based LIF family: DC, PSP, refractoriness, f–I', () => {
  const models = ['iaf_psc_alpha', 'iaf_psc_exp', 'iaf_psc_delta'];

  for (const model of models) {
    it(`${model}: DC membrane trajectory equals E_L + I·τ/C·(1 − e^{−t/τ}) to 1e-9 mV`, () => {
      const I = 300; // subthreshold: I·τ/C = 12 mV < 15 mV
      const r = trace(model, { I_e: I }, 2000);
      for (let k = 0; k < r.times.length; k++) expect(Math.abs(r.values.V_m[k] - (-70 + dcResponse(I, 250, 10, r.times[k])))).toBeLessThan(1e-9);
      // The same current through the ring buffer's current channel acts from the step after it arrives.
      const d = trace(model, {}, 500, { devices: [{ plugin: dcSource(I), delay: 0.1 }] });
      for (let k = 0; k < d.times.length; k++) expect(Math.abs(d.values.V_m[k] - (-70 + dcResponse(I, 250, 10, Math.max(0, d.times[k] - 0.2))))).toBeLessThan(1e-9);
    });

    it(`${model}: the f–I curve follows 1/(t_ref − τ ln(1 − (V_th−E_L)C/(τI))) up to one step per interval`, () => {
      const h = 0.1;
      for (const I of [400, 600, 1000, 2500]) {
        const T = 2 - 10 * Math.log(1 - (15 * 250) / (10 * I));
        const r = trace(model, { I_e: I }, 3000);
        const isis = r.spikeSteps.slice(1).map((s, k) => (s - r.spikeSteps[k]) * h);
        expect(isis.length).toBeGreaterThan(5);
        // The threshold is checked once per step: every interval is T rounded up to the grid.
        for (const isi of isis) {
          expect(isi).toBeGreaterThanOrEqual(T - 1e-9);
          expect(isi).toBeLessThan(T + h + 1e-9);
        }
        const rate = 1000 / (isis.reduce((s, x) => s + x, 0) / isis.length);
        expect(rate).toBeLessThanOrEqual(1000 / T + 1e-9);
        expect(rate).toBeGreaterThan(1000 / (T + h));
      }
    });

    it(`${model}: after a spike V_m stays at V_reset for t_ref, then integrates again`, () => {
      const r = trace(model, { I_e: 1000, t_ref: 3, V_reset: -75 }, 400);
      const s = r.spikeSteps[0];
      expect(s).toBeGreaterThan(0);
      for (let k = s; k <= s + 30; k++) expect(r.values.V_m[k]).toBe(-75);
      expect(r.values.V_m[s + 31]).toBeGreaterThan(-75);
      // The interval is the refractory time plus the free rise from V_reset, rounded up to the grid.
      const free = 10 * Math.log((1000 * 10 / 250 + 5) / (1000 * 10 / 250 - 15));
      expect((r.spikeSteps[1] - s) * 0.1).toBeGreaterThanOrEqual(3 + free - 1e-9);
      expect((r.spikeSteps[1] - s) * 0.1).toBeLessThan(3 + free + 0.1 + 1e-9);
    });
  }

  it('iaf_psc_exp: PSP of one spike equals the analytic exponential-current PSP to 1e-9 mV, peak at τsτm/(τm−τs)·ln(τm/τs)', () => {
    const tauS = 2;
    const w = 100;
    const r = trace('iaf_psc_exp', { tau_syn_ex: tauS, E_L: 0, V_th: 100, V_reset: 0 }, 500, { dt: 0.01, devices: [{ plugin: spikeSource([{ step: 0, weight: w }]), delay: 0.01 }] });
    const t0 = 0.02;
    let peakT = 0;
    let peak = -Infinity;
    for (let k = 0; k < r.times.length; k++) {
      const v = r.values.V_m[k];
      expect(Math.abs(v - w * expPsp(r.times[k] - t0, tauS, 10, 250))).toBeLessThan(1e-9);
      if (v > peak) [peak, peakT] = [v, r.times[k] - t0];
    }
    const tPeak = ((tauS * 10) / (10 - tauS)) * Math.log(10 / tauS);
    expect(Math.abs(peakT - tPeak)).toBeLessThanOrEqual(0.005 + 1e-9);
    // tau_syn = tau_m: NEST's singular propagator, exact as well.
    const s = trace('iaf_psc_exp', { tau_syn_ex: 10, E_L: 0, V_th: 100, V_reset: 0 }, 300, { devices: [{ plugin: spikeSource([{ step: 0, weight: w }]), delay: 0.1 }] });
    for (let k = 0; k < s.times.length; k++) expect(Math.abs(s.values.V_m[k] - w * expPsp(s.times[k] - 0.2, 10, 10, 250))).toBeLessThan(1e-9);
  });

  it('iaf_psc_delta: a spike moves V_m by its weight in the step it arrives, then V decays with τm', () => {
    const r = trace('iaf_psc_delta', {}, 100, { devices: [{ plugin: spikeSource([{ step: 4, weight: 2 }]), delay: 1 }] });
    // Sent in step 4 with a 1 ms delay: read in step 14, the jump shows at t = 1.5 ms.
    expect(r.values.V_m[13]).toBe(-70);
    expect(r.values.V_m[14]).toBeCloseTo(-68, 12);
    for (let k = 14; k < 100; k++) expect(Math.abs(r.values.V_m[k] - (-70 + 2 * Math.exp(-(k - 14) * 0.1 / 10)))).toBeLessThan(1e-9);
  });

  it('iaf_psc_delta: input during refractoriness is dropped (NEST default) or added discounted with refractory_input', () => {
    // Spike at step 49 (I_e = 1000 pA from rest); an input of 5 mV arrives 1 ms into the 2 ms refractory period.
    const base = { I_e: 1000 };
    const ref = trace('iaf_psc_delta', base, 80);
    const s = ref.spikeSteps[0];
    const input = [{ step: s + 10 - 1, weight: 5 }];
    const dropped = trace('iaf_psc_delta', base, 80, { devices: [{ plugin: spikeSource(input), delay: 0.1 }] });
    expect(dropped.values.V_m).toEqual(ref.values.V_m);
    const kept = trace('iaf_psc_delta', { ...base, refractory_input: 1 }, 80, { devices: [{ plugin: spikeSource(input), delay: 0.1 }] });
    // Read in step s+10, when NEST's count r (before this step's decrement) is 11: discounted by
    // e^{-11h/τm}, and released in the first free step, s+21.
    const firstFree = s + 21;
    expect(kept.values.V_m[firstFree - 1]).toBe(ref.values.V_m[firstFree - 1]);
    expect(kept.values.V_m[firstFree] - ref.values.V_m[firstFree]).toBeCloseTo(5 * Math.exp(-1.1 / 10), 12);
  });

  it('iaf_psc_delta: refractory_input = 1 under a generated scheme is a ParameterError naming the parameter and the scheme that takes it', () => {
    const sim = createSimulator();
    sim.create('iaf_psc_delta', 2, { refractory_input: 1 }, { integrator: 'rk4' });
    expect(() => sim.simulate(1)).toThrow(ParameterError);
    const again = createSimulator();
    again.create('iaf_psc_delta', 2, { refractory_input: 1 }, { integrator: 'exact-generated' });
    expect(() => again.simulate(1)).toThrow(/refractory_input.*drops input while refractory.*'exact' takes 1/);
    const fine = createSimulator();
    fine.create('iaf_psc_delta', 2, { refractory_input: 1 });
    expect(() => fine.simulate(1)).not.toThrow();
  });
});
