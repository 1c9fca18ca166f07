import { describe, it, expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { drive } from '../../plugins/schemes/helpers.js';
import { eqCondExp, eqPscAlpha, eqPscExp } from './fixtures/nest_models.js';
import { adaptiveLif } from './fixtures/adaptive_lif.js';
import { defineModel } from '../../../plugins/schemes/index.js';
import { nextDown } from '../../../core/equations/kernel.js';
import type { DefineOptions, EquationModel } from '../../../core/equations/index.js';

const deltaModel = (o?: DefineOptions) => defineModel({
  name: 'eq_delta', doc: 'LIF with delta synapses (one port takes both signs), dropped while refractory',
  params: { E_L: { unit: 'mV', default: -70 }, tau_m: { unit: 'ms', default: 10 }, C_m: { unit: 'pF', default: 250 }, V_th: { unit: 'mV', default: -55 }, I_e: { unit: 'pA', default: 300 }, t_ref: { unit: 'ms', default: 2 } },
  state: { V_m: { unit: 'mV', initial: 'E_L' } },
  equations: ['dV_m/dt = -(V_m - E_L) / tau_m + (I_e + I_stim) / C_m : mV'],
  threshold: 'V_m >= V_th', reset: ['V_m = E_L'], refractory: { period: 't_ref', clamp: ['V_m'] },
  receptors: { ex: { kind: 'delta', variable: 'V_m', scale: '0.05' } },
}, o);

const models: [string, (o?: DefineOptions) => EquationModel, Record<string, number>][] = [
  ['iaf_psc_exp', eqPscExp, { I_e: 360 }],
  ['iaf_psc_alpha', eqPscAlpha, { I_e: 360 }],
  ['iaf_cond_exp', eqCondExp, { I_e: 500 }],
  ['adaptive LIF', (o) => adaptiveLif(o), { I_e: 600 }],
  ['delta', deltaModel, {}],
];

describe('generated kernels and the fallback are bit-identical', () => {
  for (const [label, make, params] of models) {
    it(`${label}: every applicable scheme, 500 steps of random spike and current input`, () => {
      const gen = make(), fb = make({ codegen: 'off' });
      for (const scheme of Object.keys(gen.integrators)) {
        const opts = { n: 6, steps: 500, params, current: 100, wEx: 40, wIn: 40, pSpike: 0.2, seed: 11 };
        const a = drive(gen, scheme, opts), b = drive(fb, scheme, opts);
        expect(a.kernel.generated, scheme).toBe(true);
        expect(b.kernel.generated, scheme).toBe(false);
        expect(Array.from(a.trace), `${label} ${scheme}`).toEqual(Array.from(b.trace));
        expect(a.spikes, `${label} ${scheme}`).toEqual(b.spikes);
        for (const v of Object.keys(a.state)) expect(Array.from(a.state[v]), `${label} ${scheme} ${v}`).toEqual(Array.from(b.state[v]));
      }
    });
  }

  it('the delta port takes both signs and drops input while refractory, as iaf_psc_delta does', () => {
    const a = drive(deltaModel(), 'exact', { n: 4, steps: 400, pSpike: 0.3, wEx: 100, wIn: 100, seed: 2 });
    expect(a.spikes.length).toBeGreaterThan(5);
    // After each spike the membrane stays at E_L for the 20 refractory steps, whatever arrives.
    for (const [s, i] of a.spikes) {
      for (let q = s; q <= Math.min(s + 20, 399); q++) expect(a.trace[q * 4 + i]).toBe(-70);
    }
  });

  it('generated kernels allocate nothing per step: straight-line code over typed arrays and locals', () => {
    for (const [, make, params] of models) {
      const m = make();
      for (const scheme of Object.keys(m.integrators)) {
        const src = drive(m, scheme, { n: 1, steps: 1, params }).kernel.source ?? '';
        const body = src.slice(src.indexOf('return function step'));
        expect(body).not.toMatch(/\bnew\b|=>|\[\s*\]|\{\s*\}|\.map\(|\.slice\(/);
      }
    }
  });

  it('falls back by itself where code generation is disallowed (node --disallow-code-generation-from-strings)', () => {
    const script = fileURLToPath(new URL('./fixtures/no_codegen.ts', import.meta.url));
    const out = execFileSync(process.execPath, ['--disallow-code-generation-from-strings', '--import', 'tsx', script], { encoding: 'utf8' });
    const r = JSON.parse(out) as { available: boolean; generated: boolean; trace: number[] };
    expect(r.available).toBe(false);
    expect(r.generated).toBe(false);
    const here = drive(eqPscAlpha(), 'rk4', { n: 4, steps: 200, params: { I_e: 360 } });
    expect(here.kernel.generated).toBe(true);
    expect(r.trace).toEqual(Array.from(here.trace));
  });

  it("nextDown is C's nextafter(x, 0) for positive x", () => {
    expect(nextDown(1)).toBe(1 - 2 ** -53);
    expect(nextDown(0.1) < 0.1 && nextDown(0.1) + 2 ** -56 >= 0.1).toBe(true);
    expect(nextDown(Number.MIN_VALUE)).toBe(0);
  });
});

describe('lower bounds (NEST V_min)', () => {
  const floored = (o?: DefineOptions) => defineModel({
    name: 'eq_floor', doc: 'LIF pulled below rest, with a floor',
    params: { E_L: { unit: 'mV', default: -70 }, tau_m: { unit: 'ms', default: 10 }, C_m: { unit: 'pF', default: 250 }, I_e: { unit: 'pA', default: -500 }, V_min: { unit: 'mV', default: -75, allowInfinity: true } },
    state: { V_m: { unit: 'mV', initial: 'E_L' } },
    equations: ['dV_m/dt = -(V_m - E_L) / tau_m + (I_e + I_stim) / C_m : mV'],
    lowerBounds: { V_m: 'V_min' },
  }, o);

  it('holds the variable at its bound once the dynamics reach it, in the generated kernel and the fallback alike', () => {
    for (const scheme of ['exact', 'rk4', 'rkf45', 'euler-f64x2-wasm-simd', 'euler-f32x4-wasm-simd', 'euler-exact-decay-f32x4-wasm-simd']) {
      const a = drive(floored(), scheme, { n: 2, steps: 400, pSpike: 0 }), b = drive(floored({ codegen: 'off' }), scheme, { n: 2, steps: 400, pSpike: 0 });
      // Unbounded, V_m would settle at E_L + I_e·tau_m/C_m = -90 mV.
      expect(Math.min(...a.trace), scheme).toBe(-75);
      expect(a.trace[a.trace.length - 1], scheme).toBe(-75);
      expect(Array.from(a.trace), scheme).toEqual(Array.from(b.trace));
    }
  });

  it('a bound of -Infinity leaves the dynamics alone', () => {
    const free = drive(floored(), 'exact', { n: 1, steps: 2000, pSpike: 0, params: { V_min: -Infinity } });
    expect(Math.abs(free.trace[1999] - -90)).toBeLessThan(1e-6);
    for (const scheme of ['euler-f64x2-wasm-simd', 'euler-f32x4-wasm-simd']) {
      const lanes = drive(floored(), scheme, { n: 1, steps: 2000, pSpike: 0, params: { V_min: -Infinity } });
      // Float32 steps settle within 2^-24·τ/dt relative of the fixed point (5e-4 mV here).
      expect(Math.abs(lanes.trace[1999] - -90), scheme).toBeLessThan(scheme.includes('f32') ? 1e-3 : 1e-6);
    }
  });
});

describe('upper bounds (Auryn clips V at 0 mV)', () => {
  const capped = (o?: DefineOptions) => defineModel({
    name: 'eq_cap', doc: 'LIF pushed above a ceiling',
    params: { E_L: { unit: 'mV', default: -70 }, tau_m: { unit: 'ms', default: 10 }, C_m: { unit: 'pF', default: 250 }, I_e: { unit: 'pA', default: 2000 }, V_max: { unit: 'mV', default: -20, allowInfinity: true } },
    state: { V_m: { unit: 'mV', initial: 'E_L' } },
    equations: ['dV_m/dt = -(V_m - E_L) / tau_m + (I_e + I_stim) / C_m : mV'],
    lowerBounds: { V_m: 'E_L - 5 * mV' },
    upperBounds: { V_m: 'V_max' },
  }, o);

  it('holds the variable at its ceiling, in the generated kernel and the fallback alike; +Infinity leaves it alone', () => {
    for (const scheme of ['exact', 'euler', 'rk4', 'euler-exact-decay', 'rk4-f32x4-wasm-simd', 'euler-exact-decay-f64x2-wasm-simd']) {
      const a = drive(capped(), scheme, { n: 2, steps: 400, pSpike: 0 }), b = drive(capped({ codegen: 'off' }), scheme, { n: 2, steps: 400, pSpike: 0 });
      // Unbounded, V_m would settle at E_L + I_e·tau_m/C_m = +10 mV.
      expect(Math.max(...a.trace), scheme).toBe(-20);
      expect(a.trace[a.trace.length - 1], scheme).toBe(-20);
      expect(Array.from(a.trace), scheme).toEqual(Array.from(b.trace));
    }
    const free = drive(capped(), 'exact', { n: 1, steps: 2000, pSpike: 0, params: { V_max: Infinity } });
    expect(Math.abs(free.trace[1999] - 10)).toBeLessThan(1e-6);
  });
});

describe("a 'spikes' port (NESTML's input buffer): the variable holds this step's summed |w|", () => {
  const counter = (o?: DefineOptions) => defineModel({
    name: 'eq_counter', doc: 'a membrane that also records its input',
    params: { tau_m: { unit: 'ms', default: 10 } },
    state: { got: { unit: '1', initial: 0 }, V_m: { unit: 'mV', initial: -70 } },
    equations: ['dV_m/dt = (-70 * mV - V_m) / tau_m + got * mV / ms : mV'],
    receptors: { ex: { kind: 'spikes', variable: 'got' } },
  }, o);

  it('is set anew each step from both channels (ex + |inh|), takes no equation, and is bit-identical without codegen', () => {
    for (const scheme of ['rk4', 'euler', 'exact']) {
      const opts = { n: 3, steps: 300, wEx: 2, wIn: 1, pSpike: 0.3, seed: 6, record: 'got' };
      const a = drive(counter(), scheme, opts), b = drive(counter({ codegen: 'off' }), scheme, opts);
      expect(Array.from(a.trace)).toEqual(Array.from(b.trace));
      // Never accumulates: every value is one step's input, at most wEx + wIn.
      expect(Math.max(...a.trace)).toBeLessThanOrEqual(3);
      expect(a.trace.filter((x) => x === 0).length).toBeGreaterThan(50);
    }
  });

  it('refuses an equation for the variable, and still asks one of every other variable', () => {
    const base = { name: 'bad', doc: 'x', params: {}, state: { got: { unit: '1', initial: 0 }, y: { unit: '1', initial: 0 } }, receptors: { ex: { kind: 'spikes' as const, variable: 'got' } } };
    expect(() => defineModel({ ...base, equations: ['dgot/dt = 0 : 1', 'dy/dt = 0 : 1'] })).toThrow(/holds this step's input .* takes no equation/);
    expect(() => defineModel({ ...base, equations: [] })).toThrow(/'y' has no equation/);
  });
});
