import { describe, it, expect } from 'vitest';
import { createSimulator, builtinPlugins, ParameterError, Simulator, type Plugin } from '../../../../index.js';
import { forcer, pairNet, referenceWeight, slaveNeuron, ulp32 } from './helpers.js';
import { nestStdp, nestTriplet } from './rules.js';
import { fingerprint, recurrent } from './recurrent.js';
import { frozenHandler } from '../fixtures/frozen-handler.js';

const dt = 0.1;
const stdp = { tau_plus: 20, tau_minus: 20, lambda: 0.1, alpha: 1.05, mu_plus: 1, mu_minus: 1, Wmax: 100 };
const stdpSyn = { synapse_model: 'stdp_synapse', weight: 50, lambda: 0.1, alpha: 1.05, Wmax: 100 };
const tripletP = { tau_plus: 16.8, tau_plus_triplet: 101, tau_minus: 20, tau_minus_triplet: 110, Aplus: 0.5, Aminus: 0.7, Aplus_triplet: 0.3, Aminus_triplet: 0.2, Wmax: 100 };
const tripletSyn = { synapse_model: 'stdp_triplet_synapse', weight: 50, Aplus: 0.5, Aminus: 0.7, Aplus_triplet: 0.3, Aminus_triplet: 0.2, Wmax: 100, tau_plus: 16.8, tau_plus_triplet: 101 };

/** Spike steps of a small deterministic generator: about one every 8 ms, at least 3 ms apart, from step 100. */
function train(seed: number, count: number): number[] {
  let x = seed * 2654435761 % 4294967296;
  const out: number[] = [];
  let s = 100 + (seed % 7) * 13;
  for (let i = 0; i < count; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    s += 30 + (x % 100);
    out.push(s);
  }
  return out;
}

/**
 * Three forced presynaptic and three forced postsynaptic neurons, all to all: nine plastic synapses, each with
 * its own delays (NEST's [target][source] layout). Returns the table and every neuron's spike steps.
 */
function forcedNet(synapse: Record<string, unknown>, plugins: Plugin[] = []) {
  const n = 3;
  const pre = Array.from({ length: n }, (_, i) => train(11 + i, 24));
  const post = Array.from({ length: n }, (_, i) => train(23 + i, 24));
  const sim = createSimulator({ dt, seed: 1, plugins: [...builtinPlugins, forcer('force_pre', pre), forcer('force_post', post), ...plugins] });
  const P = sim.create('iaf_psc_exp', n, slaveNeuron);
  const Q = sim.create('iaf_psc_exp', n, { ...slaveNeuron, tau_minus: 20, tau_minus_triplet: 110 });
  sim.connect(sim.create('force_pre'), P, 'all_to_all', { weight: 1e6, delay: dt });
  sim.connect(sim.create('force_post'), Q, 'all_to_all', { weight: 1e6, delay: dt });
  const proj = sim.connect(P, Q, 'all_to_all', synapse)!;
  const rec = sim.create('spike_recorder');
  sim.connect(P, rec);
  sim.connect(Q, rec);
  sim.simulate(500);
  const ev = rec.events() as { senders: ArrayLike<number>; times: ArrayLike<number> };
  const steps = (gid: number) => Array.from(ev.senders).flatMap((s, i) => (s === gid ? [Math.round(ev.times[i] / dt) - 1] : []));
  const preSteps = Array.from({ length: n }, (_, i) => steps(P.firstGid + i));
  const postSteps = Array.from({ length: n }, (_, i) => steps(Q.firstGid + i));
  // every forced spike happened (the schedule is what the reference replays)
  for (let i = 0; i < n; i++) expect([preSteps[i], postSteps[i]]).toEqual([pre[i], post[i]]);
  return { sim, proj, preSteps, postSteps, weights: proj.weights(), table: proj.table };
}

/** NEST layout [target][source] of per-synapse values in ms. */
const layout = (f: (target: number, source: number) => number) => Array.from({ length: 9 }, (_, i) => f(Math.floor(i / 3), i % 3));

describe('per-synapse delays on the axonal handler', () => {
  for (const [name, syn, ref] of [['stdp_synapse', stdpSyn, nestStdp(stdp)], ['stdp_triplet_synapse', tripletSyn, nestTriplet(tripletP)]] as const) {
    it(`${name}: every synapse's weight is the axonal (Auryn) rule replayed at its own delay, to 1e-12`, () => {
      const delays = layout((t, s) => [0.8, 1.5, 3.1, 2.2, 0.5, 4.7, 1.0, 6.3, 2.9][t * 3 + s]);
      const net = forcedNet({ ...syn, delay: delays, delay_handler: 'axonal' });
      const t = net.table;
      expect(t.delay).not.toBeNull();
      let moved = 0;
      for (let s = 0; s < 3; s++) {
        for (let k = t.rowStart[s]; k < t.rowStart[s + 1]; k++) {
          const j = t.target[k];
          const d = t.delay![k];
          expect(d).toBe(Math.round(delays[j * 3 + s] / dt));
          const want = referenceWeight(ref, 'axonal', net.preSteps[s], net.postSteps[j], d, 50, dt);
          expect(Math.abs(net.weights[k] - want), `synapse ${s} -> ${j}, delay ${d} steps`).toBeLessThanOrEqual(1e-12 * Math.abs(want));
          if (Math.abs(want - 50) > 1) moved++;
        }
      }
      expect(moved).toBeGreaterThanOrEqual(6);
      net.sim.close();
    });
  }

  it('a delay array of one value gives the single-delay path\'s weights and spikes bit for bit (recurrent network)', () => {
    for (const syn of [
      { synapse_model: 'stdp_synapse', weight: { distribution: 'normal', mean: 35, std: 20, min: 0, max: 70 }, alpha: 1.05, lambda: 0.1, Wmax: 70 },
      { synapse_model: 'triplet_auryn', weight: { distribution: 'normal', mean: 30, std: 20, min: 0, max: 60 }, eta: 5000, tau_hom: 1000, kappa: 3, Wmax: 60 },
    ]) {
      const one = recurrent({ ...syn, delay_handler: 'axonal' }, { ms: 400 });
      const arr = recurrent({ ...syn, delay_handler: 'axonal', delay: { distribution: 'uniform', min: 1.5, max: 1.50001 } }, { ms: 400 });
      expect(one.senders.length).toBeGreaterThan(500);
      expect(fingerprint(arr)).toBe(fingerprint(one));
    }
  });
});

describe("the 'split' handler (NEST's axonal_delay + dendritic_delay)", () => {
  it('both parts > 0: each weight is the rule replayed with pre spikes at e + d_a and post spikes at t + d_d, to 1e-12', () => {
    const ax = layout((t, s) => [0.3, 1.2, 0, 2.0, 0.7, 1.5, 0.1, 3.0, 0.9][t * 3 + s]);
    const de = layout((t, s) => [1.2, 0.3, 0.8, 0.1, 2.1, 0, 1.7, 0.5, 2.6][t * 3 + s]);
    const net = forcedNet({ ...stdpSyn, delay_handler: 'split', axonal_delay: ax, dendritic_delay: de });
    const t = net.table;
    let moved = 0;
    for (let s = 0; s < 3; s++) {
      for (let k = t.rowStart[s]; k < t.rowStart[s + 1]; k++) {
        const j = t.target[k];
        const a = Math.round(ax[j * 3 + s] / dt);
        const b = Math.round(de[j * 3 + s] / dt);
        expect(t.delay![k]).toBe(a + b);
        expect(t.axonalDelay![k]).toBe(a);
        const want = referenceWeight(nestStdp(stdp), 'axonal', net.preSteps[s], net.postSteps[j].map((x) => x + b), a, 50, dt);
        expect(Math.abs(net.weights[k] - want), `synapse ${s} -> ${j}, axonal ${a}, dendritic ${b} steps`).toBeLessThanOrEqual(1e-12 * Math.abs(want));
        if (Math.abs(want - 50) > 1) moved++;
      }
    }
    expect(moved).toBeGreaterThanOrEqual(6);
    net.sim.close();
  });

  it("one pair: stdp_synapse's Δw at the lag post − pre shifted by d_a − d_d, to 1e-12", () => {
    const a = 12; // steps
    const b = 5;
    for (const lag of [-150, -40, -8, 9, 30, 120]) {
      const pre = [1000];
      const post = [1000 + lag];
      const net = pairNet({ dt, pre, post, synapse: { ...stdpSyn, delay_handler: 'split', axonal_delay: a * dt, dendritic_delay: b * dt } });
      net.sim.simulate(1300 * dt);
      expect(Array.from(net.postSteps())).toEqual(post);
      const atSynapse = lag - (a - b); // post arrives at t + b, pre at e + a
      const w0 = 50 / 100;
      const w = atSynapse > 0
        ? Math.min(w0 + 0.1 * (1 - w0) * Math.exp((-atSynapse * dt) / 20), 1) * 100
        : Math.max(w0 - 1.05 * 0.1 * w0 * Math.exp((atSynapse * dt) / 20), 0) * 100;
      const got = net.weights()[0];
      expect(Math.abs(got - Math.fround(w)), `lag ${lag} steps`).toBeLessThanOrEqual(1e-12 * w);
      expect(Math.abs(got - 50)).toBeGreaterThan(0.01);
      net.sim.close();
    }
  });

  it('dendritic_delay 0 gives the axonal handler\'s weights and spikes bit for bit (recurrent network)', () => {
    for (const syn of [
      { synapse_model: 'stdp_synapse', weight: { distribution: 'normal', mean: 35, std: 20, min: 0, max: 70 }, alpha: 1.05, lambda: 0.1, Wmax: 70 },
      { synapse_model: 'triplet_auryn', weight: { distribution: 'normal', mean: 30, std: 20, min: 0, max: 60 }, eta: 5000, tau_hom: 1000, kappa: 3, Wmax: 60 },
    ]) {
      const axonal = recurrent({ ...syn, delay_handler: 'axonal' }, { ms: 400 });
      const split = recurrent({ ...syn, delay_handler: 'split', delay: undefined, axonal_delay: 1.5, dendritic_delay: 0 }, { ms: 400 });
      expect(fingerprint(split)).toBe(fingerprint(axonal));
    }
  });

  it("axonal_delay 0 gives the dendritic handler's weights (pairs far apart: one float32 rounding per event apart)", () => {
    const lags = [-300, -120, -40, -7, 6, 25, 90, 250];
    for (const [syn, ref] of [[stdpSyn, nestStdp(stdp)], [tripletSyn, nestTriplet(tripletP)]] as const) {
      const pre: number[] = [];
      const post: number[] = [];
      lags.forEach((lag, i) => {
        pre.push(1000 + i * 10000);
        post.push(1000 + i * 10000 + lag);
      });
      pre.push(1000 + lags.length * 10000);
      const d = 15;
      const run = (s: Record<string, unknown>) => {
        const net = pairNet({ dt, pre, post, synapse: s, postParams: { tau_minus_triplet: 110 } });
        net.sim.simulate((pre[pre.length - 1] + 30) * dt);
        const w = net.weights()[0];
        net.sim.close();
        return w;
      };
      const wd = run({ ...syn, delay: d * dt });
      const ws = run({ ...syn, delay_handler: 'split', axonal_delay: 0, dendritic_delay: d * dt });
      const want = referenceWeight(ref, 'dendritic', pre, post, d, 50, dt);
      expect(Math.abs(wd - 50)).toBeGreaterThan(0.1);
      expect(Math.abs(ws - wd)).toBeLessThanOrEqual(4 * lags.length * ulp32(wd));
      expect(Math.abs(ws - want)).toBeLessThanOrEqual(4 * lags.length * ulp32(want));
    }
  });

  it('drawn parts are rounded to whole steps each; the table holds their sum and the axonal part', () => {
    const sim = createSimulator({ seed: 3 });
    const E = sim.create('iaf_psc_exp', 40);
    const p = sim.connect(E, E, { rule: 'fixed_indegree', indegree: 5 }, {
      ...stdpSyn, delay_handler: 'split', axonal_delay: { distribution: 'uniform', min: 0, max: 2 }, dendritic_delay: { distribution: 'uniform', min: 0.1, max: 1 },
    })!;
    sim.simulate(5);
    const t = p.table;
    expect(t.delay).not.toBeNull();
    let distinct = new Set<number>();
    for (let k = 0; k < t.count; k++) {
      const a = t.axonalDelay![k];
      expect(a).toBeGreaterThanOrEqual(0);
      expect(a).toBeLessThanOrEqual(20);
      expect(t.delay![k] - a).toBeGreaterThanOrEqual(1);
      expect(t.delay![k] - a).toBeLessThanOrEqual(10);
      distinct.add(a);
    }
    expect(distinct.size).toBeGreaterThan(10);
    // target 2 B, weight 4, delay 2, axonal part 2, reverse index 6 and its delays 2, rows by delay 4
    expect(p.bytesPerSynapse()).toBe(22);
    distinct = new Set();
    sim.close();
  });

  it('refuses bad split delays by name, before anything is built', () => {
    const build = (syn: Record<string, unknown>) => {
      const sim = createSimulator();
      const E = sim.create('iaf_psc_exp', 10);
      try {
        sim.connect(E, E, { rule: 'fixed_indegree', indegree: 2 }, { ...stdpSyn, ...syn });
      } finally {
        sim.close();
      }
    };
    expect(() => build({ delay_handler: 'split', delay: 1, axonal_delay: 0.5 })).toThrow(/'delay'.*axonal_delay.*dendritic_delay/);
    expect(() => build({ delay_handler: 'split', axonal_delay: -0.5, dendritic_delay: 1 })).toThrow(/axonal_delay.*>= 0/);
    expect(() => build({ delay_handler: 'split', axonal_delay: 0.5, dendritic_delay: -1 })).toThrow(ParameterError);
    expect(() => build({ delay_handler: 'split', axonal_delay: 0, dendritic_delay: 0.02 })).toThrow(/axonal_delay \+ dendritic_delay.*>= the resolution/);
    expect(() => build({ delay_handler: 'split', axonal_delay: { distribution: 'uniform', min: -1, max: 0 }, dendritic_delay: 1 })).toThrow(/axonal_delay.*>= 0/);
    expect(() => build({ axonal_delay: 0.5, dendritic_delay: 1 })).toThrow(/axonal_delay.*'split'/);
    expect(() => build({ delay_handler: 'axonal', dendritic_delay: 1 })).toThrow(/dendritic_delay.*'split'.*'delay'/);
  });

  it('defaults as NEST: dendritic_delay 1 ms, axonal_delay 0', () => {
    const sim = createSimulator();
    const E = sim.create('iaf_psc_exp', 10);
    const p = sim.connect(E, E, { rule: 'fixed_indegree', indegree: 2 }, { ...stdpSyn, delay_handler: 'split' })!;
    expect(p.table.homDelay).toBe(10);
    expect(p.table.homAxonalDelay).toBe(0);
    sim.close();
  });
});

describe('delay handlers are plugins', () => {
  it('a user handler registered with the plugins is chosen by name; unknown names list the registered ones', () => {
    const run = (syn: Record<string, unknown>, plugins: Plugin[]) => {
      const sim = createSimulator({ seed: 5, plugins });
      const E = sim.create('iaf_psc_exp', 100, { E_L: 0, V_reset: 0, V_th: 20, C_m: 250, tau_m: 20, t_ref: 2 });
      E.set('V_m', { distribution: 'uniform', min: 0, max: 19 });
      sim.connect(sim.create('poisson_generator', 1, { rate: 4300 }), E, 'all_to_all', { weight: 35, delay: 1.5 });
      const p = sim.connect(E, E, { rule: 'fixed_indegree', indegree: 20 }, { weight: { distribution: 'uniform', min: 10, max: 40 }, delay: { distribution: 'uniform', min: 1, max: 3 }, ...syn })!;
      const rec = sim.create('spike_recorder');
      sim.connect(E, rec);
      sim.simulate(300);
      const ev = rec.events() as { senders: ArrayLike<number>; times: ArrayLike<number> };
      const out = { senders: Array.from(ev.senders), times: Array.from(ev.times), weights: p.weights() };
      sim.close();
      return out;
    };
    const withUser = [...builtinPlugins, frozenHandler];
    const frozen = run({ synapse_model: 'stdp_synapse', Wmax: 100, delay_handler: 'frozen' }, withUser);
    const fixed = run({ synapse_model: 'static_synapse' }, [...builtinPlugins]);
    const learning = run({ synapse_model: 'stdp_synapse', Wmax: 100, delay_handler: 'axonal' }, withUser);
    expect(frozen.senders.length).toBeGreaterThan(300);
    expect(frozen).toEqual(fixed);
    expect(learning.weights).not.toEqual(fixed.weights);
    expect(() => run({ synapse_model: 'stdp_synapse', delay_handler: 'somatic' }, withUser)).toThrow(/delay_handler.*'dendritic', 'axonal', 'split', 'frozen'/);
    expect(() => run({ synapse_model: 'stdp_synapse', delay_handler: 'frozen' }, [...builtinPlugins])).toThrow(/delay_handler.*"frozen".*'dendritic', 'axonal', 'split'/);
  });

  it("the registry lists them under their kind, 'dendritic' the default", () => {
    const sim = createSimulator();
    const names = sim.registry.all('delay_handler').map((h) => h.name);
    expect(names).toEqual(['dendritic', 'axonal', 'split']);
    expect(sim.registry.defaultOf('delay_handler', 'test').name).toBe('dendritic');
    sim.close();
  });
});

/** Plastic projections of every new kind, with a weight recorder: what the worker and checkpoint tests run. */
function mixedNet(sim: Simulator): void {
  const E = sim.create('iaf_psc_exp', 90, { E_L: 0, V_reset: 0, V_th: 20, C_m: 250, tau_m: 20, t_ref: 2, tau_minus_triplet: 110 });
  E.set('V_m', { distribution: 'uniform', min: 0, max: 19 });
  sim.connect(sim.create('poisson_generator', 1, { rate: 4500 }), E, 'all_to_all', { weight: 35, delay: 1.5 });
  const weight = { distribution: 'uniform', min: 5, max: 25 } as const;
  const a = sim.connect(E, E, { rule: 'fixed_indegree', indegree: 10 }, { ...tripletSyn, weight, delay_handler: 'axonal', delay: { distribution: 'uniform', min: 0.5, max: 4 } })!;
  const s = sim.connect(E, E, { rule: 'fixed_indegree', indegree: 10 }, {
    synapse_model: 'triplet_auryn', weight, eta: 5000, tau_hom: 1000, kappa: 3, Wmax: 60,
    delay_handler: 'split', axonal_delay: { distribution: 'uniform', min: 0, max: 2 }, dendritic_delay: { distribution: 'uniform', min: 0, max: 2 },
  })!;
  const f = sim.connect(E, E, { rule: 'fixed_indegree', indegree: 5 }, { ...stdpSyn, weight, delay_handler: 'frozen' })!;
  sim.connect(E, sim.create('spike_recorder'));
  sim.create('weight_recorder', 1, { interval: 50 }, { projections: [a, s, f] });
}

function events(sim: Simulator) {
  return sim.devices.filter((d) => d.kind === 'recorder').map((d) => {
    const ev = d.events<Record<string, ArrayLike<number>>>();
    return Object.fromEntries(Object.entries(ev).map(([k, v]) => [k, Array.from(v)]));
  });
}

describe('per-synapse and split delays on worker threads and through checkpoints', () => {
  const plugins = [...builtinPlugins, frozenHandler];

  it('2 workers give the spikes and weights of one process', () => {
    const one = createSimulator({ seed: 9, plugins });
    mixedNet(one);
    one.simulate(300);
    const ref = events(one);
    one.close();
    expect(ref[0].senders.length).toBeGreaterThan(500);
    expect(ref[1].weights.length).toBeGreaterThan(1000);
    const two = createSimulator({ seed: 9, plugins, backend: 'workers', workers: 2, pluginModules: [{ url: new URL('../fixtures/frozen-handler.ts', import.meta.url).href }] });
    mixedNet(two);
    two.simulate(300);
    expect(events(two)).toEqual(ref);
    two.close();
  }, 60_000);

  it('a checkpoint mid-run (arrivals and back-propagations in flight) resumes bit for bit', () => {
    const ref = createSimulator({ seed: 9, plugins });
    mixedNet(ref);
    ref.simulate(150.3);
    const bytes = ref.toCheckpoint();
    ref.simulate(149.7);
    const resumed = Simulator.fromCheckpoint(bytes, { plugins });
    resumed.simulate(149.7);
    for (let i = 0; i < 3; i++) expect(Buffer.from(resumed.projections[i].weights().buffer).equals(Buffer.from(ref.projections[i].weights().buffer))).toBe(true);
    const [a] = events(ref);
    const [b] = events(resumed);
    const after = (e: Record<string, number[]>) => e.times.flatMap((t, i) => (t > 150.3 ? [`${e.senders[i]}@${t}`] : []));
    expect(after(a).length).toBeGreaterThan(100);
    expect(after(b)).toEqual(after(a));
    ref.close();
    resumed.close();
  });
});
