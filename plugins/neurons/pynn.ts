import type { NeuronModel, NeuronScheme } from '../../core/plugin.js';
import type { StateSpec } from '../../core/contracts/neuron.js';
import type { ParamSchema, Params } from '../../core/schema.js';
import { ParameterError } from '../../core/errors.js';
import { archivingParams, iafPscExp, pscExpExact } from './iaf_psc_exp.js';
import { iafPscAlpha, pscAlphaExact } from './iaf_psc_alpha.js';
import { condExpRkf45Scheme, iafCondExp } from './iaf_cond_exp.js';
import { condAlphaRkf45Scheme, iafCondAlpha } from './iaf_cond_alpha.js';
import { aeifCondExp, aeifRkf45Scheme } from './aeif_cond_exp.js';
import { izhikevich, izhikevichEuler } from './izhikevich.js';
import { pscExpEulerF32, condExpEulerF32 } from '../integrators/euler_f32.js';
import { f32x4Scheme } from '../integrators/wasm/iaf_cond_exp_f32x4.js';
import { rescaled, type SchemeDef } from './scheme.js';

/**
 * PyNN's standard cell types with PyNN's names, units (nF, µS, nA, mV, ms) and defaults, mapped onto the
 * NEST models as PyNN's NEST backend (pyNN/nest/standardmodels/cells.py) maps them. One entry of
 * `pynnCells` per cell type generates its schema, its NEST translation both ways, its model and checks.
 * Parameters are converted once, when the group is built; the state arrays keep NEST's names and units
 * (V_m in mV, currents in pA, conductances in nS), with PyNN's `v` as an alias of V_m. Synaptic weights are
 * read in PyNN's units (`weights`): the group multiplies its spike input by the scale. The ring buffer's
 * current channel stays in pA (NEST devices such as dc_generator write it).
 */

/** A PyNN parameter's NEST counterpart: a name and the factor from PyNN's unit to NEST's (none: same unit). */
export type PynnTranslation = readonly [nest: string, scale?: number] | PynnDerivedTranslation;
/** A NEST parameter computed from several PyNN ones (PyNN's string translations, as functions). */
export interface PynnDerivedTranslation {
  readonly nest: string;
  readonly formula: string;
  to(p: Params): number;
  from(q: Params): number;
}

/** A scheme behind a cell type: a NEST SchemeDef, or a factory of a scheme that takes converted params itself. */
export type PynnScheme = SchemeDef | ((toNest: (p: Params) => Params, weightScale: number) => NeuronScheme);

export interface PynnCell<P extends ParamSchema = ParamSchema> {
  /** The NEST model it runs on: its defaults fill the NEST parameters PyNN does not name. */
  readonly nest: NeuronModel;
  /** Another name in the model's doc line (EIF: AdEx). */
  readonly aka?: string;
  readonly params: P;
  /** Every PyNN parameter's NEST name and unit scale. */
  readonly translations: { readonly [K in keyof P]: PynnTranslation };
  /** Weights in PyNN's unit, times `scale` for NEST's (pA or nS; mV for Izhikevich's voltage jumps). */
  readonly weights: { readonly unit: string; readonly scale: number };
  /** The NEST state with these initial values (PyNN's default_initial_values). */
  readonly initial: Readonly<Record<string, (p: Params) => number>>;
  /** PyNN's names of state variables (same array and unit as the NEST one). */
  readonly aliases: Readonly<Record<string, string>>;
  readonly integrators: Readonly<Record<string, PynnScheme>>;
  readonly defaultIntegrator: string;
  /** Orderings of parameters checked at create, naming the first PyNN parameter: [a, '<' | '>=', b]. */
  readonly relations: readonly (readonly [string, '<' | '>=', string])[];
}

/** Infers each entry's schema type (for create()'s typed params) and checks its translations are complete. */
function cell<const P extends ParamSchema>(c: PynnCell<P>): PynnCell<P> {
  return c;
}

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
const reversal = {
  e_rev_E: { unit: 'mV', default: 0, doc: 'excitatory reversal potential' },
  e_rev_I: { unit: 'mV', default: -70, doc: 'inhibitory reversal potential' },
} as const;
const alphaTau = { tau_syn_E: { ...common.tau_syn_E, default: 0.5 }, tau_syn_I: { ...common.tau_syn_I, default: 0.5 } } as const;

const commonTranslations = {
  cm: ['C_m', 1000],
  tau_refrac: ['t_ref'],
  tau_syn_E: ['tau_syn_ex'],
  tau_syn_I: ['tau_syn_in'],
  v_rest: ['E_L'],
  v_reset: ['V_reset'],
  v_thresh: ['V_th'],
  i_offset: ['I_e', 1000],
} as const;
const archivingTranslations = { tau_minus: ['tau_minus'], tau_minus_triplet: ['tau_minus_triplet'] } as const;
const reversalTranslations = { e_rev_E: ['E_ex'], e_rev_I: ['E_in'] } as const;
/** Conductance models have no tau_m in NEST: g_L = C_m / tau_m (nS from pF and ms). */
const leakConductance: PynnDerivedTranslation = { nest: 'g_L', formula: 'g_L = 1000·cm/tau_m', to: (p) => (1000 * p.cm) / p.tau_m, from: (q) => q.C_m / q.g_L };
const currTranslations = { ...commonTranslations, tau_m: ['tau_m'], ...archivingTranslations } as const;
const condTranslations = { ...commonTranslations, tau_m: leakConductance, ...reversalTranslations, ...archivingTranslations } as const;

const nA = { unit: 'nA', scale: 1000 } as const;
const uS = { unit: 'µS', scale: 1000 } as const;
const vRest = { V_m: (p: Params) => p.v_rest };
const vAlias = { v: 'V_m' };
const resetBelowThreshold = [['v_reset', '<', 'v_thresh']] as const;

/** iaf_cond_exp's float32 kernel (docs/wasm-f32x4.md) under the cell's parameters. */
function f32x4(): PynnScheme {
  return (toNest, weightScale) => {
    const base = f32x4Scheme(weightScale);
    return { ...base, create: (ctx) => base.create({ ...ctx, params: toNest(ctx.params) }) };
  };
}

/** The table: one entry per PyNN cell type. (No HH_cond_exp: the Python front end maps it onto hh_cond_exp_traub itself.) */
export const pynnCells = {
  IF_curr_exp: cell({
    nest: iafPscExp,
    params: { ...common, ...archivingParams },
    translations: currTranslations,
    weights: nA,
    initial: vRest,
    aliases: vAlias,
    integrators: { exact: pscExpExact, 'euler-f32': pscExpEulerF32 },
    defaultIntegrator: 'exact',
    relations: resetBelowThreshold,
  }),
  IF_curr_alpha: cell({
    nest: iafPscAlpha,
    params: { ...common, ...alphaTau, ...archivingParams },
    translations: currTranslations,
    weights: nA,
    initial: vRest,
    aliases: vAlias,
    integrators: { exact: pscAlphaExact },
    defaultIntegrator: 'exact',
    relations: resetBelowThreshold,
  }),
  IF_cond_exp: cell({
    nest: iafCondExp,
    params: { ...common, ...reversal, ...archivingParams },
    translations: condTranslations,
    weights: uS,
    initial: vRest,
    aliases: vAlias,
    integrators: {
      rkf45: condExpRkf45Scheme,
      'euler-f32': condExpEulerF32,
      'euler-f32x4-wasm-simd': f32x4(),
    },
    defaultIntegrator: 'rkf45',
    relations: resetBelowThreshold,
  }),
  EIF_cond_exp_isfa_ista: cell({
    nest: aeifCondExp,
    aka: 'AdEx',
    params: {
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
      e_rev_E: reversal.e_rev_E,
      e_rev_I: { ...reversal.e_rev_I, default: -80 },
      ...archivingParams,
    },
    translations: { ...condTranslations, v_spike: ['V_peak'], delta_T: ['Delta_T'], a: ['a'], b: ['b', 1000], tau_w: ['tau_w'] },
    weights: uS,
    initial: vRest,
    aliases: vAlias,
    integrators: { rkf45: aeifRkf45Scheme },
    defaultIntegrator: 'rkf45',
    relations: [['v_spike', '>=', 'v_thresh'], ['v_reset', '<', 'v_spike']],
  }),
  IF_cond_alpha: cell({
    nest: iafCondAlpha,
    params: { ...common, tau_syn_E: { ...common.tau_syn_E, default: 0.3 }, tau_syn_I: alphaTau.tau_syn_I, ...reversal, ...archivingParams },
    translations: condTranslations,
    weights: uS,
    initial: vRest,
    aliases: vAlias,
    integrators: { rkf45: condAlphaRkf45Scheme },
    defaultIntegrator: 'rkf45',
    relations: resetBelowThreshold,
  }),
  Izhikevich: cell({
    nest: izhikevich,
    params: {
      a: { unit: '1/ms', default: 0.02, doc: 'time scale of the recovery variable u' },
      b: { unit: '1/ms', default: 0.2, doc: 'sensitivity of u to v' },
      c: { unit: 'mV', default: -65, doc: 'after-spike reset value of v' },
      d: { unit: 'mV/ms', default: 2, doc: 'after-spike increment of u' },
      i_offset: common.i_offset,
      ...archivingParams,
    },
    translations: { a: ['a'], b: ['b'], c: ['c'], d: ['d'], i_offset: ['I_e', 1000], ...archivingTranslations },
    // PyNN's receptor_scale 1e-3 undoes its ×1000: weights are voltage jumps in mV, as in NEST.
    weights: { unit: 'mV', scale: 1 },
    initial: { V_m: () => -70, U_m: () => -14 },
    aliases: { v: 'V_m', u: 'U_m' },
    integrators: { euler: izhikevichEuler },
    defaultIntegrator: 'euler',
    relations: [],
  }),
} as const;

export type PynnModelName = keyof typeof pynnCells;
const names = Object.keys(pynnCells) as PynnModelName[];
const entry = (model: PynnModelName): PynnCell => pynnCells[model];

function byName<T>(f: (model: PynnModelName) => T): { [K in PynnModelName]: T } {
  return Object.fromEntries(names.map((m) => [m, f(m)])) as { [K in PynnModelName]: T };
}

/** Each cell type's schema (PyNN names, units, defaults). */
export const pynnSchemas = Object.fromEntries(names.map((m) => [m, pynnCells[m].params])) as { [K in PynnModelName]: (typeof pynnCells)[K]['params'] };

/** The NEST model each PyNN cell type runs on. */
export const pynnTarget: Record<PynnModelName, string> = byName((m) => entry(m).nest.name);

const isDerived = (t: PynnTranslation): t is PynnDerivedTranslation => !Array.isArray(t);
const nestDefaults = byName((m): Params => Object.fromEntries(Object.entries(entry(m).nest.params).map(([k, s]) => [k, s.default])));

/** PyNN parameter values (PyNN units) to the NEST model's parameters (NEST units), NEST's defaults for the rest. */
export function pynnToNest(model: PynnModelName, p: Params): Params {
  const out: Params = { ...nestDefaults[model] };
  for (const [name, t] of Object.entries(entry(model).translations)) {
    if (isDerived(t)) out[t.nest] = t.to(p);
    else out[t[0]] = t[1] === undefined ? p[name] : t[1] * p[name];
  }
  return out;
}

/** NEST parameter values back to PyNN's names and units (the inverse of pynnToNest). */
export function nestToPynn(model: PynnModelName, q: Params): Params {
  const out: Params = {};
  for (const [name, t] of Object.entries(entry(model).translations)) {
    if (isDerived(t)) out[name] = t.from(q);
    else out[name] = t[1] === undefined ? q[t[0]] : q[t[0]] / t[1];
  }
  return out;
}

function checkRelations(relations: PynnCell['relations']): (p: Params, where: string) => void {
  return (p, where) => {
    for (const [a, op, b] of relations) {
      if (op === '<' ? !(p[a] < p[b]) : p[a] < p[b]) throw new ParameterError(where, a, p[a], `a value ${op === '<' ? 'below' : '>='} ${b} (${p[b]} mV)`);
    }
  };
}

function pynnModel(model: PynnModelName): NeuronModel {
  const c = entry(model);
  const toNest = (p: Params) => pynnToNest(model, p);
  const state: Record<string, StateSpec> = { ...c.nest.state };
  for (const [k, initial] of Object.entries(c.initial)) state[k] = { ...c.nest.state[k], initial };
  const scheme = (s: PynnScheme): NeuronScheme => (typeof s === 'function' ? s(toNest, c.weights.scale) : rescaled(s, c.weights.scale, toNest));
  return {
    kind: 'neuron',
    name: model,
    doc: `PyNN ${model}${c.aka ? ` (${c.aka})` : ''}: PyNN names and units (weights in ${c.weights.unit}) on NEST ${c.nest.name}`,
    params: c.params,
    state,
    aliases: c.aliases,
    integrators: Object.fromEntries(Object.entries(c.integrators).map(([k, s]) => [k, scheme(s)])),
    defaultIntegrator: c.defaultIntegrator,
    check: checkRelations(c.relations),
  };
}

/** The cell types as neuron models, in the table's order. */
export const pynnModels: readonly NeuronModel[] = names.map(pynnModel);
const models = byName((m) => pynnModels[names.indexOf(m)]);
export const { IF_curr_exp, IF_curr_alpha, IF_cond_exp, EIF_cond_exp_isfa_ista, IF_cond_alpha, Izhikevich } = models;
