import { describe, it, expect } from 'vitest';
import { propagator } from '../../../plugins/schemes/index.js';
import { defineModel } from '../../../plugins/schemes/index.js';
import { bindModel } from '../../../core/equations/kernel.js';
import { createSimulator, builtinPlugins, ParameterError } from '../../../index.js';
import { resolveParams } from '../../../core/schema.js';
import { propagatorAlpha, propagatorExp } from '../../../plugins/neurons/propagators.js';
import { iafPscExp } from '../../../plugins/neurons/iaf_psc_exp.js';
import { iafPscAlpha } from '../../../plugins/neurons/iaf_psc_alpha.js';
import type { EquationModel } from '../../../core/equations/index.js';
import type { NeuronModel } from '../../../core/plugin.js';
import { eqPscAlpha, eqPscExp } from '../../core/equations/fixtures/nest_models.js';
import { drive, linearExact, linearModel } from './helpers.js';

const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

function matrixOf(m: EquationModel, params: Record<string, number>, h: number): number[][] {
  const p = resolveParams('test', m.params, params);
  return propagator(bindModel(m.compiled, p, h).derivs, m.compiled.states.length, h).matrix;
}

describe('exact scheme: propagators from the matrix exponential', () => {
  it("reproduces NEST's iaf_psc_exp propagators to 1e-12 relative, the tau_m = tau_syn case included", () => {
    const m = eqPscExp();
    for (const [tau_m, tau_syn_ex, h] of [[10, 2, 0.1], [20, 0.5, 0.1], [10, 10, 0.1], [15, 15, 1], [10, 3, 1.0]]) {
      const C_m = 250, I_e = 100, E_L = -70;
      const E = matrixOf(m, { tau_m, tau_syn_ex, C_m, I_e }, h);
      // Columns: V_m, I_syn_ex, I_syn_in, I_stim, 1.
      const P22 = Math.exp(-h / tau_m), P20 = (-tau_m / C_m) * Math.expm1(-h / tau_m);
      expect(rel(E[0][0], P22)).toBeLessThan(1e-12);
      expect(rel(E[0][1], propagatorExp(tau_syn_ex, tau_m, C_m, h))).toBeLessThan(1e-12);
      expect(rel(E[1][1], Math.exp(-h / tau_syn_ex))).toBeLessThan(1e-12);
      expect(rel(E[0][3], P20)).toBeLessThan(1e-12);
      expect(rel(E[0][4], E_L * (1 - P22) + I_e * P20)).toBeLessThan(1e-12);
      expect(E[1][0]).toBe(0);
    }
  });

  it("reproduces NEST's iaf_psc_alpha propagators (P31, P32, P21, P11) to 1e-12 relative, singular case included", () => {
    const m = eqPscAlpha();
    for (const [tau_m, tau_syn_ex, h] of [[10, 2, 0.1], [10, 0.5, 0.1], [10, 10, 0.1], [20, 20, 0.5]]) {
      const C_m = 250;
      const E = matrixOf(m, { tau_m, tau_syn_ex, C_m }, h);
      // States: V_m, I_syn_ex, I_syn_in, dI_syn_ex, dI_syn_in.
      const nest = propagatorAlpha(tau_syn_ex, tau_m, C_m, h);
      expect(rel(E[0][1], nest.P32)).toBeLessThan(1e-12);
      expect(rel(E[0][3], nest.P31)).toBeLessThan(1e-12);
      expect(rel(E[1][3], h * Math.exp(-h / tau_syn_ex))).toBeLessThan(1e-12);
      expect(rel(E[1][1], Math.exp(-h / tau_syn_ex))).toBeLessThan(1e-12);
      expect(rel(E[3][3], Math.exp(-h / tau_syn_ex))).toBeLessThan(1e-12);
    }
  });

  it('integrates a linear model to its analytic solution within 1e-12 relative at every step', () => {
    for (const dt of [0.1, 0.4]) {
      const r = drive(linearModel(), 'exact', { n: 1, steps: Math.round(20 / dt), dt, pSpike: 0, record: 'V_m' });
      for (let s = 0; s < r.trace.length; s++) expect(rel(r.trace[s], linearExact((s + 1) * dt).V)).toBeLessThan(1e-12);
      expect(rel(r.state.I[0], linearExact(20).I)).toBeLessThan(1e-12);
    }
  });
});

describe('exact scheme against the hand-written NEST kernels (same random input, 1000 steps)', () => {
  const cases: [string, () => EquationModel, NeuronModel, Record<string, number>][] = [
    ['iaf_psc_exp', eqPscExp, iafPscExp, { I_e: 360 }],
    ['iaf_psc_exp, tau_m = tau_syn', eqPscExp, iafPscExp, { I_e: 360, tau_syn_ex: 10, tau_syn_in: 10 }],
    ['iaf_psc_alpha', eqPscAlpha, iafPscAlpha, { I_e: 360 }],
    ['iaf_psc_alpha, tau_m = tau_syn', eqPscAlpha, iafPscAlpha, { I_e: 360, tau_syn_ex: 10, tau_syn_in: 10, t_ref: 0.5 }],
  ];
  for (const [label, eq, nest, params] of cases) {
    it(`${label}: V_m within 1e-9 mV at every step, the same spikes`, () => {
      const opts = { n: 16, steps: 1000, params, wEx: 60, wIn: 60, pSpike: 0.15, current: 200, seed: 3 };
      const a = drive(eq(), 'exact', opts), b = drive(nest, 'exact', opts);
      let worst = 0;
      for (let s = 0; s < a.trace.length; s++) worst = Math.max(worst, Math.abs(a.trace[s] - b.trace[s]));
      expect(worst).toBeLessThan(1e-9);
      expect(a.spikes.length).toBeGreaterThan(20);
      expect(a.spikes).toEqual(b.spikes);
    });
  }
});

describe('exact scheme refuses nonlinear models', () => {
  const izh = () => defineModel({
    name: 'quadratic_if', doc: 'quadratic integrate-and-fire (nonlinear)',
    params: { tau: { unit: 'ms', default: 10 }, V_r: { unit: 'mV', default: -60 }, V_c: { unit: 'mV', default: -50 }, V_th: { unit: 'mV', default: 0 } },
    state: { V_m: { unit: 'mV', initial: 'V_r' } },
    equations: ['dV_m/dt = (V_m - V_r) * (V_m - V_c) / (tau * 10 * mV) : mV'],
    threshold: 'V_m >= V_th', reset: ['V_m = V_r'],
  });

  it('leaves exact out of its integrators and says why', () => {
    const m = izh();
    expect('exact' in m.integrators).toBe(false);
    expect(m.defaultIntegrator).toBe('rkf45');
    expect(() => m.scheme('exact')).toThrow("scheme 'exact' does not apply to model 'quadratic_if': dV_m/dt is not linear in the state variables with constant coefficients (term '(V_m - V_r) * (V_m - V_c)'); use rkf45, rk4, rk2 or euler");
  });

  it('refuses exact as the default integrator, and a population asking for it', () => {
    expect(() => defineModel({ name: 'q2', doc: '', params: { tau: { unit: 'ms', default: 10 } }, state: { x: { unit: 'mV', initial: 0 } }, equations: ['dx/dt = x * x / (tau * mV) : mV'], defaultIntegrator: 'exact' }))
      .toThrow("scheme 'exact' does not apply to model 'q2': dx/dt is not linear in the state variables with constant coefficients (term 'x * x'); use rkf45, rk4, rk2 or euler");
    const sim = createSimulator({ plugins: [...builtinPlugins, izh()] });
    expect(() => sim.create('quadratic_if', 2, {}, { integrator: 'exact' })).toThrow(ParameterError);
    expect(() => sim.create('quadratic_if', 2, {}, { integrator: 'exact' })).toThrow(/integrator.*one of .*rkf45/);
  });

  it('accepts a coefficient that is a function of parameters, and refuses a function of the state', () => {
    const mk = (rhs: string) => defineModel({ name: 'f', doc: '', params: { tau: { unit: 'ms', default: 10 }, t_ref: { unit: 'ms', default: 2 } }, state: { x: { unit: '1', initial: 1 } }, equations: [`dx/dt = ${rhs} : 1`] });
    expect('exact' in mk('-x * exp(-t_ref / tau) / tau').integrators).toBe(true);
    expect(mk('-exp(x) / tau').refused.exact).toContain("term 'exp(x)'");
  });
});
