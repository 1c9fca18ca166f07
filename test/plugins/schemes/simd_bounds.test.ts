import { describe, it, expect } from 'vitest';
import { agreement, drive } from './helpers.js';
import { defineModel } from '../../../plugins/schemes/index.js';
import { iafPscAlphaDef } from '../../../plugins/neurons/iaf_psc_alpha.js';
import { aurynIFDef } from '../../../plugins/neurons/auryn_if.js';
import { iafPscDeltaDef } from '../../../plugins/neurons/iaf_psc_delta.js';
import type { DefineOptions, EquationModel } from '../../../core/equations/index.js';

/**
 * The WebAssembly SIMD schemes on models with bounds (NEST's V_min, IFGroup's [u_inh_rev, 0 mV]) and with Auryn's
 * scheme (euler-exact-decay): lane pseudo-min/max on the lanes that are not refractory, as the scalar kernels'
 * `if`, and a clamped variable that decays exactly held by a select. Inputs strong enough that every bound acts.
 */
type Drive = { wEx: number; wIn: number; pSpike: number; current: number };
/**
 * `w` reaches every bound; IFGroup's takes conductances far past dt/τ·g = 1, where Euler amplifies rounding
 * instead of damping it, so its float32 comparison (`w32`) uses the preset's weights, where it contracts.
 */
const cases: { label: string; make: (o?: DefineOptions) => EquationModel; params: Record<string, number>; w: Drive; w32: Drive; bounds: number[]; tauMax: number }[] = [
  {
    label: 'iaf_psc_alpha, V_min -72 mV', make: (o) => defineModel(iafPscAlphaDef, o), params: { I_e: 450, V_min: -72 },
    w: { wEx: 150, wIn: 150, pSpike: 0.2, current: 100 }, w32: { wEx: 150, wIn: 150, pSpike: 0.2, current: 100 }, bounds: [-72], tauMax: 10,
  },
  {
    label: 'iaf_psc_delta, V_min -71 mV', make: (o) => defineModel(iafPscDeltaDef, o), params: { I_e: 400, V_min: -71 },
    w: { wEx: 3, wIn: 3, pSpike: 0.2, current: 100 }, w32: { wEx: 3, wIn: 3, pSpike: 0.2, current: 100 }, bounds: [-71], tauMax: 10,
  },
  {
    label: 'IFGroup, V_m in [-80, 0] mV', make: (o) => defineModel(aurynIFDef, o), params: {},
    w: { wEx: 4000, wIn: 4000, pSpike: 0.02, current: 0 }, w32: { wEx: 25, wIn: 10, pSpike: 0.2, current: 0 }, bounds: [-80, 0], tauMax: 100,
  },
];
const n = 203, steps = 2000;
/**
 * Float32 ulps of a variable's largest magnitude: 16 for euler's lanes, as test/plugins/schemes/simd.test.ts
 * allows. The exact decay's lanes take E = exp(-dt/τ) rounded to float32: its relative error (≤ 2^-24) moves the
 * fixed point of x ← (x + F·B)·E by up to 2^-24·τ/dt relative, 0.5·τ/dt ulps more for the model's longest τ
 * (iaf_psc_alpha τm 10 ms: 66 in all, 17 seen; IFGroup τ_nmda 100 ms: 516, 78 seen).
 */
const ulps = (simd: string, tauMax: number) => (simd.startsWith('euler-exact-decay') ? 16 + (0.5 * tauMax) / 0.1 : 16);

describe('WebAssembly SIMD schemes with bounds, exact decay and flushed subnormals', () => {
  for (const c of cases) {
    it(`${c.label}: the float64 lanes are bit-identical to euler and euler-exact-decay, and each bound acts`, () => {
      const m = c.make();
      for (const [simd, js] of [['euler-f64x2-wasm-simd', 'euler'], ['euler-exact-decay-f64x2-wasm-simd', 'euler-exact-decay']]) {
        for (const v of m.compiled.states) {
          const opts = { n: 7, steps, params: c.params, ...c.w, seed: 3, record: v };
          const a = drive(m, simd, opts), b = drive(m, js, opts);
          expect(a.kernel.generated).toBe(true);
          expect(Array.from(a.trace), `${simd} ${v}`).toEqual(Array.from(b.trace));
          expect(a.spikes, simd).toEqual(b.spikes);
          expect(a.spikes.length, simd).toBeGreaterThan(20);
          if (v === 'V_m') for (const x of c.bounds) expect(Array.from(b.trace).filter((y) => y === x).length, `${js}: V_m at ${x}`).toBeGreaterThan(0);
        }
      }
    });

    it(`${c.label}: the float32 lanes within 16 (euler) and ${ulps('euler-exact-decay', c.tauMax)} (exact decay) float32 ulps of euler-f32 and euler-exact-decay-f32, the same spikes for ≥ 95 % of neurons`, () => {
      const m = c.make();
      for (const [simd, js] of [['euler-f32x4-wasm-simd', 'euler-f32'], ['euler-exact-decay-f32x4-wasm-simd', 'euler-exact-decay-f32']]) {
        expect(m.integrators[simd].precision).toBe('f32');
        for (const v of m.compiled.states) {
          const opts = { n, steps, params: c.params, ...c.w32, seed: 5, record: v };
          const a = drive(m, simd, opts), b = drive(m, js, opts);
          expect(a.kernel.generated).toBe(true);
          const { agree, diff, scale } = agreement(a, b, n, steps);
          expect(agree, `${simd} ${v}`).toBeGreaterThanOrEqual(0.95);
          expect(diff, `${simd} ${v}`).toBeLessThanOrEqual(ulps(simd, c.tauMax) * 2 ** -23 * scale);
        }
      }
    });

    it(`${c.label}: the WebAssembly kernels and their JS form (codegen off) are bit-identical`, () => {
      const gen = c.make(), off = c.make({ codegen: 'off' });
      for (const simd of ['euler-f32x4-wasm-simd', 'rk4-f32x4-wasm-simd', 'euler-f64x2-wasm-simd', 'euler-exact-decay-f32x4-wasm-simd', 'euler-exact-decay-f64x2-wasm-simd']) {
        const opts = { n: 13, steps: 1000, params: c.params, ...c.w, seed: 9 };
        const a = drive(gen, simd, opts), b = drive(off, simd, opts);
        expect([a.kernel.generated, b.kernel.generated]).toEqual([true, false]);
        expect(a.spikes.length).toBeGreaterThan(0);
        expect(a.spikes, `${simd}`).toEqual(b.spikes);
        for (const v of Object.keys(a.state)) expect(Array.from(a.state[v]), `${simd} ${v}`).toEqual(Array.from(b.state[v]));
      }
    });
  }

  it('the float32 lanes store a state below 2^-126 as 0 (as Auryn), the float64 lanes and the JS schemes keep subnormals', () => {
    const mk = (o?: DefineOptions) => defineModel({
      name: 'simd_subnormal', doc: 'a trace decaying into the subnormals', params: { tau: { unit: 'ms', default: 1 } },
      state: { x: { unit: '1', initial: 1e-36 } }, equations: ['dx/dt = -x / tau : 1'],
    }, o);
    // 1e-36 · e^-0.1k crosses 2^-126 ≈ 1.2e-38 after 45 steps; 60 steps end at about 2.5e-39 unflushed.
    for (const simd of ['euler-f32x4-wasm-simd', 'euler-exact-decay-f32x4-wasm-simd']) {
      for (const m of [mk(), mk({ codegen: 'off' })]) {
        const x = drive(m, simd, { n: 3, steps: 60, record: 'x', pSpike: 0 }).trace;
        expect(x[3 * 30], simd).toBeGreaterThan(2 ** -126);
        expect(x[3 * 59], simd).toBe(0);
      }
    }
    for (const s of ['euler-f32', 'euler-exact-decay-f32', 'euler-exact-decay-f64x2-wasm-simd']) {
      const last = drive(mk(), s, { n: 3, steps: 60, record: 'x', pSpike: 0 }).trace[3 * 59];
      expect(last, s).toBeGreaterThan(0);
      expect(last, s).toBeLessThan(2 ** -126);
    }
  });

  it('euler-exact-decay in lanes refuses what the scalar scheme refuses (no variable that decays at a constant rate)', () => {
    const m = defineModel({
      name: 'simd_no_decay', doc: '', params: { tau: { unit: 'ms', default: 10 } },
      state: { x: { unit: '1', initial: 1 } }, equations: ['dx/dt = -x * x / tau : 1'],
    });
    expect('euler-f32x4-wasm-simd' in m.integrators).toBe(true);
    for (const s of ['euler-exact-decay-f32x4-wasm-simd', 'euler-exact-decay-f64x2-wasm-simd']) expect(m.refused[s]).toBe(m.refused['euler-exact-decay']);
    expect(m.refused['euler-exact-decay']).toMatch(/no variable decays linearly/);
  });
});
