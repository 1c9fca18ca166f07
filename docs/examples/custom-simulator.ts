// A simulator composed from seven plugins: nothing else is loaded or registered.
import { Simulator, iafPscExp, staticSynapse, allToAll, fixedIndegree, poissonGenerator, spikeRecorder, localBackend } from '../../index.js';

export function runSmallBalancedNetwork(seed = 1) {
  const sim = new Simulator({ plugins: [iafPscExp, staticSynapse, allToAll, fixedIndegree, poissonGenerator, spikeRecorder, localBackend], dt: 0.1, seed });
  const E = sim.create('iaf_psc_exp', 1000, { E_L: 0, V_reset: 0, V_th: 20, tau_m: 20 });
  const I = sim.create('iaf_psc_exp', 250, { E_L: 0, V_reset: 0, V_th: 20, tau_m: 20 });
  E.set('V_m', { distribution: 'normal', mean: 7, std: 5, max: 19.9 });
  I.set('V_m', { distribution: 'normal', mean: 7, std: 5, max: 19.9 });
  const noise = sim.create('poisson_generator', 1, { rate: 4050 });
  const spikes = sim.create('spike_recorder');
  for (const target of [E, I]) {
    sim.connect(noise, target, 'all_to_all', { weight: 35, delay: 1.5 });
    sim.connect(E, target, { rule: 'fixed_indegree', indegree: 900 }, { weight: 35, delay: 1.5 });
    sim.connect(I, target, { rule: 'fixed_indegree', indegree: 225 }, { weight: -175, delay: 1.5 });
  }
  sim.connect(E, spikes);
  sim.simulate(500);
  return spikes.events<{ senders: Int32Array; times: Float64Array }>();
}
