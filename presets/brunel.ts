import type { Preset, PresetValues } from './preset.js';
import { commonParams, presetNumbers } from './preset.js';
import { ParameterError } from '../core/errors.js';
import type { Simulator } from '../core/simulator.js';
import { scaledProbability } from './va.js';

/**
 * Brunel (2000) Fig. 8: the four states of the sparsely connected network with J = 0.1 mV, D = 1.5 ms,
 * set by the relative inhibition g and the external drive eta = nu_ext / nu_thr.
 */
export const BRUNEL_REGIMES = {
  SR: { g: 3, eta: 2, doc: 'synchronous regular (Fig. 8A)' },
  'SI-fast': { g: 6, eta: 4, doc: 'synchronous irregular, fast oscillation (Fig. 8B)' },
  AI: { g: 5, eta: 2, doc: 'asynchronous irregular (Fig. 8C; the NEST example\'s defaults)' },
  'SI-slow': { g: 4.5, eta: 0.9, doc: 'synchronous irregular, slow oscillation (Fig. 8D)' },
} as const;

export const brunelParams = {
  ...commonParams,
  regime: {
    unit: '', default: 'AI', choices: ['SR', 'SI-fast', 'AI', 'SI-slow', 'custom'] as const,
    doc: 'Brunel 2000 Fig. 8 state: sets g and eta (SR 3/2, SI-fast 6/4, AI 5/2, SI-slow 4.5/0.9); custom takes g and eta below',
  },
  g: { unit: '', default: 5, min: 0, doc: 'relative strength of inhibition, used with regime=custom' },
  eta: { unit: '', default: 2, min: 0, doc: 'external rate relative to threshold rate, used with regime=custom' },
  order: { unit: '', default: 2500, min: 1, integer: true, doc: 'NE = 4 × order, NI = order at scale 1' },
  epsilon: { unit: '', default: 0.1, min: 0, max: 1, doc: 'connection probability: fixed indegrees CE = epsilon × NE, CI = epsilon × NI (at scale 1)' },
  J: { unit: 'mV', default: 0.1, doc: 'PSP amplitude of excitatory synapses (inhibitory: −g × J)' },
  delay: { unit: 'ms', default: 1.5, min: 0, exclusiveMin: true, doc: 'synaptic delay' },
  tau_m: { unit: 'ms', default: 20, min: 0, exclusiveMin: true, doc: 'membrane time constant (tauMem)' },
  V_th: { unit: 'mV', default: 20, doc: 'threshold (theta)' },
  V_reset: { unit: 'mV', default: 0, doc: 'reset potential (the NEST example uses 0; Brunel 2000 uses 10 mV)' },
  t_ref: { unit: 'ms', default: 2, min: 0, doc: 'refractory period' },
  C_m: { unit: 'pF', default: 1, min: 0, exclusiveMin: true, doc: 'capacitance (iaf_psc_delta weights are in mV, so C_m only matters for I_e)' },
} as const;

export function brunelDerived(p: PresetValues) {
  const regime = p.regime as keyof typeof BRUNEL_REGIMES | 'custom';
  const g = regime === 'custom' ? (p.g as number) : BRUNEL_REGIMES[regime].g;
  const eta = regime === 'custom' ? (p.eta as number) : BRUNEL_REGIMES[regime].eta;
  const NE = 4 * (p.order as number);
  const NI = p.order as number;
  const CE = Math.trunc((p.epsilon as number) * NE);
  const CI = Math.trunc((p.epsilon as number) * NI);
  const nuTh = (p.V_th as number) / ((p.J as number) * CE * (p.tau_m as number));
  const nuEx = eta * nuTh;
  return { g, eta, NE, NI, CE, CI, nuTh, nuEx, pRate: 1000 * nuEx * CE };
}

function buildBrunel(sim: Simulator, p: PresetValues) {
  const d = brunelDerived(p);
  const scale = p.scale as number;
  const NE = Math.max(1, Math.round(d.NE * scale));
  const NI = Math.max(1, Math.round(d.NI * scale));
  if (d.CE > NE || d.CI > NI) {
    // Without multapses an indegree cannot exceed its source population; NEST's example allows them, but a
    // scale this small no longer is Brunel's sparse network.
    throw new ParameterError('preset brunel', 'scale', scale, `a scale with 4 × order × scale >= CE = ${d.CE} (>= ${d.CE / d.NE})`);
  }
  const neuron = presetNumbers({ C_m: p.C_m, tau_m: p.tau_m, t_ref: p.t_ref, E_L: 0, V_reset: p.V_reset, V_th: p.V_th });
  const E = sim.create('iaf_psc_delta', NE, neuron);
  const I = sim.create('iaf_psc_delta', NI, neuron);
  E.set('V_m', 0);
  I.set('V_m', 0);
  const noise = sim.create('poisson_generator', 1, { rate: d.pRate });
  const delay = p.delay as number;
  const ex = { weight: p.J as number, delay };
  const inh = { weight: -d.g * (p.J as number), delay };
  sim.connect(noise, E, 'all_to_all', ex);
  sim.connect(noise, I, 'all_to_all', ex);
  for (const post of [E, I]) {
    sim.connect(E, post, { rule: 'fixed_indegree', indegree: d.CE }, ex);
    sim.connect(I, post, { rule: 'fixed_indegree', indegree: d.CI }, inh);
  }
  const recE = sim.create('spike_recorder');
  const recI = sim.create('spike_recorder');
  sim.connect(E, recE);
  sim.connect(I, recI);
  return { E, I, recorders: [recE, recI], extra: { g: d.g, eta: d.eta, indegree_e: d.CE, indegree_i: d.CI, nu_th_per_ms: d.nuTh, poisson_rate_hz: d.pRate } };
}

export const brunel: Preset = {
  name: 'brunel',
  title: 'Brunel 2000 sparsely connected E/I network (iaf_psc_delta), four regimes',
  source: 'Brunel N (2000) J Comput Neurosci 8:183, Fig. 8; NEST examples brunel_delta_nest.py',
  doc:
    '10000 E + 2500 I iaf_psc_delta (tau_m 20 ms, V_th 20 mV, V_reset 0 mV as in NEST\'s example, t_ref 2 ms), fixed indegree ' +
    'CE 1000 + CI 250, J 0.1 mV, inhibition −g·J, delay 1.5 ms, one Poisson generator at eta × nu_thr × CE to every neuron. ' +
    '`regime` selects Brunel\'s Fig. 8 states: SR (g 3, eta 2), SI-fast (6, 4), AI (5, 2), SI-slow (4.5, 0.9); custom uses g and eta.',
  params: brunelParams,
  build: buildBrunel,
};

// ------------------------------------------------------------------ brunel-stdp

export const brunelStdpParams = {
  ...commonParams,
  NE: { unit: '', default: 8000, min: 1, integer: true, doc: 'excitatory neurons at scale 1 (Auryn sim_brunel2k_pl: ne = 8000)' },
  NI: { unit: '', default: 2000, min: 1, integer: true, doc: 'inhibitory neurons at scale 1' },
  sparseness: { unit: '', default: 0.1, min: 0, max: 1, doc: 'connection probability of the four projections (sparseness / scale at other scales): 10^7 synapses at scale 1' },
  J: { unit: 'mV', default: 0.1, doc: 'initial weight of every excitatory synapse (the same value everywhere, as the paper does)' },
  gamma: { unit: '', default: 5, min: 0, doc: 'inhibitory weight = −gamma × J' },
  poisson_rate: { unit: 'Hz', default: 20000, min: 0, doc: 'independent Poisson input to every neuron (PoissonStimulator), weight J' },
  delay: { unit: 'ms', default: 0.8, min: 0, exclusiveMin: true, doc: 'synaptic delay of every connection (the paper sets 0.8 ms)' },
  tau_m: { unit: 'ms', default: 20, min: 0, exclusiveMin: true, doc: 'membrane time constant' },
  t_ref: { unit: 'ms', default: 2, min: 0, doc: 'refractory period' },
  V_th: { unit: 'mV', default: 20, doc: 'threshold' },
  V_reset: { unit: 'mV', default: 10, doc: 'reset potential' },
  alpha: { unit: '', default: 2.02, min: 0, doc: 'stdp_synapse: depression/potentiation ratio (Auryn STDPConnection set_alpha)' },
  lambda: { unit: '', default: 0.01, min: 0, doc: 'stdp_synapse: learning rate (Auryn uses 1e-9 for the benchmark to keep rates fixed)' },
  Wmax_factor: { unit: '', default: 3, min: 0, exclusiveMin: true, doc: 'Wmax = Wmax_factor × J' },
  mu_plus: { unit: '', default: 1, min: 0, doc: 'stdp_synapse weight dependence of potentiation (1: multiplicative, weight-dependent)' },
  mu_minus: { unit: '', default: 1, min: 0, doc: 'stdp_synapse weight dependence of depression' },
  tau_plus: { unit: 'ms', default: 20, min: 0, exclusiveMin: true, doc: 'potentiation time constant' },
  tau_minus: { unit: 'ms', default: 20, min: 0, exclusiveMin: true, doc: 'depression time constant (postsynaptic neuron)' },
  plastic: { unit: '', default: 1, min: 0, max: 1, integer: true, doc: 'E→E stdp_synapse (1) or static (0): the paper runs both' },
} as const;

function buildBrunelStdp(sim: Simulator, p: PresetValues) {
  const scale = p.scale as number;
  const NE = Math.max(1, Math.round((p.NE as number) * scale));
  const NI = Math.max(1, Math.round((p.NI as number) * scale));
  const q = scaledProbability(p, 'sparseness', 'brunel-stdp');
  const neuron = presetNumbers({ tau_m: p.tau_m, t_ref: p.t_ref, E_L: 0, V_reset: p.V_reset, V_th: p.V_th, C_m: 1, tau_minus: p.tau_minus });
  const E = sim.create('iaf_psc_delta', NE, neuron);
  const I = sim.create('iaf_psc_delta', NI, neuron);
  E.set('V_m', 0);
  I.set('V_m', 0);
  const J = p.J as number;
  const delay = p.delay as number;
  const stimE = sim.create('poisson_generator', 1, { rate: p.poisson_rate as number });
  const stimI = sim.create('poisson_generator', 1, { rate: p.poisson_rate as number });
  sim.connect(stimE, E, 'all_to_all', { weight: J, delay });
  sim.connect(stimI, I, 'all_to_all', { weight: J, delay });
  const conn = { rule: 'pairwise_bernoulli', p: q };
  const ee =
    (p.plastic as number) === 1
      ? {
          synapse_model: 'stdp_synapse', weight: J, delay, alpha: p.alpha, lambda: p.lambda, Wmax: (p.Wmax_factor as number) * J,
          mu_plus: p.mu_plus, mu_minus: p.mu_minus, tau_plus: p.tau_plus,
        }
      : { weight: J, delay };
  sim.connect(E, E, conn, ee);
  sim.connect(E, I, conn, { weight: J, delay });
  sim.connect(I, I, conn, { weight: -(p.gamma as number) * J, delay });
  sim.connect(I, E, conn, { weight: -(p.gamma as number) * J, delay });
  const recE = sim.create('spike_recorder');
  const recI = sim.create('spike_recorder');
  sim.connect(E, recE);
  sim.connect(I, recI);
  return { E, I, recorders: [recE, recI], extra: { p_effective: q, Wmax_mV: (p.Wmax_factor as number) * J } };
}

export const brunelStdp: Preset = {
  name: 'brunel-stdp',
  title: 'Brunel-type 10k network with weight-dependent STDP (Zenke & Gerstner 2014 §2.3.3)',
  source: 'Zenke & Gerstner 2014 §2.3.3 (NEST LeNovere_2012 example, Auryn examples/sim_brunel2k_pl.cpp)',
  doc:
    '8000 E + 2000 I iaf_psc_delta (tau_m 20 ms, t_ref 2 ms, V_th 20, V_reset 10 mV), every projection Bernoulli with p 0.1 ' +
    '(10^7 synapses), J 0.1 mV for every excitatory synapse, inhibition −5 J, independent 20 kHz Poisson input of weight J per neuron, ' +
    'delay 0.8 ms, E→E stdp_synapse (alpha 2.02, lambda 0.01, Wmax 3 J, mu_plus = mu_minus = 1: weight-dependent).',
  params: brunelStdpParams,
  build: buildBrunelStdp,
};
