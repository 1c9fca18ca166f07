import { describe, it, expect } from 'vitest';
import { defineModel, eulerExactDecay, eulerExactDecayF32 } from '../../../plugins/schemes/index.js';
import { registeredSchemes, type DefineOptions } from '../../../core/equations/index.js';
import { builtinPlugins } from '../../../plugins/index.js';
import { drive, linearModel } from './helpers.js';

/**
 * x decays, y is a low-pass of x (linear, constant own rate, an inflow), v is nonlinear in itself
 * (its rate reads x): one variable of each of the scheme's three kinds.
 */
const mixed = (o?: DefineOptions) => defineModel({
  name: 'mixed', doc: 'one decay, one low-pass, one nonlinear variable',
  params: { tau_x: { unit: 'ms', default: 4 }, tau_y: { unit: 'ms', default: 30 }, tau_v: { unit: 'ms', default: 12 }, E: { unit: 'mV', default: -60 } },
  state: { x: { unit: '1', initial: 2 }, y: { unit: '1', initial: 0.5 }, v: { unit: 'mV', initial: -70 } },
  equations: ['dx/dt = -x / tau_x : 1', 'dy/dt = (x - y) / tau_y : 1', 'dv/dt = ((E - v) - x * v) / tau_v : mV'],
  receptors: { ex: { kind: 'conductance', variable: 'x', scale: '1 / nS' }, in: { kind: 'conductance', variable: 'x', scale: '1 / nS' } },
}, o);

/** The model above with a threshold, a reset and a clamp on a decaying variable while refractory. */
const spiking = (o?: DefineOptions) => defineModel({
  name: 'mixed_spiking', doc: 'the mixed model with spikes and a clamped decay',
  params: { tau_x: { unit: 'ms', default: 4 }, tau_y: { unit: 'ms', default: 30 }, tau_v: { unit: 'ms', default: 12 }, E: { unit: 'mV', default: -60 } },
  state: { x: { unit: '1', initial: 0 }, y: { unit: '1', initial: 0 }, v: { unit: 'mV', initial: -70 } },
  equations: ['dx/dt = -x / tau_x : 1', 'dy/dt = (x - y) / tau_y : 1', 'dv/dt = ((E - v) + 80 * mV * x + 20 * ms * I_stim / (250 * pF)) / tau_v : mV'],
  threshold: 'v > -50 * mV', reset: ['v = -65 * mV', 'y += 0.5'],
  refractory: { period: '1.5 * ms', clamp: ['v', 'y'] },
  receptors: { ex: { kind: 'conductance', variable: 'x', scale: '1 / nS' }, in: { kind: 'conductance', variable: 'x', scale: '1 / nS' } },
}, o);

/** One step of the scheme by hand, from its definition (not from the kernel's code). */
function byHand(x: number, y: number, v: number, dt: number) {
  const Ex = Math.exp((-1 / 4) * dt), Ey = Math.exp((-1 / 30) * dt), Fy = Math.expm1((-1 / 30) * dt) / (-1 / 30);
  return { x: x * Ex, y: (y + Fy * (x / 30)) * Ey, v: v + dt * (((-60 - v) - x * v) / 12) };
}

describe('euler-exact-decay (Euler on the nonlinear variables, exact decay of the linear ones)', () => {
  it('is registered by name in both precisions, for the models it applies to', () => {
    const names = registeredSchemes().map((s) => s.name);
    expect(names).toContain('euler-exact-decay');
    expect(names).toContain('euler-exact-decay-f32');
    expect([eulerExactDecay.precision, eulerExactDecayF32.precision]).toEqual(['f64', 'f32']);
    const m = mixed();
    expect(m.integrators['euler-exact-decay']).toBeDefined();
    expect(m.integrators['euler-exact-decay-f32'].precision).toBe('f32');
    // iaf_psc_exp's synaptic currents decay; a model whose every rate reads the state does not apply.
    const byName = (n: string) => builtinPlugins.find((p) => p.name === n) as unknown as { integrators: object; refused: Record<string, string> };
    expect('euler-exact-decay' in byName('iaf_psc_exp').integrators).toBe(true);
    const rates = defineModel({
      name: 'rates', doc: 'every rate reads the state',
      params: {}, state: { a: { unit: '1', initial: 1 }, b: { unit: '1', initial: 1 } },
      equations: ['da/dt = -a * b / ms : 1', 'db/dt = -a * b / ms : 1'],
    });
    expect(rates.refused['euler-exact-decay']).toMatch(/plain forward Euler/);
  });

  it('one step: x·exp(-dt/τx), (y + F·x/τy)·exp(-dt/τy), v + dt·dv/dt, all from the old values (to 1 ulp)', () => {
    for (const dt of [0.1, 0.5, 2]) {
      const r = drive(mixed(), 'euler-exact-decay', { n: 1, steps: 1, dt, pSpike: 0, record: 'x' });
      const want = byHand(2, 0.5, -70, dt);
      for (const v of ['x', 'y', 'v'] as const) expect(Math.abs(r.state[v][0] - want[v]), `${v} dt ${dt}`).toBeLessThanOrEqual(2 * Number.EPSILON * Math.abs(want[v]));
    }
  });

  it('decays exactly for any dt, and is first order on the low-pass and the nonlinear variable', () => {
    const T = 12;
    const at = (dt: number) => {
      const steps = Math.round(T / dt);
      const x = drive(mixed(), 'euler-exact-decay', { n: 1, steps, dt, pSpike: 0, record: 'x' });
      const y = drive(mixed(), 'euler-exact-decay', { n: 1, steps, dt, pSpike: 0, record: 'y' });
      const v = drive(mixed(), 'euler-exact-decay', { n: 1, steps, dt, pSpike: 0, record: 'v' });
      return { x: x.trace[steps - 1], y: y.trace[steps - 1], v: v.trace[steps - 1] };
    };
    // y(t) solves dy/dt = (2e^{-t/4} − y)/30 from 0.5: y = 0.5e^{-t/30} + 2·4/(4 − 30)·(e^{-t/30} − e^{-t/4})·... written out:
    const xT = 2 * Math.exp(-T / 4);
    const yT = 0.5 * Math.exp(-T / 30) + ((2 * 4) / (30 - 4)) * (Math.exp(-T / 30) - Math.exp(-T / 4));
    for (const dt of [0.05, 0.4, 3]) expect(Math.abs(at(dt).x - xT) / xT, `dt ${dt}`).toBeLessThan(1e-13);
    const errY = [0.4, 0.2, 0.1].map((dt) => Math.abs(at(dt).y - yT));
    // Halving dt halves the error: order 1 (Auryn's inflow-first split keeps an O(dt) gain error).
    expect(errY[0] / errY[1]).toBeGreaterThan(1.8);
    expect(errY[1] / errY[2]).toBeGreaterThan(1.8);
    expect(errY[0] / errY[1]).toBeLessThan(2.2);
    const vRef = at(0.001).v;
    const errV = [0.4, 0.2, 0.1].map((dt) => Math.abs(at(dt).v - vRef));
    expect(errV[0] / errV[1]).toBeGreaterThan(1.7);
    expect(errV[1] / errV[2]).toBeGreaterThan(1.7);
  });

  it('the generated kernel and the fallback (codegen off) are bit-identical, with spikes, resets and clamps, in both precisions', () => {
    for (const scheme of ['euler-exact-decay', 'euler-exact-decay-f32']) {
      for (const make of [mixed, spiking]) {
        const opts = { n: 9, steps: 2000, wEx: 0.6, wIn: 0.3, pSpike: 0.1, current: 200, seed: 3, record: 'x' };
        const a = drive(make(), scheme, opts), b = drive(make({ codegen: 'off' }), scheme, opts);
        expect([a.kernel.generated, b.kernel.generated]).toEqual([true, false]);
        if (make === spiking) expect(a.spikes.length, scheme).toBeGreaterThan(20);
        expect(a.spikes).toEqual(b.spikes);
        for (const v of Object.keys(a.state)) expect(Array.from(a.state[v]), `${scheme} ${make.name} ${v}`).toEqual(Array.from(b.state[v]));
      }
    }
  });

  it('holds a clamped decaying variable while refractory, and takes Euler where the decay rate is 0 at run time', () => {
    // Every spike adds 0.5 to y, which is then held for 15 steps; it relaxes again afterwards.
    const n = 1;
    const r = drive(spiking(), 'euler-exact-decay', { n, steps: 400, wEx: 2, wIn: 0, pSpike: 0.3, seed: 9, record: 'y' });
    expect(r.spikes.length).toBeGreaterThan(0);
    const s0 = r.spikes[0][0];
    for (let k = 1; k < 15; k++) expect(r.trace[s0 + k]).toBe(r.trace[s0]);
    expect(r.trace[s0 + 16]).not.toBe(r.trace[s0]);
    // A rate parameter of 0: dx/dt = -r·x is 0·x, and F = expm1(0)/0 would be NaN; the step is Euler, x stays.
    for (const codegen of ['auto', 'off'] as const) {
      const rate = defineModel({
        name: 'rate', doc: 'a decay with a rate parameter',
        params: { r: { unit: '1/ms', default: 0 } },
        state: { x: { unit: '1', initial: 2 }, z: { unit: '1', initial: 1 } },
        equations: ['dx/dt = -r * x : 1', 'dz/dt = -z / (5 * ms) : 1'],
      }, { codegen });
      expect(drive(rate, 'euler-exact-decay', { n: 1, steps: 10, pSpike: 0, record: 'x' }).trace[9]).toBe(2);
      const d = drive(rate, 'euler-exact-decay', { n: 1, steps: 10, pSpike: 0, params: { r: 0.25 }, record: 'x' }).trace[9];
      expect(Math.abs(d - 2 * Math.exp(-0.25))).toBeLessThan(1e-14);
    }
  });

  it("a linear model's membrane (constant rate, an inflow) takes the inflow-first step, its current the exact decay", () => {
    // linearModel: dV/dt = -(V − E_L)/τm + I/C_m; dI/dt = −I/τs. One step from V = -65, I = 500.
    const dt = 0.1;
    const V = drive(linearModel(), 'euler-exact-decay', { n: 1, steps: 1, dt, pSpike: 0 }).trace[0];
    const I = drive(linearModel(), 'euler-exact-decay', { n: 1, steps: 1, dt, pSpike: 0, record: 'I' }).trace[0];
    expect(Math.abs(I - 500 * Math.exp(-dt / 3)) / 500).toBeLessThan(1e-15);
    const E = Math.exp(-dt / 10), F = -10 * Math.expm1(-dt / 10);
    const want = (-65 + F * (-70 / 10 + 500 / 250)) * E;
    expect(Math.abs(V - want)).toBeLessThan(1e-12);
  });
});
