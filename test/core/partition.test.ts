import { describe, it, expect } from 'vitest';
import { createSimulator, type ConnSpec, type SynSpec } from '../../index.js';
import { edgesOf, edgeKeys, stubComm } from '../plugins/connections/helpers.js';

const model = 'iaf_psc_exp';

/** Build the same projection on one rank and on each of two ranks; return the edge key lists. */
function buildOn(conn: ConnSpec, syn: SynSpec, nPre: number, nPost: number, same: boolean): { single: string[]; union: string[]; perRank: number[] } {
  const build = (rank: number, size: number) => {
    const sim = createSimulator({ seed: 77, comm: stubComm(rank, size) });
    const a = sim.create(model, nPre);
    const b = same ? a : sim.create(model, nPost);
    const proj = sim.connect(a, b, conn, syn)!;
    expect(proj.target.localCount).toBe(size === 1 ? nPost : rank === 0 ? Math.floor(nPost / 2) : nPost - Math.floor(nPost / 2));
    return edgeKeys(edgesOf(proj));
  };
  const single = build(0, 1);
  const r0 = build(0, 2);
  const r1 = build(1, 2);
  return { single, union: [...r0, ...r1].sort(), perRank: [r0.length, r1.length] };
}

const weights: SynSpec = { weight: { distribution: 'normal', mean: 10, std: 2 }, delay: { distribution: 'uniform', min: 0.5, max: 3 } };

describe('the graph does not depend on the rank count (comm size 1 vs 2)', () => {
  const cases: [string, ConnSpec, boolean][] = [
    ['fixed_indegree', { rule: 'fixed_indegree', indegree: 40, allow_autapses: false, allow_multapses: false }, true],
    ['fixed_outdegree', { rule: 'fixed_outdegree', outdegree: 30, allow_autapses: false, allow_multapses: false }, true],
    ['fixed_total_number', { rule: 'fixed_total_number', N: 5000, allow_autapses: false }, true],
    ['pairwise_bernoulli', { rule: 'pairwise_bernoulli', p: 0.1, allow_autapses: false }, true],
    ['all_to_all', { rule: 'all_to_all', allow_autapses: false }, true],
    ['one_to_one', 'one_to_one', false],
  ];
  for (const [name, conn, same] of cases) {
    it(`${name}: union of both ranks' tables equals the single-rank table`, () => {
      const { single, union, perRank } = buildOn(conn, weights, 101, 101, same);
      expect(single.length).toBeGreaterThan(0);
      expect(perRank[0]).toBeGreaterThan(0);
      expect(perRank[1]).toBeGreaterThan(0);
      expect(union).toEqual(single);
    });
  }
});

describe('weight and delay arrays on two ranks', () => {
  it('fixed_indegree [n_targets][indegree] arrays: the union of both ranks equals the single-rank table', () => {
    const K = 7;
    const n = 41;
    const weight = Float64Array.from({ length: n * K }, (_, i) => 1 + i);
    const delay = Float64Array.from({ length: n * K }, (_, i) => 0.1 * (1 + (i % 13)));
    const { single, union, perRank } = buildOn({ rule: 'fixed_indegree', indegree: K }, { weight, delay }, 30, n, false);
    expect(perRank[0] + perRank[1]).toBe(n * K);
    expect(union).toEqual(single);
  });
});

describe('blocks of a population over ranks', () => {
  it('are contiguous, ordered, cover every neuron once, and differ in size by at most one', async () => {
    const { blockOf, localRange } = await import('../../core/partition.js');
    for (const n of [1, 7, 10, 11250]) {
      for (const size of [1, 2, 3, 7]) {
        let next = 0;
        const counts: number[] = [];
        for (let r = 0; r < size; r++) {
          const b = blockOf(n, r, size);
          expect(b.start).toBe(next);
          next += b.count;
          counts.push(b.count);
        }
        expect(next).toBe(n);
        expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
      }
    }
    // A device on neurons [3, 8) of a population whose block here is [5, 10): local 0..3.
    expect(localRange(3, 8, 5, 5)).toEqual({ lo: 0, hi: 3 });
    expect(localRange(0, 4, 5, 5)).toEqual({ lo: 0, hi: 0 });
  });
});
