import { describe, it, expect, afterEach } from 'vitest';
import { createSimulator, builtinPlugins, Simulator } from '../../../../index.js';
import { setAxonalPostHistory } from '../../../../plugins/synapses/plasticity/axonal.js';
import { plasticSynapse } from '../../../../plugins/synapses/plasticity/synapse.js';
import { stdpMechanism } from '../../../../plugins/synapses/plasticity/mechanism.js';
import { spikePair } from '../../../../plugins/synapses/plasticity/timing/pair.js';
import { additive } from '../../../../plugins/synapses/plasticity/weight/dependences.js';

/**
 * The axonal handler applies a post spike's facilitation late (a per-target history replayed at the
 * source's next arrival) unless its history length is 0, where every post spike updates its column at
 * once. Both must give the same bits: spikes, weights read mid-run, recorded weights and checkpoints.
 * History lengths of 1 and 2 make the full-history path (column update with the pending entries) frequent.
 */
const rules: [string, Record<string, unknown>][] = [
  ['triplet_auryn', { synapse_model: 'triplet_auryn', weight: { distribution: 'normal', mean: 30, std: 20, min: 0, max: 60 }, eta: 5000, tau_hom: 1000, kappa: 3, Wmax: 60 }],
  ['stdp_synapse', { synapse_model: 'stdp_synapse', weight: { distribution: 'normal', mean: 35, std: 20, min: 0, max: 70 }, alpha: 1.05, lambda: 0.1, mu_plus: 0.4, mu_minus: 0.4, Wmax: 70 }],
  ['stdp_triplet_synapse', { synapse_model: 'stdp_triplet_synapse', weight: { distribution: 'normal', mean: 35, std: 20, min: 0, max: 70 }, Aplus: 5, Aminus: 7, Aplus_triplet: 3, Aminus_triplet: 1, Wmax: 70 }],
  ['stdp_pl_synapse_hom', { synapse_model: 'stdp_pl_synapse_hom', weight: 35, alpha: 0.0513, lambda: 0.1, mu: 0.4, tau_plus: 15 }],
];

function bits(w: Float32Array): number[] {
  return Array.from(new Uint32Array(w.buffer, w.byteOffset, w.length));
}

/** Spike pair x additive takes weights of either sign (no NEST sign check): the inhibitory case. */
const pairAdditive = plasticSynapse(stdpMechanism({ timing: spikePair(), weight: additive(), name: 'axonal_test_pair_additive' }));
const plugins = [...builtinPlugins, pairAdditive];

/** A recurrent Poisson-driven network, simulated in pieces with the weights read between them. */
function build(synapse: Record<string, unknown>, history: number, inhibitory = false) {
  setAxonalPostHistory(history);
  const sim = createSimulator({ seed: 5, plugins });
  const E = sim.create('iaf_psc_exp', 100, { E_L: 0, V_reset: 0, V_th: 20, C_m: 250, tau_m: 20, t_ref: 2, tau_minus: 25, tau_minus_triplet: 110 });
  E.set('V_m', { distribution: 'uniform', min: 0, max: 19 });
  const drive = sim.create('poisson_generator', 1, { rate: inhibitory ? 9000 : 4300 });
  // Sources 90 and up get no drive: they fire rarely, so their synapses keep long stretches of post spikes pending.
  sim.connect(drive, E.slice(0, 90), 'all_to_all', { weight: 35, delay: 1.5 });
  const proj = sim.connect(E, E, { rule: 'fixed_indegree', indegree: 25, allow_autapses: false }, { delay: 1.5, delay_handler: 'axonal', ...synapse })!;
  const wr = sim.create('weight_recorder', 1, { interval: 3 }, { projections: [proj], synapses: [Array.from({ length: 200 }, (_, i) => i * 11)] });
  const rec = sim.create('spike_recorder');
  sim.connect(E, rec);
  return { sim, proj, wr, rec };
}

function run(synapse: Record<string, unknown>, history: number, inhibitory = false) {
  const { sim, proj, wr, rec } = build(synapse, history, inhibitory);
  const mid: number[][] = [];
  for (const ms of [137, 211, 300]) {
    sim.simulate(ms);
    mid.push(bits(proj.weights()));
  }
  const ev = rec.events() as { senders: ArrayLike<number>; times: ArrayLike<number> };
  const recorded = Array.from(wr.events<{ weights: Float64Array }>().weights);
  return { mid, recorded, senders: Array.from(ev.senders), times: Array.from(ev.times) };
}

afterEach(() => setAxonalPostHistory(16));

describe('axonal handler: late facilitation gives the bits of the immediate column update', () => {
  for (const [name, syn] of rules) {
    it(`${name}: spikes, weights read three times and recorded weights equal for histories 0, 1, 2, 16`, () => {
      const ref = run(syn, 0);
      expect(ref.senders.length).toBeGreaterThan(1000);
      // The weights moved: the comparison is not between untouched tables.
      expect(ref.mid[2]).not.toEqual(ref.mid[0]);
      expect(ref.recorded.length).toBe(216 * 200);
      for (const h of [1, 2, 16]) {
        const r = run(syn, h);
        expect(r.senders).toEqual(ref.senders);
        expect(r.times).toEqual(ref.times);
        expect(r.mid).toEqual(ref.mid);
        expect(r.recorded).toEqual(ref.recorded);
      }
    });
  }

  it('an inhibitory plastic projection (sign -1): the same bits', () => {
    const syn = { synapse_model: 'axonal_test_pair_additive', weight: { distribution: 'uniform', min: -40, max: -1 }, tau_plus: 16.8, tau_minus: 33.7, A_plus: 2, A_minus: 2.4, w_min: 0, w_max: 40 };
    const ref = run(syn, 0, true);
    expect(ref.mid[2]).not.toEqual(ref.mid[0]);
    const r = run(syn, 2, true);
    expect(r.senders).toEqual(ref.senders);
    expect(r.mid).toEqual(ref.mid);
    expect(r.recorded).toEqual(ref.recorded);
  });

  it('a checkpoint taken with facilitation pending resumes to the same spikes and weights', () => {
    const syn = rules[0][1];
    const ref = build(syn, 0);
    ref.sim.simulate(648);
    ref.sim.simulate(250);
    const a = build(syn, 16);
    a.sim.simulate(648);
    const bytes = a.sim.toCheckpoint();
    a.sim.simulate(250);
    expect(bits(a.proj.weights())).toEqual(bits(ref.proj.weights()));
    const b = Simulator.fromCheckpoint(bytes, { plugins });
    b.simulate(250);
    const pb = b.projections.find((p) => p.id === a.proj.id)!;
    expect(bits(pb.weights())).toEqual(bits(ref.proj.weights()));
    const spikes = (sim: Simulator) => (sim.devices.find((d) => d.model === 'spike_recorder')!.events() as { times: Float64Array }).times.length;
    expect(spikes(b)).toBeGreaterThan(0);
  });
});
