import type { ModelDef, ParamDef } from '../../core/equations/model.js';
import { defineModel } from '../schemes/index.js';
import { archivingParams } from './iaf_psc_exp.js';

/**
 * NEST's hh_cond_exp_traub (models/hh_cond_exp_traub.{h,cpp}): the Traub–Miles Hodgkin–Huxley point neuron
 * of Brette et al. (2007) benchmark 3, exponential conductance synapses, GSL rkf45 with
 * control_y_new(1e-3, 0) and the step carried across steps. Rates and sums follow
 * hh_cond_exp_traub_dynamics operation by operation.
 */
export const hhCondExpTraubParams = {
  g_Na: { unit: 'nS', default: 20000, doc: 'sodium peak conductance' },
  g_K: { unit: 'nS', default: 6000, doc: 'potassium peak conductance' },
  g_L: { unit: 'nS', default: 10, doc: 'leak conductance' },
  C_m: { unit: 'pF', default: 200, min: 0, exclusiveMin: true, doc: 'membrane capacitance' },
  E_Na: { unit: 'mV', default: 50, doc: 'sodium reversal potential' },
  E_K: { unit: 'mV', default: -90, doc: 'potassium reversal potential' },
  E_L: { unit: 'mV', default: -60, doc: 'leak reversal potential' },
  V_T: { unit: 'mV', default: -63, doc: 'voltage offset of the rates (V_T = -63 mV puts the threshold near -50 mV); spikes need V_m >= V_T + 30 mV' },
  E_ex: { unit: 'mV', default: 0, doc: 'excitatory reversal potential' },
  E_in: { unit: 'mV', default: -80, doc: 'inhibitory reversal potential' },
  tau_syn_ex: { unit: 'ms', default: 5, min: 0, exclusiveMin: true, doc: 'decay time of the excitatory conductance' },
  tau_syn_in: { unit: 'ms', default: 10, min: 0, exclusiveMin: true, doc: 'decay time of the inhibitory conductance' },
  t_ref: { unit: 'ms', default: 2, min: 0, doc: 'refractory period: no spike is emitted, integration goes on' },
  I_e: { unit: 'pA', default: 0, doc: 'constant external input current' },
  ...archivingParams,
} as const satisfies Record<string, ParamDef>;

/** The rates (1/ms as pure numbers) at V (dimensionless mV, relative to V_T in the dynamics), as NEST writes them. */
function rates(V: string): Record<'alpha_n' | 'beta_n' | 'alpha_m' | 'beta_m' | 'alpha_h' | 'beta_h', string> {
  return {
    alpha_n: `0.032 * (15 - ${V}) / (exp((15 - ${V}) / 5) - 1)`,
    beta_n: `0.5 * exp((10 - ${V}) / 40)`,
    alpha_m: `0.32 * (13 - ${V}) / (exp((13 - ${V}) / 4) - 1)`,
    beta_m: `0.28 * (${V} - 40) / (exp((${V} - 40) / 5) - 1)`,
    alpha_h: `0.128 * exp((17 - ${V}) / 18)`,
    beta_h: `4 / (1 + exp((40 - ${V}) / 5))`,
  };
}

/**
 * NEST's State_ sets V_m = E_L and each gate to alpha / (alpha + beta) evaluated at V = E_L itself, not at
 * E_L − V_T as the dynamics would: with the defaults the gates start far from their steady state
 * (m 1e-8, h 1.0, n 2.6e-7 against 0.027, 0.991, 0.060 at rest), and NEST's neurons relax from there.
 */
const r0 = rates('(E_L / mV)');
const initial = (g: 'n' | 'm' | 'h') => `(${r0[`alpha_${g}`]}) / ((${r0[`alpha_${g}`]}) + (${r0[`beta_${g}`]}))`;
const r = rates('V');

/** The definition, for variants (another name, codegen off). */
export const hhCondExpTraubDef: ModelDef = {
  name: 'hh_cond_exp_traub',
  doc: 'Traub–Miles Hodgkin–Huxley neuron with exponential synaptic conductances (NEST hh_cond_exp_traub, Brette et al. 2007 benchmark 3): spike at a local maximum of V_m above V_T + 30 mV',
  params: hhCondExpTraubParams,
  // NEST's state vector order: V_M, HH_M, HH_H, HH_N, G_EXC, G_INH.
  state: {
    V_m: { unit: 'mV', initial: 'E_L', doc: 'membrane potential' },
    Act_m: { unit: '1', initial: initial('m'), doc: 'sodium activation m' },
    Inact_h: { unit: '1', initial: initial('h'), doc: 'sodium inactivation h' },
    Act_n: { unit: '1', initial: initial('n'), doc: 'potassium activation n' },
    g_ex: { unit: 'nS', initial: 0, doc: 'excitatory synaptic conductance' },
    g_in: { unit: 'nS', initial: 0, doc: 'inhibitory synaptic conductance' },
  },
  equations: [
    'I_Na = g_Na * Act_m * Act_m * Act_m * Inact_h * (V_m - E_Na) : pA',
    'I_K = g_K * Act_n * Act_n * Act_n * Act_n * (V_m - E_K) : pA',
    'I_L = g_L * (V_m - E_L) : pA',
    'I_syn_exc = g_ex * (V_m - E_ex) : pA',
    'I_syn_inh = g_in * (V_m - E_in) : pA',
    'dV_m/dt = (-I_Na - I_K - I_L - I_syn_exc - I_syn_inh + I_stim + I_e) / C_m : mV',
    // (V_m - V_T) / mV and x / ms divide by 1: exact, and folded away when the kernel is bound.
    'V = (V_m - V_T) / mV : 1',
    `alpha_n = ${r.alpha_n} / ms : 1/ms`,
    `beta_n = ${r.beta_n} / ms : 1/ms`,
    `alpha_m = ${r.alpha_m} / ms : 1/ms`,
    `beta_m = ${r.beta_m} / ms : 1/ms`,
    `alpha_h = ${r.alpha_h} / ms : 1/ms`,
    `beta_h = ${r.beta_h} / ms : 1/ms`,
    'dAct_m/dt = alpha_m - (alpha_m + beta_m) * Act_m : 1',
    'dInact_h/dt = alpha_h - (alpha_h + beta_h) * Inact_h : 1',
    'dAct_n/dt = alpha_n - (alpha_n + beta_n) * Act_n : 1',
    'dg_ex/dt = -g_ex / tau_syn_ex : nS',
    'dg_in/dt = -g_in / tau_syn_in : nS',
  ],
  // NEST: `V_m >= V_T + 30 and U_old_ > V_m`, U_old_ being V_m before this step's integration.
  threshold: 'V_m >= V_T + 30 * mV and prev(V_m) > V_m',
  // No reset, no clamp: refractoriness only suppresses the threshold test (t_ref must outlast the falling flank).
  refractory: { period: 't_ref' },
  // Negative weights go to g_in as their magnitude (NEST's handle(SpikeEvent)).
  receptors: {
    ex: { kind: 'conductance', variable: 'g_ex' },
    in: { kind: 'conductance', variable: 'g_in' },
  },
  defaultIntegrator: 'rkf45',
  tolerance: { epsAbs: 1e-3, epsRel: 0 },
};

export const hhCondExpTraub = defineModel(hhCondExpTraubDef);
