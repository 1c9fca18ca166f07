import { describe, it, expect } from 'vitest';
import { ks2samp, kolmogorovSurvival } from '../../analysis/ks.js';
import { Stream } from '../../core/rng.js';

describe('two-sample Kolmogorov-Smirnov', () => {
  it('identical samples: D = 0, p = 1', () => {
    const a = Array.from({ length: 500 }, (_, i) => Math.sin(i) * 10);
    const r = ks2samp(a, [...a].reverse());
    expect(r.D).toBe(0);
    expect(r.p).toBe(1);
  });

  it('uniform samples shifted by delta: D = delta', () => {
    const n = 10000;
    for (const delta of [0.05, 0.2, 0.5]) {
      const a = Array.from({ length: n }, (_, i) => (i + 0.5) / n);
      const b = a.map((x) => x + delta);
      const r = ks2samp(a, b);
      expect(Math.abs(r.D - delta)).toBeLessThanOrEqual(1 / n + 1e-12);
    }
    // Disjoint samples: D = 1.
    expect(ks2samp([1, 2, 3], [4, 5]).D).toBe(1);
  });

  it('normal samples shifted by one sd: D near 2Φ(1/2) − 1 = 0.3829', () => {
    const rng = new Stream(11, 'ks-test');
    const a = Array.from({ length: 20000 }, () => rng.normal(0, 1));
    const b = Array.from({ length: 20000 }, () => rng.normal(1, 1));
    const r = ks2samp(a, b);
    // Sampling error of D at n = m = 20000 is about 0.01.
    expect(Math.abs(r.D - 0.38292492254802624)).toBeLessThan(0.03);
    expect(r.p).toBeLessThan(1e-100);
  });

  it('asymptotic p-value is the Kolmogorov survival function (SciPy kstwobign.sf)', () => {
    expect(kolmogorovSurvival(1)).toBeCloseTo(0.26999967167735456, 12);
    expect(kolmogorovSurvival(0.5)).toBeCloseTo(0.9639452436648751, 12);
    expect(kolmogorovSurvival(1.3580986393225507)).toBeCloseTo(0.05, 10);
    // Both series agree where they meet.
    expect(Math.abs(kolmogorovSurvival(0.9999999) - kolmogorovSurvival(1.0000001))).toBeLessThan(1e-6);
    // ks_2samp([1..5], [6..10], method='asymp'): D = 1, p = kstwobign.sf(sqrt(2.5)).
    const r = ks2samp([1, 2, 3, 4, 5], [6, 7, 8, 9, 10]);
    expect(r.D).toBe(1);
    expect(r.p).toBeCloseTo(2 * (Math.exp(-5) - Math.exp(-20) + Math.exp(-45)), 12);
  });

  it('two samples of one distribution: p is not small', () => {
    const rng = new Stream(5, 'ks-same');
    const a = Array.from({ length: 3000 }, () => rng.normal(3, 2));
    const b = Array.from({ length: 2000 }, () => rng.normal(3, 2));
    const r = ks2samp(a, b);
    expect(r.D).toBeLessThan(0.06);
    expect(r.p).toBeGreaterThan(0.001);
  });
});
