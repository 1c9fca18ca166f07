import type { NeuronKernel, KernelContext } from '../../core/plugin.js';
import type { ModelDef } from '../../core/equations/model.js';
import type { OverrideProbe } from '../../core/equations/define.js';
import { defineModel } from '../schemes/index.js';
import type { RingBuffer } from '../../core/ringbuffer.js';
import { NO_PRIVATE_STATE } from '../../core/contracts/base.js';
import { ParameterError } from '../../core/errors.js';
import type { Params } from '../../core/schema.js';
import { propagatorExp, refractorySteps } from './propagators.js';
import { pscExpEulerF32 } from '../integrators/euler_f32.js';
import { defineScheme, CURRENT_INPUT, REFRACTORY_COUNT, type SchemeDef } from './scheme.js';

/**
 * NEST's ArchivingNode parameters, present on every neuron model: the time constants of the
 * postsynaptic traces that STDP synapses read (stdp_synapse: tau_minus; triplet rules: both).
 */
export const archivingParams = {
  tau_minus: { unit: 'ms', default: 20, min: 0, exclusiveMin: true, doc: 'time constant of the postsynaptic STDP trace' },
  tau_minus_triplet: { unit: 'ms', default: 110, min: 0, exclusiveMin: true, doc: 'time constant of the slow postsynaptic triplet trace' },
} as const;

/** Parameters of the current-based LIF family, with NEST's names, units and defaults. */
export const pscParams = {
  E_L: { unit: 'mV', default: -70, doc: 'resting membrane potential' },
  C_m: { unit: 'pF', default: 250, min: 0, exclusiveMin: true, doc: 'membrane capacitance' },
  tau_m: { unit: 'ms', default: 10, min: 0, exclusiveMin: true, doc: 'membrane time constant' },
  t_ref: { unit: 'ms', default: 2, min: 0, doc: 'duration of the refractory period' },
  V_th: { unit: 'mV', default: -55, doc: 'spike threshold' },
  V_reset: { unit: 'mV', default: -70, doc: 'reset potential (must be below V_th)' },
  tau_syn_ex: { unit: 'ms', default: 2, min: 0, exclusiveMin: true, doc: 'rise/decay time of excitatory synaptic current' },
  tau_syn_in: { unit: 'ms', default: 2, min: 0, exclusiveMin: true, doc: 'rise/decay time of inhibitory synaptic current' },
  I_e: { unit: 'pA', default: 0, doc: 'constant input current' },
  ...archivingParams,
} as const;

export function checkResetBelowThreshold(p: Params, where: string): void {
  if (!(p.V_reset < p.V_th)) throw new ParameterError(where, 'V_reset', p.V_reset, `a value below V_th (${p.V_th} mV)`);
}

/**
 * One exact step of iaf_psc_exp for all neurons, in NEST's order: membrane (unless refractory), synaptic
 * decay, this step's spike input, threshold with reset, and the current input that acts from the next step.
 * A free function over typed arrays so that V8 keeps it monomorphic.
 */
function stepPscExp(
  n: number, V: Float64Array, Iex: Float64Array, Iin: Float64Array, I0: Float64Array, r: Int32Array,
  ex: Float64Array, inh: Float64Array, cur: Float64Array, off: number, spikes: Int32Array,
  E_L: number, P22: number, P21ex: number, P21in: number, P20: number, I_e: number,
  P11ex: number, P11in: number, theta: number, V_reset: number, refr: number, inputScale: number,
): number {
  let count = 0;
  for (let i = 0; i < n; i++) {
    if (r[i] === 0) V[i] = E_L + (V[i] - E_L) * P22 + Iex[i] * P21ex + Iin[i] * P21in + (I_e + I0[i]) * P20;
    else r[i]--;
    Iex[i] = Iex[i] * P11ex + inputScale * ex[off + i];
    Iin[i] = Iin[i] * P11in + inputScale * inh[off + i];
    if (V[i] >= theta) {
      r[i] = refr;
      V[i] = V_reset;
      spikes[count++] = i;
    }
    I0[i] = cur[off + i];
  }
  return count;
}

/**
 * The exact kernel, parameterised by NEST names. `inputScale` multiplies spike input (1 for NEST's pA;
 * 1000 for PyNN's nA weights).
 */
export function createPscExpExact(ctx: KernelContext, inputScale = 1): NeuronKernel {
  const { n, params: p, dt: h } = ctx;
  const V = ctx.state.V_m as Float64Array;
  const Iex = ctx.state.I_syn_ex as Float64Array;
  const Iin = ctx.state.I_syn_in as Float64Array;
  const I0 = ctx.state.I0 as Float64Array;
  const r = ctx.state.r as Int32Array;
  const P11ex = Math.exp(-h / p.tau_syn_ex);
  const P11in = Math.exp(-h / p.tau_syn_in);
  const P22 = Math.exp(-h / p.tau_m);
  const P21ex = propagatorExp(p.tau_syn_ex, p.tau_m, p.C_m, h);
  const P21in = propagatorExp(p.tau_syn_in, p.tau_m, p.C_m, h);
  const P20 = (-p.tau_m / p.C_m) * Math.expm1(-h / p.tau_m);
  const refr = refractorySteps(p.t_ref, h);
  return {
    // Every variable it integrates is in the state component.
    ...NO_PRIVATE_STATE,
    update(_step: number, ring: RingBuffer, off: number, spikes: Int32Array): number {
      return stepPscExp(n, V, Iex, Iin, I0, r, ring.ex, ring.inh, ring.cur, off, spikes,
        p.E_L, P22, P21ex, P21in, P20, p.I_e, P11ex, P11in, p.V_th, p.V_reset, refr, inputScale);
    },
  };
}

/** The exact scheme: NEST's propagators, float64. */
export const pscExpExact: SchemeDef = { internal: { I0: CURRENT_INPUT, r: REFRACTORY_COUNT }, kernel: createPscExpExact };

/** The LIF threshold, reset and clamp NEST's iaf_psc_* models share. */
export const lifSpiking = {
  threshold: 'V_m >= V_th',
  reset: ['V_m = V_reset'],
  refractory: { period: 't_ref', clamp: ['V_m'] },
} as const;

/** iaf_psc_exp's dynamics (models/iaf_psc_exp.h): every scheme of the model is generated from these. */
export const iafPscExpDef: ModelDef = {
  name: 'iaf_psc_exp',
  doc: 'Leaky integrate-and-fire, exponential current synapses, exact integration (NEST iaf_psc_exp; PyNN IF_curr_exp)',
  params: pscParams,
  state: {
    V_m: { unit: 'mV', initial: 'E_L', doc: 'membrane potential' },
    I_syn_ex: { unit: 'pA', initial: 0, doc: 'excitatory synaptic current' },
    I_syn_in: { unit: 'pA', initial: 0, doc: 'inhibitory synaptic current' },
  },
  equations: [
    'dV_m/dt = -(V_m - E_L) / tau_m + (I_syn_ex + I_syn_in + I_e + I_stim) / C_m : mV',
    'dI_syn_ex/dt = -I_syn_ex / tau_syn_ex : pA',
    'dI_syn_in/dt = -I_syn_in / tau_syn_in : pA',
  ],
  ...lifSpiking,
  // A weight is the PSC amplitude in pA; inhibitory weights stay negative.
  receptors: { ex: { kind: 'current', variable: 'I_syn_ex' }, in: { kind: 'current', variable: 'I_syn_in' } },
  defaultIntegrator: 'exact',
  check: checkResetBelowThreshold,
};

/** Where the harness drives iaf_psc_exp's overrides: NEST's defaults, a CUBA cell, τm = τsyn (NEST's singular propagator). */
const pscExpProbe: OverrideProbe = {
  params: [{ I_e: 360 }, { E_L: -49, V_th: -50, V_reset: -60, C_m: 200, tau_m: 20, tau_syn_ex: 5, tau_syn_in: 10, t_ref: 5, I_e: 300 }, { I_e: 380, tau_syn_ex: 10, tau_syn_in: 10, t_ref: 0.5 }],
  wEx: 120, wIn: 120, current: 300,
  initial: { V_m: [-70, -50] },
};

export const iafPscExp = defineModel(iafPscExpDef, {
  overrides: {
    exact: {
      kernel: defineScheme(pscExpExact),
      equivalence: {
        kind: 'tolerance', rel: 1e-12,
        why: "NEST's propagators on V_m − E_L against the generated matrix exponential of the system with its constant: the same map, other roundings (about 1e-12 mV a step)",
      },
      probe: pscExpProbe,
      doc: "NEST's closed-form propagators (Rotter & Diesmann 1999), one fused loop",
    },
  },
  handOnly: {
    'euler-f32': {
      kernel: defineScheme(pscExpEulerF32),
      why: "Auryn's scheme: forward Euler on V_m but the synaptic currents decay exactly (exp(-dt/tau_syn)); the generated euler-f32 takes Euler steps on every variable",
    },
  },
});
