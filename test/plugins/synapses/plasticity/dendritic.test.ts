import { describe, it, expect } from 'vitest';
import { createSimulator, builtinPlugins, Simulator, ParameterError, plasticSynapse, type StdpRule, type StdpRuleDefinition } from '../../../../index.js';
import { pairNet } from './helpers.js';
import { setDendriticTiling } from '../../../../plugins/synapses/plasticity/dendritic.js';

/**
 * The dendritic handler's per-synapse state (pre-centred Kplus, per-synapse parameters and their Kplus and
 * Kplus_triplet) in a checkpoint: a recurrent Poisson-driven network cut at 300 ms, restored and run to 600 ms ends with the
 * weights and spikes of the run never cut, bit for bit.
 */
function build() {
  const sim = createSimulator({ seed: 7 });
  const E = sim.create('iaf_psc_exp', 80, { E_L: 0, V_reset: 0, V_th: 20, C_m: 250, tau_m: 20, t_ref: 2, tau_minus: 25 });
  E.set('V_m', { distribution: 'uniform', min: 0, max: 19 });
  sim.connect(sim.create('poisson_generator', 1, { rate: 4300 }), E, 'all_to_all', { weight: 35, delay: 1.5 });
  const weight = { distribution: 'normal' as const, mean: 35, std: 10, min: 0, max: 70 };
  sim.connect(E, E, { rule: 'fixed_indegree', indegree: 20, allow_autapses: false }, { synapse_model: 'stdp_nn_pre_centered_synapse', weight, delay: 1.5, lambda: 0.2, Wmax: 70 });
  sim.connect(E, E, { rule: 'fixed_indegree', indegree: 20, allow_autapses: false }, {
    synapse_model: 'stdp_synapse', weight, delay: 1.5, Wmax: 70,
    lambda: { distribution: 'uniform', min: 0.05, max: 0.3 }, tau_plus: { distribution: 'uniform', min: 10, max: 30 },
  });
  // The nearest-neighbour kernel's per-synapse Kplus with its own tau_plus, and the triplet kernel's per-synapse
  // Kplus and Kplus_triplet (kSyn, kSynSlow).
  const small = { distribution: 'normal' as const, mean: 15, std: 5, min: 0, max: 30 };
  sim.connect(E, E, { rule: 'fixed_indegree', indegree: 10, allow_autapses: false }, {
    synapse_model: 'stdp_nn_pre_centered_synapse', weight: small, delay: 1.5, Wmax: 30, lambda: 0.2, tau_plus: { distribution: 'uniform', min: 10, max: 30 },
  });
  sim.connect(E, E, { rule: 'fixed_indegree', indegree: 10, allow_autapses: false }, {
    synapse_model: 'stdp_triplet_synapse', weight: small, delay: 1.5, Wmax: 30, Aplus: 0.2, Aminus: 0.25, Aplus_triplet: 0.1, Aminus_triplet: 0.01,
    tau_plus: { distribution: 'uniform', min: 10, max: 25 }, tau_plus_triplet: { distribution: 'uniform', min: 50, max: 150 },
  });
  return sim;
}

const weights = (sim: Simulator) => sim.projections.filter((p) => p.synapseModel.plastic).map((p) => Array.from(p.weights()));

describe('dendritic handler: per-synapse traces in a checkpoint', () => {
  it('restored at 300 ms, continued to 600 ms: the uncut run\'s weights and spike counts', () => {
    const whole = build();
    whole.simulate(600);
    const cut = build();
    cut.simulate(300);
    const before = weights(cut);
    const resumed = Simulator.fromCheckpoint(cut.toCheckpoint(), { plugins: builtinPlugins });
    resumed.simulate(300);
    const w = weights(resumed);
    expect(w).toEqual(weights(whole));
    // The weights moved after the cut, so the restored traces mattered.
    for (let i = 0; i < 4; i++) expect(w[i]).not.toEqual(before[i]);
    expect(resumed.spikeCounts()).toEqual(whole.spikeCounts());
  });
});

/**
 * A source silent for seconds while its target keeps firing: the dendritic handler applies the pending
 * facilitations early (flushStaleSources) once a history reaches 32 entries, storing the weight as float32 once
 * more. Under per-synapse parameters it does the same through onPostAt with the x each kernel reads, so values
 * equal everywhere give the shared run's bits here too, and the history stays at a few dozen entries instead of
 * growing with the silence (as NEST's would).
 */
describe('dendritic handler: a silent source under per-synapse parameters', () => {
  const dt = 0.1;
  const post: number[] = [];
  for (let t = 120; t < 40000; t += 25) post.push(t);
  const pre = [100, 45000];
  const postParams = { tau_minus: 25, tau_minus_triplet: 110 };
  const cases: [string, Record<string, number>, Record<string, number[]>][] = [
    ['stdp_synapse (pair kernel)', { lambda: 0.05, tau_plus: 200, mu_plus: 0.4, Wmax: 100 }, { lambda: [0.05], tau_plus: [200] }],
    ['stdp_nn_symm_synapse (nearest kernel)', { lambda: 0.05, tau_plus: 200, mu_plus: 0.4, Wmax: 100 }, { lambda: [0.05], tau_plus: [200] }],
    ['stdp_triplet_synapse (triplet kernel, x per synapse)', { Aplus: 0.05, Aplus_triplet: 0.02, tau_plus: 200, Wmax: 100 }, { Aplus: [0.05], tau_plus: [200] }],
    ['stdp_triplet_synapse (triplet kernel, x per source)', { Aplus: 0.05, Aplus_triplet: 0.02, tau_plus: 200, Wmax: 100 }, { Aplus_triplet: [0.02] }],
  ];
  // tau_plus 200 ms and a post spike every 2.5 ms: x is still large at the first flushes, so where the weight is
  // rounded shows in its bits (without the per-synapse flush, some of these cases differ by an ulp).
  const bits = (w: Float32Array) => Array.from(new Uint32Array(w.buffer, w.byteOffset, w.length));
  for (const [label, shared, per] of cases) {
    it(`${label}: equal per-synapse values flush as the shared run does, same bits, history bounded`, () => {
      const model = label.split(' ')[0];
      const run = (syn: Record<string, unknown>) => {
        const net = pairNet({ dt, pre, post, postParams, synapse: { synapse_model: model, weight: 30, delay: 1.5, ...syn } });
        net.sim.simulate(4600);
        const rt = net.sim.projections.find((q) => q.synapseModel.plastic)!.runtime!;
        return { w: net.weights(), neuronBytes: rt.neuronBytes!(), post: net.postSteps().length };
      };
      const a = run(shared);
      const b = run({ ...shared, ...per });
      expect(a.post).toBe(post.length);
      expect(bits(b.w)).toEqual(bits(a.w));
      expect(a.w[0]).not.toBe(30);
      // ~1600 entries would take a 2048-entry ring (57 kB); the flush keeps it at 64 entries in both runs.
      expect(b.neuronBytes).toBe(a.neuronBytes);
      expect(b.neuronBytes).toBe(1 * 24 + 1 * (8 + 28 + 28 + 64 * 28));
    });
  }
});

describe('dendritic handler: per-synapse parameters it cannot run', () => {
  // A rule of one's own with per-synapse methods and a trace no per-synapse kernel passes.
  const rule = (extra: Partial<StdpRule>): StdpRule => ({
    tauPre: 20, tauPreSlow: 0, tauPost: 20, tauPostSlow: 0, tauPostHom: 0, postHomInitial: 0,
    onPost: (w) => w, onPre: (w) => w, onPostAt: (_k, w) => w, onPreAt: (_k, w) => w, ...extra,
  });
  const model = (name: string, extra: Partial<StdpRule>) => {
    const def: StdpRuleDefinition = {
      name, doc: 'test', params: { eta: { unit: '', default: 0.1, min: 0, doc: 'rate' } }, perSynapseParams: ['eta'],
      build: () => rule({}), buildPerSynapse: () => rule(extra),
    };
    return plasticSynapse(def);
  };
  const connect = (m: ReturnType<typeof model>) => () => {
    const sim = createSimulator({ plugins: [...builtinPlugins, m] });
    const a = sim.create('iaf_psc_exp', 2);
    sim.connect(a, a, 'all_to_all', { synapse_model: m.name, weight: 1, delay: 1, eta: [0.1, 0.2, 0.3, 0.4] });
    sim.simulate(1);
  };
  it('a rate trace z, or a pairing scheme with slow traces: a ParameterError naming the parameter and what is allowed', () => {
    const z = connect(model('with_z', { tauPostHom: 100 }));
    expect(z).toThrow(ParameterError);
    expect(z).toThrow(/'eta' = "given per synapse \(eta\)".*one value per projection for a rule with the postsynaptic rate trace z/);
    const pairing = { nearestPre: true, nearestPreSlow: false, nearestPost: true, nearestPostSlow: false, nearestPostHom: false, preConsumed: false, postConsumed: false, preInitial: 0, reason: "trace 'x' (nearest-neighbour pairing)" };
    const nn = connect(model('nn_slow', { tauPreSlow: 50, pairing }));
    expect(nn).toThrow(ParameterError);
    expect(nn).toThrow(/'eta' = "given per synapse.*nearest-neighbour pairing\) and slow traces/);
  });
});

/**
 * A network whose plastic projection is delivered tile by tile (tiles of 16 targets forced on a 300-neuron
 * population; propagation then hands the projections their spikes population by population): the spikes and
 * weights of the same network delivered row by row, bit for bit.
 */
describe('dendritic handler: tile-by-tile delivery in a network', () => {
  function hpcLike() {
    const sim = createSimulator({ seed: 3 });
    const E = sim.create('iaf_psc_alpha', 300, { tau_minus: 20 });
    const I = sim.create('iaf_psc_alpha', 75);
    E.set('V_m', { distribution: 'uniform', min: -70, max: -55 });
    const drive = sim.create('poisson_generator', 1, { rate: 14000 });
    sim.connect(drive, E, 'all_to_all', { weight: 90, delay: 1.5 });
    sim.connect(drive, I, 'all_to_all', { weight: 90, delay: 1.5 });
    sim.connect(E, E, { rule: 'fixed_indegree', indegree: 60 }, { synapse_model: 'stdp_pl_synapse_hom', weight: 45, delay: 1.5, lambda: 0.1, alpha: 0.0513, mu: 0.4 });
    sim.connect(E, I, { rule: 'fixed_indegree', indegree: 60 }, { weight: 45, delay: 1.5 });
    sim.connect(I, E, { rule: 'fixed_indegree', indegree: 15 }, { weight: -200, delay: 1.5 });
    sim.connect(I, I, { rule: 'fixed_indegree', indegree: 15 }, { weight: -200, delay: 1.5 });
    const rec = sim.create('spike_recorder');
    sim.connect(E, rec);
    return { sim, rec };
  }
  it('same spikes and weights as row by row', () => {
    const rows = hpcLike();
    const tiles = hpcLike();
    const plastic = (sim: Simulator) => sim.projections.find((p) => p.synapseModel.plastic)!;
    rows.sim.simulate(500);
    // The runtimes are built when the network compiles, at the first simulate.
    setDendriticTiling(16, 1);
    try {
      tiles.sim.simulate(500);
    } finally {
      setDendriticTiling(2048, 16384);
    }
    expect(plastic(rows.sim).runtime!.capabilities?.batch).toBeUndefined();
    expect(plastic(tiles.sim).runtime!.capabilities?.batch).toBeTypeOf('function');
    const a = rows.rec.events();
    expect(a.times.length).toBeGreaterThan(500);
    expect(tiles.rec.events()).toEqual(a);
    const w = Array.from(plastic(rows.sim).weights());
    expect(Array.from(plastic(tiles.sim).weights())).toEqual(w);
    expect(w.filter((x) => x !== Math.fround(45)).length).toBeGreaterThan(0.5 * w.length);
  });
});
