import { describe, it, expect } from 'vitest';
import { StreamBank, poissonDraw } from '../../../core/rng.js';
import { poissonThresholds, emitPoissonTable } from '../../../plugins/generators/poisson_generator.js';

/** Counts one emit step writes, recovered from the ring row (weight 1, identity targets). */
function tableCounts(state: Uint32Array, n: number, lambda: number, steps: number): Float64Array {
  const local = Int32Array.from({ length: n }, (_, i) => i);
  const thresholds = poissonThresholds(lambda);
  const out = new Float64Array(n * steps);
  for (let s = 0; s < steps; s++) emitPoissonTable(n, local, state, thresholds, out, s * n, Float64Array.of(1));
  return out;
}

describe('poisson_generator threshold kernel', () => {
  for (const lambda of [0.004, 0.0405, 0.405, 2.5, 9.9]) {
    it(`gives the sequential search's count for every stream word (lambda ${lambda})`, () => {
      const n = 500;
      const steps = 200;
      const a = new StreamBank(7, 'test/poisson', Float64Array.from({ length: n }, (_, i) => i + 1));
      const b = new StreamBank(7, 'test/poisson', Float64Array.from({ length: n }, (_, i) => i + 1));
      const fast = tableCounts(a.state, n, lambda, steps);
      let mismatches = 0;
      for (let s = 0; s < steps; s++) {
        for (let i = 0; i < n; i++) if (poissonDraw(b.state, i, lambda) !== fast[s * n + i]) mismatches++;
      }
      expect(mismatches).toBe(0);
      // The streams advanced by exactly one word per target and step in both paths.
      expect(Array.from(a.state)).toEqual(Array.from(b.state));
    });
  }

  it('draws counts with the Poisson mean and variance (cuba drive: 4050 Hz at dt 0.1 ms)', () => {
    const lambda = 4050 * 0.1e-3;
    const n = 2000;
    const steps = 250; // 5 * 10^5 draws: the mean's standard error is sqrt(lambda / N) = 9e-4
    const bank = StreamBank.range(11, 'test/poisson-moments', 1, n);
    const c = tableCounts(bank.state, n, lambda, steps);
    let sum = 0;
    let sq = 0;
    for (const k of c) {
      sum += k;
      sq += k * k;
    }
    const N = c.length;
    const mean = sum / N;
    const variance = sq / N - mean * mean;
    expect(Math.abs(mean - lambda)).toBeLessThan(5 * Math.sqrt(lambda / N));
    // Var of the sample variance of Poisson: (lambda + 2 lambda^2) / N.
    expect(Math.abs(variance - lambda)).toBeLessThan(5 * Math.sqrt((lambda + 2 * lambda * lambda) / N));
    // P(k = 0) = e^-lambda within 5 standard errors.
    let zeros = 0;
    for (const k of c) if (k === 0) zeros++;
    const p0 = Math.exp(-lambda);
    expect(Math.abs(zeros / N - p0)).toBeLessThan(5 * Math.sqrt((p0 * (1 - p0)) / N));
  });
});
