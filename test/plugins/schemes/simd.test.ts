import { describe, it, expect } from 'vitest';
import { agreement, drive, lcg } from './helpers.js';
import { eqCondExp, eqPscAlpha, eqPscExp } from '../../core/equations/fixtures/nest_models.js';
import { adaptiveLif } from '../../core/equations/fixtures/adaptive_lif.js';
import { defineModel } from '../../../plugins/schemes/index.js';
import { simdAvailable } from '../../../plugins/schemes/simd.js';
import { EXP, expF32 } from '../../../plugins/schemes/simd_program.js';
import { standaloneKernel } from '../../../core/kernels.js';
import { resolveParams } from '../../../core/schema.js';
import { RingBuffer, type AnyRing } from '../../../core/ringbuffer.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSimulator, builtinPlugins, CoreComponents as C, Simulator } from '../../../index.js';
import type { DefineOptions, EquationModel } from '../../../core/equations/index.js';

/**
 * The WebAssembly SIMD schemes against the JS schemes, model-agnostically: any equation model, the same
 * random spike and current input. n = 203 is not a multiple of 4 (nor of 2): the last vector has padding lanes.
 */
/** Model, parameters, spike weights (pA; nS for the conductance model) that make it fire irregularly. */
const models: [string, (o?: DefineOptions) => EquationModel, Record<string, number>, { wEx: number; wIn: number }][] = [
  ['adaptive LIF (user model)', adaptiveLif, { I_e: 600 }, { wEx: 60, wIn: 60 }],
  ['iaf_psc_exp as equations', eqPscExp, { I_e: 360 }, { wEx: 60, wIn: 60 }],
  ['iaf_cond_exp as equations', eqCondExp, { I_e: 500 }, { wEx: 20, wIn: 10 }],
];
const pairs = [['euler-f32x4-wasm-simd', 'euler-f32'], ['rk4-f32x4-wasm-simd', 'rk4-f32']] as const;
const n = 203, steps = 2000;
/**
 * Float32 ulps of a variable's largest magnitude. The JS f32 schemes compute each step in float64 and round
 * once where they store (≤ ½ ulp a step); the SIMD kernel rounds each of its operations to float32
 * (≤ ½ ulp each). The models are contracting, so the difference does not grow: about 3 ulps are seen over
 * 2000 steps; 16 leaves room. Rounding can move a threshold crossing by a step, after which that neuron's
 * trace differs by the reset, so traces are compared where the spike trains agree (≥ 95 % of the neurons).
 */
const ULPS = 16;


describe('WebAssembly SIMD schemes for any equation model', () => {
  it('this engine runs them (else they fall back to the JS form of the same arithmetic)', () => {
    expect(simdAvailable()).toBe(true);
  });

  for (const [label, make, params, w] of models) {
    for (const [simd, js] of pairs) {
      it(`${label}: ${simd} within ${ULPS} float32 ulps of ${js} for 2000 steps, the same spikes for ≥ 95 % of neurons`, () => {
        const m = make();
        expect(m.integrators[simd].precision).toBe('f32');
        for (const v of m.compiled.states) {
          const opts = { n, steps, params, current: 100, ...w, pSpike: 0.2, seed: 5, record: v };
          const a = drive(m, simd, opts), b = drive(m, js, opts);
          expect(a.kernel.generated).toBe(true);
          expect(a.spikes.every(([, i]) => i < n)).toBe(true);
          const { agree, diff, scale } = agreement(a, b, n, steps);
          expect(agree, `${simd} ${v}`).toBeGreaterThanOrEqual(0.95);
          expect(diff, `${label} ${simd} ${v}`).toBeLessThanOrEqual(ULPS * 2 ** -23 * scale);
        }
        // Input arrived and neurons fired (the comparison is not of resting traces).
        expect(drive(m, simd, { n, steps, params, current: 100, ...w, pSpike: 0.2, seed: 5 }).spikes.length).toBeGreaterThan(200);
      });
    }
  }

  it('euler-f64x2-wasm-simd is bit-identical to euler (same operations in the same order, two lanes)', () => {
    for (const [label, make, params, w] of [...models, ['iaf_psc_alpha as equations', eqPscAlpha, { I_e: 360 }, { wEx: 60, wIn: 60 }] as const]) {
      const m = make();
      for (const v of m.compiled.states) {
        const opts = { n: 7, steps, params, current: 100, ...w, pSpike: 0.2, seed: 3, record: v };
        const a = drive(m, 'euler-f64x2-wasm-simd', opts), b = drive(m, 'euler', opts);
        expect(a.kernel.generated).toBe(true);
        expect(Array.from(a.trace), `${label} ${v}`).toEqual(Array.from(b.trace));
        expect(a.spikes, label).toEqual(b.spikes);
      }
    }
  });

  it('the WebAssembly kernel and its JS form (codegen off) are bit-identical, float32 rounding included', () => {
    for (const [label, make, params, w] of models) {
      const gen = make(), off = make({ codegen: 'off' });
      for (const simd of ['euler-f32x4-wasm-simd', 'rk4-f32x4-wasm-simd', 'euler-f64x2-wasm-simd']) {
        const opts = { n: 13, steps: 1000, params, current: 100, ...w, pSpike: 0.2, seed: 9 };
        const a = drive(gen, simd, opts), b = drive(off, simd, opts);
        expect([a.kernel.generated, b.kernel.generated]).toEqual([true, false]);
        expect(a.spikes.length).toBeGreaterThan(0);
        expect(a.spikes, `${label} ${simd}`).toEqual(b.spikes);
        for (const v of Object.keys(a.state)) expect(Array.from(a.state[v]), `${label} ${simd} ${v}`).toEqual(Array.from(b.state[v]));
      }
    }
  });

  it('reads its own float32 ring in place, as it reads a copied foreign one; padding lanes take no input and never spike', () => {
    const m = adaptiveLif();
    const N = 5, params = resolveParams('t', m.params, { I_e: 900 });
    const own = standaloneKernel(m, 'euler-f32x4-wasm-simd', { n: N, params, dt: 0.1, firstGid: 1, seed: 1 });
    const foreign = standaloneKernel(m, 'euler-f32x4-wasm-simd', { n: N, params, dt: 0.1, firstGid: 1, seed: 1 });
    const ring = own.kernel.capabilities!.ownRing!(3) as AnyRing;
    expect(ring.ex).toBeInstanceOf(Float32Array);
    expect(ring.readerClears).toBe(true);
    const plain = new RingBuffer(N, 3);
    const rnd = lcg(4);
    const out1 = new Int32Array(8), out2 = new Int32Array(8);
    let spikes = 0;
    for (let s = 0; s < 3000; s++) {
      const off = ring.offset(s), offPlain = plain.offset(s);
      for (let i = 0; i < N; i++) {
        const w = rnd() < 0.3 ? Math.fround(rnd() * 80) : 0, c = Math.fround(rnd() * 200);
        ring.ex[off + i] = w;
        ring.cur[off + i] = c;
        plain.ex[offPlain + i] = w;
        plain.cur[offPlain + i] = c;
      }
      const c1 = own.kernel.update(s, ring as RingBuffer, off, out1);
      const c2 = foreign.kernel.update(s, plain, offPlain, out2);
      plain.clear(offPlain);
      expect(Array.from(out1.subarray(0, c1))).toEqual(Array.from(out2.subarray(0, c2)));
      spikes += c1;
      // The kernel zeroed the row it read.
      expect(ring.ex.subarray(off, off + ring.n).every((x) => x === 0)).toBe(true);
    }
    expect(spikes).toBeGreaterThan(50);
    for (const v of m.compiled.states) expect(Array.from(own.context.state[v]), v).toEqual(Array.from(foreign.context.state[v]));
    // Lanes 5..7 of the last vector: held at the initial state (refractory for ever), no spike reported.
    const V = own.context.state.V_m as Float32Array, w = own.context.state.w as Float32Array;
    expect(Array.from(new Float32Array(V.buffer, V.byteOffset, 8).subarray(N))).toEqual([-70, -70, -70]);
    expect(Array.from(new Float32Array(w.buffer, w.byteOffset, 8).subarray(N))).toEqual([0, 0, 0]);
  });

  it("takes a threshold of comparisons joined by 'and', with prev(X), as lane masks", () => {
    const mk = (o?: DefineOptions) => defineModel({
      name: 'simd_peak', doc: 'spikes at a local maximum above 5 mV', params: { tau: { unit: 'ms', default: 5 }, I_e: { unit: 'pA', default: 100 }, C: { unit: 'pF', default: 100 } },
      state: { V_m: { unit: 'mV', initial: 0 }, u: { unit: 'mV', initial: 0 } },
      equations: ['dV_m/dt = (-V_m + u) / tau + (I_e + I_stim) / C : mV', 'du/dt = (V_m - 2 * u) / tau : mV'],
      threshold: 'V_m >= 5 * mV and prev(V_m) > V_m', reset: ['V_m = 0 * mV'], refractory: { period: '1 * ms' },
      receptors: { ex: { kind: 'delta', variable: 'V_m' } },
    }, o);
    const m = mk(), off = mk({ codegen: 'off' });
    const opts = { n: 9, steps: 3000, current: 300, wEx: 5, wIn: 5, pSpike: 0.1 };
    for (const [simd, js] of [['euler-f64x2-wasm-simd', 'euler'], ['euler-f32x4-wasm-simd', 'euler-f32']]) {
      const a = drive(m, simd, opts);
      expect(a.spikes.length).toBeGreaterThan(100);
      expect(a.spikes).toEqual(drive(off, simd, opts).spikes);
      if (simd === 'euler-f64x2-wasm-simd') expect(a.spikes).toEqual(drive(m, js, opts).spikes);
    }
  });

  it('refuses models with log, pow, tanh etc. of the state (exp too in float64 lanes), saying why; a function of parameters only is folded', () => {
    const mk = (rhs: string) => defineModel({
      name: 'simd_refusal', doc: '', params: { tau: { unit: 'ms', default: 10 }, t_ref: { unit: 'ms', default: 2 } },
      state: { x: { unit: '1', initial: 1 } }, equations: [`dx/dt = ${rhs} : 1`],
    });
    const m = mk('-log(x) / tau');
    for (const s of ['euler-f32x4-wasm-simd', 'rk4-f32x4-wasm-simd']) {
      expect(s in m.integrators).toBe(false);
      expect(m.refused[s]).toBe("dx/dt uses log() of the state ('log(x)'), which the float32 lanes do not compute (they take + − × ÷, unary minus, min, max, abs, sqrt, exp); use euler-f32 or rk4-f32");
    }
    expect(() => m.scheme('euler-f32x4-wasm-simd')).toThrow(/does not apply to model 'simd_refusal'.*log\(\)/);
    const e = mk('-exp(x) / tau');
    expect('euler-f32x4-wasm-simd' in e.integrators).toBe(true);
    expect(e.refused['euler-f64x2-wasm-simd']).toBe("dx/dt uses exp() of the state ('exp(x)'), which has no WebAssembly SIMD instruction (float64 lanes take + − × ÷, unary minus, min, max, abs, sqrt, and stay bit-identical to euler); use euler");
    expect('euler-f64x2-wasm-simd' in mk('-x * exp(-t_ref / tau) / tau').integrators).toBe(true);
    const lanes = mk('-max(abs(x), sqrt(x * x)) / tau + min(x, 0.5) / tau');
    // max, abs, sqrt, min run as lane instructions: float64 lanes as Math's, float32 ones as Math's with fround.
    const x = (sch: string) => Array.from(drive(lanes, sch, { n: 3, steps: 50, record: 'x' }).trace);
    expect(x('euler-f64x2-wasm-simd')).toEqual(x('euler'));
    const f32 = x('euler-f32x4-wasm-simd');
    let y = 1;
    for (let s = 0; s < 50; s++) {
      const F = Math.fround, d = F(F(-Math.max(Math.abs(y), F(Math.sqrt(F(y * y))))) / F(10)) + F(F(Math.min(y, 0.5)) / F(10));
      y = F(y + F(F(0.1) * F(d)));
      expect(f32[3 * s]).toBe(y);
    }
    expect(mk('-pow(x, 3) / tau').refused['euler-f32x4-wasm-simd']).toContain('pow()');
    expect(mk('-tanh(x) / tau').refused['rk4-f32x4-wasm-simd']).toContain('tanh()');
  });

  it(`the float32 lanes' exp is within one float32 ulp of Math.exp on [${EXP.LO}, ${EXP.HI}], clamped outside`, () => {
    let worst = 0;
    for (let i = 0; i <= 200_000; i++) {
      const x = Math.fround(EXP.LO + ((EXP.HI - EXP.LO) * i) / 200_000);
      const want = Math.exp(x);
      // Above float32's normal range (the products with 2^n are exact there).
      if (want >= 2 ** -126) worst = Math.max(worst, Math.abs(expF32(x) - want) / want);
    }
    expect(worst).toBeLessThan(1e-7);
    const lo = expF32(Math.fround(EXP.LO)), hi = expF32(Math.fround(EXP.HI));
    expect([expF32(0), expF32(-200), expF32(200), expF32(-Infinity), expF32(Infinity)]).toEqual([1, lo, hi, lo, hi]);
    expect(expF32(NaN)).toBeNaN();
  });

  it('an exponential model (AdEx): the WebAssembly kernel is bit-identical to its JS form, spikes as the JS f32 schemes for ≥ 95 % of neurons', () => {
    const adex = (o?: DefineOptions) => defineModel({
      name: 'simd_adex', doc: 'AdEx, current synapses',
      params: {
        C_m: { unit: 'pF', default: 281 }, g_L: { unit: 'nS', default: 30 }, E_L: { unit: 'mV', default: -70.6 }, V_T: { unit: 'mV', default: -50.4 },
        Delta_T: { unit: 'mV', default: 2 }, a: { unit: 'nS', default: 4 }, b: { unit: 'pA', default: 80.5 }, tau_w: { unit: 'ms', default: 144 },
        V_peak: { unit: 'mV', default: 0 }, V_reset: { unit: 'mV', default: -60 }, t_ref: { unit: 'ms', default: 0.5 }, I_e: { unit: 'pA', default: 500 }, tau_syn: { unit: 'ms', default: 2 },
      },
      state: { V_m: { unit: 'mV', initial: 'E_L' }, w: { unit: 'pA', initial: 0 }, I_ex: { unit: 'pA', initial: 0 }, I_in: { unit: 'pA', initial: 0 } },
      equations: [
        'dV_m/dt = (-g_L * (V_m - E_L) + g_L * Delta_T * exp((min(V_m, V_peak) - V_T) / Delta_T) - w + I_ex + I_in + I_e + I_stim) / C_m : mV',
        'dw/dt = (a * (V_m - E_L) - w) / tau_w : pA',
        'dI_ex/dt = -I_ex / tau_syn : pA', 'dI_in/dt = -I_in / tau_syn : pA',
      ],
      threshold: 'V_m >= V_peak', reset: ['V_m = V_reset', 'w += b'], refractory: { period: 't_ref', clamp: ['V_m'] },
      receptors: { ex: { kind: 'current', variable: 'I_ex' }, in: { kind: 'current', variable: 'I_in' } },
    }, o);
    const m = adex(), off = adex({ codegen: 'off' });
    const opts = { n, steps, current: 200, wEx: 100, wIn: 100, pSpike: 0.2, seed: 5 };
    for (const [simd, js] of pairs) {
      const a = drive(m, simd, opts);
      const b = drive(off, simd, opts);
      expect([a.kernel.generated, b.kernel.generated]).toEqual([true, false]);
      expect(Array.from(a.trace)).toEqual(Array.from(b.trace));
      expect(a.spikes).toEqual(b.spikes);
      expect(a.spikes.length).toBeGreaterThan(200);
      // The upswing is unstable, so traces part there by more than rounding; spike times are what to compare.
      expect(agreement(a, drive(m, js, opts), n, steps).agree, simd).toBeGreaterThanOrEqual(0.95);
    }
  });
});

describe('WebAssembly SIMD schemes in a Simulator', () => {
  /** 1001 adaptive LIF neurons (800 + 201: not multiples of 4), Poisson input, sparse recurrent excitation and inhibition. */
  function network(integrator: string) {
    const sim = createSimulator({ dt: 0.1, seed: 12, plugins: [...builtinPlugins, adaptiveLif()] });
    const exc = sim.create('my_aLIF', 800, { I_e: 200 }, { integrator });
    const inh = sim.create('my_aLIF', 201, { I_e: 200 }, { integrator });
    const noise = sim.create('poisson_generator', 1, { rate: 8000 });
    const rec = sim.create('spike_recorder');
    for (const pop of [exc, inh]) {
      sim.connect(noise, pop, 'all_to_all', { weight: 30, delay: 0.1 });
      sim.connect(exc, pop, { rule: 'fixed_indegree', indegree: 40 }, { weight: 20, delay: 1.5 });
      sim.connect(inh, pop, { rule: 'fixed_indegree', indegree: 10 }, { weight: -80, delay: 0.8 });
      sim.connect(pop, rec);
    }
    return { sim, exc, inh, rec };
  }
  function run(integrator: string) {
    const { sim, exc, inh, rec } = network(integrator);
    sim.simulate(500);
    const ev = rec.events();
    return { rate: ev.times.length / 1001 / 0.5, ring: sim.world.get(exc.eid, C.ring), senders: ev.senders, last: inh.firstGid + 200 };
  }

  it('euler-f32x4-wasm-simd and rk4-f32x4-wasm-simd fire at the JS schemes\' rates within 5 %, on their own float32 ring', () => {
    for (const [simd, js] of pairs) {
      const a = run(simd), b = run(js);
      expect(a.ring.ex).toBeInstanceOf(Float32Array);
      expect(b.rate).toBeGreaterThan(2);
      expect(Math.abs(a.rate - b.rate) / b.rate, `${simd} ${a.rate} Hz, ${js} ${b.rate} Hz`).toBeLessThan(0.05);
      expect(Math.max(...Array.from(a.senders))).toBeLessThanOrEqual(a.last);
    }
  });

  it('checkpoints and resumes bit for bit: the state lives in the module memory, the ring is the own float32 one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'spikeworks-simd-'));
    try {
      const { sim, rec } = network('rk4-f32x4-wasm-simd');
      sim.simulate(60.3);
      const path = join(dir, 'run.ckpt');
      sim.checkpoint(path);
      sim.simulate(40);
      const resumed = Simulator.restore(path, { plugins: [...builtinPlugins, adaptiveLif()] });
      resumed.simulate(40);
      const ref = rec.events();
      const ev = resumed.devices.find((d) => d.model === 'spike_recorder')!.events();
      expect(ref.times.length).toBeGreaterThan(1000);
      expect(Array.from(ev.senders)).toEqual(Array.from(ref.senders));
      expect(Array.from(ev.times)).toEqual(Array.from(ref.times));
      sim.close();
      resumed.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
