import type { CompiledModel, EquationScheme } from '../../core/equations/scheme.js';
import { bind, closure, literal, num, type Closure, type Node } from '../../core/equations/ir.js';
import { sharedDerivs } from '../../core/equations/kernel.js';

/**
 * Brian2's exponential Euler (brian2/stateupdaters/exponential_euler.py) for conditionally linear models:
 * every dx/dt = M·x + B with M and B free of x (they may read the other variables and the current input),
 * both evaluated at the start of the step, all variables updated from the old values:
 *   x_new = (x + B/M)·exp(M·dt) − B/M     (Brian2's `_BA_x` form)
 *   x_new = x·exp(M·dt)                   where B is absent
 *   x_new = x + dt·B                      where M is absent (forward Euler).
 * Brian2 decides those cases symbolically only: an M that evaluates to 0 at run time gives B/M = ±Inf and a
 * NaN state. Here |M·dt| < GUARD takes x + dt·(M·x + B)·(1 + M·dt/2), the series of the same update, which
 * is forward Euler at M = 0 and avoids the cancellation of (x + B/M) − B/M for tiny M.
 */

/**
 * Below this |M·dt| the series replaces the exponential form: the form's cancellation costs ~eps/|M·dt|
 * relative to the increment, the truncated series (M·dt)²/6; both are ~1e-11 here.
 */
export const GUARD = 1e-5;

/** dx/dt split as coef·x + rest (null: absent), both free of x; or the term that breaks it. */
export type Split = { coef: Node | null; rest: Node | null } | { nonlinear: string };

/** Whether a tree reads state slot i. */
export function readsState(n: Node, i: number): boolean {
  switch (n.t) {
    case 'state': return n.i === i;
    case 'num': case 'param': case 'stim': return false;
    case 'neg': return readsState(n.a, i);
    case 'bin': case 'cmp': return readsState(n.a, i) || readsState(n.b, i);
    case 'call': return n.args.some((a) => readsState(a, i));
  }
}

const describe = (n: Node): string => ('src' in n && n.src ? n.src : 'a nonlinear term');

/**
 * Split `n` as coef·x_i + rest by walking the lowered tree (no expansion: a product of two factors that
 * both read x_i, a division by x_i or a function of x_i is refused, as Brian2 refuses what sympy cannot
 * collect into M·x + B).
 */
export function splitLinear(n: Node, i: number): Split {
  if (!readsState(n, i)) return { coef: null, rest: n };
  switch (n.t) {
    case 'state': return { coef: num(1), rest: null };
    case 'neg': {
      const a = splitLinear(n.a, i);
      if ('nonlinear' in a) return a;
      return { coef: a.coef && { t: 'neg', a: a.coef }, rest: a.rest && { t: 'neg', a: a.rest } };
    }
    case 'bin': {
      if (n.op === '+' || n.op === '-') {
        const a = splitLinear(n.a, i), b = splitLinear(n.b, i);
        if ('nonlinear' in a) return a;
        if ('nonlinear' in b) return b;
        const add = (x: Node | null, y: Node | null): Node | null =>
          x === null ? (y === null ? null : n.op === '+' ? y : { t: 'neg', a: y }) : y === null ? x : { t: 'bin', op: n.op, a: x, b: y };
        return { coef: add(a.coef, b.coef), rest: add(a.rest, b.rest) };
      }
      const aDep = readsState(n.a, i), bDep = readsState(n.b, i);
      if ((aDep && bDep) || (n.op === '/' && bDep)) return { nonlinear: describe(n) };
      const lin = splitLinear(aDep ? n.a : n.b, i);
      if ('nonlinear' in lin) return lin;
      const c = aDep ? n.b : n.a;
      // 1·c and c·1 are c exactly; c/1 is not reached (the divisor never reads x).
      const scale = (x: Node | null): Node | null =>
        x === null ? null : x.t === 'num' && x.v === 1 && n.op === '*' ? c : aDep ? { t: 'bin', op: n.op, a: x, b: c } : { t: 'bin', op: n.op, a: c, b: x };
      return { coef: scale(lin.coef), rest: scale(lin.rest) };
    }
    default: return { nonlinear: describe(n) };
  }
}

function refuse(m: CompiledModel): string | undefined {
  for (let j = 0; j < m.derivs.length; j++) {
    const s = splitLinear(m.derivs[j], j);
    if ('nonlinear' in s) {
      return `d${m.states[j]}/dt is not conditionally linear in ${m.states[j]} (term '${s.nonlinear}': exponential Euler needs M·${m.states[j]} + B with M and B free of ${m.states[j]}); use rkf45, rk4, rk2 or euler`;
    }
  }
  return undefined;
}

/** Per variable: the bound M and B (null: absent), and whether it is held while refractory. */
interface Prep {
  coef: (Node | null)[];
  rest: (Node | null)[];
  held: boolean[];
  /** exp(M·dt) where M is a constant and B absent (a synaptic decay): computed once, as the kernel would. */
  expDecay: (number | undefined)[];
}

/** M or B after binding, a constant 0 taken as absent (a folded-away term, or a clamped variable). */
const present = (n: Node | null): Node | null => {
  if (n === null) return null;
  const b = bind(n, {});
  return b.t === 'num' && b.v === 0 ? null : b;
};

/** The update of one variable as source (x, M, B, M·dt by name); the fallback performs the same operations in this order. */
function updateSource(x: string, a: string | null, b: string | null, z: string, H: string): string {
  if (a === null) return b === null ? x : `(${x} + (${H} * ${b}))`;
  if (b === null) return `(${x} * Math.exp(${z}))`;
  return `((Math.abs(${z}) < ${literal(GUARD)}) ? (${x} + ((${H} * ((${a} * ${x}) + ${b})) * (1 + (0.5 * ${z})))) : (((${x} + (${b} / ${a})) * Math.exp(${z})) - (${b} / ${a})))`;
}

export const exponentialEuler: EquationScheme = {
  name: 'exponential-euler',
  doc: "Brian2's exponential Euler for conditionally linear ODEs (dx/dt = M x + B, M and B free of x; HH gates), one step of dt, float64; first order, exact for linear constant-coefficient equations",
  precision: 'f64',
  refuse,
  prepare(m, bound, _refr, dt): Prep {
    const hasRefr = m.refractory !== undefined;
    const coef: (Node | null)[] = [], rest: (Node | null)[] = [];
    bound.forEach((d, j) => {
      const s = splitLinear(d, j);
      if ('nonlinear' in s) throw new Error(`exponential-euler: ${m.states[j]} (${s.nonlinear})`);
      coef.push(present(s.coef));
      rest.push(present(s.rest));
    });
    const expDecay = coef.map((a, j) => (a !== null && a.t === 'num' && rest[j] === null ? Math.exp(a.v * dt) : undefined));
    return { coef, rest, held: m.clamped.map((c) => c && hasRefr), expDecay };
  },
  emit(c) {
    const p = c.prep as Prep;
    const H = literal(c.dt);
    const trees: Node[] = [], outs: string[] = [];
    const a = p.coef.map((n, j) => (n === null ? null : (trees.push(n), outs.push(`a_${j}`), `a_${j}`)));
    const b = p.rest.map((n, j) => (n === null ? null : (trees.push(n), outs.push(`b_${j}`), `b_${j}`)));
    const L: string[] = ['{'];
    if (outs.length) {
      L.push(`let ${outs.join(', ')};`);
      // M and B share the HH rates (alpha_m in both): computed once, the same values as emit() gives.
      L.push(sharedDerivs(trees, c.vars, outs, (_, e) => e));
    }
    c.vars.forEach((v, j) => {
      const z = `z_${j}`;
      if (a[j] !== null) L.push(`const ${z} = (${a[j]} * ${H});`);
      const u = p.expDecay[j] !== undefined ? `(${v} * ${literal(p.expDecay[j]!)})` : updateSource(v, a[j], b[j], z, H);
      L.push(`const n_${j} = ${p.held[j] ? `(refr ? ${v} : ${u})` : u};`);
    });
    L.push(c.vars.map((v, j) => `${v} = n_${j};`).join(' '), '}');
    return L.join('\n');
  },
  fallback(c) {
    const p = c.prep as Prep;
    const k = c.k, H = c.dt;
    const A: (Closure | null)[] = p.coef.map((n) => n && closure(n, k));
    const B: (Closure | null)[] = p.rest.map((n) => n && closure(n, k));
    const out = new Float64Array(k);
    return (env) => {
      const refr = c.refr;
      for (let j = 0; j < k; j++) {
        const x = env[j];
        const fa = A[j], fb = B[j];
        if (p.held[j] && refr) { out[j] = x; continue; }
        if (fa === null) { out[j] = fb === null ? x : x + H * fb(env); continue; }
        const a = fa(env);
        const z = a * H;
        if (fb === null) { const e = p.expDecay[j]; out[j] = x * (e !== undefined ? e : Math.exp(z)); continue; }
        const b = fb(env);
        out[j] = Math.abs(z) < GUARD ? x + (H * (a * x + b)) * (1 + 0.5 * z) : (x + b / a) * Math.exp(z) - b / a;
      }
      for (let j = 0; j < k; j++) env[j] = out[j];
    };
  },
};
