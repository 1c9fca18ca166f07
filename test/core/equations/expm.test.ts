import { describe, it, expect } from 'vitest';
import { expm, matmul, solve, identity } from '../../../core/equations/expm.js';

const close = (a: number[][], b: number[][], tol: number) => {
  for (let i = 0; i < a.length; i++) for (let j = 0; j < a.length; j++) expect(Math.abs(a[i][j] - b[i][j]), `[${i}][${j}]`).toBeLessThan(tol * Math.max(1, Math.abs(b[i][j])));
};

describe('matrix exponential (scaling and squaring, [6/6] Padé)', () => {
  it('is exact on the zero matrix and exponentiates a diagonal to 1e-15 relative', () => {
    expect(expm([[0, 0], [0, 0]])).toEqual(identity(2));
    close(expm([[-0.01, 0], [0, -2.5]]), [[Math.exp(-0.01), 0], [0, Math.exp(-2.5)]], 1e-15);
  });

  it('gives a rotation for a skew-symmetric matrix, also after many squarings (norm 50)', () => {
    for (const t of [0.3, 50]) close(expm([[0, t], [-t, 0]]), [[Math.cos(t), Math.sin(t)], [-Math.sin(t), Math.cos(t)]], 1e-12);
  });

  it('handles a Jordan block (a repeated eigenvalue) without a special case: exp([[a, 1], [0, a]]) = e^a [[1, 1], [0, 1]]', () => {
    const a = -0.01;
    close(expm([[a, 1], [0, a]]), [[Math.exp(a), Math.exp(a)], [0, Math.exp(a)]], 1e-14);
  });

  it('solves linear systems with pivoting', () => {
    const D = [[0, 2], [3, 1]], N = [[4, 0], [5, 3]];
    close(matmul(D, solve(D, N)), N, 1e-15);
  });
});
