import { describe, it, expect } from 'vitest';
import { createSimulator, builtinPlugins } from '../../../index.js';
import { defineModel } from '../../../plugins/schemes/index.js';
import { hhPscAlpha, hhPscAlphaDef } from '../../../plugins/neurons/hh_psc_alpha.js';
import { ModelError } from '../../../core/equations/analyse.js';
import { trace, spikeSource } from './harness.js';
import { rk4 } from './reference.js';

const h = 0.1;

/** NEST's hh_psc_alpha_dynamics, written out independently: y = V, m, h, n, dI_ex, I_ex, dI_in, I_in. */
function rhs(p: { g_Na: number; g_K: number; g_L: number; C_m: number; E_Na: number; E_K: number; E_L: number; tau_syn_ex: number; tau_syn_in: number; I_e: number }) {
  return (y: Float64Array, f: Float64Array) => {
    const [V, m, hh, n, dIe, Ie, dIi, Ii] = y;
    const an = (0.01 * (V + 55)) / (1 - Math.exp(-(V + 55) / 10)), bn = 0.125 * Math.exp(-(V + 65) / 80);
    const am = (0.1 * (V + 40)) / (1 - Math.exp(-(V + 40) / 10)), bm = 4 * Math.exp(-(V + 65) / 18);
    const ah = 0.07 * Math.exp(-(V + 65) / 20), bh = 1 / (1 + Math.exp(-(V + 35) / 10));
    const INa = p.g_Na * m * m * m * hh * (V - p.E_Na), IK = p.g_K * n * n * n * n * (V - p.E_K), IL = p.g_L * (V - p.E_L);
    f[0] = (-(INa + IK + IL) + p.I_e + Ie + Ii) / p.C_m;
    f[1] = am * (1 - m) - bm * m;
    f[2] = ah * (1 - hh) - bh * hh;
    f[3] = an * (1 - n) - bn * n;
    f[4] = -dIe / p.tau_syn_ex;
    f[5] = dIe - Ie / p.tau_syn_ex;
    f[6] = -dIi / p.tau_syn_in;
    f[7] = dIi - Ii / p.tau_syn_in;
  };
}

const defaults = { t_ref: 2, g_Na: 12000, g_K: 3600, g_L: 30, C_m: 100, E_Na: 50, E_K: -77, E_L: -54.402, tau_syn_ex: 0.2, tau_syn_in: 2, I_e: 0 };

/** NEST's State_: V = -65 mV, gates alpha / (alpha + beta) there, in NEST's expressions. */
function nestInitial(): number[] {
  const y = -65;
  const an = (0.01 * (y + 55)) / (1 - Math.exp(-(y + 55) / 10)), bn = 0.125 * Math.exp(-(y + 65) / 80);
  const am = (0.1 * (y + 40)) / (1 - Math.exp(-(y + 40) / 10)), bm = 4 * Math.exp(-(y + 65) / 18);
  const ah = 0.07 * Math.exp(-(y + 65) / 20), bh = 1 / (1 + Math.exp(-(y + 35) / 10));
  return [y, am / (am + bm), ah / (ah + bh), an / (an + bn), 0, 0, 0, 0];
}

/**
 * The reference: RK4 at dt/100 in NEST's update order (U_old = V; integrate; add input; refractory count
 * down, else spike if V >= 0 and U_old > V). Returns V after each step and the spike steps.
 */
function reference(I_e: number, steps: number, t_ref = 2, input: { step: number; weight: number }[] = []) {
  const p = { ...defaults, I_e, t_ref };
  const f = rhs(p);
  const y = Float64Array.from(nestInitial());
  const V: number[] = [], spikes: number[] = [];
  const refr = Math.round(t_ref / h);
  let r = 0;
  for (let s = 0; s < steps; s++) {
    const U = y[0];
    rk4(f, y, h / 100, 100);
    // Spikes sent in step s - 1 with delay h arrive at the end of step s (the harness's spikeSource, delay h).
    for (const ev of input) if (ev.step + 1 === s) {
      if (ev.weight > 0) y[4] += ev.weight * Math.E / p.tau_syn_ex;
      else y[6] += ev.weight * Math.E / p.tau_syn_in;
    }
    if (r > 0) r--;
    else if (y[0] >= 0 && U > y[0]) {
      r = refr;
      spikes.push(s);
    }
    V.push(y[0]);
  }
  return { V, spikes };
}

const maxDiff = (a: number[], b: number[]) => a.reduce((m, x, k) => Math.max(m, Math.abs(x - b[k])), 0);

describe('hh_psc_alpha (NEST models/hh_psc_alpha.cpp)', () => {
  it("has NEST's parameters, defaults and units, rkf45 as its integrator", () => {
    for (const [k, v] of Object.entries(defaults)) expect(hhPscAlpha.params[k].default, k).toBe(v);
    expect(hhPscAlpha.params.C_m.unit).toBe('pF');
    expect(hhPscAlpha.params.g_Na.unit).toBe('nS');
    expect(hhPscAlpha.params.tau_syn_ex.unit).toBe('ms');
    expect(hhPscAlpha.defaultIntegrator).toBe('rkf45');
    expect(hhPscAlpha.compiled.tolerance).toEqual({ epsAbs: 1e-3, epsRel: 0 });
    const sim = createSimulator({ plugins: builtinPlugins });
    expect(() => sim.create('hh_psc_alpha', 1, { C_m: 0 })).toThrow(/C_m/);
    expect(() => sim.create('hh_psc_alpha', 1, { g_K: -1 })).toThrow(/g_K/);
    expect(() => sim.create('hh_psc_alpha', 1, { t_ref: -1 })).toThrow(/t_ref/);
  });

  it("starts as NEST's State_: V_m -65 mV (not E_L), gates at their steady state there, currents 0", () => {
    const sim = createSimulator({ plugins: builtinPlugins });
    const pop = sim.create('hh_psc_alpha', 2);
    const want = nestInitial();
    ['V_m', 'Act_m', 'Inact_h', 'Act_n', 'dI_ex', 'I_ex', 'dI_in', 'I_in'].forEach((v, j) => expect(pop.get(v)[1], v).toBe(want[j]));
    expect(want[1]).toBeCloseTo(0.0529, 4);
    expect(want[2]).toBeCloseTo(0.5961, 4);
    expect(want[3]).toBeCloseTo(0.3177, 4);
  });

  it('subthreshold DC (100 pA): V_m within 1e-5 mV of RK4 at dt/100 over 100 ms', () => {
    const ref = reference(100, 1000);
    const r = trace('hh_psc_alpha', { I_e: 100 }, 1000);
    // The step of 1 µA/cm² moves V by more than a millivolt without a spike.
    expect(Math.max(...ref.V) - Math.min(...ref.V)).toBeGreaterThan(1);
    expect(ref.spikes).toEqual([]);
    expect(r.spikeSteps).toEqual([]);
    // Measured 2.2e-7 mV: eps_abs 1e-3 bounds each GSL step's error estimate, the actual error is far smaller.
    expect(maxDiff(r.values.V_m, ref.V)).toBeLessThan(1e-5);
  });

  it('DC 1000 pA: the same spike steps as RK4 at dt/100, V_m within 0.03 mV over 200 ms (spikes included)', () => {
    const ref = reference(1000, 2000);
    const r = trace('hh_psc_alpha', { I_e: 1000 }, 2000);
    expect(r.spikeSteps).toEqual(ref.spikes);
    // Repetitive firing at 10 µA/cm²: about 70 Hz, the first spike (its peak) after 2.2 ms.
    expect(ref.spikes.length).toBeGreaterThanOrEqual(13);
    expect(ref.spikes.length).toBeLessThanOrEqual(15);
    expect((r.spikeSteps[0] + 1) * h).toBeCloseTo(2.2, 9);
    // Measured 0.0087 mV, on the flanks of the action potentials (V moves ~100 mV/ms there).
    expect(maxDiff(r.values.V_m, ref.V)).toBeLessThan(0.03);
  });

  it('alpha currents: w pA peaks at w pA after tau_syn, inhibitory weights stay negative, both as the reference', () => {
    const input = [{ step: 10, weight: 50 }, { step: 200, weight: -80 }];
    const r = trace('hh_psc_alpha', {}, 600, { record: ['V_m', 'I_ex', 'I_in'], devices: [{ plugin: spikeSource(input), delay: h }] });
    const ref = reference(0, 600, 2, input);
    // Measured 2.6e-7 mV.
    expect(maxDiff(r.values.V_m, ref.V)).toBeLessThan(1e-5);
    const peakEx = Math.max(...r.values.I_ex), peakIn = Math.min(...r.values.I_in);
    expect(peakEx).toBeCloseTo(50, 1);
    expect(peakIn).toBeCloseTo(-80, 1);
    // Peak at tau_syn after arrival (end of step 11 for the first: arrival step 11, peak 0.2 ms later).
    expect(r.values.I_ex.indexOf(peakEx)).toBe(11 + 2);
    expect(r.values.I_in.indexOf(peakIn)).toBe(201 + 20);
    expect(Math.min(...r.values.I_ex)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...r.values.I_in)).toBeLessThanOrEqual(0);
  });

  it("f–I: the rate grows with the current (NEST's pynest/examples/hh_psc_alpha.py protocol: 1 s warm-up, 1 s counted)", () => {
    const amps = [500, 800, 1200, 1600, 2000];
    const sim = createSimulator({ dt: h, plugins: builtinPlugins });
    const pops = amps.map((I_e) => sim.create('hh_psc_alpha', 1, { I_e }));
    sim.simulate(1000);
    const before = sim.spikeCounts();
    sim.simulate(1000);
    const after = sim.spikeCounts();
    const rates = pops.map((p) => after[p.id] - before[p.id]);
    // 5 µA/cm² is below the classic HH's repetitive-firing threshold (≈ 6.2 µA/cm²): silent after the onset.
    expect(rates[0]).toBe(0);
    for (let k = 1; k < rates.length; k++) expect(rates[k], `${amps[k]} pA`).toBeGreaterThan(rates[k - 1]);
    expect(rates[1]).toBeGreaterThan(50);
    expect(rates[4]).toBeLessThan(200);
  });

  it('refractoriness suppresses double counting: with t_ref 0 every falling step above 0 mV is a spike', () => {
    const ref = reference(1000, 1000, 0);
    const r0 = trace('hh_psc_alpha', { I_e: 1000, t_ref: 0 }, 1000);
    const r2 = trace('hh_psc_alpha', { I_e: 1000 }, 1000);
    expect(r0.spikeSteps).toEqual(ref.spikes);
    // Several steps per action potential without it; one with NEST's 2 ms.
    expect(r0.spikeSteps.length).toBeGreaterThanOrEqual(2 * r2.spikeSteps.length);
    for (let k = 1; k < r2.spikeSteps.length; k++) expect(r2.spikeSteps[k] - r2.spikeSteps[k - 1]).toBeGreaterThan(20);
  });

  it('the generated kernel and the fallback are bit-identical (prev() and `and` in the threshold included)', () => {
    const off = defineModel({ ...hhPscAlphaDef, name: 'hh_psc_alpha_fallback' }, { codegen: 'off' });
    const run = (name: string, plugin: typeof off) => {
      const sim = createSimulator({ dt: h, plugins: [...builtinPlugins, plugin] });
      const pop = sim.create(name as 'hh_psc_alpha' | 'hh_psc_alpha_fallback', 3, { I_e: 900 });
      const rec = sim.create('spike_recorder');
      sim.connect(pop, rec);
      sim.simulate(100);
      return { V: Array.from(pop.get('V_m')), n: Array.from(pop.get('Act_n')), t: Array.from(rec.events().times) };
    };
    const a = run('hh_psc_alpha', hhPscAlpha), b = run('hh_psc_alpha_fallback', off);
    expect(a.t.length).toBeGreaterThan(10);
    expect(b).toEqual(a);
  });

  it('prev() is allowed in a threshold only, on a state variable; `and` joins comparisons', () => {
    const eqs = ['dV_m/dt = (I_stim - V_m * nS) / (1 * pF) : mV'];
    const base = { name: 'prev_check', doc: '', params: {}, state: { V_m: { unit: 'mV', initial: 0 } }, equations: eqs };
    expect(() => defineModel({ ...base, equations: ['dV_m/dt = (prev(V_m) - V_m) / ms : mV'] })).toThrow(ModelError);
    expect(() => defineModel({ ...base, threshold: 'prev(E_L) > V_m' })).toThrow(/prev\(\) takes a state variable/);
    expect(() => defineModel({ ...base, threshold: 'V_m > 0 and V_m' })).toThrow(/'and' joins comparisons/);
    expect(defineModel({ ...base, threshold: 'V_m > 0 * mV and prev(V_m) > V_m' }).compiled.threshold).toBeDefined();
  });
});
