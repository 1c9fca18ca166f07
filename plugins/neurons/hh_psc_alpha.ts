import type { ModelDef, ParamDef } from '../../core/equations/model.js';
import { defineModel } from '../schemes/index.js';
import { archivingParams } from './iaf_psc_exp.js';

/**
 * NEST's hh_psc_alpha (models/hh_psc_alpha.{h,cpp}): Hodgkin–Huxley with the squid-axon rates, alpha-shaped
 * current synapses, GSL rkf45 with control_y_new(1e-3, 0) and the step carried across steps. Each rate and
 * sum is written in NEST's order of operations (hh_psc_alpha_dynamics), so the doubles are NEST's up to
 * the last-ulp differences of exp between V8 and libm.
 */
export const hhPscAlphaParams = {
  t_ref: { unit: 'ms', default: 2, min: 0, doc: 'refractory period: no spike is emitted, integration goes on' },
  g_Na: { unit: 'nS', default: 12000, min: 0, doc: 'sodium peak conductance' },
  g_K: { unit: 'nS', default: 3600, min: 0, doc: 'potassium peak conductance' },
  g_L: { unit: 'nS', default: 30, min: 0, doc: 'leak conductance' },
  C_m: { unit: 'pF', default: 100, min: 0, exclusiveMin: true, doc: 'membrane capacitance' },
  E_Na: { unit: 'mV', default: 50, doc: 'sodium reversal potential' },
  E_K: { unit: 'mV', default: -77, doc: 'potassium reversal potential' },
  E_L: { unit: 'mV', default: -54.402, doc: 'leak reversal potential' },
  tau_syn_ex: { unit: 'ms', default: 0.2, min: 0, exclusiveMin: true, doc: 'rise time of the excitatory alpha current' },
  tau_syn_in: { unit: 'ms', default: 2, min: 0, exclusiveMin: true, doc: 'rise time of the inhibitory alpha current' },
  I_e: { unit: 'pA', default: 0, doc: 'constant external input current' },
  ...archivingParams,
} as const satisfies Record<string, ParamDef>;

/** The rates (1/ms as pure numbers) at V (dimensionless mV), as NEST writes them. */
function rates(V: string): Record<'alpha_n' | 'beta_n' | 'alpha_m' | 'beta_m' | 'alpha_h' | 'beta_h', string> {
  return {
    alpha_n: `(0.01 * (${V} + 55)) / (1 - exp(-(${V} + 55) / 10))`,
    beta_n: `0.125 * exp(-(${V} + 65) / 80)`,
    alpha_m: `(0.1 * (${V} + 40)) / (1 - exp(-(${V} + 40) / 10))`,
    beta_m: `4 * exp(-(${V} + 65) / 18)`,
    alpha_h: `0.07 * exp(-(${V} + 65) / 20)`,
    beta_h: `1 / (1 + exp(-(${V} + 35) / 10))`,
  };
}

/** NEST's State_ sets V_m = -65 mV (not E_L) and each gate to alpha / (alpha + beta) there. */
const V0 = -65;
const r0 = rates(`(${V0})`);
const steady = (g: 'n' | 'm' | 'h') => `(${r0[`alpha_${g}`]}) / ((${r0[`alpha_${g}`]}) + (${r0[`beta_${g}`]}))`;
const r = rates('V');

/** The definition, for variants (another name, codegen off). */
export const hhPscAlphaDef: ModelDef = {
  name: 'hh_psc_alpha',
  doc: 'Hodgkin–Huxley neuron with alpha-shaped synaptic currents (NEST hh_psc_alpha): spike at a local maximum of V_m above 0 mV',
  params: hhPscAlphaParams,
  // NEST's state vector order: V_M, HH_M, HH_H, HH_N, DI_EXC, I_EXC, DI_INH, I_INH.
  state: {
    V_m: { unit: 'mV', initial: V0, doc: 'membrane potential' },
    Act_m: { unit: '1', initial: steady('m'), doc: 'sodium activation m' },
    Inact_h: { unit: '1', initial: steady('h'), doc: 'sodium inactivation h' },
    Act_n: { unit: '1', initial: steady('n'), doc: 'potassium activation n' },
    dI_ex: { unit: 'pA/ms', initial: 0, doc: 'derivative of the excitatory alpha current' },
    I_ex: { unit: 'pA', initial: 0, doc: 'excitatory synaptic current' },
    dI_in: { unit: 'pA/ms', initial: 0, doc: 'derivative of the inhibitory alpha current' },
    I_in: { unit: 'pA', initial: 0, doc: 'inhibitory synaptic current (negative)' },
  },
  equations: [
    // V / mV and x / ms divide by 1: exact, and folded away when the kernel is bound.
    'V = V_m / mV : 1',
    `alpha_n = ${r.alpha_n} / ms : 1/ms`,
    `beta_n = ${r.beta_n} / ms : 1/ms`,
    `alpha_m = ${r.alpha_m} / ms : 1/ms`,
    `beta_m = ${r.beta_m} / ms : 1/ms`,
    `alpha_h = ${r.alpha_h} / ms : 1/ms`,
    `beta_h = ${r.beta_h} / ms : 1/ms`,
    'I_Na = g_Na * Act_m * Act_m * Act_m * Inact_h * (V_m - E_Na) : pA',
    'I_K = g_K * Act_n * Act_n * Act_n * Act_n * (V_m - E_K) : pA',
    'I_L = g_L * (V_m - E_L) : pA',
    'dV_m/dt = (-(I_Na + I_K + I_L) + I_stim + I_e + I_ex + I_in) / C_m : mV',
    'dAct_m/dt = alpha_m * (1 - Act_m) - beta_m * Act_m : 1',
    'dInact_h/dt = alpha_h * (1 - Inact_h) - beta_h * Inact_h : 1',
    'dAct_n/dt = alpha_n * (1 - Act_n) - beta_n * Act_n : 1',
    'ddI_ex/dt = -dI_ex / tau_syn_ex : pA/ms',
    'dI_ex/dt = dI_ex - (I_ex / tau_syn_ex) : pA',
    'ddI_in/dt = -dI_in / tau_syn_in : pA/ms',
    'dI_in/dt = dI_in - (I_in / tau_syn_in) : pA',
  ],
  // NEST: `V_m >= 0 and U_old > V_m`, U_old being V_m before this step's integration: the spike is
  // emitted in the first step after the peak.
  threshold: 'V_m >= 0 and prev(V_m) > V_m',
  // No reset and no clamp: while refractory only the threshold test is skipped.
  refractory: { period: 't_ref' },
  // A spike of w pA adds w·e/tau_syn to dI, so that I peaks at w pA (NEST's PSCurrInit_E_ = 1.0 * e / tau_synE);
  // inhibitory weights stay negative.
  receptors: {
    ex: { kind: 'current', variable: 'dI_ex', scale: 'e / tau_syn_ex' },
    in: { kind: 'current', variable: 'dI_in', scale: 'e / tau_syn_in' },
  },
  defaultIntegrator: 'rkf45',
  tolerance: { epsAbs: 1e-3, epsRel: 0 },
};

export const hhPscAlpha = defineModel(hhPscAlphaDef);
