import type { FieldArray } from '../component.js';
import { NO_PRIVATE_STATE } from '../contracts/base.js';
import type { KernelContext, NeuronKernel, StateArray } from '../contracts/neuron.js';
import type { RingBuffer } from '../ringbuffer.js';
import type { Params } from '../schema.js';
import { bind, closure, emit, evaluateConstant, literal, num, type Node } from './ir.js';
import type { CompiledModel, EquationScheme, FallbackContext } from './scheme.js';

/** 'auto': generate the kernel where the platform allows `new Function`, else fall back; 'off': always fall back. */
export type Codegen = 'auto' | 'off';

type Step = (ex: Float64Array, inh: Float64Array, cur: Float64Array, off: number, spikes: Int32Array) => number;

const bits = new Float64Array(1);
const words = new Uint32Array(bits.buffer);
// Which 32-bit word holds the low half of a double (1.0 has a zero low word).
const LO = (bits[0] = 1, words[0] === 0 ? 0 : 1);

/** The largest double below x (x > 0), without allocating: GSL backs the last step off with nextafter(h, 0). */
export function nextDown(x: number): number {
  bits[0] = x;
  if (words[LO] === 0) {
    words[LO] = 0xffffffff;
    words[1 - LO]--;
  } else words[LO]--;
  return bits[0];
}

/** The model's bound pieces for one population: derivatives (free and refractory), threshold, resets, ports. */
export interface Bound {
  readonly derivs: Node[];
  readonly refractoryDerivs: Node[];
  readonly threshold?: Node;
  readonly resets: { target: number; value: Node }[];
  readonly refrSteps: number;
  readonly ports: { target: number; channel: 'ex' | 'inh'; sign: 1 | -1; scale: number; drop: boolean; set: boolean }[];
  readonly lowerBounds: { target: number; value: number }[];
  readonly upperBounds: { target: number; value: number }[];
}

export function bindModel(m: CompiledModel, p: Params, dt: number): Bound {
  const derivs = m.derivs.map((d) => bind(d, p));
  return {
    derivs,
    refractoryDerivs: derivs.map((d, j) => (m.clamped[j] ? num(0) : d)),
    threshold: m.threshold && bind(m.threshold, p),
    resets: m.resets.map((r) => ({ target: r.target, value: bind(r.value, p) })),
    // NEST's Time(t_ref).get_steps(): the period rounded to the grid.
    refrSteps: m.refractory ? Math.round(evaluateConstant(m.refractory, p) / dt) : 0,
    ports: m.ports.map((q) => ({ target: q.target, channel: q.channel, sign: q.sign, scale: evaluateConstant(q.scale, p), drop: q.dropWhenRefractory, set: q.set })),
    lowerBounds: m.lowerBounds.map((l) => ({ target: l.target, value: evaluateConstant(l.value, p) })),
    upperBounds: m.upperBounds.map((l) => ({ target: l.target, value: evaluateConstant(l.value, p) })),
  };
}

let codegenWorks: boolean | undefined;
/** Whether `new Function` is allowed here (it throws an EvalError under --disallow-code-generation-from-strings or a CSP). */
export function codegenAvailable(): boolean {
  if (codegenWorks === undefined) {
    try {
      codegenWorks = new Function('return 1')() === 1;
    } catch {
      codegenWorks = false;
    }
  }
  return codegenWorks;
}

/** Input of port q for neuron i, as source: the same expression the fallback evaluates. */
function portSource(q: Bound['ports'][number], y: string): string {
  const w = `${q.channel}[off + i]`;
  const inc = q.scale === 1 ? w : `(${w} * ${literal(q.scale)})`;
  if (q.set) return `${y} = ${q.sign > 0 ? inc : `(-${inc})`};`;
  return `${y} = (${y} ${q.sign > 0 ? '+' : '-'} ${inc});`;
}

const isLeaf = (n: Node) => n.t === 'num' || n.t === 'state' || n.t === 'stim' || n.t === 'param';

/**
 * `outs[j] = trees[j]` as one block, each compound subtree that occurs twice or more (by its source: bound
 * subexpressions are equal trees, not shared objects) evaluated once into a `const`. The operands and their
 * order are emit()'s, so every value is what emit() gives.
 */
export function sharedDerivs(trees: readonly Node[], names: readonly string[], outs: readonly string[], guard: (j: number, e: string) => string): string {
  const text = new Map<Node, string>();
  const src = (n: Node): string => {
    let s = text.get(n);
    if (s === undefined) text.set(n, (s = emit(n, names, 'stim')));
    return s;
  };
  const count = new Map<string, number>();
  const visit = (n: Node): void => {
    if (isLeaf(n)) return;
    const s = src(n);
    count.set(s, (count.get(s) ?? 0) + 1);
    if (n.t === 'neg') visit(n.a);
    else if (n.t === 'bin' || n.t === 'cmp') { visit(n.a); visit(n.b); }
    else if (n.t === 'call') n.args.forEach(visit);
  };
  trees.forEach(visit);
  const temps = new Map<string, string>();
  const pre: string[] = [];
  const gen = (n: Node): string => {
    if (isLeaf(n)) return src(n);
    const s = src(n);
    const known = temps.get(s);
    if (known !== undefined) return known;
    let e: string;
    if (n.t === 'neg') e = `(-${gen(n.a)})`;
    else if (n.t === 'bin') e = `(${gen(n.a)} ${n.op} ${gen(n.b)})`;
    else if (n.t === 'call') e = `Math.${n.fn}(${n.args.map(gen).join(', ')})`;
    else if (n.t === 'cmp') e = `(${gen(n.a)} ${n.op === '==' ? '===' : n.op === '!=' ? '!==' : n.op} ${gen(n.b)})`;
    else return s;
    if ((count.get(s) ?? 0) < 2) return e;
    const name = `cse${temps.size}`;
    temps.set(s, name);
    pre.push(`const ${name} = ${e};`);
    return name;
  };
  const assigns = trees.map((t, j) => `${outs[j]} = ${guard(j, gen(t))};`);
  return `{ ${[...pre, ...assigns].join(' ')} }`;
}

/** The kernel's source: NEST's update order for every neuron, with the scheme's integration block. */
export function kernelSource(m: CompiledModel, s: EquationScheme, b: Bound, dt: number, prep: unknown): string {
  const k = m.states.length;
  const vars = m.states.map((_, j) => `y${j}`);
  const hasRefr = m.refractory !== undefined;
  const block = s.emit({
    k, vars, dt, prep, model: m,
    deriv: (j, names) => {
      const free = emit(b.derivs[j], names, 'stim');
      return m.clamped[j] && hasRefr ? `(refr ? 0 : ${free})` : free;
    },
    derivs: (outs, names) => sharedDerivs(b.derivs, names, outs, (j, e) => (m.clamped[j] && hasRefr ? `(refr ? 0 : ${e})` : e)),
    internal: (name) => `X_${name}`,
  });
  const L: string[] = ['"use strict";'];
  m.states.forEach((_, j) => L.push(`const S${j} = st.s[${j}];`));
  L.push('const I0 = st.I0, R = st.r, N = st.n;');
  for (const name of Object.keys(s.internal ?? {})) L.push(`const X_${name} = st.internal[${JSON.stringify(name)}];`);
  L.push('return function step(ex, inh, cur, off, spikes) {', 'let count = 0;', 'for (let i = 0; i < N; i++) {');
  L.push(vars.map((v, j) => `let ${v} = S${j}[i];`).join(' '));
  L.push('const stim = I0[i];', hasRefr ? 'const refr = R[i] > 0;' : 'const refr = false;');
  L.push(block);
  for (const q of b.ports) L.push(q.drop ? `if (!refr) ${portSource(q, vars[q.target])}` : portSource(q, vars[q.target]));
  // A bound of -Infinity never acts (NEST's default V_min).
  for (const l of b.lowerBounds) if (l.value > -Infinity) L.push(`if (!refr && ${vars[l.target]} < ${literal(l.value)}) ${vars[l.target]} = ${literal(l.value)};`);
  for (const l of b.upperBounds) if (l.value < Infinity) L.push(`if (!refr && ${vars[l.target]} > ${literal(l.value)}) ${vars[l.target]} = ${literal(l.value)};`);
  if (b.threshold) {
    const resets = b.resets.map((r) => `${vars[r.target]} = ${emit(r.value, vars, 'stim')};`).join(' ');
    // prev(y_j) is slot k + 1 + j: the stored value, not yet overwritten by this step's.
    const tvars = [...vars, 'stim', ...m.states.map((_, j) => `S${j}[i]`)];
    L.push(`if (refr) R[i]--; else if (${emit(b.threshold, tvars, 'stim')}) { ${resets} R[i] = ${b.refrSteps}; spikes[count++] = i; }`);
  } else if (hasRefr) L.push('if (refr) R[i]--;');
  L.push(vars.map((v, j) => `S${j}[i] = ${v};`).join(' '));
  L.push('I0[i] = cur[off + i];', '}', 'return count;', '};');
  return L.join('\n');
}

interface Arrays {
  s: StateArray[];
  I0: Float64Array;
  r: Int32Array;
  n: number;
  internal: Record<string, FieldArray>;
}

/**
 * Compiled factories by source: populations with the same model, scheme, parameters and dt share one
 * compilation. Keyed with the precision too, so a factory only ever sees one typed-array class (monomorphic).
 */
const factories = new Map<string, (st: Arrays, next: typeof nextDown) => Step>();

function generated(src: string, precision: string, arrays: Arrays): Step {
  const key = `${precision}\n${src}`;
  let f = factories.get(key);
  if (f === undefined) {
    f = new Function('st', 'nextDown', src) as (st: Arrays, next: typeof nextDown) => Step;
    factories.set(key, f);
  }
  return f(arrays, nextDown);
}

/** The same kernel without code generation: closures over the bound trees and the scheme's array loop. */
function fallbackStep(m: CompiledModel, s: EquationScheme, b: Bound, dt: number, prep: unknown, a: Arrays): Step {
  const k = m.states.length;
  const hasRefr = m.refractory !== undefined;
  const free = b.derivs.map((d) => closure(d, k));
  const clampedIdx = m.clamped.map((c) => c && hasRefr);
  const fctx: FallbackContext = {
    k, dt, prep, model: m, refr: false, internal: a.internal,
    derivs(src, out) {
      const refr = fctx.refr;
      for (let j = 0; j < k; j++) out[j] = refr && clampedIdx[j] ? 0 : free[j](src);
    },
  };
  const integrate = s.fallback(fctx);
  const thr = b.threshold && closure(b.threshold, k);
  const resets = b.resets.map((r) => ({ target: r.target, f: closure(r.value, k) }));
  // Slots 0..k-1 the state, k the current input, k+1.. the state at the start of the step (prev()).
  const env = new Float64Array(2 * k + 1);
  const { s: S, I0, r: R, n } = a;
  const { ports, refrSteps } = b;
  const bounds = b.lowerBounds.filter((l) => l.value > -Infinity);
  const upper = b.upperBounds.filter((l) => l.value < Infinity);
  return (ex, inh, cur, off, spikes) => {
    let count = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < k; j++) env[j] = env[k + 1 + j] = S[j][i];
      env[k] = I0[i];
      const refr = hasRefr && R[i] > 0;
      fctx.refr = refr;
      integrate(env, i);
      for (const q of ports) {
        if (q.drop && refr) continue;
        const w = (q.channel === 'ex' ? ex : inh)[off + i];
        const inc = q.scale === 1 ? w : w * q.scale;
        if (q.set) env[q.target] = q.sign > 0 ? inc : -inc;
        else env[q.target] = q.sign > 0 ? env[q.target] + inc : env[q.target] - inc;
      }
      if (!refr) {
        for (const l of bounds) if (env[l.target] < l.value) env[l.target] = l.value;
        for (const l of upper) if (env[l.target] > l.value) env[l.target] = l.value;
      }
      if (thr) {
        if (refr) R[i]--;
        else if (thr(env) !== 0) {
          for (const r of resets) env[r.target] = r.f(env);
          R[i] = refrSteps;
          spikes[count++] = i;
        }
      } else if (refr) R[i]--;
      for (let j = 0; j < k; j++) S[j][i] = env[j];
      I0[i] = cur[off + i];
    }
    return count;
  };
}

/** A population's kernel for (model, scheme): generated where allowed (or asked), else the fallback. */
export function buildKernel(m: CompiledModel, s: EquationScheme, ctx: KernelContext, codegen: Codegen = 'auto'): NeuronKernel & { readonly generated: boolean; readonly source?: string } {
  const b = bindModel(m, ctx.params, ctx.dt);
  const prep = s.prepare?.(m, b.derivs, b.refractoryDerivs, ctx.dt);
  const internal: Record<string, FieldArray> = {};
  for (const name of Object.keys(s.internal ?? {})) internal[name] = ctx.state[name];
  const arrays: Arrays = { s: m.states.map((v) => ctx.state[v] as StateArray), I0: ctx.state.I0 as Float64Array, r: ctx.state.r as Int32Array, n: ctx.n, internal };
  const useCode = codegen === 'auto' && codegenAvailable();
  const source = useCode ? kernelSource(m, s, b, ctx.dt, prep) : undefined;
  const step = source !== undefined ? generated(source, s.precision, arrays) : fallbackStep(m, s, b, ctx.dt, prep, arrays);
  return {
    // Every variable, the scheme's carried ones included, lives in the state component the core saves.
    ...NO_PRIVATE_STATE,
    generated: source !== undefined,
    source,
    update(_step: number, ring: RingBuffer, off: number, spikes: Int32Array): number {
      return step(ring.ex, ring.inh, ring.cur, off, spikes);
    },
  };
}
