/**
 * The matrix exponential by scaling and squaring with a [6/6] Padé approximant (Moler & Van Loan 2003,
 * method 3): scale A by 2^-s so that ‖A‖∞ ≤ 1/2, where the approximant's relative error bound is 3.4e-16,
 * then square s times. Used once per population for the exact scheme's propagators, in float64; a repeated
 * eigenvalue (τm = τsyn) needs no special case.
 */
export type Matrix = number[][];

export function identity(n: number): Matrix {
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
}

export function matmul(a: Matrix, b: Matrix): Matrix {
  const n = a.length, m = b[0].length, k = b.length;
  const out: Matrix = Array.from({ length: n }, () => new Array(m).fill(0));
  for (let i = 0; i < n; i++) {
    for (let l = 0; l < k; l++) {
      const x = a[i][l];
      if (x === 0) continue;
      for (let j = 0; j < m; j++) out[i][j] += x * b[l][j];
    }
  }
  return out;
}

/** Solve D X = N by Gaussian elimination with partial pivoting. */
export function solve(D: Matrix, N: Matrix): Matrix {
  const n = D.length;
  const a = D.map((r) => r.slice());
  const b = N.map((r) => r.slice());
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r][c]) > Math.abs(a[p][c])) p = r;
    if (a[p][c] === 0) throw new Error('expm: singular Padé denominator');
    [a[c], a[p]] = [a[p], a[c]];
    [b[c], b[p]] = [b[p], b[c]];
    for (let r = c + 1; r < n; r++) {
      const f = a[r][c] / a[c][c];
      if (f === 0) continue;
      for (let j = c; j < n; j++) a[r][j] -= f * a[c][j];
      for (let j = 0; j < b[0].length; j++) b[r][j] -= f * b[c][j];
    }
  }
  for (let c = n - 1; c >= 0; c--) {
    for (let j = 0; j < b[0].length; j++) {
      let s = b[c][j];
      for (let l = c + 1; l < n; l++) s -= a[c][l] * b[l][j];
      b[c][j] = s / a[c][c];
    }
  }
  return b;
}

export function expm(A: Matrix): Matrix {
  const n = A.length;
  let norm = 0;
  for (const row of A) norm = Math.max(norm, row.reduce((s, x) => s + Math.abs(x), 0));
  if (!Number.isFinite(norm)) throw new Error('expm: the matrix has a non-finite entry');
  const s = norm > 0.5 ? Math.ceil(Math.log2(norm / 0.5)) : 0;
  // A power of two: the scaling itself is exact.
  const X = A.map((r) => r.map((x) => x / 2 ** s));
  const q = 6;
  let c = 0.5;
  const I = identity(n);
  let N = I.map((r, i) => r.map((x, j) => x + c * X[i][j]));
  let D = I.map((r, i) => r.map((x, j) => x - c * X[i][j]));
  let Xp = X;
  let positive = true;
  for (let k = 2; k <= q; k++) {
    c = (c * (q - k + 1)) / (k * (2 * q - k + 1));
    Xp = matmul(X, Xp);
    const cx = c;
    N = N.map((r, i) => r.map((x, j) => x + cx * Xp[i][j]));
    D = D.map((r, i) => r.map((x, j) => (positive ? x + cx * Xp[i][j] : x - cx * Xp[i][j])));
    positive = !positive;
  }
  let E = solve(D, N);
  for (let k = 0; k < s; k++) E = matmul(E, E);
  return E;
}
