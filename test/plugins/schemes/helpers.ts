import { defineModel } from '../../../plugins/schemes/index.js';
import { standaloneKernel } from '../../../core/kernels.js';
import { resolveParams } from '../../../core/schema.js';
import { RingBuffer } from '../../../core/ringbuffer.js';
import type { NeuronModel } from '../../../core/plugin.js';
import type { DefineOptions } from '../../../core/equations/index.js';

/** A linear test model without threshold: a leaky membrane driven by an exponentially decaying current. */
export const linearModel = (o?: DefineOptions) => defineModel({
  name: 'linear_test', doc: 'leaky membrane and decaying current (analytic solution known)',
  params: { E_L: { unit: 'mV', default: -70 }, tau_m: { unit: 'ms', default: 10 }, tau_s: { unit: 'ms', default: 3 }, C_m: { unit: 'pF', default: 250 }, I_0: { unit: 'pA', default: 500 } },
  state: { V_m: { unit: 'mV', initial: 'E_L + 5 * mV' }, I: { unit: 'pA', initial: 'I_0' } },
  equations: ['dV_m/dt = -(V_m - E_L) / tau_m + I / C_m : mV', 'dI/dt = -I / tau_s : pA'],
}, o);

/** Its analytic solution at time t (ms) from the initial state above. */
export function linearExact(t: number, p = { E_L: -70, tau_m: 10, tau_s: 3, C_m: 250, I_0: 500 }): { V: number; I: number } {
  const I = p.I_0 * Math.exp(-t / p.tau_s);
  const beta = (p.tau_s * p.tau_m) / (p.tau_m - p.tau_s);
  const V = p.E_L + 5 * Math.exp(-t / p.tau_m) + (p.I_0 / p.C_m) * beta * (Math.exp(-t / p.tau_m) - Math.exp(-t / p.tau_s));
  return { V, I };
}

/** Least-squares slope of log(error) against log(dt): the observed order of a scheme. */
export function slope(dts: number[], errs: number[]): number {
  const x = dts.map(Math.log), y = errs.map(Math.log);
  const mx = x.reduce((a, b) => a + b) / x.length, my = y.reduce((a, b) => a + b) / y.length;
  let num = 0, den = 0;
  for (let i = 0; i < x.length; i++) {
    num += (x[i] - mx) * (y[i] - my);
    den += (x[i] - mx) ** 2;
  }
  return num / den;
}

/**
 * A potassium gate driven by a membrane that relaxes under a DC current (V_m itself linear, so exact): the
 * gate's M = -(alpha_n + beta_n) and B = alpha_n change within a step (exponential Euler is first order on it).
 */
export const gateModel = () => defineModel({
  name: 'gate', doc: 'HH n gate under a relaxing membrane',
  params: { E_L: { unit: 'mV', default: -70 }, tau_m: { unit: 'ms', default: 4 }, R: { unit: 'GOhm', default: 0.1 }, I_e: { unit: 'pA', default: 300 }, V_T: { unit: 'mV', default: -63 } },
  state: { V_m: { unit: 'mV', initial: 'E_L' }, n: { unit: '1', initial: 0.05 } },
  equations: [
    'dV_m/dt = (E_L - V_m + R * I_e) / tau_m : mV',
    'v = (V_m - V_T) / mV : 1',
    'alpha_n = 0.032 * (15 - v) / (exp((15 - v) / 5) - 1) / ms : 1/ms',
    'beta_n = 0.5 * exp((10 - v) / 40) / ms : 1/ms',
    'dn/dt = alpha_n * (1 - n) - beta_n * n : 1',
  ],
});

/** A small deterministic generator (tests must not depend on Math.random). */
export function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

/**
 * Run `steps` steps of a model's kernel on n neurons with the same random spike input (ex: positive, inh:
 * negative weights) and current input for every model; returns the recorded variable per step and neuron.
 */
export function drive(model: NeuronModel, integrator: string, opts: {
  n?: number; steps?: number; dt?: number; params?: Record<string, number>; seed?: number; wEx?: number; wIn?: number; pSpike?: number; current?: number; record?: string;
}) {
  const n = opts.n ?? 8, steps = opts.steps ?? 1000, dt = opts.dt ?? 0.1;
  const k = standaloneKernel(model, integrator, { n, params: resolveParams('test', model.params, opts.params ?? {}), dt, firstGid: 1, seed: 1 });
  const ring = new RingBuffer(n, 1);
  const spikesOut = new Int32Array(n);
  const rnd = lcg(opts.seed ?? 1);
  const trace = new Float64Array(steps * n);
  const spikes: [number, number][] = [];
  const rec = k.context.state[opts.record ?? 'V_m'];
  for (let s = 0; s < steps; s++) {
    for (let i = 0; i < n; i++) {
      ring.ex[i] = rnd() < (opts.pSpike ?? 0.1) ? rnd() * (opts.wEx ?? 40) : 0;
      ring.inh[i] = rnd() < (opts.pSpike ?? 0.1) ? -rnd() * (opts.wIn ?? 40) : 0;
      ring.cur[i] = rnd() * (opts.current ?? 0);
    }
    const c = k.kernel.update(s, ring, 0, spikesOut);
    for (let q = 0; q < c; q++) spikes.push([s, spikesOut[q]]);
    for (let i = 0; i < n; i++) trace[s * n + i] = rec[i];
  }
  return { trace, spikes, state: k.context.state, kernel: k.kernel as typeof k.kernel & { generated?: boolean; source?: string } };
}

/**
 * Two driven runs of n neurons over `steps` steps (drive()'s results): the fraction of neurons with identical spike
 * trains, and over those neurons the largest trace difference and the largest magnitude of b's trace.
 */
export function agreement(a: { trace: Float64Array; spikes: [number, number][] }, b: { trace: Float64Array; spikes: [number, number][] }, n: number, steps: number) {
  const trains = (spikes: [number, number][]) => {
    const t: string[] = Array.from({ length: n }, () => '');
    for (const [s, i] of spikes) t[i] += `${s},`;
    return t;
  };
  const ta = trains(a.spikes), tb = trains(b.spikes);
  let scale = 0, diff = 0;
  for (let i = 0; i < n; i++) {
    if (ta[i] !== tb[i]) continue;
    for (let s = 0; s < steps; s++) {
      scale = Math.max(scale, Math.abs(b.trace[s * n + i]));
      diff = Math.max(diff, Math.abs(a.trace[s * n + i] - b.trace[s * n + i]));
    }
  }
  return { agree: ta.filter((t, i) => t === tb[i]).length / n, diff, scale };
}
