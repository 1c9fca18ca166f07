import type { CompiledModel, EquationScheme } from '../../core/equations/scheme.js';
import { bind, closure, dependsOnState, emit as source, literal, type Closure, type Node } from '../../core/equations/ir.js';
import { splitLinear } from './exp_euler.js';

/**
 * Auryn's scheme as a model-agnostic one: forward Euler on the nonlinear variables, exact decay for the
 * linear ones. Per variable, dx/dt is split as M·x + B (exp_euler.ts's splitLinear):
 *   M a constant (parameters only), B absent:  x ← x·E                   exact decay, E = exp(M·dt)
 *   M a constant, B present (reads others):    x ← (x + F·B)·E           F = (exp(M·dt) − 1)/M
 *   anything else (M reads the state, a term   x ← x + dt·dx/dt          forward Euler
 *   Euler cannot split, M = 0 at run time):
 * all from the values at the start of the step. The middle case is Auryn's NMDA low-pass
 * (integrate_linear_nmda_synapses: g_nmda += (1 − E)·g_ampa, then g_nmda −= (1 − E)·g_nmda): the inflow B
 * over the step as the exact solution from 0 delivers it (F·B), added first, then the exact decay. It is
 * first order, and keeps Auryn's steady-state gain E (not 1) of the low-pass, which an exponential-Euler
 * step of the same equation would not: 1e-3 of g_nmda at dt/τ = 1e-3, enough to move spikes by a step.
 * The two precisions differ in the storage only (Float32Array: arithmetic in float64, as euler-f32).
 */

type Kind = 'decay' | 'relax' | 'euler';

/** The classification of every variable from its (bound or unbound) derivative (also the SIMD programs', simd_program.ts). */
export function classify(derivs: readonly Node[]): { kind: Kind; coef: Node | null; rest: Node | null }[] {
  return derivs.map((d, j) => {
    const s = splitLinear(d, j);
    if ('nonlinear' in s || s.coef === null || dependsOnState(s.coef)) return { kind: 'euler', coef: null, rest: null };
    const coef = bind(s.coef, {});
    const rest = s.rest === null ? null : bind(s.rest, {});
    const restAbsent = rest === null || (rest.t === 'num' && rest.v === 0);
    // A coefficient that is 0 once the parameters are bound leaves F = 0/0: Euler is exact there.
    if (coef.t === 'num' && coef.v === 0) return { kind: 'euler', coef: null, rest: null };
    return { kind: restAbsent ? 'decay' : 'relax', coef, rest: restAbsent ? null : rest };
  });
}

function refuse(m: CompiledModel): string | undefined {
  if (classify(m.derivs).every((c) => c.kind === 'euler')) {
    return 'no variable decays linearly with a constant rate (dx/dt = M·x + B, M of the parameters only): it would be plain forward Euler; use euler';
  }
  return undefined;
}

interface Prep {
  kind: Kind[];
  /** E = exp(M·dt) and F = expm1(M·dt)/M per decaying variable (NaN where unused). */
  E: number[];
  F: number[];
  /** B per relaxing variable, bound. */
  rest: (Node | null)[];
  held: boolean[];
}

function scheme(precision: 'f64' | 'f32'): EquationScheme {
  return {
    name: precision === 'f64' ? 'euler-exact-decay' : 'euler-exact-decay-f32',
    doc: `Auryn's scheme: forward Euler on the nonlinear variables, exact decay (× exp(-dt/τ)) of the linear ones, inflow first; state in ${precision === 'f64' ? 'Float64Array' : 'Float32Array (arithmetic in float64)'}; first order`,
    precision,
    refuse,
    prepare(m, bound, _refr, dt): Prep {
      const c = classify(bound);
      const hasRefr = m.refractory !== undefined;
      return {
        kind: c.map((x) => x.kind),
        E: c.map((x) => (x.coef && x.coef.t === 'num' ? Math.exp(x.coef.v * dt) : NaN)),
        F: c.map((x) => (x.coef && x.coef.t === 'num' ? Math.expm1(x.coef.v * dt) / x.coef.v : NaN)),
        rest: c.map((x) => x.rest),
        held: m.clamped.map((h) => h && hasRefr),
      };
    },
    emit(c) {
      const p = c.prep as Prep;
      const H = literal(c.dt);
      const L: string[] = ['{'];
      c.vars.forEach((v, j) => {
        let u: string;
        if (p.kind[j] === 'euler') u = `(${v} + (${H} * ${c.deriv(j, c.vars)}))`;
        else {
          const x = p.kind[j] === 'relax' ? `(${v} + (${literal(p.F[j])} * ${source(p.rest[j]!, c.vars, 'stim')}))` : v;
          u = `(${x} * ${literal(p.E[j])})`;
          // The Euler rows hold through deriv(), which is 0 for a clamped variable while refractory.
          if (p.held[j]) u = `(refr ? ${v} : ${u})`;
        }
        L.push(`const n_${j} = ${u};`);
      });
      L.push(c.vars.map((v, j) => `${v} = n_${j};`).join(' '), '}');
      return L.join('\n');
    },
    fallback(c) {
      const p = c.prep as Prep;
      const k = c.k, H = c.dt;
      const B: (Closure | null)[] = p.rest.map((n) => n && closure(n, k));
      const d = new Float64Array(k + 1);
      const out = new Float64Array(k);
      const anyEuler = p.kind.includes('euler');
      return (env) => {
        if (anyEuler) c.derivs(env, d);
        const refr = c.refr;
        for (let j = 0; j < k; j++) {
          const x = env[j];
          const kind = p.kind[j];
          if (kind === 'euler') out[j] = x + H * d[j];
          else if (p.held[j] && refr) out[j] = x;
          else if (kind === 'decay') out[j] = x * p.E[j];
          else out[j] = (x + p.F[j] * B[j]!(env)) * p.E[j];
        }
        for (let j = 0; j < k; j++) env[j] = out[j];
      };
    },
  };
}

export const eulerExactDecay = scheme('f64');
export const eulerExactDecayF32 = scheme('f32');
