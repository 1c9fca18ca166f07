import { describe, it, expect } from 'vitest';
import { createSimulator, ParameterError, type SynapseModel } from '../../index.js';
import { staticSynapse } from '../../plugins/synapses/static_synapse.js';
import { builtinPlugins } from '../../plugins/index.js';
import { edgesOf, meanSd } from '../plugins/connections/helpers.js';

const model = 'iaf_psc_exp';

describe('weights and delays drawn from distributions', () => {
  // 200 x 200 indegree 200 = 40000 draws: the standard error of a mean is sd/200, of an sd about sd/283.
  const build = (weight: unknown, delay: unknown = 1.0) => {
    const sim = createSimulator({ seed: 21, dt: 0.1 });
    const a = sim.create(model, 200);
    const b = sim.create(model, 200);
    return edgesOf(sim.connect(a, b, { rule: 'fixed_indegree', indegree: 200 }, { weight, delay } as never)!);
  };
  it('normal(mean, std): mean and sd within 5 standard errors', () => {
    const { mean, sd } = meanSd(build({ distribution: 'normal', mean: 35, std: 3 }).weight);
    expect(Math.abs(mean - 35)).toBeLessThan(5 * (3 / 200));
    expect(Math.abs(sd - 3)).toBeLessThan(5 * (3 / 283));
  });
  it('uniform(min, max): mean (a+b)/2 and sd (b-a)/sqrt(12), all inside the bounds', () => {
    const w = build({ distribution: 'uniform', min: 10, max: 20 }).weight;
    const { mean, sd } = meanSd(w);
    expect(Math.abs(mean - 15)).toBeLessThan(5 * (2.887 / 200));
    expect(Math.abs(sd - 10 / Math.sqrt(12))).toBeLessThan(0.05);
    expect(Math.min(...w)).toBeGreaterThanOrEqual(10);
    expect(Math.max(...w)).toBeLessThanOrEqual(20);
  });
  it('lognormal(mu, sigma) of the underlying normal: mean exp(mu + sigma²/2)', () => {
    const w = build({ distribution: 'lognormal', mean: 1, std: 0.25 }).weight;
    const expected = Math.exp(1 + 0.25 ** 2 / 2);
    const sdExpected = expected * Math.sqrt(Math.expm1(0.25 ** 2));
    const { mean, sd } = meanSd(w);
    expect(Math.abs(mean - expected)).toBeLessThan(5 * (sdExpected / 200));
    expect(Math.abs(sd - sdExpected) / sdExpected).toBeLessThan(0.03);
  });
  it('exponential(beta): mean and sd beta', () => {
    const { mean, sd } = meanSd(build({ distribution: 'exponential', beta: 4 }).weight);
    expect(Math.abs(mean - 4)).toBeLessThan(5 * (4 / 200));
    expect(Math.abs(sd - 4) / 4).toBeLessThan(0.03);
  });
  it('uniform_int(max): integers 0..max-1, each with frequency 1/max', () => {
    const w = build({ distribution: 'uniform_int', max: 4 }).weight;
    const hist = new Float64Array(4);
    let bad = 0;
    for (const x of w) {
      if (Number.isInteger(x) && x >= 0 && x < 4) hist[x]++;
      else bad++;
    }
    expect(bad).toBe(0);
    // 40000 draws: each count 10000 ± 87 (sd).
    for (const c of hist) expect(Math.abs(c - 10000)).toBeLessThan(5 * 87);
  });
  it('clipped normal stays inside [min, max] (redrawn, as NEST does)', () => {
    const w = build({ distribution: 'normal', mean: 0, std: 1, min: -0.5, max: 1 }).weight;
    expect(Math.min(...w)).toBeGreaterThanOrEqual(-0.5);
    expect(Math.max(...w)).toBeLessThanOrEqual(1);
    // Truncated standard normal on [-0.5, 1]: mean (phi(-0.5) - phi(1)) / (Phi(1) - Phi(-0.5))
    // = (0.35207 - 0.24197) / (0.84134 - 0.30854) = 0.2066; standard error about 0.42 / 200 = 0.002.
    expect(Math.abs(meanSd(w).mean - 0.2066)).toBeLessThan(0.01);
  });
  it('delays are rounded to the nearest step (uniform 1.0..2.0 ms at dt 0.1 gives 10..20 steps, ends at half weight)', () => {
    const d = build(1, { distribution: 'uniform', min: 1.0, max: 2.0 }).delay;
    const hist = new Int32Array(21);
    for (const x of d) hist[x]++;
    expect(Math.min(...d)).toBe(10);
    expect(Math.max(...d)).toBe(20);
    // Inner steps collect 0.1 ms of the 1 ms range each, the two ends 0.05 ms.
    expect(Math.abs(hist[15] / d.length - 0.1)).toBeLessThan(0.01);
    expect(Math.abs(hist[10] / d.length - 0.05)).toBeLessThan(0.01);
  });
  it('scalar delays round to the grid: 1.26 ms at dt 0.1 is 13 steps; below dt is an error', () => {
    const sim = createSimulator({ seed: 1, dt: 0.1 });
    const a = sim.create(model, 3);
    expect(sim.connect(a, a, 'all_to_all', { delay: 1.26 })!.table.homDelay).toBe(13);
    // NEST: ld_round(0.15 · 10) = 2 steps (0.15 / 0.1 is 1.4999999999999998 in doubles).
    expect(sim.connect(a, a, 'all_to_all', { delay: 0.15 })!.table.homDelay).toBe(2);
    expect(sim.connect(a, a, 'all_to_all', { delay: 0.05 })!.table.homDelay).toBe(1);
    expect(() => sim.connect(a, a, 'all_to_all', { delay: 0.04 })).toThrow(/delay.*0.04.*dt/);
  });
});

describe('weights and delays given as arrays (NEST layouts)', () => {
  it('one_to_one: weight[i] on edge i -> i', () => {
    const sim = createSimulator({ seed: 2 });
    const a = sim.create(model, 6);
    const b = sim.create(model, 6);
    const w = [1, 2, 3, 4, 5, 6];
    const e = edgesOf(sim.connect(a, b, 'one_to_one', { weight: w, delay: [1, 1, 2, 2, 3, 3] })!);
    for (let k = 0; k < e.src.length; k++) {
      expect(e.weight[k]).toBe(w[e.tgt[k]]);
      expect(e.delay[k]).toBe([10, 10, 20, 20, 30, 30][e.tgt[k]]);
    }
  });
  it('all_to_all: shape [n_targets][n_sources]', () => {
    const sim = createSimulator({ seed: 2 });
    const a = sim.create(model, 3);
    const b = sim.create(model, 4);
    const w = Float64Array.from({ length: 12 }, (_, i) => i + 0.5);
    const e = edgesOf(sim.connect(a, b, 'all_to_all', { weight: w })!);
    expect(e.src.length).toBe(12);
    for (let k = 0; k < 12; k++) expect(e.weight[k]).toBe(w[e.tgt[k] * 3 + e.src[k]]);
  });
  it('fixed_indegree: shape [n_targets][indegree]; each target carries its own row of weights', () => {
    const sim = createSimulator({ seed: 2 });
    const a = sim.create(model, 50);
    const b = sim.create(model, 7);
    const K = 5;
    const w = Float64Array.from({ length: 7 * K }, (_, i) => 100 * Math.floor(i / K) + (i % K));
    const e = edgesOf(sim.connect(a, b, { rule: 'fixed_indegree', indegree: K }, { weight: w })!);
    for (let t = 0; t < 7; t++) {
      const mine = [];
      for (let k = 0; k < e.src.length; k++) if (e.tgt[k] === t) mine.push(e.weight[k]);
      expect(mine.sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4].map((k) => 100 * t + k));
    }
  });
  it('an array of the wrong length, or for a rule without an array layout, is a clear error', () => {
    const sim = createSimulator({ seed: 2 });
    const a = sim.create(model, 4);
    const b = sim.create(model, 4);
    expect(() => sim.connect(a, b, 'one_to_one', { weight: [1, 2, 3] })).toThrow(/'weight' = "an array of length 3".*length 4/);
    expect(() => sim.connect(a, b, 'all_to_all', { delay: [1, 2, 3, 4] })).toThrow(/length 16/);
    expect(() => sim.connect(a, b, { rule: 'pairwise_bernoulli', p: 0.5 }, { weight: [1, 2] })).toThrow(/pairwise_bernoulli.*takes no arrays/);
    expect(() => sim.connect(a, b, 'one_to_one', { weight: [1, NaN, 3, 4] })).toThrow(/weight\[1\]/);
  });
});

describe('bad specs', () => {
  const sim = createSimulator({ seed: 3 });
  const a = sim.create(model, 10);
  const b = sim.create(model, 12);
  it('indegree above the source size without multapses', () => {
    expect(() => sim.connect(a, b, { rule: 'fixed_indegree', indegree: 11, allow_multapses: false })).toThrow(ParameterError);
    expect(() => sim.connect(a, a, { rule: 'fixed_indegree', indegree: 10, allow_multapses: false, allow_autapses: false })).toThrow(/indegree.*10.*at most 9/);
  });
  it('outdegree above the target size without multapses', () => {
    expect(() => sim.connect(a, b, { rule: 'fixed_outdegree', outdegree: 13, allow_multapses: false })).toThrow(/outdegree.*13.*at most 12/);
  });
  it('p outside [0, 1]', () => {
    expect(() => sim.connect(a, b, { rule: 'pairwise_bernoulli', p: 1.5 })).toThrow(/'p' = 1.5.*<= 1/);
    expect(() => sim.connect(a, b, { rule: 'pairwise_bernoulli', p: -0.1 })).toThrow(/'p' = -0.1/);
  });
  it('unknown rule and unknown rule parameter', () => {
    expect(() => sim.connect(a, b, { rule: 'fixed_degree', indegree: 3 })).toThrow(/unknown connection rule 'fixed_degree'.*fixed_indegree/);
    expect(() => sim.connect(a, b, { rule: 'fixed_indegree', in_degree: 3 })).toThrow(/in_degree/);
  });
  it('one_to_one between populations of different sizes; fixed_total_number without multapses', () => {
    expect(() => sim.connect(a, b, 'one_to_one')).toThrow(/one_to_one needs populations of equal size/);
    expect(() => sim.connect(a, b, { rule: 'fixed_total_number', N: 5, allow_multapses: false })).toThrow(/allow_multapses/);
  });
  it('NaN weights; negative weights where the synapse model forbids them', () => {
    expect(() => sim.connect(a, b, 'all_to_all', { weight: NaN })).toThrow(/'weight' = NaN/);
    // A user plugin that forbids negative weights, as plastic models do.
    const positiveOnly: SynapseModel = {
      ...staticSynapse,
      name: 'positive_synapse',
      checkWeight(w, where) {
        if (!(w >= 0)) throw new ParameterError(where, 'weight', w, 'a number >= 0 (positive_synapse)');
      },
    };
    const s2 = createSimulator({ seed: 3, plugins: [...builtinPlugins, positiveOnly] });
    const c = s2.create(model, 10);
    expect(() => s2.connect(c, c, 'all_to_all', { synapse_model: 'positive_synapse', weight: -1 })).toThrow(/'weight' = -1.*>= 0/);
    expect(() => s2.connect(c, c, 'all_to_all', { synapse_model: 'positive_synapse', weight: { distribution: 'normal', mean: 0, std: 1 } })).toThrow(/'weight' = -?\d/);
  });
});

describe('scalar weights of models that store weights per synapse', () => {
  it('fills the per-synapse weight array at freeze (plastic models get a writable array, sign from the scalar)', () => {
    const perSynapse: SynapseModel = { ...staticSynapse, name: 'per_synapse_static', perSynapseWeight: true };
    const sim = createSimulator({ seed: 3, plugins: [...builtinPlugins, perSynapse] });
    const a = sim.create(model, 40);
    const p = sim.connect(a, a, { rule: 'fixed_indegree', indegree: 12 }, { synapse_model: 'per_synapse_static', weight: -2.5 })!;
    expect(p.table.weight).not.toBeNull();
    expect(p.table.weight!.length).toBe(480);
    expect(new Set(p.table.weight)).toEqual(new Set([-2.5]));
    expect(p.table.sign).toBe('in');
    expect(p.bytesPerSynapse()).toBe(6);
  });
});
