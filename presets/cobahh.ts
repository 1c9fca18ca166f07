import type { Preset, PresetValues } from './preset.js';
import { commonParams, presetNumbers } from './preset.js';
import type { Simulator } from '../core/simulator.js';
import { scaledProbability } from './va.js';

/** Neuron counts at a scale, at least one neuron each. */
function scaled(p: PresetValues, key: string): number {
  return Math.max(1, Math.round((p[key] as number) * (p.scale as number)));
}

/**
 * Brian2's examples/COBAHH.py with NEST's names. Brian2 gives densities on a 20 000 µm² patch:
 * Cm 1 µF/cm² → 200 pF, gl 5e-5 S/cm² → 10 nS, g_na 100 mS/cm² → 20 000 nS, g_kd 30 mS/cm² → 6000 nS —
 * exactly hh_cond_exp_traub's defaults.
 */
export const cobahhParams = {
  ...commonParams,
  NE: { unit: '', default: 3200, min: 1, integer: true, doc: 'excitatory neurons at scale 1 (Pe = P[:3200])' },
  NI: { unit: '', default: 800, min: 1, integer: true, doc: 'inhibitory neurons at scale 1 (Pi = P[3200:])' },
  p: { unit: '', default: 0.02, min: 0, max: 1, doc: 'connection probability from each population onto all 4000 cells (Ce, Ci connect(p=0.02)); p / scale at other scales' },
  C_m: { unit: 'pF', default: 200, min: 0, exclusiveMin: true, doc: 'Cm = 1 µF/cm² × 20 000 µm²' },
  g_L: { unit: 'nS', default: 10, min: 0, doc: 'gl = 5e-5 S/cm² × 20 000 µm²' },
  g_Na: { unit: 'nS', default: 20000, min: 0, doc: 'g_na = 100 mS/cm² × 20 000 µm²' },
  g_K: { unit: 'nS', default: 6000, min: 0, doc: 'g_kd = 30 mS/cm² × 20 000 µm²' },
  E_L: { unit: 'mV', default: -60, doc: 'El' },
  E_K: { unit: 'mV', default: -90, doc: 'EK' },
  E_Na: { unit: 'mV', default: 50, doc: 'ENa' },
  V_T: { unit: 'mV', default: -63, doc: 'VT, the offset of every rate' },
  E_ex: { unit: 'mV', default: 0, doc: 'Ee' },
  E_in: { unit: 'mV', default: -80, doc: 'Ei' },
  tau_syn_ex: { unit: 'ms', default: 5, min: 0, exclusiveMin: true, doc: 'taue' },
  tau_syn_in: { unit: 'ms', default: 10, min: 0, exclusiveMin: true, doc: 'taui' },
  w_ex: { unit: 'nS', default: 6, min: 0, doc: 'we: jump of ge per excitatory spike' },
  w_in: { unit: 'nS', default: 67, min: 0, doc: 'wi: jump of gi per inhibitory spike (a negative weight in NEST)' },
  t_ref: { unit: 'ms', default: 3, min: 0, doc: 'refractory = 3 ms: no spike emitted (nothing clamped, no reset), as Brian2 without (unless refractory)' },
  delay: { unit: 'ms', default: 0.1, min: 0, exclusiveMin: true, doc: "synaptic delay; Brian2's synapses have none and act from the next step: one step here" },
  V_m_mean: { unit: 'mV', default: -65, doc: "mean initial V_m: El + (randn() * 5 - 5) mV" },
  V_m_std: { unit: 'mV', default: 5, min: 0, doc: 'standard deviation of the initial V_m' },
  g_ex_mean: { unit: 'nS', default: 40, doc: 'mean initial g_ex: (randn() * 1.5 + 4) * 10 nS' },
  g_ex_std: { unit: 'nS', default: 15, min: 0, doc: 'standard deviation of the initial g_ex (unclipped: may start negative, as in Brian2)' },
  g_in_mean: { unit: 'nS', default: 200, doc: 'mean initial g_in: (randn() * 12 + 20) * 10 nS' },
  g_in_std: { unit: 'nS', default: 120, min: 0, doc: 'standard deviation of the initial g_in (unclipped)' },
  gates: {
    unit: '', default: 'zero', choices: ['zero', 'nest'] as const,
    doc: "initial m, h, n: 'zero' as Brian2's example leaves them; 'nest': hh_cond_exp_traub's own initial state",
  },
  integrator: {
    unit: '', default: 'rkf45', choices: ['rkf45', 'exponential-euler', 'exponential-euler-f32x4-wasm-simd'] as const,
    doc: "'rkf45': hh_cond_exp_traub's own (NEST's adaptive GSL scheme, eps_abs 1e-3); 'exponential-euler': Brian2's method in examples/COBAHH.py, one step of dt; 'exponential-euler-f32x4-wasm-simd': the same in float32, four neurons per WebAssembly SIMD vector",
  },
} as const;

function buildCobahh(sim: Simulator, p: PresetValues) {
  const NE = scaled(p, 'NE');
  const NI = scaled(p, 'NI');
  const q = scaledProbability(p, 'p', 'cobahh');
  const neuron = presetNumbers({
    C_m: p.C_m, g_L: p.g_L, g_Na: p.g_Na, g_K: p.g_K, E_L: p.E_L, E_K: p.E_K, E_Na: p.E_Na, V_T: p.V_T,
    E_ex: p.E_ex, E_in: p.E_in, tau_syn_ex: p.tau_syn_ex, tau_syn_in: p.tau_syn_in, t_ref: p.t_ref,
  });
  // hh_cond_exp_traub's rkf45 (NEST's GSL scheme) by default: fixed-step RK4 at dt 0.1 ms is unstable for
  // these sodium kinetics (the network falls silent); 'exponential-euler' is Brian2's own method.
  const options = { integrator: p.integrator as string };
  const E = sim.create('hh_cond_exp_traub', NE, neuron, options);
  const I = sim.create('hh_cond_exp_traub', NI, neuron, options);
  for (const pop of [E, I]) {
    pop.set('V_m', { distribution: 'normal', mean: p.V_m_mean as number, std: p.V_m_std as number });
    pop.set('g_ex', { distribution: 'normal', mean: p.g_ex_mean as number, std: p.g_ex_std as number });
    pop.set('g_in', { distribution: 'normal', mean: p.g_in_mean as number, std: p.g_in_std as number });
    if (p.gates === 'zero') for (const v of ['Act_m', 'Inact_h', 'Act_n']) pop.set(v, 0);
  }
  const d = p.delay as number;
  const conn = { rule: 'pairwise_bernoulli', p: q };
  const ex = { weight: p.w_ex as number, delay: d };
  const inh = { weight: -(p.w_in as number), delay: d };
  for (const post of [E, I]) {
    sim.connect(E, post, conn, ex);
    sim.connect(I, post, conn, inh);
  }
  const recE = sim.create('spike_recorder');
  const recI = sim.create('spike_recorder');
  sim.connect(E, recE);
  sim.connect(I, recI);
  return { E, I, recorders: [recE, recI], extra: { p_effective: q, spike_condition_mV: (p.V_T as number) + 30, integrator: E.integrator } };
}

export const cobahh: Preset = {
  name: 'cobahh',
  title: 'COBAHH: Hodgkin–Huxley network with exponential conductances (Brette et al. 2007 benchmark 3, Brian2 example)',
  source: 'Brette et al. 2007, J Comput Neurosci 23:349, benchmark 3, as brian-team/brian2 examples/COBAHH.py defines it',
  doc:
    '3200 E + 800 I Traub–Miles Hodgkin–Huxley cells (hh_cond_exp_traub: C_m 200 pF, g_L 10 nS, g_Na 20 µS, g_K 6 µS, E_L −60, ' +
    'E_K −90, E_Na 50, V_T −63 mV), exponential conductances (tau 5/10 ms, E_ex 0, E_in −80 mV), p 0.02 from each population onto ' +
    'all cells, w_ex 6 nS, w_in 67 nS, delay one step, t_ref 3 ms, no external input; V_m ~ N(−65, 5) mV, g_ex ~ N(40, 15) nS, ' +
    "g_in ~ N(200, 120) nS, gates 0. Spikes at NEST's condition (a local maximum above V_T + 30 = −33 mV), Brian2's: v > −20 mV.",
  params: cobahhParams,
  reference: {
    rate_e_hz: 33.3,
    rate_i_hz: 35.72,
    tolerance: 0.25,
    source:
      'bench/brian2/network.py cobahh: Brian2 2.5.1 C++ standalone running examples/COBAHH.py (exponential Euler, dt 0.1 ms, seed 1234), 1 s: ' +
      '33.30 / 35.72 Hz; the same at dt 0.01 ms: 37.81 / 39.34 Hz, so most of the gap to rkf45 (39.70 / 39.09 Hz here) is the Euler step',
  },
  build: buildCobahh,
};
