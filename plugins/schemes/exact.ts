import type { CompiledModel, EquationScheme } from '../../core/equations/scheme.js';
import { affine, evaluateConstant, literal, type Node } from '../../core/equations/ir.js';
import { expm } from '../../core/equations/expm.js';

/**
 * Exact integration (Rotter & Diesmann 1999) for models whose ODEs are linear with constant coefficients
 * between spikes: dy/dt = A y + b + g I_stim. The constant and the current input (constant over a step)
 * are two extra states of an augmented system, so one matrix exponential, computed once per population
 * in float64, gives the propagator: y(t+h) = P y(t) + p0 + pI I_stim. While refractory the clamped rows
 * of A are zero, which needs a second propagator. NEST's iaf_psc_exp and iaf_psc_alpha propagators are
 * entries of this matrix, the τm = τsyn case included (no special case: expm has none).
 */

/** Propagator rows: for each variable, the nonzero (column, factor) pairs, the constant and the current factor. */
interface Rows {
  terms: [number, number][][];
  c0: number[];
  cI: number[];
}

function linearity(derivs: readonly Node[], k: number): { coef: number[][]; reason?: undefined } | { reason: string } {
  const coef: number[][] = [];
  for (const d of derivs) {
    const a = affine(d, k);
    if ('nonlinear' in a) return { reason: a.nonlinear };
    // Coefficients are constant trees once the parameters are bound.
    coef.push([...a.coef.map((c) => (c === null ? 0 : evaluateConstant(c, {}))), a.c0 === null ? 0 : evaluateConstant(a.c0, {})]);
  }
  return { coef };
}

/** The augmented system's propagator over dt: state columns, then I_stim, then the constant 1. */
export function propagator(derivs: readonly Node[], k: number, dt: number): Rows & { matrix: number[][] } {
  const lin = linearity(derivs, k);
  if (lin.reason !== undefined) throw new Error(`exact: not linear (${lin.reason})`);
  const n = k + 2;
  const M = Array.from({ length: n }, () => new Array(n).fill(0));
  for (let j = 0; j < k; j++) for (let l = 0; l <= k + 1; l++) M[j][l] = lin.coef[j][l] * dt;
  const E = expm(M);
  const rows: Rows = { terms: [], c0: [], cI: [] };
  for (let j = 0; j < k; j++) {
    rows.terms.push(E[j].slice(0, k).map((x, l) => [l, x] as [number, number]).filter(([, x]) => x !== 0));
    rows.cI.push(E[j][k]);
    rows.c0.push(E[j][k + 1]);
  }
  return { ...rows, matrix: E };
}

function describeNonlinear(m: CompiledModel): string | undefined {
  for (let j = 0; j < m.derivs.length; j++) {
    const a = affine(m.derivs[j], m.states.length);
    if ('nonlinear' in a) {
      return `d${m.states[j]}/dt is not linear in the state variables with constant coefficients (term '${a.nonlinear}'); use rkf45, rk4, rk2 or euler`;
    }
  }
  return undefined;
}

/** The new values of all variables from the old ones: the same sums, in the same order, in both back ends. */
function rowSource(r: Rows, j: number, vars: readonly string[]): string {
  // 1 * y is y exactly: the held rows of the refractory propagator cost nothing.
  const parts = r.terms[j].map(([l, x]) => (x === 1 ? vars[l] : `(${literal(x)} * ${vars[l]})`));
  if (r.c0[j] !== 0) parts.push(literal(r.c0[j]));
  if (r.cI[j] !== 0) parts.push(`(${literal(r.cI[j])} * stim)`);
  return parts.length ? parts.reduce((s, t) => `(${s} + ${t})`) : '0';
}

function rowValue(r: Rows, j: number, y: Float64Array, stim: number): number {
  const t = r.terms[j];
  let acc = 0, first = true;
  for (let q = 0; q < t.length; q++) {
    const v = t[q][1] * y[t[q][0]];
    acc = first ? v : acc + v;
    first = false;
  }
  if (r.c0[j] !== 0) { acc = first ? r.c0[j] : acc + r.c0[j]; first = false; }
  if (r.cI[j] !== 0) { const v = r.cI[j] * stim; acc = first ? v : acc + v; }
  return acc;
}

interface Prep {
  free: Rows;
  refractory?: Rows;
}

export const exact: EquationScheme = {
  name: 'exact',
  doc: 'exact integration of linear ODEs by the matrix exponential (propagators computed once, float64)',
  precision: 'f64',
  refuse: describeNonlinear,
  prepare(m, bound, boundRefractory, dt): Prep {
    const k = m.states.length;
    const free = propagator(bound, k, dt);
    const needRefr = m.refractory !== undefined && m.clamped.some((c) => c);
    return { free, refractory: needRefr ? propagator(boundRefractory, k, dt) : undefined };
  },
  emit(c) {
    const p = c.prep as Prep;
    const block = (r: Rows) => {
      const n = c.vars.map((_, j) => `n_${j}`);
      return `${n.map((x, j) => `const ${x} = ${rowSource(r, j, c.vars)};`).join('\n')}\n${c.vars.map((v, j) => `${v} = ${n[j]};`).join(' ')}`;
    };
    return p.refractory ? `if (refr) {\n${block(p.refractory)}\n} else {\n${block(p.free)}\n}` : `{\n${block(p.free)}\n}`;
  },
  fallback(c) {
    const p = c.prep as Prep;
    const k = c.k;
    const tmp = new Float64Array(k);
    return (env) => {
      const r = p.refractory && c.refr ? p.refractory : p.free;
      const stim = env[k];
      for (let j = 0; j < k; j++) tmp[j] = rowValue(r, j, env, stim);
      for (let j = 0; j < k; j++) env[j] = tmp[j];
    };
  },
};
