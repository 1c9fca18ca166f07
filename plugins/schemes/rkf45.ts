import type { EquationScheme } from '../../core/equations/scheme.js';
import { literal } from '../../core/equations/ir.js';
import { nextDown } from '../../core/equations/kernel.js';
import { FEHLBERG } from '../integrators/rkf45.js';

/**
 * Adaptive Runge–Kutta–Fehlberg 4(5) as NEST drives GSL in every simulation step:
 * `t = 0; while (t < h) gsl_odeiv_evolve_apply(e, c, s, &sys, &t, h, &IntegrationStep_, y)` with
 * gsl_odeiv_step_rkf45 and gsl_odeiv_control_y_new(epsAbs, epsRel), the step size carried per neuron.
 * Following GSL's ode-initval/evolve.c, rkf45.c and cstd.c:
 * - each evolve_apply evaluates dydt afresh at its start (rkf45 can use dydt_in), so input and resets
 *   between steps are seen at once — no stale derivative;
 * - a step with h0 >= t1 − t is clipped to t1 − t and backed off by nextafter until t0 + h0 <= t1;
 * - the standard control: D_i = eps_rel |y_i| + eps_abs (a_y 1, a_dydt 0), rmax = max |yerr_i| / D_i from
 *   DBL_MIN; above 1.1 the step shrinks by max(0.2, 0.9 rmax^-1/5) and is retried if that changes t by an
 *   ulp, else kept; below 0.5 it grows by min(5, max(1, 0.9 rmax^-1/6));
 * - the suggested step is always carried (*h = h0), the clipped final step's included.
 * dydt_out is not evaluated: with a_dydt = 0 it does not enter the control.
 */
const F = FEHLBERG;
const DBL_MIN = 2.2250738585072014e-308;

/** GSL's hadjust factor for the decrease branch and the increase branch (order 5). */
function decrease(rmax: number): number {
  const r = 0.9 / Math.pow(rmax, 1 / 5);
  return r < 0.2 ? 0.2 : r;
}
function increase(rmax: number): number {
  let r = 0.9 / Math.pow(rmax, 1 / 6);
  if (r > 5) r = 5;
  if (r < 1) r = 1;
  return r;
}

export const rkf45: EquationScheme = {
  name: 'rkf45',
  doc: "adaptive Runge–Kutta–Fehlberg 4(5) with GSL's evolve/control as NEST calls it per step, step size carried per neuron, float64",
  precision: 'f64',
  internal: { h_step: { unit: 'ms', doc: 'integration step size carried to the next step (NEST IntegrationStep_)', initial: (_p, dt) => dt } },
  emit(c) {
    const k = c.k;
    const J = [...Array(k).keys()];
    const v = (p: string) => J.map((j) => `${p}${j}`);
    const [z, d, k2, k3, k4, k5, k6, a, b, q, u, w, er] = ['z', 'd', 'p2_', 'p3_', 'p4_', 'p5_', 'p6_', 'sa', 'sb', 'sc', 'sd', 'se', 'er'].map(v);
    const L = (x: number) => literal(x);
    const lets = (xs: string[]) => `let ${xs.map((x) => `${x} = 0`).join(', ')};`;
    const stage = (out: readonly string[], terms: [number, string[]][]) =>
      out.map((o, j) => `${o} = (${z[j]} + (h0 * ${terms.map(([co, kk]) => `(${L(co)} * ${kk[j]})`).reduce((s, t) => `(${s} + ${t})`)}));`).join(' ');
    // One block per evaluation with shared subexpressions where the kernel offers it (same values).
    const evals = (out: string[], at: string[]) => (c.derivs ? c.derivs(out, at) : out.map((o, j) => `${o} = ${c.deriv(j, at)};`).join(' '));
    const { epsAbs, epsRel } = c.model.tolerance;
    const D = (j: number) => (epsRel === 0 ? L(epsAbs) : `((${L(epsRel)} * Math.abs(${c.vars[j]})) + ${L(epsAbs)})`);
    const H = L(c.dt);
    return [
      '{',
      `let t = 0, hc = ${c.internal('h_step')}[i];`,
      lets([...k2, ...k3, ...k4, ...k5, ...k6, ...a, ...b, ...q, ...u, ...w, ...er]),
      `while (t < ${H}) {`,
      `const t0 = t, span = ${H} - t0; let h0 = hc, fin = false;`,
      J.map((j) => `const ${z[j]} = ${c.vars[j]};`).join(' '),
      `let ${d.join(', ')};`,
      evals(d, [...c.vars]),
      'for (;;) {',
      `if (h0 >= span) { h0 = span; fin = true; while (t0 + h0 > ${H}) h0 = nextDown(h0); } else fin = false;`,
      a.map((o, j) => `${o} = (${z[j]} + ((${L(F.A2)} * h0) * ${d[j]}));`).join(' '),
      evals(k2, a),
      stage(b, [[F.B31, d], [F.B32, k2]]), evals(k3, b),
      stage(q, [[F.B41, d], [F.B42, k2], [F.B43, k3]]), evals(k4, q),
      stage(u, [[F.B51, d], [F.B52, k2], [F.B53, k3], [F.B54, k4]]), evals(k5, u),
      stage(w, [[F.B61, d], [F.B62, k2], [F.B63, k3], [F.B64, k4], [F.B65, k5]]), evals(k6, w),
      stage(c.vars, [[F.C1, d], [F.C3, k3], [F.C4, k4], [F.C5, k5], [F.C6, k6]]),
      er.map((o, j) => `${o} = (h0 * ${[[F.E1, d], [F.E3, k3], [F.E4, k4], [F.E5, k5], [F.E6, k6]].map(([co, kk]) => `(${L(co as number)} * ${(kk as string[])[j]})`).reduce((s, x) => `(${s} + ${x})`)});`).join(' '),
      `t = fin ? ${H} : t0 + h0;`,
      `let rmax = ${L(DBL_MIN)};`,
      J.map((j) => `{ const r = Math.abs(${er[j]}) / Math.abs(${D(j)}); if (r > rmax) rmax = r; }`).join(' '),
      'if (rmax > 1.1) { let f = 0.9 / Math.pow(rmax, 0.2); if (f < 0.2) f = 0.2; const hn = f * h0;',
      `  if (Math.abs(hn) < Math.abs(h0) && t + hn !== t) { h0 = hn; ${c.vars.map((x, j) => `${x} = ${z[j]};`).join(' ')} continue; } }`,
      `else if (rmax < 0.5) { let f = 0.9 / Math.pow(rmax, ${L(1 / 6)}); if (f > 5) f = 5; if (f < 1) f = 1; h0 = f * h0; }`,
      'break;',
      '}',
      'hc = h0;',
      '}',
      `${c.internal('h_step')}[i] = hc;`,
      '}',
    ].join('\n');
  },
  fallback(c) {
    const k = c.k, H = c.dt;
    const vec = () => new Float64Array(k + 1);
    const [z, d, k2, k3, k4, k5, k6, s, er] = Array.from({ length: 9 }, vec);
    const hs = c.internal.h_step as Float64Array;
    const { epsAbs, epsRel } = c.model.tolerance;
    return (y, i) => {
      let t = 0, hc = hs[i];
      z[k] = s[k] = y[k];
      while (t < H) {
        const t0 = t, span = H - t0;
        let h0 = hc, fin = false;
        for (let j = 0; j < k; j++) z[j] = y[j];
        c.derivs(y, d);
        for (;;) {
          if (h0 >= span) {
            h0 = span;
            fin = true;
            while (t0 + h0 > H) h0 = nextDown(h0);
          } else fin = false;
          for (let j = 0; j < k; j++) s[j] = z[j] + (F.A2 * h0) * d[j];
          c.derivs(s, k2);
          for (let j = 0; j < k; j++) s[j] = z[j] + h0 * (F.B31 * d[j] + F.B32 * k2[j]);
          c.derivs(s, k3);
          for (let j = 0; j < k; j++) s[j] = z[j] + h0 * (F.B41 * d[j] + F.B42 * k2[j] + F.B43 * k3[j]);
          c.derivs(s, k4);
          for (let j = 0; j < k; j++) s[j] = z[j] + h0 * (F.B51 * d[j] + F.B52 * k2[j] + F.B53 * k3[j] + F.B54 * k4[j]);
          c.derivs(s, k5);
          for (let j = 0; j < k; j++) s[j] = z[j] + h0 * (F.B61 * d[j] + F.B62 * k2[j] + F.B63 * k3[j] + F.B64 * k4[j] + F.B65 * k5[j]);
          c.derivs(s, k6);
          for (let j = 0; j < k; j++) y[j] = z[j] + h0 * (F.C1 * d[j] + F.C3 * k3[j] + F.C4 * k4[j] + F.C5 * k5[j] + F.C6 * k6[j]);
          for (let j = 0; j < k; j++) er[j] = h0 * (F.E1 * d[j] + F.E3 * k3[j] + F.E4 * k4[j] + F.E5 * k5[j] + F.E6 * k6[j]);
          t = fin ? H : t0 + h0;
          let rmax = DBL_MIN;
          for (let j = 0; j < k; j++) {
            const r = Math.abs(er[j]) / Math.abs(epsRel === 0 ? epsAbs : epsRel * Math.abs(y[j]) + epsAbs);
            if (r > rmax) rmax = r;
          }
          if (rmax > 1.1) {
            const hn = decrease(rmax) * h0;
            if (Math.abs(hn) < Math.abs(h0) && t + hn !== t) {
              h0 = hn;
              for (let j = 0; j < k; j++) y[j] = z[j];
              continue;
            }
          } else if (rmax < 0.5) h0 = increase(rmax) * h0;
          break;
        }
        hc = h0;
      }
      hs[i] = hc;
    };
  },
};
