import type { Preset, PresetValues } from './preset.js';
import { commonParams, presetNumbers } from './preset.js';
import { ParameterError } from '../core/errors.js';
import type { Simulator } from '../core/simulator.js';

/** Neuron counts at a scale, at least one neuron each. */
function scaled(p: PresetValues, key: string): number {
  return Math.max(1, Math.round((p[key] as number) * (p.scale as number)));
}

/**
 * Connection probability at a scale: p / scale, so the expected indegree (and hence the rates) stays that
 * of the full network; a scale that would need p > 1 is an error.
 */
export function scaledProbability(p: PresetValues, key: string, preset: string): number {
  const q = (p[key] as number) / (p.scale as number);
  if (q > 1) throw new ParameterError(`preset ${preset}`, 'scale', p.scale, `>= ${key} = ${p[key]} (the connection probability p / scale must stay <= 1)`);
  return q;
}

// ------------------------------------------------------------------ va-cuba

export const vaCubaParams = {
  ...commonParams,
  NE: { unit: '', default: 3200, min: 1, integer: true, doc: 'excitatory neurons at scale 1' },
  NI: { unit: '', default: 800, min: 1, integer: true, doc: 'inhibitory neurons at scale 1' },
  p: { unit: '', default: 0.02, min: 0, max: 1, doc: 'connection probability of every projection at scale 1 (pairwise_bernoulli; p / scale at other scales)' },
  tau_m: { unit: 'ms', default: 20, min: 0, exclusiveMin: true, doc: 'membrane time constant (taum)' },
  tau_syn_ex: { unit: 'ms', default: 5, min: 0, exclusiveMin: true, doc: 'excitatory synaptic time constant (taue)' },
  tau_syn_in: { unit: 'ms', default: 10, min: 0, exclusiveMin: true, doc: 'inhibitory synaptic time constant (taui)' },
  V_th: { unit: 'mV', default: -50, doc: 'threshold (Vt)' },
  V_reset: { unit: 'mV', default: -60, doc: 'reset (Vr)' },
  E_L: { unit: 'mV', default: -49, doc: 'resting potential (El): above threshold, so every neuron fires without input' },
  t_ref: { unit: 'ms', default: 5, min: 0, doc: 'refractory period (V clamped, currents keep decaying)' },
  C_m: { unit: 'pF', default: 200, min: 0, exclusiveMin: true, doc: 'membrane capacitance: Brian\'s voltage-unit model does not need one; 200 pF converts the weights to pA' },
  we: { unit: 'mV', default: 1.62, doc: 'excitatory weight as Brian writes it: jump of ge in mV, (60 × 0.27 / 10) mV' },
  wi: { unit: 'mV', default: -9, doc: 'inhibitory weight: jump of gi in mV, (−20 × 4.5 / 10) mV' },
  delay: { unit: 'ms', default: 0.1, min: 0, exclusiveMin: true, doc: 'synaptic delay; Brian\'s example has none, which acts at the next step: one step here' },
} as const;

/**
 * Brian's CUBA writes dv/dt = (ge + gi − (v − El)) / taum with ge, gi in volts; NEST's iaf_psc_exp has
 * dV/dt = −(V − E_L)/tau_m + I/C_m. The two agree for I = ge · C_m / tau_m, so a jump of `w` mV in ge is
 * a PSC amplitude of w · C_m / tau_m pA.
 */
export function brianVoltageWeightToPa(wMv: number, cM: number, tauM: number): number {
  return (wMv * cM) / tauM;
}

function buildVaCuba(sim: Simulator, p: PresetValues) {
  const NE = scaled(p, 'NE');
  const NI = scaled(p, 'NI');
  const q = scaledProbability(p, 'p', 'va-cuba');
  const neuron = presetNumbers({
    E_L: p.E_L, V_th: p.V_th, V_reset: p.V_reset, t_ref: p.t_ref, tau_m: p.tau_m, C_m: p.C_m,
    tau_syn_ex: p.tau_syn_ex, tau_syn_in: p.tau_syn_in,
  });
  const E = sim.create('iaf_psc_exp', NE, neuron);
  const I = sim.create('iaf_psc_exp', NI, neuron);
  // P.v = 'Vr + rand() * (Vt - Vr)'
  const v0 = { distribution: 'uniform' as const, min: p.V_reset as number, max: p.V_th as number };
  E.set('V_m', v0);
  I.set('V_m', v0);
  const wE = brianVoltageWeightToPa(p.we as number, p.C_m as number, p.tau_m as number);
  const wI = brianVoltageWeightToPa(p.wi as number, p.C_m as number, p.tau_m as number);
  const d = p.delay as number;
  const conn = { rule: 'pairwise_bernoulli', p: q };
  sim.connect(E, E, conn, { weight: wE, delay: d });
  sim.connect(E, I, conn, { weight: wE, delay: d });
  sim.connect(I, E, conn, { weight: wI, delay: d });
  sim.connect(I, I, conn, { weight: wI, delay: d });
  const recE = sim.create('spike_recorder');
  const recI = sim.create('spike_recorder');
  sim.connect(E, recE);
  sim.connect(I, recI);
  return { E, I, recorders: [recE, recI], extra: { weight_e_pA: wE, weight_i_pA: wI, p_effective: q } };
}

export const vaCuba: Preset = {
  name: 'va-cuba',
  title: 'Vogels–Abbott CUBA (Brette et al. 2007 benchmark 2, Brian2 example)',
  source: 'Brette et al. 2007, J Comput Neurosci 23:349, benchmark 2, as brian-team/brian2 examples/CUBA.py defines it',
  doc:
    '3200 E + 800 I current-based LIF with exponential synaptic currents (iaf_psc_exp: tau_m 20, tau_syn 5/10 ms, E_L −49, V_th −50, ' +
    'V_reset −60 mV, t_ref 5 ms), all-pairs Bernoulli connections with p 0.02, we 1.62 mV and wi −9 mV (Brian\'s voltage jumps, ' +
    'converted to pA through C_m / tau_m), initial V uniform in [V_reset, V_th], no external input: E_L above threshold drives it.',
  params: vaCubaParams,
  build: buildVaCuba,
};

// ------------------------------------------------------------------ va-coba

export const vaCobaParams = {
  ...commonParams,
  simtime: { unit: 'ms', default: 10000, min: 0, doc: 'simulated time; the paper runs 60 s, 10 s is the default here (NEST reference run length) so a run takes seconds, not minutes' },
  NE: { unit: '', default: 3200, min: 1, integer: true, doc: 'excitatory neurons at scale 1' },
  NI: { unit: '', default: 800, min: 1, integer: true, doc: 'inhibitory neurons at scale 1' },
  p: { unit: '', default: 0.02, min: 0, max: 1, doc: 'connection probability of all four projections at scale 1 (p / scale at other scales)' },
  C_m: { unit: 'pF', default: 200, min: 0, exclusiveMin: true, doc: 'membrane capacitance (tau_m 20 ms with g_L 10 nS)' },
  g_L: { unit: 'nS', default: 10, min: 0, exclusiveMin: true, doc: 'leak conductance' },
  E_L: { unit: 'mV', default: -60, doc: 'leak reversal potential' },
  V_th: { unit: 'mV', default: -50, doc: 'threshold' },
  V_reset: { unit: 'mV', default: -60, doc: 'reset potential' },
  t_ref: { unit: 'ms', default: 5, min: 0, doc: 'refractory period' },
  E_ex: { unit: 'mV', default: 0, doc: 'excitatory reversal potential' },
  E_in: { unit: 'mV', default: -80, doc: 'inhibitory reversal potential' },
  tau_syn_ex: { unit: 'ms', default: 5, min: 0, exclusiveMin: true, doc: 'excitatory conductance decay time' },
  tau_syn_in: { unit: 'ms', default: 10, min: 0, exclusiveMin: true, doc: 'inhibitory conductance decay time' },
  w_ex: { unit: 'nS', default: 4, min: 0, doc: 'excitatory conductance jump' },
  w_in: { unit: 'nS', default: 51, min: 0, doc: 'inhibitory conductance jump (given to NEST as a negative weight)' },
  delay: { unit: 'ms', default: 0.8, min: 0, exclusiveMin: true, doc: 'synaptic delay of every connection' },
  I_e: { unit: 'pA', default: 200, doc: 'constant background current to every neuron (keeps the self-sustained state from dying out)' },
  V_m: { unit: 'mV', default: -60, doc: 'initial membrane potential of every neuron' },
  integrator: {
    unit: '', default: 'exact', choices: ['exact', 'euler-f32', 'euler-f32-wasm-simd', 'euler-f32x4-wasm-simd'] as const,
    doc: "'exact': iaf_cond_exp's default (adaptive RKF45 with error control, as NEST through GSL); 'euler-f32': Auryn-style forward Euler in single precision; 'euler-f32-wasm-simd': euler-f32 as WebAssembly SIMD, bit-identical; 'euler-f32x4-wasm-simd': the same scheme in float32 arithmetic, four neurons per WebAssembly SIMD vector (Auryn's SSE kernels)",
  },
} as const;

function buildVaCoba(sim: Simulator, p: PresetValues) {
  const NE = scaled(p, 'NE');
  const NI = scaled(p, 'NI');
  const q = scaledProbability(p, 'p', 'va-coba');
  const neuron = presetNumbers({
    C_m: p.C_m, g_L: p.g_L, E_L: p.E_L, V_th: p.V_th, V_reset: p.V_reset, t_ref: p.t_ref, E_ex: p.E_ex, E_in: p.E_in,
    tau_syn_ex: p.tau_syn_ex, tau_syn_in: p.tau_syn_in, I_e: p.I_e,
  });
  const options = p.integrator === 'exact' ? {} : { integrator: p.integrator as string };
  const E = sim.create('iaf_cond_exp', NE, neuron, options);
  const I = sim.create('iaf_cond_exp', NI, neuron, options);
  E.set('V_m', p.V_m as number);
  I.set('V_m', p.V_m as number);
  const d = p.delay as number;
  const conn = { rule: 'pairwise_bernoulli', p: q };
  const ex = { weight: p.w_ex as number, delay: d };
  const inh = { weight: -(p.w_in as number), delay: d };
  sim.connect(E, E, conn, ex);
  sim.connect(E, I, conn, ex);
  sim.connect(I, E, conn, inh);
  sim.connect(I, I, conn, inh);
  const recE = sim.create('spike_recorder');
  const recI = sim.create('spike_recorder');
  sim.connect(E, recE);
  sim.connect(I, recI);
  return { E, I, recorders: [recE, recI], extra: { p_effective: q, tau_m_ms: (p.C_m as number) / (p.g_L as number), integrator: p.integrator as string } };
}

export const vaCoba: Preset = {
  name: 'va-coba',
  title: 'Vogels–Abbott COBA benchmark (Zenke & Gerstner 2014, Auryn sim_coba_benchmark)',
  source: 'Zenke & Gerstner 2014 §2.3.1 and Auryn examples/sim_coba_benchmark.cpp; every parameter in presets/reference/va-coba.json',
  doc:
    '3200 E + 800 I conductance-based LIF (iaf_cond_exp: C_m 200 pF, g_L 10 nS, E_L −60, V_th −50, V_reset −60 mV, t_ref 5 ms, ' +
    'E_ex 0, E_in −80 mV, tau_syn 5/10 ms), p 0.02 for all four projections, w_ex 4 nS, w_in 51 nS, delay 0.8 ms, 200 pA background ' +
    'current to every neuron, all V_m start at −60 mV. 10 s simulated by default (the paper: 60 s). Integrator: exact (RKF45) or euler-f32.',
  params: vaCobaParams,
  reference: {
    rate_e_hz: 17.16,
    rate_i_hz: 17.28,
    tolerance: 0.15,
    source: 'presets/reference/va-coba.json (Auryn 0.8.4, Euler, 60 s: 17.16 / 17.28 Hz; NEST 3.9 RKF45, 10 s: 15.83 / 16.77 Hz — the integrator shifts the rate by about 10 %)',
  },
  build: buildVaCoba,
};

// ------------------------------------------------------------------ va-coba-pynn

export const vaCobaPynnParams = {
  ...commonParams,
  simtime: { unit: 'ms', default: 1000, min: 0, doc: 'simulation duration (run(simtime=...); rounded down to the grid as dt × int(simtime / dt))' },
  scale: { unit: '', default: 1, min: 0, exclusiveMin: true, doc: 'multiplies N_pop; pconn is kept, as the script does when N_pop changes' },
  seed: { ...commonParams.seed, default: 98765, doc: 'seed of every random stream (the script\'s rngseed)' },
  N_pop: { unit: '', default: 4000, min: 2, integer: true, doc: 'number of cells (the VA benchmark\'s 4000; the notebook\'s run() defaults to 1000 // DEBUG: 100 with its DEBUG = 10)' },
  r_ei: { unit: '', default: 4, min: 0, exclusiveMin: true, doc: 'number of excitatory cells : number of inhibitory cells' },
  pconn: { unit: '', default: 0.01, min: 0, max: 1, doc: 'connection probability (FixedProbabilityConnector) of exc and inh projections onto all cells' },
  stim_dur: { unit: 'ms', default: 50, min: 0, doc: 'duration of the random stimulation' },
  rate: { unit: 'Hz', default: 10, min: 0, doc: 'rate of each of the 20 Poisson sources' },
  n_stim: { unit: '', default: 20, min: 1, integer: true, doc: 'number of Poisson sources (Population(20, SpikeSourcePoisson))' },
  rconn: { unit: '', default: 0.01, min: 0, max: 1, doc: 'connection probability from the sources to the cells' },
  w_ext: { unit: 'µS', default: 0.1, min: 0, doc: 'weight of the source connections (StaticSynapse(weight=0.1))' },
  delay: { unit: 'ms', default: 0.2, min: 0, exclusiveMin: true, doc: 'synaptic delay (also the min_delay; the sources use it too)' },
  area: { unit: 'µm²', default: 20000, min: 0, exclusiveMin: true, doc: 'membrane area' },
  tau_m: { unit: 'ms', default: 20, min: 0, exclusiveMin: true, doc: 'membrane time constant' },
  cm: { unit: 'µF/cm²', default: 1, min: 0, exclusiveMin: true, doc: 'specific capacitance (cm = cm × area × 1000 nF)' },
  g_leak: { unit: 'S/cm²', default: 5e-5, min: 0, exclusiveMin: true, doc: 'specific leak conductance (the script asserts tau_m = cm × Rm)' },
  E_leak: { unit: 'mV', default: -60, doc: 'v_rest' },
  v_thresh: { unit: 'mV', default: -50, doc: 'threshold' },
  v_reset: { unit: 'mV', default: -60, doc: 'reset' },
  t_refrac: { unit: 'ms', default: 5, min: 0, doc: 'refractory period (clamped at v_reset)' },
  tau_exc: { unit: 'ms', default: 5, min: 0, exclusiveMin: true, doc: 'tau_syn_E' },
  tau_inh: { unit: 'ms', default: 10, min: 0, exclusiveMin: true, doc: 'tau_syn_I' },
  Gexc: { unit: 'nS', default: 4, min: 0, doc: 'excitatory conductance (w_exc = Gexc × 1e-3 µS)' },
  Ginh: { unit: 'nS', default: 51, min: 0, doc: 'inhibitory conductance (w_inh = Ginh × 1e-3 µS)' },
  Erev_exc: { unit: 'mV', default: 0, doc: 'e_rev_E' },
  Erev_inh: { unit: 'mV', default: -80, doc: 'e_rev_I' },
  integrator: {
    unit: '', default: 'rkf45', choices: ['rkf45', 'euler-f32', 'euler-f32x4-wasm-simd'] as const,
    doc: "IF_cond_exp's integrator: 'rkf45' (NEST's adaptive scheme, as pyNN.nest runs it), or Auryn's forward Euler in single precision ('euler-f32'; float32 arithmetic four neurons per WebAssembly vector: 'euler-f32x4-wasm-simd')",
  },
} as const;

/**
 * The script's derived parameters, and what PyNN's IF_cond_exp amounts to in NEST's iaf_cond_exp (the
 * translation pyNN.nest and our IF_cond_exp make): cm nF → C_m pF (× 1000), g_L = C_m / tau_m, weights
 * µS → nS (× 1000).
 */
export function pynnDerived(p: PresetValues) {
  const areaCm2 = (p.area as number) * 1e-8;
  const cmNf = (p.cm as number) * areaCm2 * 1000;
  const rmMohm = 1e-6 / ((p.g_leak as number) * areaCm2);
  const nPop = Math.max(2, Math.round((p.N_pop as number) * (p.scale as number)));
  const rEi = p.r_ei as number;
  const nExc = Math.round((nPop * rEi) / (1 + rEi));
  return {
    cmNf,
    rmMohm,
    tauCheck: cmNf * rmMohm,
    C_m_pF: cmNf * 1000,
    g_L_nS: (cmNf * 1000) / (p.tau_m as number),
    w_exc_uS: (p.Gexc as number) * 1e-3,
    w_inh_uS: (p.Ginh as number) * 1e-3,
    nPop,
    nExc,
    nInh: nPop - nExc,
  };
}

function buildVaCobaPynn(sim: Simulator, p: PresetValues) {
  const d = pynnDerived(p);
  const where = 'preset va-coba-pynn';
  // The script asserts tau_m == cm * Rm; a change of one must come with the others.
  if (Math.abs(d.tauCheck - (p.tau_m as number)) > 1e-9 * (p.tau_m as number)) {
    throw new ParameterError(where, 'tau_m', p.tau_m, `cm × Rm = ${d.tauCheck} ms (the script asserts tau_m == cm*Rm)`);
  }
  if (d.nExc < 1 || d.nInh < 1) throw new ParameterError(where, 'N_pop', p.N_pop, 'enough cells for at least one excitatory and one inhibitory cell');
  // PyNN's IF_cond_exp with the script's cell_params, in PyNN's units (nF, mV, ms; weights in µS).
  const cell = presetNumbers({
    tau_m: p.tau_m, tau_syn_E: p.tau_exc, tau_syn_I: p.tau_inh, v_rest: p.E_leak, v_reset: p.v_reset, v_thresh: p.v_thresh,
    cm: d.cmNf, tau_refrac: p.t_refrac, e_rev_E: p.Erev_exc, e_rev_I: p.Erev_inh,
  });
  const options = { integrator: p.integrator as string };
  const E = sim.create('IF_cond_exp', d.nExc, cell, options);
  const I = sim.create('IF_cond_exp', d.nInh, cell, options);
  // all_cells.initialize(v=RandomDistribution('uniform', low=v_reset, high=v_thresh))
  const v0 = { distribution: 'uniform' as const, min: p.v_reset as number, max: p.v_thresh as number };
  E.set('v', v0);
  I.set('v', v0);
  const delay = p.delay as number;
  const conn = { rule: 'pairwise_bernoulli', p: p.pconn as number };
  for (const post of [E, I]) {
    // receptor_type 'inhibitory' is a negative weight in NEST's convention.
    sim.connect(E, post, conn, { weight: d.w_exc_uS, delay });
    sim.connect(I, post, conn, { weight: -d.w_inh_uS, delay });
  }
  // SpikeSourcePoisson in pyNN.nest: a poisson_generator feeding a parrot_neuron, so each source's train
  // is shared by every cell it connects to.
  const sources = sim.create('parrot_neuron', p.n_stim as number);
  const drive = sim.create('poisson_generator', 1, { rate: p.rate as number, start: 0, stop: p.stim_dur as number });
  sim.connect(drive, sources, 'all_to_all', { weight: 1, delay: sim.dt });
  const ext = { rule: 'pairwise_bernoulli', p: p.rconn as number };
  sim.connect(sources, E, ext, { weight: p.w_ext as number, delay });
  sim.connect(sources, I, ext, { weight: p.w_ext as number, delay });
  const recE = sim.create('spike_recorder');
  const recI = sim.create('spike_recorder');
  sim.connect(E, recE);
  sim.connect(I, recI);
  return {
    E,
    I,
    recorders: [recE, recI],
    extra: { n_exc: d.nExc, n_inh: d.nInh, cm_nF: d.cmNf, C_m_pF: d.C_m_pF, g_L_nS: d.g_L_nS, w_exc_uS: d.w_exc_uS, w_inh_uS: d.w_inh_uS },
  };
}

export const vaCobaPynn: Preset = {
  name: 'va-coba-pynn',
  title: 'Vogels–Abbott COBA as the PyNN VAbenchmarks notebook writes it (IF_cond_exp, pconn 0.01, Poisson kick-start)',
  source: 'the PyNN VAbenchmarks notebook adapted for NEST / SpiNNaker (Vogels & Abbott 2005)',
  doc:
    'N_pop = 4000 IF_cond_exp cells (r_ei 4: 3200 E + 800 I; cm 0.2 nF, tau_m 20 ms, v_rest −60, v_thresh −50, v_reset −60 mV, ' +
    'tau_refrac 5 ms, tau_syn 5/10 ms, e_rev 0/−80 mV; PyNN names and units on NEST iaf_cond_exp), ' +
    'FixedProbability 0.01 exc (Gexc 4 nS) and inh (Ginh 51 nS) projections onto all cells, delay 0.2 ms, initial v uniform in ' +
    '[v_reset, v_thresh], and a kick-start of 20 Poisson sources at 10 Hz for 50 ms connected with probability 0.01 and weight 0.1 µS. ' +
    '1000 ms by default (the notebook\'s run() defaults to 1000 // DEBUG cells and ms: 100 and 100 with its DEBUG = 10).',
  params: vaCobaPynnParams,
  build: buildVaCobaPynn,
};
