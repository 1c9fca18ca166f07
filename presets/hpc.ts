import type { Preset, PresetValues } from './preset.js';
import { commonParams, presetNumbers } from './preset.js';
import { ParameterError } from '../core/errors.js';
import type { Simulator } from '../core/simulator.js';
import { alphaPscConversion } from '../analysis/psc.js';

/**
 * NEST's hpc_benchmark.py (seed 000): every parameter of its `params`, `brunel_params` and
 * `stdp_params` dictionaries, with the script's names.
 */
export const hpcParams = {
  ...commonParams,
  simtime: { unit: 'ms', default: 250, min: 0, doc: "simulated time after the presimulation (params['simtime'])" },
  presimtime: { unit: 'ms', default: 50, min: 0, doc: "simulation time until reaching equilibrium, not measured (params['presimtime'])" },
  scale: { unit: '', default: 1, min: 0, exclusiveMin: true, doc: 'network size = scale × 11250 neurons; indegrees stay 9000 + 2250 (params[\'scale\'])' },
  nvp: { unit: '', default: 1, min: 1, integer: true, doc: 'total number of virtual processes; results do not depend on it (every random stream is tied to a neuron or a projection)' },
  record_spikes: { unit: '', default: 1, min: 0, max: 1, integer: true, doc: 'record spikes of Nrec excitatory neurons (1) or not (0)' },
  NE: { unit: '', default: 9000, min: 1, integer: true, doc: 'excitatory neurons at scale 1 (int(9000 × scale) are created)' },
  NI: { unit: '', default: 2250, min: 1, integer: true, doc: 'inhibitory neurons at scale 1 (int(2250 × scale) are created)' },
  Nrec: { unit: '', default: 1000, min: 1, integer: true, doc: 'number of excitatory neurons to record spikes from (the first Nrec)' },
  E_L: { unit: 'mV', default: 0, doc: 'resting membrane potential' },
  C_m: { unit: 'pF', default: 250, min: 0, exclusiveMin: true, doc: 'capacity of the membrane' },
  tau_m: { unit: 'ms', default: 10, min: 0, exclusiveMin: true, doc: 'membrane time constant' },
  t_ref: { unit: 'ms', default: 0.5, min: 0, doc: 'duration of the refractory period' },
  V_th: { unit: 'mV', default: 20, doc: 'threshold' },
  V_reset: { unit: 'mV', default: 0, doc: 'reset potential' },
  tau_syn: {
    unit: 'ms', default: 0.32582722403722841, min: 0, exclusiveMin: true,
    doc: 'time constant of the alpha PSCs (tau_syn_ex = tau_syn_in), chosen by the seed so that the PSP rise time is 1.700759 ms',
  },
  tau_minus: { unit: 'ms', default: 30, min: 0, exclusiveMin: true, doc: 'STDP depression time constant (a parameter of the postsynaptic neuron in NEST)' },
  randomize_Vm: { unit: '', default: 1, min: 0, max: 1, integer: true, doc: 'draw the initial V_m from normal(mean_potential, sigma_potential) (1) or start at mean_potential (0)' },
  mean_potential: { unit: 'mV', default: 5.7, doc: 'mean of the initial membrane potential' },
  sigma_potential: { unit: 'mV', default: 7.2, min: 0, doc: 'sd of the initial membrane potential' },
  delay: { unit: 'ms', default: 1.5, min: 0, exclusiveMin: true, doc: 'synaptic delay of every connection' },
  JE: { unit: 'mV', default: 0.14, doc: 'peak of the EPSP; converted to a PSC amplitude in pA with the Lambert-W formula of convert_synapse_weight' },
  sigma_w: { unit: 'pA', default: 3.47, min: 0, doc: 'standard deviation of E→E weights: defined by the seed script but never used by it, kept for completeness' },
  g: { unit: '', default: -5, doc: 'inhibitory weight = g × JE_pA' },
  alpha: { unit: '', default: 0.0513, min: 0, doc: 'stdp_pl_synapse_hom: asymmetry between depression and potentiation' },
  lambda: { unit: '', default: 0.1, min: 0, doc: 'stdp_pl_synapse_hom: STDP step size' },
  mu: { unit: '', default: 0.4, min: 0, doc: 'stdp_pl_synapse_hom: weight dependence exponent of potentiation' },
  tau_plus: { unit: 'ms', default: 15, min: 0, exclusiveMin: true, doc: 'stdp_pl_synapse_hom: potentiation time constant' },
  eta: { unit: '', default: 1.685, min: 0, doc: 'scaling of the external stimulus: rate = eta × nu_thresh × CE' },
  ee_synapse: {
    unit: '', default: 'stdp_pl_synapse_hom', choices: ['stdp_pl_synapse_hom', 'static_synapse'] as const,
    doc: 'E→E synapse model: the seed\'s power-law STDP, or static (the same network without plasticity)',
  },
} as const;

/** The numbers hpc_benchmark derives from its parameters before building. */
export function hpcDerived(p: PresetValues) {
  const scale = p.scale as number;
  // int(9000 * scale) and int(1. * NE / scale), as the script computes them (floating point included).
  const NE = Math.trunc((p.NE as number) * scale);
  const NI = Math.trunc((p.NI as number) * scale);
  const CE = Math.trunc((1 * NE) / scale);
  const CI = Math.trunc((1 * NI) / scale);
  const conv = alphaPscConversion(p.tau_m as number, p.tau_syn as number, p.C_m as number);
  const JE_pA = conv.factor * (p.JE as number);
  const nuThresh = (p.V_th as number) / (((CE * (p.tau_m as number)) / (p.C_m as number)) * JE_pA * Math.E * (p.tau_syn as number));
  const nuExt = nuThresh * (p.eta as number);
  return { NE, NI, CE, CI, JE_pA, conversion: conv.factor, tRise: conv.tRise, nuThresh, nuExt, stimulusRate: nuExt * CE * 1000 };
}

function buildHpc(sim: Simulator, p: PresetValues) {
  const d = hpcDerived(p);
  const where = 'preset hpc-benchmark';
  if (d.NE < 1 || d.NI < 1) throw new ParameterError(where, 'scale', p.scale, `a scale with int(9000 × scale) >= 1 and int(2250 × scale) >= 1`);
  const record = (p.record_spikes as number) === 1;
  if (record && d.NE < (p.Nrec as number)) {
    // The seed aborts here too: spikes can only be recorded from the Nrec first excitatory neurons.
    throw new ParameterError(where, 'Nrec', p.Nrec, `at most the number of excitatory neurons, ${d.NE} at scale ${p.scale}`);
  }
  const model = presetNumbers({
    E_L: p.E_L, C_m: p.C_m, tau_m: p.tau_m, t_ref: p.t_ref, V_th: p.V_th, V_reset: p.V_reset,
    tau_syn_ex: p.tau_syn, tau_syn_in: p.tau_syn, tau_minus: p.tau_minus,
  });
  const E = sim.create('iaf_psc_alpha', d.NE, model);
  const I = sim.create('iaf_psc_alpha', d.NI, model);
  // 'V_m': 5.7 in model_params, then nest.random.normal(mean_potential, sigma_potential) when randomize_Vm.
  const vm =
    (p.randomize_Vm as number) === 1
      ? { distribution: 'normal' as const, mean: p.mean_potential as number, std: p.sigma_potential as number }
      : (p.mean_potential as number);
  E.set('V_m', vm);
  I.set('V_m', vm);
  const stimulus = sim.create('poisson_generator', 1, { rate: d.stimulusRate });
  const recorder = sim.create('spike_recorder');
  const delay = p.delay as number;
  const syn_ex = { weight: d.JE_pA, delay };
  const syn_in = { weight: (p.g as number) * d.JE_pA, delay };
  sim.connect(stimulus, E, 'all_to_all', syn_ex);
  sim.connect(stimulus, I, 'all_to_all', syn_ex);
  const fixed = (indegree: number) => ({ rule: 'fixed_indegree', indegree, allow_autapses: false, allow_multapses: true });
  const ee =
    p.ee_synapse === 'stdp_pl_synapse_hom'
      ? { synapse_model: 'stdp_pl_synapse_hom', weight: d.JE_pA, delay, alpha: p.alpha, lambda: p.lambda, mu: p.mu, tau_plus: p.tau_plus }
      : syn_ex;
  sim.connect(E, E, fixed(d.CE), ee);
  sim.connect(I, E, fixed(d.CI), syn_in);
  sim.connect(E, I, fixed(d.CE), syn_ex);
  sim.connect(I, I, fixed(d.CI), syn_in);
  const nrec = record ? (p.Nrec as number) : 0;
  if (record) sim.connect(E.slice(0, nrec), recorder);
  return {
    E,
    I,
    recorders: [recorder],
    // The seed's recorder label: 'alpha_' + str(stdp_params['alpha']) + '_spikes'.
    recorded: record ? [{ label: 'E', recorder, pop: E, start: 0, end: nrec, fileLabel: `alpha_${pyStr(p.alpha as number)}_spikes` }] : [],
    extra: {
      JE_pA: round6(d.JE_pA),
      mV_to_pA: round6(d.conversion),
      t_rise_ms: round6(d.tRise),
      nu_ext_hz_per_synapse: round6(d.nuExt * 1000),
      stimulus_rate_hz: round6(d.stimulusRate),
      indegree_e: d.CE,
      indegree_i: d.CI,
    },
  };
}

/** Python's str() of a float: always with a decimal point (5 → '5.0'). */
function pyStr(x: number): string {
  const s = String(x);
  return /[.eE]/.test(s) || !Number.isFinite(x) ? s : `${s}.0`;
}

function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

export const hpcBenchmark: Preset = {
  name: 'hpc-benchmark',
  title: 'NEST hpc_benchmark: balanced random network with power-law STDP',
  source: 'NEST examples/hpc_benchmark.py (Morrison et al. 2007, Helias et al. 2012, Kunkel et al. 2014)',
  doc:
    'scale × 11250 iaf_psc_alpha neurons (9000 E + 2250 I per unit scale), fixed indegree 9000 E + 2250 I whatever the scale ' +
    '(no autapses, multapses allowed), E→E stdp_pl_synapse_hom (alpha 0.0513, lambda 0.1, mu 0.4, tau_plus 15, tau_minus 30), ' +
    'JE 0.14 mV converted to pA through the Lambert-W expression, g −5, one Poisson generator at eta × nu_thresh × CE to every neuron, ' +
    'delay 1.5 ms, V_m ~ normal(5.7, 7.2); presimulation 50 ms, then 250 ms measured. Spikes of the first Nrec = 1000 E neurons are ' +
    'recorded; the log lines of the script (build_time_nodes, virt_mem_after_nodes, build_edge_time, virt_mem_after_edges, ' +
    'presim_time, sim_time, average rate) are printed and written to log_0.dat.',
  params: hpcParams,
  build: buildHpc,
};
