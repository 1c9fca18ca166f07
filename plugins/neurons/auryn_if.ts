import type { ModelDef } from '../../core/equations/model.js';
import type { OverrideProbe } from '../../core/equations/define.js';
import type { NeuronScheme } from '../../core/plugin.js';
import type { Params } from '../../core/schema.js';
import { ParameterError } from '../../core/errors.js';
import { defineModel } from '../schemes/index.js';
import { aurynIfF32x4Wasm } from '../integrators/wasm/auryn_if_f32x4.js';
import { createAurynIF } from './auryn_if_kernel.js';

export { stepAurynIF, aurynConstants, createAurynIF } from './auryn_if_kernel.js';

/**
 * Auryn's IFGroup (src/auryn/IFGroup.cpp), the neuron of Zenke, Hennequin & Gerstner (2013) and of Auryn's
 * sim_background / sim_bg_static. Parameter names are Auryn's; Auryn works in V and s, here they are mV and
 * ms (same numbers × 1000), and conductances are in units of the leak conductance as in Auryn.
 *
 *   tau_mem dV/dt = (u_rest − V) − (A_ampa g_ampa + A_nmda g_nmda)(V − 0) − g_gaba (V − u_inh_rev)
 *   spike when V > thr_rest + thr; then V = u_reset and thr = dthr (the moving threshold, Auryn's only
 *   refractoriness), thr decaying to 0 with tau_thr. V is clipped to [u_inh_rev, 0] before the test.
 *   NMDA is a low-pass of AMPA: g_nmda += (1 − e^(−dt/tau_nmda)) (g_ampa − g_nmda) per step, so every
 *   excitatory spike drives AMPA (tau_ampa) and, with the same integral, NMDA (rise tau_ampa, decay
 *   tau_nmda), weighted A_ampa = r/(1+r) and A_nmda = 1/(1+r) for ampa_nmda_ratio r. No voltage dependence.
 */
export const aurynIfParams = {
  tau_mem: { unit: 'ms', default: 20, min: 0, exclusiveMin: true, doc: 'membrane time constant (Auryn tau_mem, 20e-3 s; set_tau_mem)' },
  u_rest: { unit: 'mV', default: -70, doc: 'resting potential (Auryn u_rest, -70e-3 V)' },
  u_reset: { unit: 'mV', default: -70, doc: 'reset potential (Auryn u_reset, -70e-3 V); must be below thr_rest' },
  u_inh_rev: { unit: 'mV', default: -80, doc: 'GABA reversal potential and lower clip of V (Auryn u_inh_rev, -80e-3 V)' },
  thr_rest: { unit: 'mV', default: -50, doc: 'threshold at rest (Auryn thr_rest, -50e-3 V)' },
  dthr: { unit: 'mV', default: 100, min: 0, doc: 'jump of the moving threshold at a spike (Auryn dthr, 100e-3 V)' },
  tau_thr: { unit: 'ms', default: 5, min: 0, exclusiveMin: true, doc: 'decay time constant of the moving threshold (Auryn tau_thr, 5e-3 s)' },
  tau_ampa: { unit: 'ms', default: 5, min: 0, exclusiveMin: true, doc: 'AMPA decay time constant (Auryn tau_ampa, 5e-3 s)' },
  tau_nmda: { unit: 'ms', default: 100, min: 0, exclusiveMin: true, doc: 'NMDA time constant, at least tau_ampa (Auryn tau_nmda, 100e-3 s)' },
  tau_gaba: { unit: 'ms', default: 10, min: 0, exclusiveMin: true, doc: 'GABA decay time constant (Auryn tau_gaba, 10e-3 s)' },
  ampa_nmda_ratio: { unit: '', default: 1, min: 0, doc: 'set_ampa_nmda_ratio: A_ampa = r/(r+1), A_nmda = 1/(r+1)' },
  g_L: {
    unit: 'nS', default: 10, min: 0, exclusiveMin: true,
    doc: 'leak conductance, only the unit of the input: a spike of weight w nS adds w/g_L to g_ampa (excitatory) or g_gaba (inhibitory, |w|), as Auryn\'s weights are in units of g_L',
  },
} as const;

function checkAurynIF(p: Params, where: string): void {
  if (!(p.u_reset < p.thr_rest)) throw new ParameterError(where, 'u_reset', p.u_reset, `a value below thr_rest (${p.thr_rest} mV)`);
  if (!(p.tau_nmda >= p.tau_ampa)) throw new ParameterError(where, 'tau_nmda', p.tau_nmda, `a value of at least tau_ampa (${p.tau_ampa} ms), as Auryn requires`);
  if (!(p.u_inh_rev <= p.u_reset)) throw new ParameterError(where, 'u_inh_rev', p.u_inh_rev, `a value at most u_reset (${p.u_reset} mV): V is clipped to [u_inh_rev, 0]`);
  if (!(p.thr_rest < 0)) throw new ParameterError(where, 'thr_rest', p.thr_rest, 'a value below 0 mV: V is clipped at 0 mV (Auryn\'s excitatory reversal)');
}

/**
 * IFGroup's dynamics, from which its generated schemes come; Auryn's own scheme is euler-exact-decay
 * (Euler on V_m, the exact decay × exp(-dt/τ) of thr, g_ampa and g_gaba, and g_nmda's low-pass with the
 * inflow first, plugins/schemes/euler_exact_decay.ts). V_m's clip to [u_inh_rev, 0] and the threshold
 * come after the integration, the spike input after both (it only reaches the conductances): Auryn's
 * evolve() then propagate().
 */
export const aurynIFDef: ModelDef = {
  name: 'IFGroup',
  doc: 'Auryn\'s IFGroup: conductance LIF with AMPA+NMDA (low-pass of AMPA) and GABA, moving threshold, forward Euler in float32 (Zenke et al. 2013)',
  params: aurynIfParams,
  state: {
    V_m: { unit: 'mV', initial: 'u_rest', doc: 'membrane potential (Auryn mem)' },
    thr: { unit: 'mV', initial: 0, doc: 'moving threshold above thr_rest' },
    g_ampa: { unit: '1', initial: 0, doc: 'AMPA conductance in units of the leak (g_L)' },
    g_nmda: { unit: '1', initial: 0, doc: 'NMDA conductance in units of the leak (g_L)' },
    g_gaba: { unit: '1', initial: 0, doc: 'GABA conductance in units of the leak (g_L)' },
  },
  equations: [
    'A_ampa = ampa_nmda_ratio / (ampa_nmda_ratio + 1) : 1',
    'A_nmda = 1 / (ampa_nmda_ratio + 1) : 1',
    'dV_m/dt = ((u_rest - V_m) - (A_ampa * g_ampa + A_nmda * g_nmda) * V_m - g_gaba * (V_m - u_inh_rev)) / tau_mem : mV',
    'dthr/dt = -thr / tau_thr : mV',
    'dg_ampa/dt = -g_ampa / tau_ampa : 1',
    'dg_nmda/dt = (g_ampa - g_nmda) / tau_nmda : 1',
    'dg_gaba/dt = -g_gaba / tau_gaba : 1',
  ],
  lowerBounds: { V_m: 'u_inh_rev' },
  upperBounds: { V_m: '0 * mV' },
  threshold: 'V_m > thr_rest + thr',
  // The moving threshold is Auryn's only refractoriness.
  reset: ['V_m = u_reset', 'thr = dthr'],
  // Weights in nS, conductances in units of g_L (Auryn's weights); inhibitory weights add their magnitude.
  receptors: { ex: { kind: 'conductance', variable: 'g_ampa', scale: '1 / g_L' }, in: { kind: 'conductance', variable: 'g_gaba', scale: '1 / g_L' } },
  defaultIntegrator: 'euler-f32',
  check: checkAurynIF,
};

/**
 * Where the harness drives IFGroup's kernels: the defaults with a strong drive, the zenke-25k E and I
 * cells (g_L = C_m/τ: 15 and 30 nS; tau_mem 20 and 10 ms), and a fast threshold at ratio 0.5.
 */
const aurynProbe: OverrideProbe = {
  params: [
    {},
    { tau_mem: 20, g_L: 15, u_reset: -70, thr_rest: -50, u_inh_rev: -80 },
    { tau_mem: 10, g_L: 30 },
    { tau_thr: 2, dthr: 20, ampa_nmda_ratio: 0.5, tau_nmda: 50 },
  ],
  wEx: 25, wIn: 10, current: 0,
  initial: { V_m: [-75, -50], thr: [0, 50], g_ampa: [0, 2], g_nmda: [0, 2], g_gaba: [0, 1] },
};

/**
 * Measured over the probe (HARNESS_REPORT=1): V_m 3.8e-5 mV, thr 1.5e-5 mV, g_* 1.1e-5 at most, i.e. 2-5
 * float32 ulps of values up to 74 mV, 100 mV and 25 g_L; the bounds leave a factor 2-3.
 */
const F32_BOUNDS = { V_m: 1e-4, thr: 5e-5, g_ampa: 3e-5, g_nmda: 3e-5, g_gaba: 3e-5 };

const FLOAT32 = "every operation rounded to float32 (Math.fround, or WebAssembly's f32x4), against the generated kernel's float64 arithmetic on float32 storage, and Auryn's flush-to-zero below 2^-126: a few float32 ulps of each variable";

/** The hand kernels run under their historic names: the presets and saved specs name them. */
const scalar: NeuronScheme = { precision: 'f32', create: createAurynIF };
const { precision, arena, create } = aurynIfF32x4Wasm;

export const aurynIF = defineModel(aurynIFDef, {
  overrides: {
    'euler-f32': {
      kernel: scalar,
      against: 'euler-exact-decay-f32',
      equivalence: { kind: 'absolute', abs: F32_BOUNDS, why: FLOAT32 },
      probe: aurynProbe,
      doc: "Auryn's IFGroup::evolve() operation by operation in float32 (Math.fround), the reference for the WebAssembly kernel",
    },
    'euler-f32x4-wasm-simd': {
      kernel: { precision, arena, create },
      against: 'euler-exact-decay-f32',
      equivalence: { kind: 'absolute', abs: F32_BOUNDS, why: FLOAT32 },
      probe: aurynProbe,
      doc: "four neurons per WebAssembly f32x4, as Auryn's SSE build; bit-identical to euler-f32 (test/plugins/integrators/wasm/auryn_if_f32x4.test.ts)",
    },
  },
});
