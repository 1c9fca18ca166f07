import type { EmitContext, EquationScheme, FallbackContext } from '../../core/equations/scheme.js';
import { literal } from '../../core/equations/ir.js';

/**
 * Fixed-step explicit Runge–Kutta schemes, one step of dt per simulation step, for any model. Each is
 * written twice in the same operation order: as source for the generated kernel and as a loop over
 * arrays for the fallback (`(y + (h * k))` in both).
 */

const names = (c: EmitContext, p: string) => c.vars.map((_, j) => `${p}_${j}`);
const derivs = (c: EmitContext, out: string[], at: readonly string[]) => out.map((o, j) => `const ${o} = ${c.deriv(j, at)};`).join('\n');

/** Scratch vectors of length k + 1 whose last slot carries the current input like the state's env. */
function scratch(c: FallbackContext, count: number): Float64Array[] {
  return Array.from({ length: count }, () => new Float64Array(c.k + 1));
}

function euler(precision: 'f64' | 'f32'): EquationScheme {
  return {
    name: precision === 'f64' ? 'euler' : 'euler-f32',
    doc: `forward Euler, one step of dt, state in ${precision === 'f64' ? 'Float64Array' : 'Float32Array (arithmetic in float64)'}; first order`,
    precision,
    emit(c) {
      const H = literal(c.dt);
      const d = names(c, 'd');
      return `{\n${derivs(c, d, c.vars)}\n${c.vars.map((v, j) => `${v} = (${v} + (${H} * ${d[j]}));`).join(' ')}\n}`;
    },
    fallback(c) {
      const [d] = scratch(c, 1);
      const H = c.dt, k = c.k;
      return (env) => {
        c.derivs(env, d);
        for (let j = 0; j < k; j++) env[j] = env[j] + H * d[j];
      };
    },
  };
}

/** The explicit midpoint rule: k2 = f(y + h/2 k1), y += h k2. */
export const rk2: EquationScheme = {
  name: 'rk2',
  doc: 'explicit midpoint rule (second-order Runge–Kutta), one step of dt, float64',
  precision: 'f64',
  emit(c) {
    const H = literal(c.dt), HH = literal(c.dt / 2);
    const d = names(c, 'd'), m = names(c, 'm'), e = names(c, 'e');
    return `{\n${derivs(c, d, c.vars)}\n${m.map((x, j) => `const ${x} = (${c.vars[j]} + (${HH} * ${d[j]}));`).join(' ')}\n${derivs(c, e, m)}\n`
      + `${c.vars.map((v, j) => `${v} = (${v} + (${H} * ${e[j]}));`).join(' ')}\n}`;
  },
  fallback(c) {
    const [d, m, e] = scratch(c, 3);
    const H = c.dt, HH = c.dt / 2, k = c.k;
    return (env) => {
      c.derivs(env, d);
      for (let j = 0; j < k; j++) m[j] = env[j] + HH * d[j];
      m[k] = env[k];
      c.derivs(m, e);
      for (let j = 0; j < k; j++) env[j] = env[j] + H * e[j];
    };
  },
};

function rk4(precision: 'f64' | 'f32'): EquationScheme {
  return {
    name: precision === 'f64' ? 'rk4' : 'rk4-f32',
    doc: `classical fourth-order Runge–Kutta, one step of dt, state in ${precision === 'f64' ? 'Float64Array' : 'Float32Array (arithmetic in float64)'}`,
    precision,
    emit(c) {
      const H = literal(c.dt), HH = literal(c.dt / 2), H6 = literal(c.dt / 6);
      const [k1, k2, k3, k4] = ['k1', 'k2', 'k3', 'k4'].map((p) => names(c, p));
      const [a, b, d] = ['a', 'b', 'c'].map((p) => names(c, p));
      const stage = (out: readonly string[], base: readonly string[], f: string, kk: readonly string[]) => out.map((x, j) => `const ${x} = (${base[j]} + (${f} * ${kk[j]}));`).join(' ');
      return [
        '{', derivs(c, k1, c.vars), stage(a, c.vars, HH, k1), derivs(c, k2, a), stage(b, c.vars, HH, k2), derivs(c, k3, b),
        stage(d, c.vars, H, k3), derivs(c, k4, d),
        c.vars.map((v, j) => `${v} = (${v} + (${H6} * (((${k1[j]} + (2 * ${k2[j]})) + (2 * ${k3[j]})) + ${k4[j]})));`).join(' '), '}',
      ].join('\n');
    },
    fallback(c) {
      const [k1, k2, k3, k4, t] = scratch(c, 5);
      const H = c.dt, HH = c.dt / 2, H6 = c.dt / 6, k = c.k;
      return (env) => {
        t[k] = env[k];
        c.derivs(env, k1);
        for (let j = 0; j < k; j++) t[j] = env[j] + HH * k1[j];
        c.derivs(t, k2);
        for (let j = 0; j < k; j++) t[j] = env[j] + HH * k2[j];
        c.derivs(t, k3);
        for (let j = 0; j < k; j++) t[j] = env[j] + H * k3[j];
        c.derivs(t, k4);
        for (let j = 0; j < k; j++) env[j] = env[j] + H6 * (((k1[j] + 2 * k2[j]) + 2 * k3[j]) + k4[j]);
      };
    },
  };
}

export const eulerF64 = euler('f64');
export const eulerF32 = euler('f32');
export const rk4F64 = rk4('f64');
export const rk4F32 = rk4('f32');
