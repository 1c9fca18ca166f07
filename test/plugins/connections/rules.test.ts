import { describe, it, expect } from 'vitest';
import { createSimulator, Stream } from '../../../index.js';
import { indexDraw, indexRange } from '../../../plugins/connections/common.js';
import { edgesOf, inDegrees, outDegrees, countMultapses } from './helpers.js';

const model = 'iaf_psc_exp';

describe('fixed_indegree', () => {
  it('gives every target exactly its indegree, without autapses or multapses when forbidden', () => {
    const sim = createSimulator({ seed: 11 });
    const pop = sim.create(model, 300);
    const proj = sim.connect(pop, pop, { rule: 'fixed_indegree', indegree: 120, allow_autapses: false, allow_multapses: false })!;
    const e = edgesOf(proj);
    expect(e.src.length).toBe(300 * 120);
    expect([...new Set(inDegrees(e, 300))]).toEqual([120]);
    expect(e.src.some((s, k) => s === e.tgt[k])).toBe(false);
    expect(countMultapses(e, 300)).toBe(0);
  });
  it('makes multapses when allowed (indegree above the source size)', () => {
    const sim = createSimulator({ seed: 11 });
    const a = sim.create(model, 5);
    const b = sim.create(model, 20);
    const e = edgesOf(sim.connect(a, b, { rule: 'fixed_indegree', indegree: 8 })!);
    expect([...new Set(inDegrees(e, 20))]).toEqual([8]);
    expect(countMultapses(e, 5)).toBeGreaterThan(0);
  });
  it("draws each target's sources from its own stream with Stream.integer, rejections included (the graph of the rule as documented)", () => {
    const seed = 21;
    const N = 700;
    const K = 350;
    for (const [autapses, multapses] of [[false, false], [true, true], [true, false]]) {
      const sim = createSimulator({ seed });
      const pop = sim.create(model, N);
      const proj = sim.connect(pop, pop, { rule: 'fixed_indegree', indegree: K, allow_autapses: autapses, allow_multapses: multapses })!;
      const e = edgesOf(proj);
      const got = Array.from({ length: N }, () => [] as number[]);
      for (let k = 0; k < e.src.length; k++) got[e.tgt[k]].push(e.src[k]);
      const stream = new Stream(seed, 'connect/0', 0);
      for (let t = 0; t < N; t++) {
        stream.reseed(seed, 'connect/0', pop.firstGid + t);
        const want: number[] = [];
        const chosen = new Set<number>();
        while (want.length < K) {
          const s = stream.integer(N);
          if ((!autapses && s === t) || (!multapses && chosen.has(s))) continue;
          chosen.add(s);
          want.push(s);
        }
        want.sort((a, b) => a - b);
        got[t].sort((a, b) => a - b);
        if (got[t].join() !== want.join()) expect(`target ${t}: ${got[t].join()}`).toBe(`target ${t}: ${want.join()}`);
      }
    }
  });
});

describe('fixed_outdegree', () => {
  it('gives every source exactly its outdegree, without autapses or multapses when forbidden', () => {
    const sim = createSimulator({ seed: 12 });
    const pop = sim.create(model, 250);
    const e = edgesOf(sim.connect(pop, pop, { rule: 'fixed_outdegree', outdegree: 100, allow_autapses: false, allow_multapses: false })!);
    expect(e.src.length).toBe(250 * 100);
    expect([...new Set(outDegrees(e, 250))]).toEqual([100]);
    expect(e.src.some((s, k) => s === e.tgt[k])).toBe(false);
    expect(countMultapses(e, 250)).toBe(0);
  });
  it('targets are sorted within each CSR row', () => {
    const sim = createSimulator({ seed: 12 });
    const a = sim.create(model, 50);
    const b = sim.create(model, 400);
    const t = sim.connect(a, b, { rule: 'fixed_outdegree', outdegree: 40 })!.table;
    for (let s = 0; s < 50; s++) for (let k = t.rowStart[s] + 1; k < t.rowStart[s + 1]; k++) expect(t.target[k]).toBeGreaterThanOrEqual(t.target[k - 1]);
  });
});

describe('fixed_total_number', () => {
  it('makes exactly N connections, none an autapse when forbidden, spread uniformly over targets', () => {
    const sim = createSimulator({ seed: 13 });
    const pop = sim.create(model, 200);
    const N = 40000;
    const e = edgesOf(sim.connect(pop, pop, { rule: 'fixed_total_number', N, allow_autapses: false })!);
    expect(e.src.length).toBe(N);
    expect(e.src.some((s, k) => s === e.tgt[k])).toBe(false);
    // Per-target counts are Binomial(N, 1/200): mean 200, sd 14.1; the chi-square over 200 cells
    // (199 degrees of freedom) stays below 199 + 4·sqrt(2·199) = 279 with overwhelming probability.
    const d = inDegrees(e, 200);
    let chi2 = 0;
    for (const c of d) chi2 += (c - 200) ** 2 / 200;
    expect(chi2).toBeLessThan(279);
  });
});

describe('pairwise_bernoulli', () => {
  it('4000 x 4000 at p = 0.02: count within 4 sd of n·m·p, no multapses, no autapses, built fast', () => {
    const sim = createSimulator({ seed: 14 });
    const pop = sim.create(model, 4000);
    const t0 = performance.now();
    const proj = sim.connect(pop, pop, { rule: 'pairwise_bernoulli', p: 0.02, allow_autapses: false })!;
    const ms = performance.now() - t0;
    const e = edgesOf(proj);
    const pairs = 4000 * 3999;
    const mean = pairs * 0.02;
    const sd = Math.sqrt(pairs * 0.02 * 0.98);
    expect(Math.abs(e.src.length - mean)).toBeLessThan(4 * sd);
    expect(countMultapses(e, 4000)).toBe(0);
    expect(e.src.some((s, k) => s === e.tgt[k])).toBe(false);
    // Geometric skipping: ~3.2·10^5 draws, not 1.6·10^7 (generous bound for a shared 2-core machine).
    expect(ms).toBeLessThan(3000);
  });
  it('p = 0 gives nothing, p = 1 gives every pair', () => {
    const sim = createSimulator({ seed: 14 });
    const a = sim.create(model, 30);
    const b = sim.create(model, 40);
    expect(sim.connect(a, b, { rule: 'pairwise_bernoulli', p: 0 })!.count).toBe(0);
    expect(sim.connect(a, b, { rule: 'pairwise_bernoulli', p: 1 })!.count).toBe(1200);
  });
});

describe('all_to_all and one_to_one', () => {
  it('all_to_all connects every pair, minus autapses when forbidden', () => {
    const sim = createSimulator({ seed: 15 });
    const a = sim.create(model, 30);
    expect(sim.connect(a, a, 'all_to_all')!.count).toBe(900);
    const e = edgesOf(sim.connect(a, a, { rule: 'all_to_all', allow_autapses: false })!);
    expect(e.src.length).toBe(870);
    expect(countMultapses(e, 30)).toBe(0);
    expect(e.src.some((s, k) => s === e.tgt[k])).toBe(false);
  });
  it('one_to_one connects i to i; a population to itself without autapses gets nothing', () => {
    const sim = createSimulator({ seed: 15 });
    const a = sim.create(model, 25);
    const b = sim.create(model, 25);
    const e = edgesOf(sim.connect(a, b, 'one_to_one')!);
    expect(e.src.length).toBe(25);
    expect(Array.from(e.src)).toEqual(Array.from(e.tgt));
    expect(sim.connect(a, a, { rule: 'one_to_one', allow_autapses: false })!.count).toBe(0);
  });
});

describe('indexDraw', () => {
  it('gives exactly the numbers of Stream.integer (the graphs stay those of the reference rule)', () => {
    for (const n of [1, 2, 3, 10, 9000, 65536, 1_000_003, 2 ** 31 - 1, 2 ** 32]) {
      const a = new Stream(9, 'idx', n);
      const b = new Stream(9, 'idx', n);
      const { limit, inverse } = indexRange(n);
      for (let i = 0; i < 20000; i++) {
        const x = a.integer(n);
        const y = indexDraw(b.state, n, limit, inverse);
        if (x !== y) expect(`${n}: draw ${i} = ${y}`).toBe(`${n}: draw ${i} = ${x}`);
      }
    }
  });
});

describe('synapse estimates (checked against the table and memory limits before drawing)', () => {
  const ctxOf = (source: number, target: number, params: Record<string, number>, same = false, localCount = target) => ({
    source: { id: 0, eid: 0, model, size: source, firstGid: 1, localStart: 0, localCount: source, params: {} },
    target: { id: 1, eid: 1, model, size: target, firstGid: 1 + source, localStart: 0, localCount, params: {} },
    params, allowAutapses: !same, allowMultapses: true, samePopulation: same, seed: 1, projectionId: 0, where: 'test',
  });

  it('every built-in rule estimates what it then makes: exactly for the fixed ones, within a few sd for the random ones', () => {
    const sim = createSimulator({ seed: 5 });
    const a = sim.create(model, 200);
    const b = sim.create(model, 150);
    const cases: [string, Record<string, number>, 'exact' | number][] = [
      ['all_to_all', {}, 'exact'], ['one_to_one', {}, 'exact'], ['fixed_indegree', { indegree: 30 }, 'exact'],
      ['fixed_outdegree', { outdegree: 20 }, 'exact'], ['fixed_total_number', { N: 5000 }, 'exact'], ['pairwise_bernoulli', { p: 0.1 }, 0.05],
    ];
    for (const [rule, params, tol] of cases) {
      const post = rule === 'one_to_one' ? a : b;
      const made = sim.connect(a, post, { rule, ...params })!.count;
      const estimate = sim.registry.get('connection', rule).estimateSynapses!(ctxOf(200, post.size, params));
      if (tol === 'exact') expect(estimate, rule).toBe(made);
      else expect(Math.abs(estimate - made) / estimate, rule).toBeLessThan(tol);
    }
  });

  it('a rank estimates its own targets only, and autapses left out are not counted', () => {
    const rule = (name: string) => sim0.registry.get('connection', name);
    const sim0 = createSimulator();
    expect(rule('all_to_all').estimateSynapses!(ctxOf(100, 100, {}, true))).toBe(100 * 99);
    expect(rule('one_to_one').estimateSynapses!(ctxOf(100, 100, {}, true))).toBe(0);
    expect(rule('fixed_indegree').estimateSynapses!(ctxOf(1000, 1000, { indegree: 10 }, false, 250))).toBe(2500);
    expect(rule('fixed_total_number').estimateSynapses!(ctxOf(1000, 1000, { N: 4e9 }, false, 250))).toBe(1e9);
  });
});
