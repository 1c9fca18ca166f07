import { describe, it, expect } from 'vitest';
import { createSimulator, ParameterError } from '../../../index.js';
import { pynnToNest, nestToPynn, pynnSchemas, type PynnModelName } from '../../../plugins/neurons/pynn.js';
import { resolveParams } from '../../../core/schema.js';
import { trace, spikeSource } from './harness.js';

const pynnNames = Object.keys(pynnSchemas) as PynnModelName[];

describe('PyNN cell types', () => {
  it('unit conversion round-trips (PyNN → NEST → PyNN) for defaults and for seed 001 (Vogels–Abbott) values', () => {
    // Seed 001: area 20000 µm², cm 1 µF/cm² → 0.2 nF; tau_m 20 ms; so g_L = 10 nS as in NEST's COBA example.
    const seed001 = { cm: 0.2, tau_m: 20, tau_syn_E: 5, tau_syn_I: 10, v_rest: -60, v_reset: -60, v_thresh: -50, tau_refrac: 5, e_rev_E: 0, e_rev_I: -80 };
    const va = pynnToNest('IF_cond_exp', resolveParams('t', pynnSchemas.IF_cond_exp, seed001));
    expect(va.C_m).toBeCloseTo(200, 12);
    expect(va.g_L).toBeCloseTo(10, 12);
    expect(va.E_in).toBe(-80);
    expect(va.t_ref).toBe(5);
    for (const model of pynnNames) {
      const schema = pynnSchemas[model];
      for (const given of [{}, model === 'IF_cond_exp' ? seed001 : { cm: 0.5, tau_m: 12.5, i_offset: 0.25 }]) {
        const p = resolveParams('t', schema, given);
        const back = nestToPynn(model, pynnToNest(model, p));
        for (const key of Object.keys(schema)) expect(back[key]).toBeCloseTo(p[key], 12);
      }
    }
    // Units: nA → pA, µS-free b in nA → pA, a stays in nS.
    const eif = pynnToNest('EIF_cond_exp_isfa_ista', resolveParams('t', pynnSchemas.EIF_cond_exp_isfa_ista, {}));
    expect(eif.b).toBeCloseTo(80.5, 12);
    expect(eif.a).toBe(4);
    expect(eif.C_m).toBeCloseTo(281, 12);
    expect(eif.g_L).toBeCloseTo(30, 3); // PyNN's tau_m 9.3667 = 281 pF / 30 nS
  });

  const pairs: [PynnModelName, string, Record<string, number>, number, string][] = [
    ['IF_curr_exp', 'iaf_psc_exp', { i_offset: 1, tau_refrac: 2 }, 0.2, 'V_m'],
    ['IF_curr_alpha', 'iaf_psc_alpha', { i_offset: 1, tau_refrac: 2 }, 0.2, 'V_m'],
    ['IF_cond_exp', 'iaf_cond_exp', { i_offset: 1, tau_refrac: 2 }, 0.01, 'V_m'],
    ['EIF_cond_exp_isfa_ista', 'aeif_cond_exp', { i_offset: 0.9 }, 0.01, 'w'],
  ];
  for (const [pynn, nest, params, weight, variable] of pairs) {
    it(`${pynn} runs exactly as ${nest} with converted parameters and weights ×1000`, () => {
      const p = resolveParams('t', pynnSchemas[pynn], params);
      // V_min = -Infinity is the NEST default already (a value one cannot pass explicitly).
      const q = Object.fromEntries(Object.entries(pynnToNest(pynn, p)).filter(([, v]) => Number.isFinite(v)));
      const ev = [{ step: 20, weight }, { step: 90, weight: -weight }];
      const a = trace(pynn, params, 600, { record: ['V_m', 'v', variable], devices: [{ plugin: spikeSource(ev), delay: 0.1 }] });
      const evNest = ev.map((e) => ({ step: e.step, weight: e.weight * 1000 }));
      const b = trace(nest, q, 600, { record: ['V_m', variable], devices: [{ plugin: spikeSource(evNest), delay: 0.1 }] });
      expect(a.spikeSteps.length).toBeGreaterThan(0);
      expect(a.spikeSteps).toEqual(b.spikeSteps);
      for (let k = 0; k < 600; k++) {
        expect(a.values.V_m[k]).toBeCloseTo(b.values.V_m[k], 9);
        expect(a.values[variable][k]).toBeCloseTo(b.values[variable][k], 9);
        expect(a.values.v[k]).toBe(a.values.V_m[k]);
      }
    });
  }

  it('IF_cond_exp and IF_curr_exp offer the euler-f32 integrator', () => {
    const sim = createSimulator();
    expect(sim.create('IF_cond_exp', 3, {}, { integrator: 'euler-f32' }).get('v')).toBeInstanceOf(Float32Array);
    expect(sim.create('IF_curr_exp', 3, {}, { integrator: 'euler-f32' }).get('V_m')).toBeInstanceOf(Float32Array);
  });
});

describe('parameter checks: every out-of-range value throws a ParameterError naming it, before anything is built', () => {
  const cases: [string, Record<string, unknown>, string][] = [
    ['iaf_psc_alpha', { C_m: -1 }, 'C_m'],
    ['iaf_psc_alpha', { tau_m: 0 }, 'tau_m'],
    ['iaf_psc_alpha', { tau_syn_ex: -0.5 }, 'tau_syn_ex'],
    ['iaf_psc_alpha', { tau_syn_in: 0 }, 'tau_syn_in'],
    ['iaf_psc_alpha', { t_ref: -1 }, 't_ref'],
    ['iaf_psc_alpha', { V_reset: -50 }, 'V_reset'],
    ['iaf_psc_alpha', { V_reset: -55 }, 'V_reset'],
    ['iaf_psc_alpha', { tau_minus: -20 }, 'tau_minus'],
    ['iaf_psc_exp', { C_m: 0 }, 'C_m'],
    ['iaf_psc_exp', { t_ref: -0.1 }, 't_ref'],
    ['iaf_psc_exp', { V_reset: -40 }, 'V_reset'],
    ['iaf_psc_delta', { tau_m: -10 }, 'tau_m'],
    ['iaf_psc_delta', { refractory_input: 2 }, 'refractory_input'],
    ['iaf_psc_delta', { V_reset: -55 }, 'V_reset'],
    ['iaf_cond_exp', { g_L: -1 }, 'g_L'],
    ['iaf_cond_exp', { C_m: -250 }, 'C_m'],
    ['iaf_cond_exp', { tau_syn_ex: 0 }, 'tau_syn_ex'],
    ['iaf_cond_exp', { t_ref: -2 }, 't_ref'],
    ['iaf_cond_exp', { V_reset: -50 }, 'V_reset'],
    ['iaf_cond_alpha', { tau_syn_in: -2 }, 'tau_syn_in'],
    ['iaf_cond_alpha', { V_reset: -55 }, 'V_reset'],
    ['aeif_cond_exp', { Delta_T: -1 }, 'Delta_T'],
    ['aeif_cond_exp', { tau_w: 0 }, 'tau_w'],
    ['aeif_cond_exp', { V_peak: -60 }, 'V_peak'],
    ['aeif_cond_exp', { V_reset: 5 }, 'V_reset'],
    ['aeif_cond_exp', { gsl_error_tol: 0 }, 'gsl_error_tol'],
    ['aeif_cond_exp', { Delta_T: 0.01, V_peak: 100 }, 'Delta_T'],
    ['izhikevich', { consistent_integration: 0.5 }, 'consistent_integration'],
    ['izhikevich', { a: Number.NaN }, 'a'],
    ['parrot_neuron', { tau_minus: 0 }, 'tau_minus'],
    ['IF_curr_exp', { cm: -1 }, 'cm'],
    ['IF_curr_exp', { tau_refrac: -1 }, 'tau_refrac'],
    ['IF_curr_exp', { v_reset: -40 }, 'v_reset'],
    ['IF_curr_alpha', { tau_syn_E: 0 }, 'tau_syn_E'],
    ['IF_cond_exp', { tau_m: -20 }, 'tau_m'],
    ['IF_cond_exp', { v_reset: -50 }, 'v_reset'],
    ['EIF_cond_exp_isfa_ista', { v_spike: -60 }, 'v_spike'],
    ['EIF_cond_exp_isfa_ista', { tau_w: -1 }, 'tau_w'],
    ['iaf_psc_alpha', { V_treshold: -50 }, 'V_treshold'],
  ];
  for (const [model, params, name] of cases) {
    it(`${model} ${JSON.stringify(params, (_k, v) => (Number.isNaN(v) ? 'NaN' : v))} → ParameterError naming ${name}`, () => {
      const sim = createSimulator();
      let err: unknown;
      try {
        sim.create(model, 10, params);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ParameterError);
      expect((err as ParameterError).parameter).toBe(name);
      expect((err as ParameterError).message).toContain(`'${name}'`);
      expect(sim.populations.length).toBe(0);
    });
  }

  it('an unknown integrator is a ParameterError listing the ones the model has', () => {
    const sim = createSimulator();
    expect(() => sim.create('iaf_psc_alpha', 1, {}, { integrator: 'euler-f32' })).toThrow(/integrator.*exact/);
  });
});
