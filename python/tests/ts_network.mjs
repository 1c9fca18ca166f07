// The network of test_digest.py built with the TypeScript API, in the order pyNN.spikeworks sends its calls;
// prints the digest of its spikes (core/digest.ts). Arguments: the repository root, then a JSON of the sizes.
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';

const [root, json] = process.argv.slice(2);
const { createSimulator, spikeDigest } = await import(pathToFileURL(join(root, 'dist', 'index.js')).href);
const c = JSON.parse(json);
const sim = createSimulator({ dt: 0.1, seed: c.seed });
const cell = { tau_m: 20, tau_syn_E: 5, tau_syn_I: 10, v_rest: -60, v_reset: -60, v_thresh: -50, cm: 0.2, tau_refrac: 5, e_rev_E: 0, e_rev_I: -80 };
const withDefaults = { i_offset: 0, ...cell };
const E = sim.create('IF_cond_exp', c.nE, withDefaults);
E.set('V_m', Float64Array.from(c.vE)); E.set('g_ex', 0); E.set('g_in', 0);
const I = sim.create('IF_cond_exp', c.nI, withDefaults);
I.set('V_m', Float64Array.from(c.vI)); I.set('g_ex', 0); I.set('g_in', 0);
const src = sim.create('parrot_neuron', c.nS);
const gen = sim.create('poisson_generator', 1, { rate: c.rate, start: 0, stop: c.stim });
sim.connect(gen, src, 'all_to_all', { weight: 1, delay: 0.1 });
const p = { rule: 'pairwise_bernoulli', p: c.p, allow_autapses: true };
sim.connect(E, E, p, { synapse_model: 'static_synapse', weight: 0.004, delay: 0.2 });
sim.connect(E, I, p, { synapse_model: 'static_synapse', weight: 0.004, delay: 0.2 });
sim.connect(I, E, p, { synapse_model: 'static_synapse', weight: -0.051, delay: 0.2 });
sim.connect(I, I, p, { synapse_model: 'static_synapse', weight: -0.051, delay: 0.2 });
sim.connect(src, E, { rule: 'pairwise_bernoulli', p: 0.1, allow_autapses: true }, { synapse_model: 'static_synapse', weight: 0.1, delay: 0.2 });
sim.connect(src, I, { rule: 'pairwise_bernoulli', p: 0.1, allow_autapses: true }, { synapse_model: 'static_synapse', weight: 0.1, delay: 0.2 });
const recE = sim.create('spike_recorder');
sim.connect(E, recE);
const recI = sim.create('spike_recorder');
sim.connect(I, recI);
sim.simulate(c.simtime);
const senders = [], steps = [];
for (const r of [recE, recI]) {
  const ev = r.events();
  for (let i = 0; i < ev.senders.length; i++) { senders.push(ev.senders[i]); steps.push(Math.round(ev.times[i] / 0.1)); }
}
console.log(JSON.stringify({ digest: spikeDigest(senders, steps), count: senders.length, firstGids: [E.firstGid, I.firstGid] }));
