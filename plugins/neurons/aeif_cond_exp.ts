import type { NeuronKernel, KernelContext } from '../../core/plugin.js';
import type { ModelDef } from '../../core/equations/model.js';
import { defineModel } from '../schemes/index.js';
import type { SavedState } from '../../core/contracts/base.js';
import { restoreArray } from '../../core/saved-state.js';
import type { RingBuffer } from '../../core/ringbuffer.js';
import type { Params } from '../../core/schema.js';
import { ParameterError, SpikeworksError } from '../../core/errors.js';
import { archivingParams } from './iaf_psc_exp.js';
import { refractorySteps } from './propagators.js';
import { Rkf45, controlYp, type OdeSystem } from '../integrators/rkf45.js';
import { stepAeifRkf45 } from './aeif_cond_exp_rkf45.js';
import { defineScheme, onlyUnder, CURRENT_INPUT, REFRACTORY_COUNT, type SchemeDef } from './scheme.js';

/** NEST's aeif_cond_exp (Brette & Gerstner 2005): names, units, defaults. */
export const aeifParams = {
  C_m: { unit: 'pF', default: 281, min: 0, exclusiveMin: true, doc: 'membrane capacitance' },
  g_L: { unit: 'nS', default: 30, min: 0, exclusiveMin: true, doc: 'leak conductance' },
  E_L: { unit: 'mV', default: -70.6, doc: 'leak reversal potential' },
  V_th: { unit: 'mV', default: -50.4, doc: 'spike initiation threshold (centre of the exponential)' },
  Delta_T: { unit: 'mV', default: 2, min: 0, doc: 'slope factor of the exponential; 0 gives a LIF with threshold V_th' },
  V_peak: { unit: 'mV', default: 0, doc: 'spike detection threshold (must be >= V_th)' },
  V_reset: { unit: 'mV', default: -60, doc: 'reset potential (must be below V_peak)' },
  t_ref: { unit: 'ms', default: 0, min: 0, doc: 'duration of the refractory period' },
  a: { unit: 'nS', default: 4, doc: 'subthreshold adaptation' },
  b: { unit: 'pA', default: 80.5, doc: 'spike-triggered adaptation' },
  tau_w: { unit: 'ms', default: 144, min: 0, exclusiveMin: true, doc: 'adaptation time constant' },
  E_ex: { unit: 'mV', default: 0, doc: 'excitatory reversal potential' },
  E_in: { unit: 'mV', default: -85, doc: 'inhibitory reversal potential' },
  tau_syn_ex: { unit: 'ms', default: 0.2, min: 0, exclusiveMin: true, doc: 'excitatory synaptic time constant' },
  tau_syn_in: { unit: 'ms', default: 2, min: 0, exclusiveMin: true, doc: 'inhibitory synaptic time constant' },
  I_e: { unit: 'pA', default: 0, doc: 'constant input current' },
  gsl_error_tol: { unit: '', default: 1e-6, min: 0, exclusiveMin: true, doc: 'error tolerance of the RKF45 step control (absolute and relative to h·dy/dt)' },
  ...archivingParams,
} as const;

/** NEST's checks in aeif_cond_exp::Parameters_::set that involve several parameters. */
export function checkAeif(p: Params, where: string): void {
  if (p.V_peak < p.V_th) throw new ParameterError(where, 'V_peak', p.V_peak, `a value >= V_th (${p.V_th} mV)`);
  if (p.Delta_T > 0) {
    const maxExpArg = Math.log(Number.MAX_VALUE / 1e20);
    if ((p.V_peak - p.V_th) / p.Delta_T >= maxExpArg) {
      throw new ParameterError(where, 'Delta_T', p.Delta_T, `a value > (V_peak - V_th)/${maxExpArg.toFixed(1)} = ${((p.V_peak - p.V_th) / maxExpArg).toPrecision(4)} mV (else exp overflows at the spike)`);
    }
  }
  if (!(p.V_reset < p.V_peak)) throw new ParameterError(where, 'V_reset', p.V_reset, `a value below V_peak (${p.V_peak} mV)`);
}

/** Right-hand side of aeif_cond_exp: y = (V_m, g_ex, g_in, w). */
export class AeifSystem implements OdeSystem {
  readonly dim = 4;
  refractory = false;
  Istim = 0;
  private readonly p: {
    C: number; gL: number; EL: number; Vth: number; DT: number; Vpeak: number; Vreset: number;
    a: number; invTauW: number; Eex: number; Ein: number; invTauEx: number; invTauIn: number; Ie: number;
  };
  constructor(p: Params) {
    this.p = {
      C: p.C_m, gL: p.g_L, EL: p.E_L, Vth: p.V_th, DT: p.Delta_T, Vpeak: p.V_peak, Vreset: p.V_reset,
      a: p.a, invTauW: 1 / p.tau_w, Eex: p.E_ex, Ein: p.E_in, invTauEx: 1 / p.tau_syn_ex, invTauIn: 1 / p.tau_syn_in, Ie: p.I_e,
    };
  }
  derivs(y: Float64Array, f: Float64Array): void {
    const q = this.p;
    // Held at V_reset while refractory; otherwise bounded by V_peak so that exp() cannot overflow.
    const V = this.refractory ? q.Vreset : Math.min(y[0], q.Vpeak);
    const w = y[3];
    const Ispike = q.DT === 0 ? 0 : q.gL * q.DT * Math.exp((V - q.Vth) / q.DT);
    f[0] = this.refractory ? 0 : (-q.gL * (V - q.EL) + Ispike - y[1] * (V - q.Eex) - y[2] * (V - q.Ein) - w + q.Ie + this.Istim) / q.C;
    f[1] = -y[1] * q.invTauEx;
    f[2] = -y[2] * q.invTauIn;
    f[3] = (q.a * (V - q.EL) - w) * q.invTauW;
  }
}

function stepAeif(
  n: number, V: Float64Array, gex: Float64Array, gin: Float64Array, w: Float64Array, Istim: Float64Array, r: Int32Array,
  ex: Float64Array, inh: Float64Array, cur: Float64Array, off: number, spikes: Int32Array,
  rk: Rkf45, sys: AeifSystem, h: number, V_reset: number, b: number, vPeak: number, refr: number, inputScale: number, firstGid: number,
): number {
  const y = rk.y;
  let count = 0;
  for (let i = 0; i < n; i++) {
    y[0] = V[i];
    y[1] = gex[i];
    y[2] = gin[i];
    y[3] = w[i];
    sys.Istim = Istim[i];
    let spiked = false;
    let t = 0;
    while (t < h) {
      sys.refractory = r[i] > 0;
      t = rk.apply(i, t, h);
      if (y[0] < -1e3 || y[3] < -1e6 || y[3] > 1e6) {
        throw new SpikeworksError(`aeif_cond_exp: numerical instability in neuron ${firstGid + i} (V_m = ${y[0]} mV, w = ${y[3]} pA)`);
      }
      if (r[i] > 0) y[0] = V_reset;
      else if (y[0] >= vPeak) {
        y[0] = V_reset;
        y[3] += b;
        // One more than t_ref's steps: the count drops right after this loop.
        r[i] = refr > 0 ? refr + 1 : 0;
        spiked = true;
      }
    }
    if (r[i] > 0) r[i]--;
    if (spiked) spikes[count++] = i;
    V[i] = y[0];
    gex[i] = y[1] + inputScale * ex[off + i];
    gin[i] = y[2] - inputScale * inh[off + i];
    w[i] = y[3];
    Istim[i] = cur[off + i];
  }
  return count;
}

/**
 * The RKF45 group of aeif_cond_exp, in NEST's order: spikes are detected and reset inside the
 * integration loop (so spike-triggered adaptation enters the rest of the step), then the refractory
 * count drops, then this step's input is added. A neuron is listed at most once per step even if it
 * crossed V_peak more than once within it (possible only with t_ref = 0 and a huge drive).
 */
/**
 * The RKF45 group of aeif_cond_exp through the generic driver (`Rkf45` + `AeifSystem`): the reference the
 * specialised kernel is tested against.
 */
export function createAeifRkf45Generic(ctx: KernelContext, inputScale = 1): NeuronKernel & { integrator: Rkf45 } {
  const { n, params: p, dt: h } = ctx;
  const V = ctx.state.V_m as Float64Array;
  const gex = ctx.state.g_ex as Float64Array;
  const gin = ctx.state.g_in as Float64Array;
  const w = ctx.state.w as Float64Array;
  const Istim = ctx.state.I0 as Float64Array;
  const r = ctx.state.r as Int32Array;
  const sys = new AeifSystem(p);
  // NEST starts from min(0.01 ms, h) and controls the error with control_yp_new(tol, tol).
  const rk = new Rkf45(sys, n, Math.min(0.01, h), controlYp(p.gsl_error_tol, p.gsl_error_tol));
  const refr = refractorySteps(p.t_ref, h);
  const vPeak = p.Delta_T > 0 ? p.V_peak : p.V_th;
  const { V_reset, b } = p;
  const group = {
    /** The integrator's per-neuron state (its carried step) and step counts (diagnostics). */
    integrator: rk,
    saveState: () => rk.saveState(),
    loadState: (s: SavedState) => rk.loadState(s),
    update(_step: number, ring: RingBuffer, off: number, spikes: Int32Array): number {
      return stepAeif(n, V, gex, gin, w, Istim, r, ring.ex, ring.inh, ring.cur, off, spikes, rk, sys, h, V_reset, b, vPeak, refr, inputScale, ctx.firstGid);
    },
  };
  return group;
}

/** The RKF45 group of aeif_cond_exp (specialised kernel, same arithmetic as the generic driver). */
export function createAeifRkf45(ctx: KernelContext, inputScale = 1): NeuronKernel & { stats: Float64Array } {
  const { n, params: p, dt: h } = ctx;
  const V = ctx.state.V_m as Float64Array;
  const gex = ctx.state.g_ex as Float64Array;
  const gin = ctx.state.g_in as Float64Array;
  const w = ctx.state.w as Float64Array;
  const Istim = ctx.state.I0 as Float64Array;
  const r = ctx.state.r as Int32Array;
  const hCarry = ctx.state.h_step as Float64Array;
  /** Accepted and rejected RKF45 steps so far. */
  const stats = new Float64Array(2);
  const refr = refractorySteps(p.t_ref, h);
  const vPeakDetect = p.Delta_T > 0 ? p.V_peak : p.V_th;
  return {
    stats,
    // The carried step sizes are in the state component; the step counts are the kernel's.
    saveState: () => ({ stats }),
    loadState: (s: SavedState) => restoreArray(s, 'stats', stats, 'aeif_cond_exp rkf45'),
    update(_step: number, ring: RingBuffer, off: number, spikes: Int32Array): number {
      return stepAeifRkf45(n, V, gex, gin, w, Istim, r, hCarry, ring.ex, ring.inh, ring.cur, off, spikes,
        h, p.C_m, p.g_L, p.E_L, p.V_th, p.Delta_T, p.V_peak, vPeakDetect, p.V_reset, p.a, p.b, 1 / p.tau_w, p.E_ex, p.E_in,
        1 / p.tau_syn_ex, 1 / p.tau_syn_in, p.I_e, p.gsl_error_tol, refr, inputScale, ctx.firstGid, stats);
    },
  };
}

/** The specialised RKF45 kernel's scheme; NEST starts each neuron's step size at min(0.01 ms, dt). */
export const aeifRkf45Scheme: SchemeDef = {
  internal: {
    I0: CURRENT_INPUT, r: REFRACTORY_COUNT,
    h_step: { unit: 'ms', doc: 'integration step size carried to the next step', initial: (_p, dt) => Math.min(0.01, dt) },
  },
  kernel: (ctx, inputScale) => createAeifRkf45(ctx, inputScale),
};

/**
 * aeif_cond_exp's dynamics (models/aeif_cond_exp.cpp) as equations: V is held at V_reset while refractory
 * and enters bounded by V_peak, so that exp() cannot overflow. The generated kernels test the threshold
 * once a step; NEST's rkf45 (the hand kernel under that name) detects and resets the spike inside the
 * adaptive loop, so that spike-triggered adaptation enters the rest of the step.
 */
export const aeifCondExpDef: ModelDef = {
  name: 'aeif_cond_exp',
  doc: 'Adaptive exponential integrate-and-fire (AdEx), exponential conductances, adaptive RKF45 (NEST aeif_cond_exp; PyNN EIF_cond_exp_isfa_ista)',
  params: aeifParams,
  state: {
    V_m: { unit: 'mV', initial: 'E_L', doc: 'membrane potential' },
    g_ex: { unit: 'nS', initial: 0, doc: 'excitatory conductance' },
    g_in: { unit: 'nS', initial: 0, doc: 'inhibitory conductance' },
    w: { unit: 'pA', initial: 0, doc: 'adaptation current' },
  },
  equations: [
    'V = min(V_m, V_peak) : mV',
    'I_spike = g_L * Delta_T * exp((V - V_th) / Delta_T) : pA',
    'dV_m/dt = (-g_L * (V - E_L) + I_spike - g_ex * (V - E_ex) - g_in * (V - E_in) - w + I_e + I_stim) / C_m : mV',
    'dg_ex/dt = -g_ex * (1 / tau_syn_ex) : nS',
    'dg_in/dt = -g_in * (1 / tau_syn_in) : nS',
    'dw/dt = (a * (V - E_L) - w) * (1 / tau_w) : pA',
  ],
  threshold: 'V_m >= V_peak',
  reset: ['V_m = V_reset', 'w += b'],
  refractory: { period: 't_ref', clamp: ['V_m'] },
  receptors: { ex: { kind: 'conductance', variable: 'g_ex' }, in: { kind: 'conductance', variable: 'g_in' } },
  defaultIntegrator: 'rkf45',
  check: checkAeif,
};

// Delta_T = 0 (a LIF with threshold V_th) is the hand kernel's alone: exp((V − V_th)/0) has no value.
export const aeifCondExp = onlyUnder(defineModel(aeifCondExpDef, {
  handOnly: {
    rkf45: {
      kernel: defineScheme(aeifRkf45Scheme),
      why: "NEST's scheme: spikes detected and reset inside the adaptive loop, error control control_yp_new(gsl_error_tol, gsl_error_tol), first step min(0.01 ms, dt); the generated rkf45 tests the threshold once a step under control_y_new(1e-3, 0)",
    },
  },
}), 'rkf45', 'Delta_T', 0, 'a value > 0 under this integrator');
