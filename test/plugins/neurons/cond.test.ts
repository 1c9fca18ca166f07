import { describe, it, expect } from 'vitest';
import { trace, spikeSource } from './harness.js';
import { rk4 } from './reference.js';
import { runPair, PAIR_NEURONS } from './pairs.js';
import { iafCondExp, condExpRkf45Scheme } from '../../../plugins/neurons/iaf_cond_exp.js';
import { iafCondAlpha, condAlphaRkf45Scheme } from '../../../plugins/neurons/iaf_cond_alpha.js';
import { defineScheme } from '../../../plugins/neurons/scheme.js';
import type { EquationModel } from '../../../core/equations/index.js';
import type { NeuronScheme } from '../../../core/plugin.js';

const h = 0.1;
const base = { g_L: 16.6667, C_m: 250, E_L: -70, E_ex: 0, E_in: -85, tau_syn_ex: 0.2, tau_syn_in: 2, I_e: 200, V_th: -55, V_reset: -60 };
// Subthreshold: excitatory and inhibitory jumps, two in consecutive steps.
const events = [{ step: 10, weight: 20 }, { step: 40, weight: -30 }, { step: 60, weight: 15 }, { step: 61, weight: 15 }, { step: 120, weight: -50 }, { step: 200, weight: 25 }];

/** V_m of the reference: RK4 at h/1000 inside each step, input added at the step boundaries as the model does. */
function reference(alpha: boolean, steps: number): number[] {
  const p = base;
  const y = alpha ? Float64Array.of(p.E_L, 0, 0, 0, 0) : Float64Array.of(p.E_L, 0, 0);
  const rhs = alpha
    ? (y: Float64Array, f: Float64Array) => {
        f[0] = (-p.g_L * (y[0] - p.E_L) - y[2] * (y[0] - p.E_ex) - y[4] * (y[0] - p.E_in) + p.I_e) / p.C_m;
        f[1] = -y[1] / p.tau_syn_ex;
        f[2] = y[1] - y[2] / p.tau_syn_ex;
        f[3] = -y[3] / p.tau_syn_in;
        f[4] = y[3] - y[4] / p.tau_syn_in;
      }
    : (y: Float64Array, f: Float64Array) => {
        f[0] = (-p.g_L * (y[0] - p.E_L) - y[1] * (y[0] - p.E_ex) - y[2] * (y[0] - p.E_in) + p.I_e) / p.C_m;
        f[1] = -y[1] / p.tau_syn_ex;
        f[2] = -y[2] / p.tau_syn_in;
      };
  const out: number[] = [];
  for (let k = 0; k < steps; k++) {
    rk4(rhs, y, h / 1000, 1000);
    // A spike sent in step s with a one-step delay is added at the end of step s + 1.
    for (const e of events) {
      if (e.step + 1 !== k) continue;
      const w = Math.abs(e.weight);
      if (alpha) {
        if (e.weight > 0) y[1] += (Math.E / p.tau_syn_ex) * w;
        else y[3] += (Math.E / p.tau_syn_in) * w;
      } else if (e.weight > 0) y[1] += w;
      else y[2] += w;
    }
    out.push(y[0]);
  }
  return out;
}

function maxDiff(a: number[], b: number[]): number {
  let m = 0;
  for (let k = 0; k < a.length; k++) m = Math.max(m, Math.abs(a[k] - b[k]));
  return m;
}

describe('conductance-based LIF with adaptive RKF45 (NEST/GSL control: eps_abs 1e-3, eps_rel 0)', () => {
  for (const model of ['iaf_cond_exp', 'iaf_cond_alpha']) {
    it(`${model}: within the error bound of a fine-step RK4 reference under known input`, () => {
      const steps = 400;
      const ref = reference(model === 'iaf_cond_alpha', steps);
      const gsl = trace(model, base, steps, { devices: [{ plugin: spikeSource(events), delay: h }] });
      // The input moves V by several mV (it must be a real test of the integration).
      expect(Math.max(...ref) - Math.min(...ref)).toBeGreaterThan(3);
      // GSL evaluates the first stage afresh at every evolve_apply, so an input jump is seen at once:
      // within a tenth of the per-step tolerance 1e-3 (measured about 2e-5 mV).
      expect(maxDiff(gsl.values.V_m, ref)).toBeLessThan(1e-4);
    });

    it(`${model}: the f–I curve of the conductance LIF without input follows the analytic interval (one-step quantisation)`, () => {
      const tau = base.C_m / base.g_L;
      for (const I of [300, 600, 1500]) {
        const vInf = I / base.g_L; // relative to E_L
        const free = tau * Math.log((vInf - (base.V_reset - base.E_L)) / (vInf - (base.V_th - base.E_L)));
        const r = trace(model, { ...base, I_e: I }, 3000);
        const isis = r.spikeSteps.slice(1).map((s, k) => (s - r.spikeSteps[k]) * h);
        expect(isis.length).toBeGreaterThan(3);
        for (const isi of isis) {
          expect(isi).toBeGreaterThanOrEqual(2 + free - 1e-6);
          expect(isi).toBeLessThan(2 + free + h + 1e-6);
        }
      }
    });

    it(`${model}: V_m is clamped at V_reset for t_ref after a spike`, () => {
      const r = trace(model, { ...base, I_e: 1000, t_ref: 2.5 }, 300);
      const s = r.spikeSteps[0];
      for (let k = s; k <= s + 25; k++) expect(r.values.V_m[k]).toBe(base.V_reset);
      expect(r.values.V_m[s + 26]).toBeGreaterThan(base.V_reset);
    });
  }

  it('iaf_cond_exp: a negative weight adds its magnitude to g_in (nS), a positive one to g_ex', () => {
    const r = trace('iaf_cond_exp', base, 20, { record: ['g_ex', 'g_in'], devices: [{ plugin: spikeSource([{ step: 0, weight: 7 }, { step: 0, weight: -3 }]), delay: h }] });
    expect(r.values.g_ex[1]).toBe(7);
    expect(r.values.g_in[1]).toBe(3);
    // Decays with tau_syn_in = 2 ms; g is integrated by the RKF45 too, to its tolerance 1e-3 per step.
    expect(Math.abs(r.values.g_in[11] - 3 * Math.exp(-1 / 2))).toBeLessThan(5e-3);
  });
});

describe('euler-f32 (Auryn style) against the exact/adaptive integrators', () => {
  it('iaf_psc_exp: subthreshold trace within 0.25 mV of the exact one, spike intervals within 1.5 %', () => {
    const ev = [{ step: 10, weight: 300 }, { step: 40, weight: -200 }, { step: 60, weight: 500 }, { step: 150, weight: 800 }];
    const exact = trace('iaf_psc_exp', { I_e: 200 }, 400, { devices: [{ plugin: spikeSource(ev), delay: h }] });
    const euler = trace('iaf_psc_exp', { I_e: 200 }, 400, { integrator: 'euler-f32', devices: [{ plugin: spikeSource(ev), delay: h }] });
    expect(Math.max(...exact.values.V_m) + 70).toBeGreaterThan(10);
    expect(maxDiff(exact.values.V_m, euler.values.V_m)).toBeLessThan(0.25);
    expect(euler.spikeSteps).toEqual([]);
    for (const I of [400, 700, 1200]) {
      const a = trace('iaf_psc_exp', { I_e: I }, 5000);
      const b = trace('iaf_psc_exp', { I_e: I }, 5000, { integrator: 'euler-f32' });
      expect(Math.abs(a.spikeSteps.length - b.spikeSteps.length)).toBeLessThanOrEqual(1);
      const isiA = (a.spikeSteps.at(-1)! - a.spikeSteps[0]) / (a.spikeSteps.length - 1);
      const isiB = (b.spikeSteps.at(-1)! - b.spikeSteps[0]) / (b.spikeSteps.length - 1);
      expect(Math.abs(isiA - isiB) / isiA).toBeLessThan(0.015);
    }
  });

  it('iaf_cond_exp with Vogels–Abbott synapses (τ 5/10 ms): trace within 0.15 mV of RKF45 (measured 0.12), spike intervals within 1.5 %', () => {
    const va = { C_m: 200, g_L: 10, E_L: -60, V_th: -50, V_reset: -60, t_ref: 5, E_ex: 0, E_in: -80, tau_syn_ex: 5, tau_syn_in: 10, I_e: 0 };
    const ev = [{ step: 10, weight: 4 }, { step: 30, weight: 4 }, { step: 31, weight: 4 }, { step: 80, weight: -51 }, { step: 150, weight: 8 }];
    const rk = trace('iaf_cond_exp', va, 400, { devices: [{ plugin: spikeSource(ev), delay: h }] });
    const eu = trace('iaf_cond_exp', va, 400, { integrator: 'euler-f32', devices: [{ plugin: spikeSource(ev), delay: h }] });
    expect(Math.max(...rk.values.V_m) - Math.min(...rk.values.V_m)).toBeGreaterThan(2);
    expect(maxDiff(rk.values.V_m, eu.values.V_m)).toBeLessThan(0.15);
    for (const I of [150, 300, 600]) {
      const a = trace('iaf_cond_exp', { ...va, I_e: I }, 5000);
      const b = trace('iaf_cond_exp', { ...va, I_e: I }, 5000, { integrator: 'euler-f32' });
      expect(a.spikeSteps.length).toBeGreaterThan(5);
      expect(Math.abs(a.spikeSteps.length - b.spikeSteps.length)).toBeLessThanOrEqual(1);
      const isiA = (a.spikeSteps.at(-1)! - a.spikeSteps[0]) / (a.spikeSteps.length - 1);
      const isiB = (b.spikeSteps.at(-1)! - b.spikeSteps[0]) / (b.spikeSteps.length - 1);
      expect(Math.abs(isiA - isiB) / isiA).toBeLessThan(0.015);
    }
  });

  it('euler-f32 keeps its state in Float32Array', () => {
    const r = trace('iaf_cond_exp', base, 1, { integrator: 'euler-f32' });
    expect(r.values.V_m[0]).toBe(Math.fround(r.values.V_m[0]));
  });
});

describe('the specialised iaf_cond_exp RKF45 kernel', () => {
  it('agrees with the generic Rkf45 driver (CondExpSystem) to 1e-12 under irregular input and spiking', async () => {
    const { createCondExpRkf45, createCondExpRkf45Generic, condParams, iafCondExp } = await import('../../../plugins/neurons/iaf_cond_exp.js');
    const { kernelOf } = await import('../../support/kernels.js');
    const { resolveParams } = await import('../../../core/schema.js');
    const { RingBuffer } = await import('../../../core/ringbuffer.js');
    const n = 200;
    const slots = 16;
    {
      const params = resolveParams('t', condParams, { I_e: 300, t_ref: 1 });
      const ctx = { n, params, dt: h, firstGid: 1, seed: 1 };
      const a = kernelOf(iafCondExp, iafCondExp.integrators.rkf45, ctx, (c) => createCondExpRkf45(c, 1));
      const b = kernelOf(iafCondExp, iafCondExp.integrators.rkf45, ctx, (c) => createCondExpRkf45Generic(c, 1));
      const ring = new RingBuffer(n, slots);
      let s = 7;
      const rand = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296);
      for (let k = 0; k < n * slots; k++) {
        if (rand() < 0.2) ring.ex[k] = 4 * rand();
        if (rand() < 0.05) ring.inh[k] = -8 * rand();
        if (rand() < 0.1) ring.cur[k] = 200 * rand();
      }
      const sa = new Int32Array(n);
      const sb = new Int32Array(n);
      let spikes = 0;
      for (let st = 0; st < 1000; st++) {
        const off = (st % slots) * n;
        const ca = a.update(st, ring, off, sa);
        const cb = b.update(st, ring, off, sb);
        expect(ca).toBe(cb);
        spikes += ca;
      }
      expect(spikes).toBeGreaterThan(100);
      for (const key of ['V_m', 'g_ex', 'g_in']) {
        for (let i = 0; i < n; i++) expect(Math.abs(a.state[key][i] - b.state[key][i])).toBeLessThan(1e-12);
      }
    }
  });
});

describe("iaf_cond_exp's RKF45 is GSL's evolve_apply as NEST calls it", () => {
  it('the specialised kernel equals a line-by-line transcription of GSL (evolve.c, rkf45.c, cstd.c) to 1e-9 mV, spikes identical', async () => {
    const { createCondExpRkf45, condParams, iafCondExp } = await import('../../../plugins/neurons/iaf_cond_exp.js');
    const { kernelOf } = await import('../../support/kernels.js');
    const { resolveParams } = await import('../../../core/schema.js');
    const { RingBuffer } = await import('../../../core/ringbuffer.js');
    const { evolveApply } = await import('../schemes/gsl_reference.js');
    const n = 3;
    const slots = 4;
    const p = resolveParams('t', condParams, { I_e: 420, t_ref: 2 });
    const kernel = kernelOf(iafCondExp, iafCondExp.integrators.rkf45, { n, params: p, dt: h, firstGid: 1, seed: 1 }, (c) => createCondExpRkf45(c, 1));
    const ring = new RingBuffer(n, slots);
    const spikes = new Int32Array(n);
    // NEST's iaf_cond_exp_dynamics, in its order of operations.
    const rhs = (refractory: boolean) => (y: number[]) => {
      const V = refractory ? p.V_reset : Math.min(y[0], p.V_th);
      const IL = p.g_L * (V - p.E_L);
      const Iex = y[1] * (V - p.E_ex);
      const Iin = y[2] * (V - p.E_in);
      return [refractory ? 0 : (-IL + 0 + p.I_e - Iex - Iin) / p.C_m, -y[1] / p.tau_syn_ex, -y[2] / p.tau_syn_in];
    };
    const ref = Array.from({ length: n }, () => ({ y: [p.E_L, 0, 0], h: h, r: 0 }));
    let s = 5;
    const rand = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296);
    let worst = 0;
    let fired = 0;
    for (let step = 0; step < 3000; step++) {
      const off = ring.offset(step);
      const ex = Array.from({ length: n }, () => (rand() < 0.15 ? 40 * rand() : 0));
      const inh = Array.from({ length: n }, () => (rand() < 0.05 ? -60 * rand() : 0));
      for (let i = 0; i < n; i++) {
        ring.ex[off + i] = ex[i];
        ring.inh[off + i] = inh[i];
      }
      const count = kernel.update(step, ring, off, spikes);
      ring.clear(off);
      const refSpikes: number[] = [];
      ref.forEach((x, i) => {
        const f = rhs(x.r > 0);
        let t = 0;
        while (t < h) [t, x.h] = evolveApply(t, h, x.h, x.y, f, 1e-3, 0);
        x.y[1] += ex[i];
        x.y[2] -= inh[i];
        if (x.r > 0) {
          x.r--;
          x.y[0] = p.V_reset;
        } else if (x.y[0] >= p.V_th) {
          x.r = Math.round(p.t_ref / h);
          x.y[0] = p.V_reset;
          refSpikes.push(i);
        }
        worst = Math.max(worst, Math.abs(kernel.state.V_m[i] - x.y[0]), Math.abs(kernel.state.h_step[i] - x.h) / x.h * 1e-3);
      });
      expect(Array.from(spikes.subarray(0, count))).toEqual(refSpikes);
      fired += count;
    }
    expect(fired).toBeGreaterThan(20);
    expect(worst).toBeLessThan(1e-9);
  });
});

describe("the hand RKF45 kernels PyNN's cells run are bit-identical to the models' generated rkf45", () => {
  const vaCoba = { C_m: 200, g_L: 10, E_L: -60, V_th: -50, V_reset: -60, t_ref: 5, E_ex: 0, E_in: -80, tau_syn_ex: 5, tau_syn_in: 10, I_e: 200 };
  const cases: [string, EquationModel, NeuronScheme, Record<string, number>[], number][] = [
    ['iaf_cond_exp (createCondExpRkf45)', iafCondExp, defineScheme(condExpRkf45Scheme), [{ I_e: 1000 }, vaCoba, { I_e: 600, tau_syn_in: 0.5, t_ref: 0 }], 20],
    ['iaf_cond_alpha (Rkf45 over CondAlphaSystem)', iafCondAlpha, defineScheme(condAlphaRkf45Scheme), [{ I_e: 1000 }, vaCoba], 10],
  ];
  for (const [label, model, hand, sets, wEx] of cases) {
    it(`${label}: every variable at every step, the spikes, the carried step sizes`, () => {
      expect(model.defaultIntegrator).toBe('rkf45');
      sets.forEach((given, c) => {
        const { hand: a, gen: b, shared, final } = runPair(model, hand, 'rkf45', { params: [given], wEx, wIn: 1.5, current: 200, initial: { V_m: [-70, -55] } }, given, 3 + c);
        expect(a.spikes.length, `${label} set ${c}`).toBeGreaterThanOrEqual(2 * PAIR_NEURONS);
        expect(a.spikes).toEqual(b.spikes);
        a.trace.forEach((t, j) => expect(Array.from(t), `${label} set ${c} ${model.compiled.states[j]}`).toEqual(Array.from(b.trace[j])));
        for (const f of shared) expect(Array.from(final[0][f]), `${label} set ${c} ${f}`).toEqual(Array.from(final[1][f]));
      });
    });
  }
});
