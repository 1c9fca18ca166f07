import { describe, it, expect } from 'vitest';
import { defineModel } from '../../../plugins/schemes/index.js';
import { ModelError, type ModelDef, type SchemeOverride } from '../../../core/equations/index.js';
import type { NeuronScheme } from '../../../core/plugin.js';
import { NO_PRIVATE_STATE } from '../../../core/contracts/base.js';
import { createSimulator, builtinPlugins } from '../../../index.js';

/** A leaky membrane under a constant current, with a threshold: a user's model. */
const def: ModelDef = {
  name: 'user_lif', doc: 'LIF for the override tests',
  params: { E_L: { unit: 'mV', default: -70 }, tau_m: { unit: 'ms', default: 10 }, C_m: { unit: 'pF', default: 250 }, I_e: { unit: 'pA', default: 500 }, V_th: { unit: 'mV', default: -55 } },
  state: { V_m: { unit: 'mV', initial: 'E_L' } },
  equations: ['dV_m/dt = -(V_m - E_L) / tau_m + (I_e + I_stim) / C_m : mV'],
  threshold: 'V_m >= V_th', reset: ['V_m = E_L'],
};

/** A hand kernel that holds V_m at a marker value, so that which kernel ran is visible. */
const marker = (precision: 'f64' | 'f32' = 'f64'): NeuronScheme => ({
  precision,
  create: (ctx) => ({ ...NO_PRIVATE_STATE, update: () => { ctx.state.V_m.fill(12.5); return 0; } }),
});
const override = (kernel: NeuronScheme): SchemeOverride => ({
  kernel, equivalence: { kind: 'bit-identical' }, probe: { params: [{}], wEx: 0, wIn: 0, current: 0 }, doc: 'test',
});

describe('defineModel overrides: hand kernels for named schemes, the generated kernel kept beside them', () => {
  it("runs the hand kernel under the scheme's name and the generated one as <scheme>-generated", () => {
    const m = defineModel(def, { overrides: { rk4: override(marker()) } });
    expect(Object.keys(m.overrides)).toEqual(['rk4']);
    expect(m.integrators['rk4-generated']).toBeDefined();
    expect(m.scheme('rk4-generated').name).toBe('rk4');
    const sim = createSimulator({ plugins: [...builtinPlugins, m] });
    const hand = sim.create('user_lif', 2, {}, { integrator: 'rk4' });
    const gen = sim.create('user_lif', 2, {}, { integrator: 'rk4-generated' });
    sim.simulate(1);
    expect(Array.from(hand.get('V_m') as ArrayLike<number>)).toEqual([12.5, 12.5]);
    // 10 rk4 steps from E_L under 500 pA: V_m rises towards E_L + 20 mV by 20 (1 − e^{−0.1}) ≈ 1.9 mV.
    const v = (gen.get('V_m') as ArrayLike<number>)[0];
    expect(Math.abs(v - (-70 + 20 * -Math.expm1(-0.1)))).toBeLessThan(1e-7);
  });

  it('refuses an override of a scheme that does not apply, of another precision, or named twice', () => {
    const nonlinear: ModelDef = { ...def, name: 'nl', equations: ['dV_m/dt = -(V_m - E_L) / tau_m + exp((V_m - V_th) / mV) * mV / ms + (I_e + I_stim) / C_m : mV'] };
    expect(() => defineModel(nonlinear, { overrides: { exact: override(marker()) } })).toThrow(/no generated 'exact' kernel to override \(.*nonlinear|no generated 'exact'/);
    expect(() => defineModel(def, { overrides: { 'euler-f32': override(marker('f64')) } })).toThrow(/hand 'euler-f32' kernel stores f64, the generated one f32/);
    expect(() => defineModel(def, { overrides: { rk4: override(marker()) }, handOnly: { rk4: { kernel: marker(), why: 'x' } } })).toThrow(ModelError);
  });

  it('lists hand kernels of another method with what differs', () => {
    const m = defineModel(def, { handOnly: { euler: { kernel: marker(), why: 'exact decay of the synapses' } } });
    expect(m.handOnly).toEqual({ euler: 'exact decay of the synapses' });
    expect(m.integrators['euler-generated']).toBeDefined();
    expect(m.overrides).toEqual({});
  });
});

describe('overrides held to another generated scheme (against)', () => {
  it('take their own name, move the generated kernel of that name aside, and answer scheme() with the one they are held to', () => {
    const m = defineModel(def, { overrides: { euler: { ...override(marker()), against: 'rk4' } } });
    expect(m.overrides.euler.against).toBe('rk4');
    expect(m.integrators['euler-generated']).toBeDefined();
    expect(m.scheme('euler').name).toBe('rk4');
    expect(m.handOnly).toEqual({});
  });

  it('take a name no scheme applies to (and it leaves the refusals); refuse a missing or overridden reference and a precision mismatch', () => {
    // log() of the state: no float32 lane computes it, so no generated euler-f32x4-wasm-simd.
    const m = defineModel({ ...def, equations: ['dV_m/dt = -(V_m - E_L) / tau_m + (I_e + I_stim) / C_m + log(-V_m / mV) * mV / ms * 0 : mV'] }, { overrides: { 'euler-f32x4-wasm-simd': { ...override(marker('f32')), against: 'euler-f32' } } });
    expect(m.integrators['euler-f32x4-wasm-simd']).toBeDefined();
    expect(m.integrators['euler-f32x4-wasm-simd-generated']).toBeUndefined();
    expect(m.refused['euler-f32x4-wasm-simd']).toBeUndefined();
    expect(() => defineModel(def, { overrides: { euler: { ...override(marker()), against: 'nope' } } })).toThrow(ModelError);
    expect(() => defineModel(def, { overrides: { euler: { ...override(marker()), against: 'exact' }, exact: override(marker()) } })).toThrow(/no generated scheme/);
    expect(() => defineModel(def, { overrides: { euler: { ...override(marker()), against: 'euler-f32' } } })).toThrow(/stores f64, the generated 'euler-f32' f32/);
  });
});
