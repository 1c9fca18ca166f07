/**
 * A small balanced E/I network written through the API, with a spike generator whose times are a typed
 * array. `balanced.spec.json` beside it is `toSpec()` of this network: `spikeworks run` gives the same
 * spikes for both, in one process or on workers.
 *
 *   npx spikeworks run docs/examples/balanced.ts --workers 2
 *   npx spikeworks run docs/examples/balanced.spec.json
 */
import { iafPscExp, staticSynapse, allToAll, fixedIndegree, poissonGenerator, spikeGenerator, spikeRecorder, localBackend, type Simulator } from '../../index.js';

/** The plugin set: only what the network uses (the spec lists exactly these). */
export const composition = [iafPscExp, staticSynapse, allToAll, fixedIndegree, poissonGenerator, spikeGenerator, spikeRecorder, localBackend];
export const seed = 12;
export const simtime = 500;

export function build(sim: Simulator): void {
  const neuron = { E_L: 0, V_reset: 0, V_th: 20, tau_m: 20, t_ref: 2 };
  const E = sim.create('iaf_psc_exp', 400, neuron);
  const I = sim.create('iaf_psc_exp', 100, neuron);
  E.set('V_m', { distribution: 'uniform', min: 0, max: 20 });
  I.set('V_m', { distribution: 'uniform', min: 0, max: 20 });
  const drive = sim.create('poisson_generator', 1, { rate: 8000 });
  const pulse = sim.create('spike_generator', 1, { spike_times: Float64Array.of(100, 100.5, 101) });
  sim.connect(drive, E, 'all_to_all', { weight: 30, delay: 1.5 });
  sim.connect(drive, I, 'all_to_all', { weight: 30, delay: 1.5 });
  sim.connect(pulse, E.slice(0, 50), 'all_to_all', { weight: 400, delay: 1 });
  sim.connect(E, E, { rule: 'fixed_indegree', indegree: 40 }, { weight: { distribution: 'normal', mean: 30, std: 3 }, delay: { distribution: 'uniform', min: 1, max: 3 } });
  sim.connect(E, I, { rule: 'fixed_indegree', indegree: 40 }, { weight: 30, delay: 1.5 });
  sim.connect(I, E, { rule: 'fixed_indegree', indegree: 10 }, { weight: -150, delay: 1.5 });
  sim.connect(I, I, { rule: 'fixed_indegree', indegree: 10 }, { weight: -150, delay: 1.5 });
  const spikes = sim.create('spike_recorder');
  sim.connect(E, spikes);
  sim.connect(I, spikes);
}
