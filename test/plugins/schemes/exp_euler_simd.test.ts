import { describe, it, expect } from 'vitest';
import { defineModel } from '../../../plugins/schemes/index.js';
import { hhCondExpTraubDef } from '../../../plugins/neurons/hh_cond_exp_traub.js';
import { drive, gateModel } from './helpers.js';
import { builtinPlugins } from '../../../plugins/index.js';
import { runPreset, findPreset, presets } from '../../../presets/index.js';
import { cobahh } from '../../../presets/cobahh.js';

const SIMD = 'exponential-euler-f32x4-wasm-simd';

describe('exponential-euler-f32x4-wasm-simd', () => {
  it('hh_cond_exp_traub lists it; the WebAssembly kernel and its JS emulation (codegen off) are bit-identical', () => {
    const gen = defineModel(hhCondExpTraubDef), off = defineModel(hhCondExpTraubDef, { codegen: 'off' });
    expect(Object.keys(gen.integrators)).toContain(SIMD);
    // 13 neurons: the last vector has padding lanes.
    const opts = { n: 13, steps: 2000, params: { I_e: 300 }, current: 600, wEx: 20, wIn: 60, pSpike: 0.1, seed: 3 };
    const a = drive(gen, SIMD, opts), b = drive(off, SIMD, opts);
    expect([a.kernel.generated, b.kernel.generated]).toEqual([true, false]);
    expect(a.state.V_m).toBeInstanceOf(Float32Array);
    expect(a.spikes.length).toBeGreaterThan(0);
    expect(a.spikes).toEqual(b.spikes);
    for (const v of ['V_m', 'Act_m', 'Inact_h', 'Act_n', 'g_ex', 'g_in']) expect(Array.from(a.state[v]), v).toEqual(Array.from(b.state[v]));
  });

  it('agrees with the float64 exponential-euler to float32 rounding: a gate within 2e-6, HH spikes on the same steps', () => {
    const opts = { n: 1, steps: 200, dt: 0.1, pSpike: 0, record: 'n' };
    const a = drive(gateModel(), SIMD, opts), b = drive(gateModel(), 'exponential-euler', opts);
    let worst = 0;
    for (let s = 0; s < a.trace.length; s++) worst = Math.max(worst, Math.abs(a.trace[s] - b.trace[s]));
    // n ~ 0.3: float32 spacing 3e-8, the float32 exp's error under 1e-7 relative, 200 steps.
    expect(worst).toBeGreaterThan(0);
    expect(worst).toBeLessThan(2e-6);
    const hh = defineModel(hhCondExpTraubDef);
    for (const I_e of [200, 1000]) {
      const o = { n: 1, steps: 2000, dt: 0.1, pSpike: 0, params: { I_e } };
      const x = drive(hh, SIMD, o), y = drive(hh, 'exponential-euler', o);
      expect(x.spikes, `I_e ${I_e}`).toEqual(y.spikes);
      // V_m over the first 20 ms (spikes included): measured 8e-4 mV at 200 pA, 6e-3 mV at 1000 pA.
      let dv = 0;
      for (let s = 0; s < 200; s++) dv = Math.max(dv, Math.abs(x.trace[s] - y.trace[s]));
      expect(dv, `I_e ${I_e}`).toBeLessThan(0.02);
    }
  });

  it("the cobahh preset runs it at Brian2's rates within 50 % (a quarter of the network, 300 ms)", () => {
    const r = runPreset(findPreset(presets, 'cobahh'), { scale: 0.25, simtime: 300, seed: 1, integrator: SIMD }, { plugins: builtinPlugins });
    expect(r.net.E.integrator).toBe(SIMD);
    const ref = cobahh.reference!;
    expect(Math.abs(r.summary.rate_e_hz / ref.rate_e_hz! - 1)).toBeLessThan(0.5);
    expect(Math.abs(r.summary.rate_i_hz / ref.rate_i_hz! - 1)).toBeLessThan(0.5);
  }, 60_000);

  it('holds a variable clamped while refractory, as exponential-euler does; refuses a model exponential-euler refuses', () => {
    const base = {
      doc: 'lif', params: { tau: { unit: 'ms', default: 10 } },
      state: { V_m: { unit: 'mV', initial: -70 } },
      threshold: 'V_m >= -55 * mV', reset: ['V_m = -70 * mV'],
    };
    const def = { ...base, name: 'cl', equations: ['dV_m/dt = (-70 * mV - V_m + I_stim * 0.1 * GOhm) / tau : mV'], refractory: { period: '2 * ms', clamp: ['V_m'] } };
    const clamped = defineModel(def), off = defineModel(def, { codegen: 'off' });
    expect(clamped.refused[SIMD]).toBeUndefined();
    const opts = { n: 13, steps: 3000, current: 400, pSpike: 0, seed: 4 };
    const a = drive(clamped, SIMD, opts), b = drive(off, SIMD, opts), c = drive(clamped, 'exponential-euler', opts);
    expect(a.spikes.length).toBeGreaterThan(100);
    expect(a.spikes).toEqual(b.spikes);
    expect(Array.from(a.trace)).toEqual(Array.from(b.trace));
    // Same spike steps as the float64 scheme, and V_m at the reset value through each 2 ms (20 steps) refractory period.
    expect(a.spikes).toEqual(c.spikes);
    for (const [s, i] of a.spikes.slice(0, 20)) for (let q = s; q < Math.min(s + 20, opts.steps); q++) expect(a.trace[q * 13 + i], `neuron ${i} step ${q}`).toBe(-70);
    const quad = defineModel({ ...base, name: 'q', equations: ['dV_m/dt = V_m * V_m / tau / mV : mV'] });
    expect(quad.refused[SIMD]).toMatch(/^dV_m\/dt is not conditionally linear in V_m/);
  });
});
