import type { NeuronKernel, KernelContext } from '../../core/plugin.js';
import type { ModelDef } from '../../core/equations/model.js';
import { defineModel } from '../schemes/index.js';
import { f32x4Scheme } from '../integrators/wasm/iaf_cond_exp_f32x4.js';
import type { SavedState } from '../../core/contracts/base.js';
import type { RingBuffer } from '../../core/ringbuffer.js';
import type { Params } from '../../core/schema.js';
import { restoreArray } from '../../core/saved-state.js';
import { archivingParams, checkResetBelowThreshold, lifSpiking } from './iaf_psc_exp.js';
import { refractorySteps } from './propagators.js';
import { Rkf45, controlY, type OdeSystem } from '../integrators/rkf45.js';
import { condExpEulerF32 } from '../integrators/euler_f32.js';
import { stepCondExpRkf45 } from './iaf_cond_exp_rkf45.js';
import { defineScheme, CURRENT_INPUT, REFRACTORY_COUNT, type SchemeDef } from './scheme.js';

/** Parameters of NEST's conductance-based LIF models (iaf_cond_exp, iaf_cond_alpha), names, units, defaults. */
export const condParams = {
  V_th: { unit: 'mV', default: -55, doc: 'spike threshold' },
  V_reset: { unit: 'mV', default: -60, doc: 'reset potential (must be below V_th)' },
  t_ref: { unit: 'ms', default: 2, min: 0, doc: 'duration of the refractory period (V_m clamped to V_reset)' },
  g_L: { unit: 'nS', default: 16.6667, min: 0, exclusiveMin: true, doc: 'leak conductance' },
  C_m: { unit: 'pF', default: 250, min: 0, exclusiveMin: true, doc: 'membrane capacitance' },
  E_ex: { unit: 'mV', default: 0, doc: 'excitatory reversal potential' },
  E_in: { unit: 'mV', default: -85, doc: 'inhibitory reversal potential' },
  E_L: { unit: 'mV', default: -70, doc: 'leak reversal potential' },
  tau_syn_ex: { unit: 'ms', default: 0.2, min: 0, exclusiveMin: true, doc: 'excitatory synaptic time constant' },
  tau_syn_in: { unit: 'ms', default: 2, min: 0, exclusiveMin: true, doc: 'inhibitory synaptic time constant' },
  I_e: { unit: 'pA', default: 0, doc: 'constant input current' },
  ...archivingParams,
} as const;

/** NEST's tolerance for the LIF conductance models: control_y_new(1e-3, 0). */
export const COND_EPS_ABS = 1e-3;

/** The parameters the conductance-LIF right-hand sides (iaf_cond_exp, iaf_cond_alpha) read, unpacked once. */
export abstract class CondSystemBase {
  refractory = false;
  Istim = 0;
  protected readonly gL: number;
  protected readonly EL: number;
  protected readonly Eex: number;
  protected readonly Ein: number;
  protected readonly C: number;
  protected readonly Ie: number;
  protected readonly Vth: number;
  protected readonly Vreset: number;
  protected readonly invTauEx: number;
  protected readonly invTauIn: number;
  constructor(p: Params) {
    this.gL = p.g_L;
    this.EL = p.E_L;
    this.Eex = p.E_ex;
    this.Ein = p.E_in;
    this.C = p.C_m;
    this.Ie = p.I_e;
    this.Vth = p.V_th;
    this.Vreset = p.V_reset;
    this.invTauEx = 1 / p.tau_syn_ex;
    this.invTauIn = 1 / p.tau_syn_in;
  }
}

/**
 * Right-hand side of iaf_cond_exp (models/iaf_cond_exp.cpp): while refractory V is held at V_reset and
 * does not move; otherwise V enters the currents bounded above by V_th.
 */
export class CondExpSystem extends CondSystemBase implements OdeSystem {
  readonly dim = 3;
  derivs(y: Float64Array, f: Float64Array): void {
    const V = this.refractory ? this.Vreset : Math.min(y[0], this.Vth);
    f[0] = this.refractory ? 0 : (-this.gL * (V - this.EL) - y[1] * (V - this.Eex) - y[2] * (V - this.Ein) + this.Istim + this.Ie) / this.C;
    f[1] = -y[1] * this.invTauEx;
    f[2] = -y[2] * this.invTauIn;
  }
}

/**
 * The RKF45 group of iaf_cond_exp through the generic driver (`Rkf45` + `CondExpSystem`): the reference
 * the specialised kernel is tested against, and the pattern for a user's own ODE model.
 */
export function createCondExpRkf45Generic(ctx: KernelContext, inputScale = 1): NeuronKernel & { integrator: Rkf45 } {
  const { n, params: p, dt: h } = ctx;
  const V = ctx.state.V_m as Float64Array;
  const gex = ctx.state.g_ex as Float64Array;
  const gin = ctx.state.g_in as Float64Array;
  const Istim = ctx.state.I0 as Float64Array;
  const r = ctx.state.r as Int32Array;
  const sys = new CondExpSystem(p);
  const rk = new Rkf45(sys, n, h, controlY(COND_EPS_ABS, 0));
  const y = rk.y;
  const refr = refractorySteps(p.t_ref, h);
  const { V_reset, V_th } = p;
  const group = {
    integrator: rk,
    // The integrator carries each neuron's step size.
    saveState: () => rk.saveState(),
    loadState: (s: SavedState) => rk.loadState(s),
    update(_step: number, ring: RingBuffer, off: number, spikes: Int32Array): number {
      const ex = ring.ex;
      const inh = ring.inh;
      const cur = ring.cur;
      let count = 0;
      for (let i = 0; i < n; i++) {
        y[0] = V[i];
        y[1] = gex[i];
        y[2] = gin[i];
        sys.refractory = r[i] > 0;
        sys.Istim = Istim[i];
        let t = 0;
        while (t < h) t = rk.apply(i, t, h);
        let v = y[0];
        gex[i] = y[1] + inputScale * ex[off + i];
        // NEST adds |w| of inhibitory spikes; the ring holds their signed sum.
        gin[i] = y[2] - inputScale * inh[off + i];
        if (r[i] > 0) {
          r[i]--;
          v = V_reset;
        } else if (v >= V_th) {
          r[i] = refr;
          v = V_reset;
          spikes[count++] = i;
        }
        V[i] = v;
        Istim[i] = cur[off + i];
      }
      return count;
    },
  };
  return group;
}

/**
 * The RKF45 group of iaf_cond_exp (specialised kernel). `inputScale` multiplies spike input (1: nS;
 * 1000: PyNN's µS).
 */
export function createCondExpRkf45(ctx: KernelContext, inputScale = 1): NeuronKernel & { stats: Float64Array } {
  const { n, params: p, dt: h } = ctx;
  const V = ctx.state.V_m as Float64Array;
  const gex = ctx.state.g_ex as Float64Array;
  const gin = ctx.state.g_in as Float64Array;
  const Istim = ctx.state.I0 as Float64Array;
  const r = ctx.state.r as Int32Array;
  const hCarry = ctx.state.h_step as Float64Array;
  /** Accepted and rejected RKF45 steps so far. */
  const stats = new Float64Array(2);
  const refr = refractorySteps(p.t_ref, h);
  const invTauEx = 1 / p.tau_syn_ex;
  const invTauIn = 1 / p.tau_syn_in;
  return {
    stats,
    // The carried steps are in the state component; the step counts are the kernel's.
    saveState: () => ({ stats }),
    loadState: (s: SavedState) => restoreArray(s, 'stats', stats, 'iaf_cond_exp rkf45'),
    update(_step: number, ring: RingBuffer, off: number, spikes: Int32Array): number {
      return stepCondExpRkf45(n, V, gex, gin, Istim, r, hCarry, ring.ex, ring.inh, ring.cur, off, spikes,
        h, p.g_L, p.E_L, p.E_ex, p.E_in, p.C_m, p.I_e, p.V_th, p.V_reset, invTauEx, invTauIn, COND_EPS_ABS, refr, inputScale, stats);
    },
  };
}

/** The adaptive RKF45 step as GSL's evolve carries it from one step to the next (NEST keeps the same per neuron). */
export const RKF45_CARRY = {
  h_step: { unit: 'ms', doc: 'integration step size carried to the next step', initial: (_p: Params, dt: number) => dt },
} as const;

/** The scheme of iaf_cond_exp's specialised RKF45 kernel. */
export const condExpRkf45Scheme: SchemeDef = {
  internal: { I0: CURRENT_INPUT, r: REFRACTORY_COUNT, ...RKF45_CARRY },
  kernel: (ctx, inputScale) => createCondExpRkf45(ctx, inputScale),
};

export function checkCond(p: Params, where: string): void {
  checkResetBelowThreshold(p, where);
}

export const condExpState = {
  V_m: { unit: 'mV', doc: 'membrane potential', initial: (p: Params) => p.E_L },
  g_ex: { unit: 'nS', doc: 'excitatory conductance', initial: () => 0 },
  g_in: { unit: 'nS', doc: 'inhibitory conductance', initial: () => 0 },
};

/**
 * iaf_cond_exp's dynamics (models/iaf_cond_exp.cpp): V enters the currents bounded above by V_th and is
 * held while refractory. Written in the order of operations of the specialised RKF45 kernel (the decay
 * rate 1/τ folded, the current input and I_e summed first), so that the generated rkf45 kernel is
 * bit-identical to it (test/plugins/neurons/cond.test.ts).
 */
export const iafCondExpDef: ModelDef = {
  name: 'iaf_cond_exp',
  doc: 'Leaky integrate-and-fire, exponential conductance synapses, adaptive RKF45 (NEST iaf_cond_exp; PyNN IF_cond_exp)',
  params: condParams,
  state: {
    V_m: { unit: 'mV', initial: 'E_L', doc: condExpState.V_m.doc },
    g_ex: { unit: 'nS', initial: 0, doc: condExpState.g_ex.doc },
    g_in: { unit: 'nS', initial: 0, doc: condExpState.g_in.doc },
  },
  equations: [
    'V = min(V_m, V_th) : mV',
    'dV_m/dt = (-g_L * (V - E_L) - g_ex * (V - E_ex) - g_in * (V - E_in) + (I_stim + I_e)) / C_m : mV',
    'dg_ex/dt = -g_ex * (1 / tau_syn_ex) : nS',
    'dg_in/dt = -g_in * (1 / tau_syn_in) : nS',
  ],
  ...lifSpiking,
  // A weight is the conductance jump in nS; NEST adds |w| of negative (inhibitory) weights.
  receptors: { ex: { kind: 'conductance', variable: 'g_ex' }, in: { kind: 'conductance', variable: 'g_in' } },
  defaultIntegrator: 'rkf45',
  tolerance: { epsAbs: COND_EPS_ABS, epsRel: 0 },
  check: checkCond,
};

const AURYN_EULER = "Auryn's scheme: forward Euler on V_m, the conductances decaying exactly (exp(-dt/tau_syn)); the generated kernel of this name takes Euler steps on every variable";

/**
 * The generated rkf45 kernel is bit-identical to the specialised one (createCondExpRkf45, which PyNN's
 * IF_cond_exp still runs for its µS weights) and no slower (bench/neuron-update.ts: 4.5 against 3.5 M
 * updates per CPU second), so it is no override: the model runs its own.
 */
export const iafCondExp = defineModel(iafCondExpDef, {
  handOnly: {
    'euler-f32': { kernel: defineScheme(condExpEulerF32), why: AURYN_EULER },
    'euler-f32x4-wasm-simd': { kernel: f32x4Scheme(1), why: `${AURYN_EULER} (float32 lanes)` },
  },
});
