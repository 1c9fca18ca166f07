import { describe, it, expect } from 'vitest';
import { compileModel, ModelError, UnitError, type ModelDef } from '../../../core/equations/index.js';
import { defineModel } from '../../../plugins/schemes/index.js';
import { standaloneKernel } from '../../../core/kernels.js';
import { resolveParams } from '../../../core/schema.js';
import { RingBuffer } from '../../../core/ringbuffer.js';
import { eqPscExp } from './fixtures/nest_models.js';

const base: ModelDef = {
  name: 'm', doc: 'test',
  params: { E_L: { unit: 'mV', default: -70 }, tau_m: { unit: 'ms', default: 10 }, C_m: { unit: 'pF', default: 250 }, a: { unit: 'nS', default: 2 }, tau_w: { unit: 'ms', default: 100 }, b: { unit: 'pA', default: 20 } },
  state: { V_m: { unit: 'mV', initial: 'E_L' }, w: { unit: 'pA', initial: 0 } },
  equations: ['dV_m/dt = (-(V_m - E_L) * C_m / tau_m - w + I_stim) / C_m : mV', 'dw/dt = (a*(V_m - E_L) - w) / tau_w : pA'],
};
const refusal = (patch: Partial<ModelDef>) => () => compileModel({ ...base, ...patch });

describe('defineModel: refusals name the culprit', () => {
  it('refuses an equation whose terms have inconsistent units, naming the term and the unit expected there', () => {
    expect(refusal({ equations: ['dV_m/dt = (-(V_m - E_L) * C_m / tau_m - w * tau_m + I_stim) / C_m : mV', base.equations[1]] }))
      .toThrow(new UnitError("equation 'dV_m/dt = (-(V_m - E_L) * C_m / tau_m - w * tau_m + I_stim) / C_m : mV': term 'w * tau_m' has unit pA·ms, expected mV·pF/ms"));
    expect(refusal({ equations: ['dV_m/dt = -(V_m - E_L) / tau_m - w / tau_m : mV', base.equations[1]] }))
      .toThrow("equation 'dV_m/dt = -(V_m - E_L) / tau_m - w / tau_m : mV': term 'w / tau_m' has unit pA/ms, expected mV/ms");
    expect(refusal({ equations: ['dV_m/dt = exp(V_m) / tau_m : mV', base.equations[1]] }))
      .toThrow("equation 'dV_m/dt = exp(V_m) / tau_m : mV': exp(): argument 'V_m' has unit mV, expected a dimensionless value");
    expect(refusal({ equations: ['dV_m/dt = -(V_m - E_L) / tau_m : pA', base.equations[1]] }))
      .toThrow("equation 'dV_m/dt = -(V_m - E_L) / tau_m : pA': the equation's unit pA differs from the state variable's (mV)");
  });

  it('refuses resets, thresholds, initial values, refractory periods and parameters of the wrong unit', () => {
    expect(refusal({ reset: ['w = w + tau_m'] })).toThrow("reset 'w = w + tau_m': term 'tau_m' has unit ms, expected pA");
    expect(refusal({ threshold: 'V_m >= b' })).toThrow("threshold 'V_m >= b': term 'b' has unit pA, expected mV (the unit of 'V_m')");
    expect(refusal({ state: { V_m: { unit: 'mV', initial: 'b' }, w: { unit: 'pA', initial: 0 } } })).toThrow("model 'm': initial value 'b' of 'V_m': term 'b' has unit pA, expected mV");
    expect(refusal({ refractory: { period: 'E_L' } })).toThrow("refractory period 'E_L': term 'E_L' has unit mV, expected ms");
    expect(refusal({ params: { ...base.params, E_L: { unit: 'mVV', default: -70 } } }))
      .toThrow("model 'm': parameter 'E_L': unknown unit 'mVV' (use SI symbols with prefixes, e.g. mV, pA, nS, pF, ms, Hz, 1/ms, MOhm; '1' for none)");
    expect(refusal({ receptors: { ex: { kind: 'conductance', variable: 'w' }, in: { kind: 'conductance', variable: 'w' } } }))
      .toThrow("receptor 'ex': a conductance port adds nS but 'w' has unit pA; give a scale with unit pA/nS");
  });

  it('refuses unknown names, missing equations and ill-formed declarations', () => {
    expect(refusal({ equations: ['dV_m/dt = -(V_m - E_Lx) / tau_m : mV', base.equations[1]] }))
      .toThrow(new ModelError("equation 'dV_m/dt = -(V_m - E_Lx) / tau_m : mV': unknown name 'E_Lx' (not a parameter, state variable, subexpression, I_stim or unit)"));
    expect(refusal({ equations: [base.equations[0]] })).toThrow("model 'm': state variable 'w' has no equation (write 'dw/dt = 0 : pA' for one that only jumps)");
    expect(refusal({ equations: [...base.equations, 'dx/dt = 0 : 1'] })).toThrow("equation 'dx/dt = 0 : 1': 'x' is not a state variable (declare it in 'state')");
    expect(refusal({ equations: ['I = I + w : pA', ...base.equations] })).toThrow("subexpression 'I' refers to itself");
    expect(refusal({ threshold: 'V_m' })).toThrow("threshold 'V_m': expected a comparison such as 'V_m >= V_th'");
    expect(refusal({ reset: ['E_L = 0'] })).toThrow("reset 'E_L = 0': 'E_L' is not a state variable");
    expect(refusal({ receptors: { ex: { kind: 'conductance', variable: 'w', scale: '1 * pA / nS' } } }))
      .toThrow("model 'm': a conductance port receives positive weights only; declare both 'ex' and 'in' ports");
    expect(() => defineModel({ ...base, state: { ...base.state, r: { unit: '1', initial: 0 } }, equations: [...base.equations, 'dr/dt = 0 : 1'] }))
      .toThrow("model 'm': 'r' is a variable every equation kernel keeps (refractory steps left); name the state variable otherwise");
    expect(() => defineModel({ ...base, defaultIntegrator: 'nope' })).toThrow("model 'm' has no scheme 'nope' (exact, rkf45, rk4, rk4-f32, rk2, euler, euler-f32, exponential-euler, euler-f32x4-wasm-simd, rk4-f32x4-wasm-simd, euler-f64x2-wasm-simd, euler-exact-decay-f32x4-wasm-simd, euler-exact-decay-f64x2-wasm-simd, exponential-euler-f32x4-wasm-simd, euler-exact-decay, euler-exact-decay-f32)");
  });
});

describe('defineModel: the NeuronModel it returns', () => {
  it("has NEST's parameter schema, state with initial values from the parameters, and one integrator per applicable scheme", () => {
    const m = defineModel({ ...base, params: { ...base.params, tau_m: { unit: 'ms', default: 10, min: 0, exclusiveMin: true } } });
    expect(m.kind).toBe('neuron');
    expect(m.params.tau_m).toMatchObject({ unit: 'ms', default: 10, min: 0, exclusiveMin: true, doc: '' });
    expect(m.params.tau_minus.default).toBe(20);
    expect(m.state.V_m.initial({ ...resolveParams('x', m.params, {}), E_L: -65 })).toBe(-65);
    expect(Object.keys(m.integrators)).toEqual(['exact', 'rkf45', 'rk4', 'rk4-f32', 'rk2', 'euler', 'euler-f32', 'exponential-euler', 'euler-f32x4-wasm-simd', 'rk4-f32x4-wasm-simd', 'euler-f64x2-wasm-simd', 'euler-exact-decay-f32x4-wasm-simd', 'euler-exact-decay-f64x2-wasm-simd', 'exponential-euler-f32x4-wasm-simd', 'euler-exact-decay', 'euler-exact-decay-f32']);
    expect(m.defaultIntegrator).toBe('exact');
    expect(m.integrators['rk4-f32'].precision).toBe('f32');
    expect(Object.keys(m.integrators.rkf45.internal ?? {})).toEqual(['I0', 'r', 'h_step']);
  });

  it('converts mixed prefixes at compile time: a model in nA, nF, µS and s integrates like the one in NEST units', () => {
    const nest = eqPscExp();
    const si = defineModel({
      name: 'psc_si', doc: '',
      params: {
        E_L: { unit: 'mV', default: -70 }, C_m: { unit: 'nF', default: 0.25 }, tau_m: { unit: 's', default: 0.01 }, t_ref: { unit: 'ms', default: 2 },
        V_th: { unit: 'V', default: -0.055 }, V_reset: { unit: 'mV', default: -70 }, tau_syn_ex: { unit: 'ms', default: 2 }, tau_syn_in: { unit: 'ms', default: 2 },
        I_e: { unit: 'nA', default: 0.4 }, g_x: { unit: 'uS', default: 0 },
      },
      state: { V_m: { unit: 'mV', initial: 'E_L' }, I_syn_ex: { unit: 'pA', initial: 0 }, I_syn_in: { unit: 'nA', initial: 0 } },
      equations: [
        'dV_m/dt = -(V_m - E_L) / tau_m + (I_syn_ex + I_syn_in + I_e + I_stim - g_x * (V_m - E_L)) / C_m : mV',
        'dI_syn_ex/dt = -I_syn_ex / tau_syn_ex : pA',
        'dI_syn_in/dt = -I_syn_in / tau_syn_in : nA',
      ],
      threshold: 'V_m >= V_th', reset: ['V_m = V_reset'], refractory: { period: 't_ref', clamp: ['V_m'] },
      receptors: { ex: { kind: 'current', variable: 'I_syn_ex' }, in: { kind: 'current', variable: 'I_syn_in' } },
    });
    const run = (m: typeof nest, params: Record<string, number>, toMv: (s: Record<string, ArrayLike<number>>) => number) => {
      const k = standaloneKernel(m, 'rk4', { n: 1, params: resolveParams('x', m.params, params), dt: 0.1, firstGid: 1, seed: 1 });
      const ring = new RingBuffer(1, 1);
      const spikes = new Int32Array(1);
      const out: number[] = [];
      for (let s = 0; s < 500; s++) {
        ring.ex[0] = s % 37 === 0 ? 80 : 0;
        ring.inh[0] = s % 53 === 0 ? -60 : 0;
        k.kernel.update(s, ring, 0, spikes);
        out.push(toMv(k.context.state), k.context.state.I_syn_in[0]);
      }
      return out;
    };
    const a = run(nest, { I_e: 400 }, (s) => s.V_m[0]);
    const b = run(si, {}, (s) => s.V_m[0]);
    // I_syn_in is in nA in the second model: a -60 pA spike adds -0.06 nA.
    for (let i = 0; i < a.length; i += 2) {
      expect(b[i]).toBeCloseTo(a[i], 10);
      expect(b[i + 1] * 1000).toBeCloseTo(a[i + 1], 9);
    }
  });
});
