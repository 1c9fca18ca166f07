import { describe, it, expect } from 'vitest';
import { GrowableBatch, mergeCanonical } from '../../../plugins/backends/merge.js';
import { fitRunTimeModel } from '../../../bench/scaling.js';

describe('canonical merge', () => {
  it('merges per-rank (step, gid) lists of a block partition into (step, gid) order', () => {
    // Two populations (gids 1-6 and 7-9) split in blocks over 3 ranks; spikes at steps 4 and 5.
    const ranks = [
      { gids: [1, 2, 7, 1], steps: [4, 4, 4, 5] },
      { gids: [3, 8, 4], steps: [4, 4, 5] },
      { gids: [5, 6, 9], steps: [4, 5, 5] },
    ];
    const out = new GrowableBatch(2);
    mergeCanonical(
      ranks.map((r) => Int32Array.from(r.gids)), ranks.map((r) => Int32Array.from(r.steps)),
      new Int32Array(3), Int32Array.from(ranks.map((r) => r.gids.length)), new Int32Array(3), out,
    );
    expect(Array.from(out.steps.subarray(0, out.count))).toEqual([4, 4, 4, 4, 4, 4, 5, 5, 5, 5]);
    expect(Array.from(out.gids.subarray(0, out.count))).toEqual([1, 2, 3, 5, 7, 8, 1, 4, 6, 9]);
  });
});

describe("seed 003's run-time model fit", () => {
  it('recovers α, β, γ from exact points T(n) = α/n + β·log2 n + γ·(n−1)/n', () => {
    const ns = [1, 2, 3, 4, 6, 8];
    const T = ns.map((n) => 10 / n + 0.3 * Math.log2(n) + 0.8 * ((n - 1) / n));
    const fit = fitRunTimeModel(ns, T);
    expect(fit.alpha).toBeCloseTo(10, 9);
    expect(fit.beta).toBeCloseTo(0.3, 9);
    expect(fit.gamma).toBeCloseTo(0.8, 9);
    expect(fit.rms).toBeLessThan(1e-9);
  });

  it('keeps every coefficient non-negative (the paper fits only positive parameters)', () => {
    // Unconstrained least squares gives α 4.00, β 0.58, γ −1.91 for these points; with α, β, γ ≥ 0 the
    // best fit is α alone: α = Σ(T/n) / Σ(1/n²) = 5.30833 / 1.42361 = 3.72878.
    const ns = [1, 2, 3, 4];
    const T = [4, 1.6, 1.0, 0.7];
    const fit = fitRunTimeModel(ns, T);
    expect(fit.alpha).toBeCloseTo(3.72878, 4);
    expect(fit.beta).toBe(0);
    expect(fit.gamma).toBe(0);
  });
});
