import type { Preset, PresetValues } from './preset.js';
import { commonParams, presetNumbers } from './preset.js';
import type { Simulator } from '../core/simulator.js';
import { Stream } from '../core/rng.js';

/**
 * Brette et al. (2007) benchmark 5 as NEST's example `brette_et_al_2007/cuba_stdp.py` writes it
 * (seed 002): 9000 E + 2250 I iaf_psc_exp, fixed indegree 10 %, Poisson drive 4050 Hz, delay 1.5 ms.
 * `cuba-static` keeps every synapse static; the E→E weights are still drawn from normal(JE, sigma_w).
 */
export const cubaParams = {
  ...commonParams,
  NE: { unit: '', default: 9000, min: 1, integer: true, doc: 'excitatory neurons at scale 1' },
  NI: { unit: '', default: 2250, min: 1, integer: true, doc: 'inhibitory neurons at scale 1' },
  epsilon: { unit: '', default: 0.1, min: 0, max: 1, doc: 'connection probability: indegrees are epsilon * NE and epsilon * NI at scale 1' },
  JE: { unit: 'pA', default: 35, min: 0, doc: 'peak amplitude of the excitatory PSC' },
  g: { unit: '', default: 5, min: 0, doc: 'relative strength of inhibition (J_I = -g * JE)' },
  sigma_w: { unit: 'pA', default: 3, min: 0, doc: 'standard deviation of the initial E→E weights' },
  delay: { unit: 'ms', default: 1.5, min: 0, exclusiveMin: true, doc: 'synaptic delay' },
  rate: { unit: 'Hz', default: 4050, min: 0, doc: 'Poisson drive to every neuron (900 * 4.5)' },
  tau_m: { unit: 'ms', default: 20, min: 0, exclusiveMin: true, doc: 'membrane time constant' },
  C_m: { unit: 'pF', default: 250, min: 0, exclusiveMin: true, doc: 'membrane capacitance' },
  V_th: { unit: 'mV', default: 20, doc: 'threshold (E_L = 0)' },
  V_m_mean: { unit: 'mV', default: 7, doc: 'mean initial membrane potential' },
  V_m_sd: { unit: 'mV', default: 5, min: 0, doc: 'sd of the initial membrane potential (clipped at V_th - 0.1)' },
} as const;

export function buildCuba(sim: Simulator, p: PresetValues, eeSynapse: Record<string, unknown>) {
  const n = (x: string) => Math.max(1, Math.round((p[x] as number) * (p.scale as number)));
  const NE = n('NE');
  const NI = n('NI');
  const neuron = presetNumbers({ E_L: 0, V_reset: 0, V_th: p.V_th, C_m: p.C_m, tau_m: p.tau_m });
  const E = sim.create('iaf_psc_exp', NE, neuron);
  const I = sim.create('iaf_psc_exp', NI, neuron);
  // The example draws V_m with numpy and clips (not redraws) at V_th - 0.1; we draw from our own stream.
  const rng = new Stream(p.seed as number, 'cuba/V_m');
  const vmax = (p.V_th as number) - 0.1;
  const vm = (count: number) => Float64Array.from({ length: count }, () => Math.min(vmax, rng.normal(p.V_m_mean as number, p.V_m_sd as number)));
  E.set('V_m', vm(NE));
  I.set('V_m', vm(NI));
  const CE = Math.trunc((p.NE as number) * (p.epsilon as number));
  const CI = Math.trunc((p.NI as number) * (p.epsilon as number));
  const JE = p.JE as number;
  const JI = -(p.g as number) * JE;
  const d = p.delay as number;
  const drive = sim.create('poisson_generator', 1, { rate: p.rate as number });
  const driveI = sim.create('poisson_generator', 1, { rate: p.rate as number });
  sim.connect(drive, E, 'all_to_all', { weight: JE, delay: d });
  sim.connect(driveI, I, 'all_to_all', { weight: JE, delay: d });
  sim.connect(E, E, { rule: 'fixed_indegree', indegree: CE }, { ...eeSynapse, delay: d });
  sim.connect(E, I, { rule: 'fixed_indegree', indegree: CE }, { weight: JE, delay: d });
  sim.connect(I, E, { rule: 'fixed_indegree', indegree: CI }, { weight: JI, delay: d });
  sim.connect(I, I, { rule: 'fixed_indegree', indegree: CI }, { weight: JI, delay: d });
  const recE = sim.create('spike_recorder');
  const recI = sim.create('spike_recorder');
  sim.connect(E, recE);
  sim.connect(I, recI);
  return { E, I, recorders: [recE, recI], extra: { indegree_e: CE, indegree_i: CI } };
}

export const cubaStatic: Preset = {
  name: 'cuba-static',
  title: 'Brette et al. 2007 CUBA (NEST cuba_stdp.py) with static E→E synapses',
  source: 'Brette et al. 2007 benchmark 5 (NEST example brette_et_al_2007/cuba_stdp.py, plastic_synapses = False)',
  doc: '9000 E + 2250 I iaf_psc_exp (E_L 0, V_th 20, V_reset 0, C_m 250 pF, tau_m 20 ms), fixed indegree 900 + 225, JE 35 pA, g 5, delay 1.5 ms, Poisson 4050 Hz to every neuron, E→E weights normal(35, 3) pA.',
  params: cubaParams,
  reference: { rate_e_hz: 7.48, rate_i_hz: 7.5, tolerance: 0.2, source: 'presets/reference/cuba-static.json (NEST 3.9, 1 s)' },
  build: (sim, p) => buildCuba(sim, p, { weight: { distribution: 'normal', mean: p.JE as number, std: p.sigma_w as number } }),
};
