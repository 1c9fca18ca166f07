import { createSimulator, type Plugin } from '../../../../index.js';

/**
 * A small recurrent, Poisson-driven excitatory network with one plastic E -> E projection: what the
 * bit-identity tests of this folder run twice (kernel copies on and off; a built-in rule and its
 * composition). Returns the final weights and every spike.
 */
export function recurrent(synapse: Record<string, unknown>, opts: { seed?: number; ms?: number; plugins?: Plugin[] } = {}) {
  const sim = createSimulator(opts.plugins ? { seed: opts.seed ?? 7, plugins: opts.plugins } : { seed: opts.seed ?? 7 });
  const E = sim.create('iaf_psc_exp', 120, { E_L: 0, V_reset: 0, V_th: 20, C_m: 250, tau_m: 20, t_ref: 2, tau_minus: 25, tau_minus_triplet: 110 });
  E.set('V_m', { distribution: 'uniform', min: 0, max: 19 });
  const drive = sim.create('poisson_generator', 1, { rate: 4300 });
  sim.connect(drive, E, 'all_to_all', { weight: 35, delay: 1.5 });
  const proj = sim.connect(E, E, { rule: 'fixed_indegree', indegree: 30, allow_autapses: false }, { delay: 1.5, ...synapse })!;
  const rec = sim.create('spike_recorder');
  sim.connect(E, rec);
  sim.simulate(opts.ms ?? 600);
  const ev = rec.events() as { senders: ArrayLike<number>; times: ArrayLike<number> };
  return { weights: proj.weights(), senders: Array.from(ev.senders), times: Array.from(ev.times) };
}

/** A short fingerprint of a run: FNV-1a over the weight bits and the spikes, for comparing across processes. */
export function fingerprint(r: ReturnType<typeof recurrent>): string {
  let h = 0x811c9dc5;
  const mix = (x: number) => {
    h = Math.imul(h ^ (x >>> 0), 0x01000193) >>> 0;
  };
  for (const x of new Uint32Array(r.weights.buffer, r.weights.byteOffset, r.weights.length)) mix(x);
  for (let i = 0; i < r.senders.length; i++) {
    mix(r.senders[i]);
    mix(Math.round(r.times[i] * 10));
  }
  return `${h.toString(16)}:${r.weights.length}:${r.senders.length}`;
}

/**
 * The cases run with kernel copies on and off: a dendritic and an axonal handler, and the dendritic handler's
 * nearest-neighbour and triplet kernels with per-synapse parameters. The third entry: how many kernels a
 * projection of the case asks kernelFor for (each falls back once with copies off).
 */
export const codegenCases: [string, Record<string, unknown>, number][] = [
  ['stdp_synapse, dendritic', { synapse_model: 'stdp_synapse', weight: { distribution: 'normal', mean: 35, std: 20, min: 0, max: 70 }, alpha: 1.05, lambda: 0.1, mu_plus: 0.4, mu_minus: 0.4, Wmax: 70, delay_handler: 'dendritic' }, 2],
  ['triplet_auryn, axonal', { synapse_model: 'triplet_auryn', weight: { distribution: 'normal', mean: 30, std: 20, min: 0, max: 60 }, eta: 5000, tau_hom: 1000, kappa: 3, Wmax: 60, delay_handler: 'axonal' }, 2],
  ['stdp_nn_pre_centered_synapse, lambda, tau_plus and alpha per synapse, dendritic', {
    synapse_model: 'stdp_nn_pre_centered_synapse', weight: { distribution: 'normal', mean: 35, std: 20, min: 0, max: 70 }, mu_plus: 0.4, mu_minus: 0.4, Wmax: 70,
    lambda: { distribution: 'uniform', min: 0.05, max: 0.15 }, tau_plus: { distribution: 'uniform', min: 10, max: 30 }, alpha: { distribution: 'uniform', min: 0.9, max: 1.2 }, delay_handler: 'dendritic',
  }, 3],
  ['stdp_triplet_synapse, tau_plus, tau_plus_triplet and Aplus per synapse, dendritic', {
    synapse_model: 'stdp_triplet_synapse', weight: { distribution: 'normal', mean: 30, std: 20, min: 0, max: 60 }, Wmax: 60, Aminus: 0.15, Aplus_triplet: 0.1, Aminus_triplet: 0.01,
    Aplus: { distribution: 'uniform', min: 0.05, max: 0.2 }, tau_plus: { distribution: 'uniform', min: 10, max: 25 }, tau_plus_triplet: { distribution: 'uniform', min: 50, max: 150 }, delay_handler: 'dendritic',
  }, 3],
];
