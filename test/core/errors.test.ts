import { describe, it, expect } from 'vitest';
import { createSimulator, ParameterError, UnknownNameError, presets, resolvePresetParams, findPreset } from '../../index.js';

/** Expect a ParameterError whose message names the parameter and the value. */
function expectParamError(fn: () => unknown, parameter: string, value: string) {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(ParameterError);
  const msg = (err as Error).message;
  expect(msg).toContain(`'${parameter}'`);
  expect(msg).toContain(value);
  expect(msg).toMatch(/allowed: .+/);
}

describe('bad input is refused with an error naming the parameter, the value and what is allowed', () => {
  it('model parameters', () => {
    const sim = createSimulator();
    expectParamError(() => sim.create('iaf_psc_exp', 10, { tau_m: -5 }), 'tau_m', '-5');
    expectParamError(() => sim.create('iaf_psc_exp', 10, { C_m: 0 }), 'C_m', '0');
    expectParamError(() => sim.create('iaf_psc_exp', 10, { t_ref: -1 }), 't_ref', '-1');
    expectParamError(() => sim.create('iaf_psc_exp', 10, { V_reset: -50 }), 'V_reset', '-50');
    // @ts-expect-error -- V_m is state, not a parameter: the type of create()'s params refuses it too
    expectParamError(() => sim.create('iaf_psc_exp', 10, { V_m: NaN }), 'V_m', 'NaN');
    // @ts-expect-error -- an unknown parameter, also refused by the type
    expectParamError(() => sim.create('iaf_psc_exp', 10, { tau_mem: 10 }), 'tau_mem', '10');
    expectParamError(() => sim.create('iaf_psc_exp', 0), 'n', '0');
    expectParamError(() => sim.create('iaf_psc_exp', 10, {}, { integrator: 'leapfrog' }), 'integrator', 'leapfrog');
  });

  it('unknown names list what exists', () => {
    const sim = createSimulator();
    // @ts-expect-error -- an unknown model name, also refused by the type
    expect(() => sim.create('iaf_nonexistent', 1)).toThrow(UnknownNameError);
    // @ts-expect-error -- as above
    expect(() => sim.create('iaf_nonexistent', 1)).toThrow(/iaf_psc_exp/);
    const a = sim.create('iaf_psc_exp', 10);
    expect(() => sim.connect(a, a, { rule: 'small_world' })).toThrow(/unknown connection rule 'small_world'.*fixed_indegree/);
    expect(() => sim.connect(a, a, { rule: 'fixed_indegree', indegree: 2 }, { synapse_model: 'gap_junction' })).toThrow(/unknown synapse model 'gap_junction'/);
  });

  it('connection and synapse specs', () => {
    const sim = createSimulator({ dt: 0.1 });
    const a = sim.create('iaf_psc_exp', 10);
    expectParamError(() => sim.connect(a, a, { rule: 'fixed_indegree', indegree: 11, allow_multapses: false }), 'indegree', '11');
    expectParamError(() => sim.connect(a, a, { rule: 'fixed_indegree', indegree: 10, allow_multapses: false, allow_autapses: false }), 'indegree', '10');
    expectParamError(() => sim.connect(a, a, { rule: 'fixed_indegree', indegree: 2 }, { delay: 0.04 }), 'delay', '0.04');
    expectParamError(() => sim.connect(a, a, { rule: 'fixed_indegree', indegree: 2 }, { weight: NaN }), 'weight', 'NaN');
    expectParamError(() => sim.connect(a, a, { rule: 'fixed_indegree', indegree: 2.5 }), 'indegree', '2.5');
    expectParamError(() => sim.connect(a, a, { rule: 'fixed_indegree', indegree: 2, allow_autapses: 'no' as unknown as boolean }), 'allow_autapses', 'no');
    expectParamError(() => sim.connect(a, a, { rule: 'fixed_indegree', indegree: 2 }, { weight: { distribution: 'normal', mean: 1, std: -1 } }), 'weight.std', '-1');
  });

  it('simulator options, simulate and state', () => {
    expectParamError(() => createSimulator({ dt: 0 }), 'dt', '0');
    expectParamError(() => createSimulator({ seed: -3 }), 'seed', '-3');
    const sim = createSimulator({ dt: 0.1 });
    const a = sim.create('iaf_psc_exp', 4);
    expectParamError(() => a.set('V_m', [1, 2, 3]), 'V_m', 'array of length 3');
    expectParamError(() => a.get('V_membrane'), 'variable', 'V_membrane');
    expectParamError(() => sim.simulate(0.15), 't', '0.15');
    expectParamError(() => sim.simulate(-1), 't', '-1');
  });

  it('preset parameters', () => {
    const p = findPreset(presets, 'cuba-static');
    expectParamError(() => resolvePresetParams(p, { scale: 0 }), 'scale', '0');
    expectParamError(() => resolvePresetParams(p, { simtime: 'long' }), 'simtime', 'long');
    expectParamError(() => resolvePresetParams(p, { JEE: 3 }), 'JEE', '3');
    expect(() => findPreset(presets, 'cuba-dynamic')).toThrow(/unknown preset 'cuba-dynamic'.*cuba-static/);
  });
});

describe('infinite values where a parameter means "no bound"', () => {
  it('V_min accepts -Infinity (NEST: no lower bound) but not NaN; a device stop accepts Infinity but not -Infinity', () => {
    const sim = createSimulator();
    expect(sim.create('iaf_psc_alpha', 1, { V_min: -Infinity }).params.V_min).toBe(-Infinity);
    expectParamError(() => sim.create('iaf_psc_alpha', 1, { V_min: NaN }), 'V_min', 'NaN');
    expect(sim.create('poisson_generator', 1, { stop: Infinity }).params.stop).toBe(Infinity);
    expectParamError(() => sim.create('poisson_generator', 1, { stop: -Infinity }), 'stop', '-Infinity');
  });
});
