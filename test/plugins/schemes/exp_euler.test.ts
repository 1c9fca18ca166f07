import { describe, it, expect } from 'vitest';
import { defineModel } from '../../../plugins/schemes/index.js';
import { hhCondExpTraubDef } from '../../../plugins/neurons/hh_cond_exp_traub.js';
import { ModelError, type DefineOptions } from '../../../core/equations/index.js';
import { drive, gateModel, slope } from './helpers.js';
import { builtinPlugins } from '../../../plugins/index.js';
import { runPreset, findPreset, presets } from '../../../presets/index.js';
import { cobahh } from '../../../presets/cobahh.js';

/** dV/dt = (E - V)/tau: linear with constant coefficients, so exponential Euler is its exact propagator. */
const relax = () => defineModel({
  name: 'relax', doc: 'leaky membrane relaxing to E',
  params: { E: { unit: 'mV', default: -50 }, tau: { unit: 'ms', default: 7 } },
  state: { V_m: { unit: 'mV', initial: -70 } },
  equations: ['dV_m/dt = (E - V_m) / tau : mV'],
});

/** A spiking, refractory-clamped conditionally linear model whose M for V_m is a state (0 at run time). */
const clampedLif = (o?: DefineOptions) => defineModel({
  name: 'clamped_lif', doc: 'LIF with a conductance-like leak g and a clamp',
  params: { E_L: { unit: 'mV', default: -70 }, C_m: { unit: 'pF', default: 250 }, V_th: { unit: 'mV', default: -55 }, V_reset: { unit: 'mV', default: -70 }, tau_g: { unit: 'ms', default: 8 } },
  state: { V_m: { unit: 'mV', initial: 'E_L' }, g: { unit: 'nS', initial: 10 } },
  equations: ['dV_m/dt = (g * (E_L - V_m) + I_stim) / C_m : mV', 'dg/dt = (10 * nS - g) / tau_g : nS'],
  threshold: 'V_m >= V_th', reset: ['V_m = V_reset'],
  refractory: { period: '2 * ms', clamp: ['V_m'] },
  receptors: { ex: { kind: 'conductance', variable: 'g' }, in: { kind: 'conductance', variable: 'g' } },
}, o);

describe('exponential-euler (Brian2 exponential_euler)', () => {
  it('is exact on a linear equation for any dt: the analytic solution to 1e-12 relative', () => {
    for (const dt of [0.01, 0.1, 0.5, 1, 2.5]) {
      const steps = Math.round(20 / dt);
      const r = drive(relax(), 'exponential-euler', { n: 1, steps, dt, pSpike: 0 });
      const exactV = -50 + (-70 + 50) * Math.exp(-20 / 7);
      expect(Math.abs(r.trace[steps - 1] - exactV) / Math.abs(exactV), `dt ${dt}`).toBeLessThan(1e-12);
    }
  });

  it('converges at order 1 on a conditionally linear gate (slope within ±0.2) against a fine rk4 reference', () => {
    const T = 20;
    const ref = drive(gateModel(), 'rk4', { n: 1, steps: Math.round(T / 0.001), dt: 0.001, pSpike: 0, record: 'n' });
    const nRef = ref.trace[ref.trace.length - 1];
    const dts = [0.4, 0.2, 0.1, 0.05, 0.025];
    const errs = dts.map((dt) => {
      const r = drive(gateModel(), 'exponential-euler', { n: 1, steps: Math.round(T / dt), dt, pSpike: 0, record: 'n' });
      return Math.abs(r.trace[r.trace.length - 1] - nRef);
    });
    // The rk4 reference's own error (~dt^4) is far below the smallest error measured here.
    expect(errs[errs.length - 1]).toBeGreaterThan(1e-7);
    expect(Math.abs(slope(dts, errs) - 1)).toBeLessThan(0.2);
  });

  it('the generated kernel and the fallback (codegen off) are bit-identical: HH with spikes, a clamped model', () => {
    const cases = [
      ['hh_cond_exp_traub', (o?: DefineOptions) => defineModel(hhCondExpTraubDef, o), { I_e: 300 }, { wEx: 20, wIn: 60 }],
      ['clamped_lif', clampedLif, {}, { wEx: 4, wIn: 2 }],
    ] as const;
    for (const [label, make, params, w] of cases) {
      const gen = make(), off = make({ codegen: 'off' });
      const opts = { n: 7, steps: 3000, params, current: 1200, ...w, pSpike: 0.1, seed: 5 };
      const a = drive(gen, 'exponential-euler', opts), b = drive(off, 'exponential-euler', opts);
      expect([a.kernel.generated, b.kernel.generated], label).toEqual([true, false]);
      expect(a.spikes.length, label).toBeGreaterThan(0);
      expect(a.spikes, label).toEqual(b.spikes);
      for (const v of Object.keys(a.state)) expect(Array.from(a.state[v]), `${label} ${v}`).toEqual(Array.from(b.state[v]));
    }
  });

  it('guards M = 0 at run time (Brian2 would divide by it): forward Euler there, the series near it', () => {
    for (const codegen of ['auto', 'off'] as const) {
      const mm = defineModel(growthDef(), { codegen });
      for (const g0 of [0, 1e-9, -3e-7, 2e-3]) {
        const r = drive(mm, 'exponential-euler', { n: 1, steps: 100, dt: 0.1, pSpike: 0, params: { g0 }, record: 'x' });
        const t = 10, x = r.trace[99];
        const exactX = g0 === 0 ? 2 + 0.5 * t : 2 * Math.exp(g0 * t) + 0.5 * Math.expm1(g0 * t) / g0;
        expect(Number.isFinite(x)).toBe(true);
        expect(Math.abs(x - exactX) / exactX, `g0 ${g0} ${codegen}`).toBeLessThan(1e-12);
      }
    }
  });

  it('refuses a variable that is not conditionally linear in itself, naming the term', () => {
    const m = defineModel({
      name: 'quad', doc: 'dx/dt = -x^2',
      params: { tau: { unit: 'ms', default: 5 } },
      state: { y: { unit: '1', initial: 1 }, x: { unit: '1', initial: 1 } },
      equations: ['dy/dt = -y * x / tau : 1', 'dx/dt = -x * x / tau : 1'],
    });
    expect(m.refused['exponential-euler']).toBe("dx/dt is not conditionally linear in x (term '-x * x': exponential Euler needs M·x + B with M and B free of x); use rkf45, rk4, rk2 or euler");
    expect(Object.keys(m.integrators)).not.toContain('exponential-euler');
    expect(() => m.scheme('exponential-euler')).toThrow(ModelError);
    const e = defineModel({
      name: 'expo', doc: 'exp of its own variable',
      params: {}, state: { x: { unit: '1', initial: 0 } },
      equations: ['dx/dt = exp(x) / ms : 1'],
    });
    expect(e.refused['exponential-euler']).toMatch(/^dx\/dt is not conditionally linear in x \(term 'exp\(x\)'/);
    // dy/dt = -y x / tau above is linear in y (x is another variable): only x's equation is named.
  });

  it('hh_cond_exp_traub under DC: the spike count of rkf45 within ±1 at dt 0.1 over 200 ms', () => {
    const hh = defineModel(hhCondExpTraubDef);
    expect(Object.keys(hh.integrators)).toContain('exponential-euler');
    for (const I_e of [150, 200, 300]) {
      const opts = { n: 1, steps: 2000, dt: 0.1, pSpike: 0, params: { I_e } };
      const a = drive(hh, 'exponential-euler', opts), b = drive(hh, 'rkf45', opts);
      expect(b.spikes.length).toBeGreaterThan(5);
      expect(Math.abs(a.spikes.length - b.spikes.length), `I_e ${I_e}`).toBeLessThanOrEqual(1);
    }
  });

  it('hh_cond_exp_traub: the first spike lags rkf45 by the first-order error, within 0.3 ms from dt 0.05 down', () => {
    const hh = defineModel(hhCondExpTraubDef);
    const first = (s: string, dt: number, I_e: number) => (drive(hh, s, { n: 1, steps: Math.round(10 / dt), dt, pSpike: 0, params: { I_e } }).spikes[0][0] + 1) * dt;
    for (const I_e of [200, 1000]) {
      const lag = [0.1, 0.05, 0.025].map((dt) => first('exponential-euler', dt, I_e) - first('rkf45', dt, I_e));
      // Measured: 0.6 / 0.25 / 0.15 ms at 200 pA, 0.4 / 0.25 / 0.1 ms at 1000 pA (rkf45 adaptive, both on the grid).
      expect(lag[0], `I_e ${I_e} dt 0.1`).toBeLessThan(0.8);
      expect(Math.abs(lag[1]), `I_e ${I_e} dt 0.05`).toBeLessThanOrEqual(0.3 + 1e-9);
      expect(Math.abs(lag[2]), `I_e ${I_e} dt 0.025`).toBeLessThanOrEqual(0.3 + 1e-9);
      expect(lag[2]).toBeLessThan(lag[0]);
    }
  });

  it("the cobahh preset runs it (integrator=exponential-euler, Brian2's method) at Brian2's rates within 50 %", () => {
    const r = runPreset(findPreset(presets, 'cobahh'), { scale: 0.25, simtime: 300, seed: 1, integrator: 'exponential-euler' }, { plugins: builtinPlugins });
    expect(r.net.E.integrator).toBe('exponential-euler');
    expect(r.summary.integrator).toBe('exponential-euler');
    // The bound of test/presets/cobahh.test.ts for rkf45 over the same quarter network and 300 ms.
    const ref = cobahh.reference!;
    expect(Math.abs(r.summary.rate_e_hz / ref.rate_e_hz! - 1)).toBeLessThan(0.5);
    expect(Math.abs(r.summary.rate_i_hz / ref.rate_i_hz! - 1)).toBeLessThan(0.5);
  }, 60_000);
});

/** dx/dt = g x + b with g a state held at g0: M = g is 0 (or tiny) only at run time. */
function growthDef() {
  return {
    name: 'growth', doc: 'dx/dt = g x + b with g a state',
    params: { b: { unit: '1/ms', default: 0.5 }, g0: { unit: '1/ms', default: 0 } },
    state: { x: { unit: '1', initial: 2 }, g: { unit: '1/ms', initial: 'g0' } },
    equations: ['dx/dt = g * x + b : 1', 'dg/dt = 0 / ms / ms : 1/ms'],
  };
}
