import type { NeuronModel, NeuronScheme } from '../../core/plugin.js';
import type { ParamSchema, Params } from '../../core/schema.js';
import { ParameterError } from '../../core/errors.js';
import { archivingParams, pscExpExact } from './iaf_psc_exp.js';
import { pscAlphaExact, pscAlphaState } from './iaf_psc_alpha.js';
import { condExpRkf45Scheme } from './iaf_cond_exp.js';
import { aeifRkf45Scheme } from './aeif_cond_exp.js';
import { pscExpEulerF32, condExpEulerF32 } from '../integrators/euler_f32.js';
import { f32x4Scheme } from '../integrators/wasm/iaf_cond_exp_f32x4.js';
import { loadKernelAddon, type KernelAddon } from '../integrators/native.js';
import { rescaled, type SchemeDef } from './scheme.js';

/**
 * PyNN's standard cell types with PyNN's names, units (nF, µS, nA, mV, ms) and defaults, mapped onto the
 * NEST models as PyNN's NEST backend maps them. Parameters are converted once, when the group is built;
 * the state arrays keep NEST's names and units (V_m in mV, currents in pA, conductances in nS), with `v`
 * as an alias of V_m. Synaptic weights are read in PyNN's units, nA for current-based and µS for
 * conductance-based cells (the group multiplies its spike input by 1000); the ring buffer's current
 * channel stays in pA (NEST devices such as dc_generator write it).
 */

const common = {
  cm: { unit: 'nF', default: 1, min: 0, exclusiveMin: true, doc: 'membrane capacitance' },
  tau_m: { unit: 'ms', default: 20, min: 0, exclusiveMin: true, doc: 'membrane time constant' },
  tau_refrac: { unit: 'ms', default: 0.1, min: 0, doc: 'refractory period' },
  tau_syn_E: { unit: 'ms', default: 5, min: 0, exclusiveMin: true, doc: 'excitatory synaptic time constant' },
  tau_syn_I: { unit: 'ms', default: 5, min: 0, exclusiveMin: true, doc: 'inhibitory synaptic time constant' },
  v_rest: { unit: 'mV', default: -65, doc: 'resting membrane potential' },
  v_reset: { unit: 'mV', default: -65, doc: 'reset potential after a spike' },
  v_thresh: { unit: 'mV', default: -50, doc: 'spike threshold' },
  i_offset: { unit: 'nA', default: 0, doc: 'offset current' },
} as const;

export const pynnSchemas = {
  IF_curr_exp: { ...common, ...archivingParams },
  IF_curr_alpha: { ...common, tau_syn_E: { ...common.tau_syn_E, default: 0.5 }, tau_syn_I: { ...common.tau_syn_I, default: 0.5 }, ...archivingParams },
  IF_cond_exp: {
    ...common,
    e_rev_E: { unit: 'mV', default: 0, doc: 'excitatory reversal potential' },
    e_rev_I: { unit: 'mV', default: -70, doc: 'inhibitory reversal potential' },
    ...archivingParams,
  },
  EIF_cond_exp_isfa_ista: {
    ...common,
    cm: { ...common.cm, default: 0.281 },
    tau_m: { ...common.tau_m, default: 9.3667 },
    v_rest: { ...common.v_rest, default: -70.6 },
    v_reset: { ...common.v_reset, default: -70.6 },
    v_thresh: { ...common.v_thresh, default: -50.4 },
    v_spike: { unit: 'mV', default: -40, doc: 'spike detection threshold' },
    delta_T: { unit: 'mV', default: 2, min: 0, doc: 'slope factor of the exponential' },
    a: { unit: 'nS', default: 4, doc: 'subthreshold adaptation conductance' },
    b: { unit: 'nA', default: 0.0805, doc: 'spike-triggered adaptation increment' },
    tau_w: { unit: 'ms', default: 144, min: 0, exclusiveMin: true, doc: 'adaptation time constant' },
    e_rev_E: { unit: 'mV', default: 0, doc: 'excitatory reversal potential' },
    e_rev_I: { unit: 'mV', default: -80, doc: 'inhibitory reversal potential' },
    ...archivingParams,
  },
} as const satisfies Record<string, ParamSchema>;

export type PynnModelName = keyof typeof pynnSchemas;

/** The NEST model each PyNN cell type runs on. */
export const pynnTarget: Record<PynnModelName, string> = {
  IF_curr_exp: 'iaf_psc_exp',
  IF_curr_alpha: 'iaf_psc_alpha',
  IF_cond_exp: 'iaf_cond_exp',
  EIF_cond_exp_isfa_ista: 'aeif_cond_exp',
};

/** PyNN parameter values (PyNN units) to the NEST model's parameters (NEST units). */
export function pynnToNest(model: PynnModelName, p: Params): Params {
  const out: Params = {
    C_m: 1000 * p.cm,
    t_ref: p.tau_refrac,
    tau_syn_ex: p.tau_syn_E,
    tau_syn_in: p.tau_syn_I,
    E_L: p.v_rest,
    V_reset: p.v_reset,
    V_th: p.v_thresh,
    I_e: 1000 * p.i_offset,
    tau_minus: p.tau_minus,
    tau_minus_triplet: p.tau_minus_triplet,
  };
  if (model === 'IF_curr_exp' || model === 'IF_curr_alpha') out.tau_m = p.tau_m;
  else out.g_L = (1000 * p.cm) / p.tau_m;
  if (model === 'IF_curr_alpha') out.V_min = -Infinity;
  if (model === 'IF_cond_exp' || model === 'EIF_cond_exp_isfa_ista') {
    out.E_ex = p.e_rev_E;
    out.E_in = p.e_rev_I;
  }
  if (model === 'EIF_cond_exp_isfa_ista') {
    out.V_peak = p.v_spike;
    out.Delta_T = p.delta_T;
    out.a = p.a;
    out.b = 1000 * p.b;
    out.tau_w = p.tau_w;
    out.gsl_error_tol = 1e-6;
  }
  return out;
}

/** NEST parameter values back to PyNN's names and units (the inverse of pynnToNest). */
export function nestToPynn(model: PynnModelName, q: Params): Params {
  const out: Params = {
    cm: q.C_m / 1000,
    tau_refrac: q.t_ref,
    tau_syn_E: q.tau_syn_ex,
    tau_syn_I: q.tau_syn_in,
    v_rest: q.E_L,
    v_reset: q.V_reset,
    v_thresh: q.V_th,
    i_offset: q.I_e / 1000,
    tau_minus: q.tau_minus,
    tau_minus_triplet: q.tau_minus_triplet,
  };
  out.tau_m = model === 'IF_curr_exp' || model === 'IF_curr_alpha' ? q.tau_m : q.C_m / q.g_L;
  if (model === 'IF_cond_exp' || model === 'EIF_cond_exp_isfa_ista') {
    out.e_rev_E = q.E_ex;
    out.e_rev_I = q.E_in;
  }
  if (model === 'EIF_cond_exp_isfa_ista') {
    out.v_spike = q.V_peak;
    out.delta_T = q.Delta_T;
    out.a = q.a;
    out.b = q.b / 1000;
    out.tau_w = q.tau_w;
  }
  return out;
}

function checkPynn(model: PynnModelName) {
  return (p: Params, where: string): void => {
    if (model === 'EIF_cond_exp_isfa_ista') {
      if (p.v_spike < p.v_thresh) throw new ParameterError(where, 'v_spike', p.v_spike, `a value >= v_thresh (${p.v_thresh} mV)`);
      if (!(p.v_reset < p.v_spike)) throw new ParameterError(where, 'v_reset', p.v_reset, `a value below v_spike (${p.v_spike} mV)`);
    } else if (!(p.v_reset < p.v_thresh)) {
      throw new ParameterError(where, 'v_reset', p.v_reset, `a value below v_thresh (${p.v_thresh} mV)`);
    }
  };
}

/** A NEST scheme behind a PyNN cell type: parameters converted once, weights read in PyNN's nA or µS. */
function viaNest(model: PynnModelName, def: SchemeDef): NeuronScheme {
  return rescaled(def, 1000, (p) => pynnToNest(model, p));
}

const vState = {
  V_m: { unit: 'mV', doc: 'membrane potential', initial: (p: Params) => p.v_rest },
};
/** PyNN's name of the membrane potential: the same array as V_m. */
const vAlias = { v: 'V_m' };

export const IF_curr_exp: NeuronModel = {
  kind: 'neuron',
  name: 'IF_curr_exp',
  doc: 'PyNN IF_curr_exp: PyNN names and units (weights in nA) on NEST iaf_psc_exp',
  params: pynnSchemas.IF_curr_exp,
  state: { ...vState, I_syn_ex: { unit: 'pA', doc: 'excitatory synaptic current', initial: () => 0 }, I_syn_in: { unit: 'pA', doc: 'inhibitory synaptic current', initial: () => 0 } },
  aliases: vAlias,
  integrators: { exact: viaNest('IF_curr_exp', pscExpExact), 'euler-f32': viaNest('IF_curr_exp', pscExpEulerF32) },
  defaultIntegrator: 'exact',
  check: checkPynn('IF_curr_exp'),
};

export const IF_curr_alpha: NeuronModel = {
  kind: 'neuron',
  name: 'IF_curr_alpha',
  doc: 'PyNN IF_curr_alpha: PyNN names and units (weights in nA) on NEST iaf_psc_alpha',
  params: pynnSchemas.IF_curr_alpha,
  state: { ...pscAlphaState, ...vState },
  aliases: vAlias,
  integrators: { exact: viaNest('IF_curr_alpha', pscAlphaExact) },
  defaultIntegrator: 'exact',
  check: checkPynn('IF_curr_alpha'),
};

export const IF_cond_exp: NeuronModel = {
  kind: 'neuron',
  name: 'IF_cond_exp',
  doc: 'PyNN IF_cond_exp: PyNN names and units (weights in µS) on NEST iaf_cond_exp',
  params: pynnSchemas.IF_cond_exp,
  state: { ...vState, g_ex: { unit: 'nS', doc: 'excitatory conductance', initial: () => 0 }, g_in: { unit: 'nS', doc: 'inhibitory conductance', initial: () => 0 } },
  aliases: vAlias,
  integrators: {
    rkf45: viaNest('IF_cond_exp', condExpRkf45Scheme),
    'euler-f32': viaNest('IF_cond_exp', condExpEulerF32),
    // iaf_cond_exp's float32 kernels (docs/wasm-f32x4.md); the native one loads its addon at create
    'euler-f32x4-wasm-simd': f32x4IfCondExp(null),
    'euler-f32-native': f32x4IfCondExp(loadKernelAddon),
  },
  defaultIntegrator: 'rkf45',
  check: checkPynn('IF_cond_exp'),
};

export const EIF_cond_exp_isfa_ista: NeuronModel = {
  kind: 'neuron',
  name: 'EIF_cond_exp_isfa_ista',
  doc: 'PyNN EIF_cond_exp_isfa_ista (AdEx): PyNN names and units (weights in µS) on NEST aeif_cond_exp',
  params: pynnSchemas.EIF_cond_exp_isfa_ista,
  state: {
    ...vState,
    g_ex: { unit: 'nS', doc: 'excitatory conductance', initial: () => 0 },
    g_in: { unit: 'nS', doc: 'inhibitory conductance', initial: () => 0 },
    w: { unit: 'pA', doc: 'adaptation current', initial: () => 0 },
  },
  aliases: vAlias,
  integrators: { rkf45: viaNest('EIF_cond_exp_isfa_ista', aeifRkf45Scheme) },
  defaultIntegrator: 'rkf45',
  check: checkPynn('EIF_cond_exp_isfa_ista'),
};

/** iaf_cond_exp's f32x4 kernel under IF_cond_exp's parameters and µS weights. */
function f32x4IfCondExp(native: (() => KernelAddon) | null): NeuronScheme {
  const base = f32x4Scheme(1000, native);
  return { ...base, create: (ctx) => base.create({ ...ctx, params: pynnToNest('IF_cond_exp', ctx.params) }) };
}

export const pynnModels: readonly NeuronModel[] = [IF_curr_exp, IF_curr_alpha, IF_cond_exp, EIF_cond_exp_isfa_ista];
