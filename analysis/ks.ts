/**
 * Two-sample Kolmogorov–Smirnov test as seed 003 uses it (SciPy's ks_2samp, two-sided): D is the largest
 * distance between the two empirical CDFs; p is the asymptotic p-value from Kolmogorov's limiting
 * distribution, Q(sqrt(n·m/(n+m)) · D) (SciPy's method='asymp').
 */
export interface KsResult {
  D: number;
  p: number;
  n: number;
  m: number;
}

/** Survival function of the Kolmogorov distribution, Q(x) = P(K > x) (SciPy's kstwobign.sf). */
export function kolmogorovSurvival(x: number): number {
  if (!(x > 0)) return 1;
  if (x < 1) {
    // The alternating series converges slowly for small x; Jacobi's theta transform converges fast there.
    const c = (Math.PI * Math.PI) / (8 * x * x);
    let s = 0;
    for (let k = 1; k <= 50; k++) {
      const t = Math.exp(-(2 * k - 1) * (2 * k - 1) * c);
      s += t;
      if (t < 1e-18) break;
    }
    return Math.min(1, Math.max(0, 1 - (Math.sqrt(2 * Math.PI) / x) * s));
  }
  let s = 0;
  for (let k = 1; k <= 100; k++) {
    const t = Math.exp(-2 * k * k * x * x);
    s += k % 2 === 1 ? t : -t;
    if (t < 1e-18) break;
  }
  return Math.min(1, Math.max(0, 2 * s));
}

export function ks2samp(a: ArrayLike<number>, b: ArrayLike<number>): KsResult {
  const n = a.length;
  const m = b.length;
  if (n === 0 || m === 0) return { D: NaN, p: NaN, n, m };
  const x = Float64Array.from(a).sort();
  const y = Float64Array.from(b).sort();
  let i = 0;
  let j = 0;
  let D = 0;
  // Walk both sorted samples; ties are consumed together so the CDFs are compared only between values.
  while (i < n && j < m) {
    const v = Math.min(x[i], y[j]);
    while (i < n && x[i] === v) i++;
    while (j < m && y[j] === v) j++;
    const d = Math.abs(i / n - j / m);
    if (d > D) D = d;
  }
  const en = Math.sqrt((n * m) / (n + m));
  return { D, p: kolmogorovSurvival(en * D), n, m };
}
