import type { Preset, PresetValues } from './preset.js';
import { commonParams, presetNumbers } from './preset.js';
import type { Simulator } from '../core/simulator.js';
import { scaledProbability } from './va.js';

/**
 * Zenke, Hennequin & Gerstner (2013) background network as Auryn's examples/sim_background.cpp (plastic)
 * and sim_bg_static.cpp (static) build it, with Auryn's IFGroup neuron (plugins/neurons/auryn_if.ts).
 */
export const zenkeParams = {
  ...commonParams,
  simtime: { unit: 'ms', default: 10000, min: 0, doc: 'simulated time (Auryn\'s example runs 3600 s after a 150 s priming phase)' },
  NE: { unit: '', default: 20000, min: 1, integer: true, doc: 'excitatory neurons at scale 1' },
  NI: { unit: '', default: 5000, min: 1, integer: true, doc: 'inhibitory neurons at scale 1 (NE / 4)' },
  N_input: { unit: '', default: 2500, min: 1, integer: true, doc: 'Poisson input neurons at scale 1 (PoissonGroup(2500, bg_rate)), projecting to E only' },
  sparseness: { unit: '', default: 0.05, min: 0, max: 1, doc: 'connection probability of every projection, input included (sparseness / scale at other scales)' },
  bg_rate: { unit: 'Hz', default: 2, min: 0, doc: 'rate of each input neuron' },
  w: { unit: 'g_L', default: 0.16, min: 0, doc: 'initial E→E, E→I and input weight, in units of the target\'s leak conductance (Auryn convention)' },
  gamma: { unit: 'g_L', default: 1, min: 0, doc: 'I→E and I→I weight in units of the leak conductance' },
  wmax: { unit: 'g_L', default: 1, min: 0, exclusiveMin: true, doc: 'maximum E→E weight of the triplet rule' },
  tau_hom: { unit: 's', default: 50, min: 0, exclusiveMin: true, doc: 'time constant of the homeostatic rate detector of the triplet rule' },
  eta: { unit: '', default: 1, min: 0, doc: 'learning rate of the triplet rule' },
  A3_plus: { unit: 'g_L', default: 0.0065, min: 0, doc: 'triplet potentiation amplitude, in units of the leak conductance like the weights' },
  kappa: { unit: 'Hz', default: 3, min: 0, exclusiveMin: true, doc: 'target rate of the homeostatic triplet rule' },
  C_m: { unit: 'pF', default: 200, min: 0, exclusiveMin: true, doc: 'membrane capacitance: sets only the nS unit of the weights (g_L = C_m / tau_m); Auryn works in units of the leak, so any C_m gives the same dynamics' },
  tau_m_e: { unit: 'ms', default: 20, min: 0, exclusiveMin: true, doc: 'membrane time constant of E neurons' },
  tau_m_i: { unit: 'ms', default: 10, min: 0, exclusiveMin: true, doc: 'membrane time constant of I neurons (set_tau_mem(10e-3))' },
  E_L: { unit: 'mV', default: -70, doc: 'resting potential (u_rest)' },
  V_reset: { unit: 'mV', default: -70, doc: 'reset (u_reset)' },
  V_th: { unit: 'mV', default: -50, doc: 'threshold at rest (thr_rest)' },
  dthr: { unit: 'mV', default: 100, min: 0, doc: 'jump of the moving threshold at a spike, Auryn\'s only refractoriness (IFGroup dthr)' },
  tau_thr: { unit: 'ms', default: 5, min: 0, exclusiveMin: true, doc: 'decay time constant of the moving threshold (IFGroup tau_thr)' },
  E_in: { unit: 'mV', default: -80, doc: 'inhibitory reversal potential and lower clip of V_m (u_inh_rev); the excitatory reversal is Auryn\'s fixed 0 mV' },
  tau_syn_ex: { unit: 'ms', default: 5, min: 0, exclusiveMin: true, doc: 'AMPA time constant (tau_ampa); it is also the rise time of the NMDA conductance' },
  tau_nmda: { unit: 'ms', default: 100, min: 0, exclusiveMin: true, doc: 'NMDA time constant (tau_nmda): NMDA is a low-pass of AMPA with the same integral' },
  ampa_nmda_ratio: { unit: '', default: 1, min: 0, doc: 'set_ampa_nmda_ratio: excitation is r/(r+1) AMPA + 1/(r+1) NMDA' },
  tau_syn_in: { unit: 'ms', default: 10, min: 0, exclusiveMin: true, doc: 'GABA time constant (tau_gaba)' },
  V_m_mean: { unit: 'mV', default: -60, doc: 'mean initial membrane potential (random_mem(-60e-3, 10e-3))' },
  V_m_sd: { unit: 'mV', default: 10, min: 0, doc: 'sd of the initial membrane potential' },
  delay: { unit: 'ms', default: 0.8, min: 0, exclusiveMin: true, doc: 'synaptic delay (the paper\'s 0.8 ms)' },
  delay_handler: {
    unit: '', default: 'axonal', choices: ['axonal', 'dendritic'] as const,
    doc: "E→E plasticity timing (zenke-25k only): 'axonal' as Auryn applies it (updates at the spike), 'dendritic' as NEST",
  },
  integrator: {
    unit: '', default: 'euler-f32x4-wasm-simd', choices: ['euler-f32x4-wasm-simd', 'euler-f32'] as const,
    doc: "IFGroup's float32 Euler step: four neurons per WebAssembly f32x4 vector, as Auryn's SSE build ('euler-f32x4-wasm-simd'), or in TypeScript with Math.fround ('euler-f32'): bit-identical",
  },
} as const;

function buildZenke(sim: Simulator, p: PresetValues, plastic: boolean, name: string) {
  const scale = p.scale as number;
  const n = (k: string) => Math.max(1, Math.round((p[k] as number) * scale));
  const NE = n('NE');
  const NI = n('NI');
  const NX = n('N_input');
  const q = scaledProbability(p, 'sparseness', name);
  const cm = p.C_m as number;
  const gLe = cm / (p.tau_m_e as number);
  const gLi = cm / (p.tau_m_i as number);
  // Auryn's weights are in units of the target's leak conductance; the preset passes them in nS, and IFGroup
  // divides by its g_L, so the nS figures and the triplet rule's nS amplitudes stay NEST-like.
  const common = presetNumbers({
    u_rest: p.E_L, u_reset: p.V_reset, thr_rest: p.V_th, dthr: p.dthr, tau_thr: p.tau_thr, u_inh_rev: p.E_in,
    tau_ampa: p.tau_syn_ex, tau_nmda: p.tau_nmda, ampa_nmda_ratio: p.ampa_nmda_ratio, tau_gaba: p.tau_syn_in,
  });
  const scheme = { integrator: p.integrator as string };
  const E = sim.create('IFGroup', NE, { ...common, tau_mem: p.tau_m_e as number, g_L: gLe }, scheme);
  const I = sim.create('IFGroup', NI, { ...common, tau_mem: p.tau_m_i as number, g_L: gLi }, scheme);
  const v0 = { distribution: 'normal' as const, mean: p.V_m_mean as number, std: p.V_m_sd as number };
  E.set('V_m', v0);
  I.set('V_m', v0);
  // Auryn's PoissonGroup: each input neuron's train is shared by all its targets (poisson_generator → parrot_neuron).
  const input = sim.create('parrot_neuron', NX);
  const drive = sim.create('poisson_generator', 1, { rate: p.bg_rate as number });
  sim.connect(drive, input, 'all_to_all', { weight: 1, delay: sim.dt });
  const w = p.w as number;
  const gamma = p.gamma as number;
  const delay = p.delay as number;
  const conn = { rule: 'pairwise_bernoulli', p: q };
  sim.connect(input, E, conn, { weight: w * gLe, delay });
  const ee = plastic
    ? {
        synapse_model: 'triplet_auryn', delay_handler: p.delay_handler, weight: w * gLe, delay, Wmax: (p.wmax as number) * gLe,
        tau_hom: (p.tau_hom as number) * 1000, eta: p.eta, kappa: p.kappa, A3_plus: (p.A3_plus as number) * gLe,
      }
    : { weight: w * gLe, delay };
  sim.connect(E, E, conn, ee);
  sim.connect(E, I, conn, { weight: w * gLi, delay });
  sim.connect(I, E, conn, { weight: -gamma * gLe, delay });
  sim.connect(I, I, conn, { weight: -gamma * gLi, delay });
  const recE = sim.create('spike_recorder');
  const recI = sim.create('spike_recorder');
  sim.connect(E, recE);
  sim.connect(I, recI);
  return { E, I, recorders: [recE, recI], extra: { p_effective: q, w_ee_nS: w * gLe, w_ie_nS: -gamma * gLe, plastic: plastic ? 1 : 0 } };
}

const zenkeDoc =
  '20000 E + 5000 I Auryn IFGroup neurons (conductance LIF, AMPA 5 ms + NMDA 100 ms at ratio 1, GABA 10 ms, moving threshold +100 mV / 5 ms, forward Euler in float32; ' +
  'E_L −70, V_th −50, V_reset −70, E_in −80 mV, tau_m 20 ms E / 10 ms I), ' +
  'every projection Bernoulli with p 0.05, 2500 Poisson inputs at 2 Hz onto E (p 0.05), weights 0.16 g_L excitatory and 1 g_L ' +
  'inhibitory, delay 0.8 ms: ≈ 3.4·10^7 synapses (2·10^7 E→E).';

export const zenke25k: Preset = {
  name: 'zenke-25k',
  title: 'Zenke et al. 2013 25k-neuron network with triplet STDP on E→E (Zenke & Gerstner 2014)',
  source: 'Zenke & Gerstner 2014 §2.3.2; Auryn examples/sim_background.cpp',
  doc: `${zenkeDoc} E→E: Auryn's homeostatic triplet rule (triplet_auryn: tau_hom 50 s, eta 1, kappa 3 Hz, wmax 1 g_L).`,
  params: zenkeParams,
  build: (sim, p) => buildZenke(sim, p, true, 'zenke-25k'),
};

export const zenke25kStatic: Preset = {
  name: 'zenke-25k-static',
  title: 'Zenke et al. 2013 25k-neuron network, static synapses (Zenke & Gerstner 2014; Auryn sim_bg_static)',
  source: 'Zenke & Gerstner 2014 §2.3.2; Auryn examples/sim_bg_static.cpp',
  doc: `${zenkeDoc} Every synapse static.`,
  params: zenkeParams,
  build: (sim, p) => buildZenke(sim, p, false, 'zenke-25k-static'),
};
