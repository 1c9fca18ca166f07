import type { FieldArray } from '../../core/component.js';
import type { RingBuffer } from '../../core/ringbuffer.js';
import { dependsOnState, num, type Node } from '../../core/equations/ir.js';
import type { Bound } from '../../core/equations/kernel.js';
import type { CompiledModel } from '../../core/equations/scheme.js';
import { classify } from './euler_exact_decay.js';

/**
 * What the WebAssembly SIMD kernels compute, independently of WebAssembly: one neuron's step as a list of
 * assignments over numbered registers (the state, the current input, the stages' vectors), each an IR
 * tree. The WebAssembly back end (simd_wasm.ts) lowers the list to lane operations; the JS back end here
 * evaluates it one neuron at a time, rounding every operation to the lane type with Math.fround — a
 * float32 operation of WebAssembly is the correctly rounded result, as fround of the exact float64 result
 * is for + − × ÷ and sqrt — so the two are bit-identical (tested), and the JS one is the fallback where
 * WebAssembly cannot be compiled or code generation is off.
 */

/** The lane format: four float32 or two float64 per 128-bit vector. */
export type LaneType = 'f32' | 'f64';

/**
 * The functions a SIMD kernel takes: lane instructions, and in float32 lanes exp as a polynomial (below).
 * log, pow, tanh, sin, cos have neither. The float64 lanes stay bit-identical to euler, so no approximation.
 */
const LANE_CALLS: Record<LaneType, ReadonlySet<string>> = { f32: new Set(['min', 'max', 'abs', 'sqrt', 'exp']), f64: new Set(['min', 'max', 'abs', 'sqrt']) };

/**
 * exp in float32 lanes, Cephes' expf: x clamped to [LO, HI] (so 2^n stays a normal float32), n = nearest(x
 * log2 e), r = (x − n C1) − n C2 (C1 + C2 = ln 2, C1 exact in 9 bits), e^r by a degree-7 polynomial, times 2^n
 * made from n's bits. Every operation is a float32 one, in this order in both back ends. Relative error
 * below 1e-7 (under one float32 ulp; 8.1e-8 seen on 4·10⁶ points) against Math.exp over [LO, HI] (tested);
 * below LO the result is e^LO ≈ 1.2e-38 (not smaller), above HI e^HI ≈ 2.4e38 (not Infinity); NaN stays NaN.
 */
export const EXP = {
  LO: -87.33, HI: 88.37, LOG2E: 1.4426950408889634, C1: 0.693359375, C2: -2.12194440e-4,
  P: [1.9875691500e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1],
} as const;

const F32 = Math.fround;

/**
 * The smallest normal float32 (2^-126). The float32 lanes store a state value below it as 0, as Auryn's
 * -ffast-math kernels do (and IFGroup's hand kernels, with this constant): decaying traces reach subnormals
 * between spikes, where x86 takes a microcode assist per operation (IFGroup's generated lanes ran at half
 * speed). WebAssembly has no flush-to-zero mode.
 */
export const F32_FLUSH_BELOW = 2 ** -126;
/** WebAssembly's f32x4.nearest on a float32: round half to even. */
function nearestEven(v: number): number {
  const r = Math.round(v);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** The float32 lanes' exp, operation by operation as simd_wasm.ts emits it. */
export function expF32(x0: number): number {
  const x = Math.max(Math.min(x0, F32(EXP.HI)), F32(EXP.LO));
  const n = nearestEven(F32(x * F32(EXP.LOG2E)));
  const r = F32(F32(x - F32(n * F32(EXP.C1))) - F32(n * F32(EXP.C2)));
  let p = F32(r * F32(EXP.P[0]));
  for (let q = 1; q < 5; q++) p = F32(F32(p + F32(EXP.P[q])) * r);
  p = F32(p + F32(EXP.P[5]));
  const y = F32(F32(F32(p * F32(r * r)) + r) + 1);
  // i32x4.trunc_sat of NaN is 0.
  return F32(y * 2 ** (Number.isNaN(n) ? 0 : n));
}

export interface Assign {
  readonly dst: number;
  /** Over registers: `state` nodes name registers, there are no `stim` nodes. */
  readonly expr: Node;
  /** Zero while refractory (a clamped variable's derivative). */
  readonly clamp: boolean;
  /** While refractory, this register's value instead (a clamped variable that decays exactly). */
  readonly hold?: number;
}

export interface Program {
  readonly k: number;
  /** Registers: 0..k-1 the state, k the current input, then the scheme's stage vectors. */
  readonly regs: number;
  readonly assigns: readonly Assign[];
  readonly ports: Bound['ports'];
  readonly threshold?: Node;
  readonly resets: readonly { readonly target: number; readonly value: Node }[];
  /** Finite bounds, applied after the input on the lanes that are not refractory (lower: y < v ? v : y). */
  readonly bounds: readonly { readonly target: number; readonly value: number; readonly upper: boolean }[];
  readonly hasRefr: boolean;
  readonly refrSteps: number;
}

/** 'exact-decay': euler-exact-decay's step (exact decay of the linear variables, Euler for the others). */
export type Method = 'euler' | 'rk4' | 'exact-decay';

/** Why a model has no SIMD kernel (a function of the state without a lane instruction), or undefined. */
export function refuseSimd(m: CompiledModel, lane: LaneType): string | undefined {
  const calls = LANE_CALLS[lane];
  const find = (n: Node): string | undefined => {
    if (!dependsOnState(n)) return undefined;
    switch (n.t) {
      case 'neg': return find(n.a);
      case 'bin': return find(n.a) ?? find(n.b);
      case 'cmp': return 'a comparison inside an expression';
      case 'call':
        if (!calls.has(n.fn)) return `${n.fn}() of the state ('${n.src ?? n.fn}')`;
        for (const a of n.args) {
          const r = find(a);
          if (r) return r;
        }
        return undefined;
      default: return undefined;
    }
  };
  if (m.ports.some((q) => q.set)) return `it holds this step's spike input in ${m.ports.filter((q) => q.set).map((q) => m.states[q.target]).join(', ')} ('spikes' port), which these lanes do not do`;
  const where: [string, Node][] = m.derivs.map((d, j) => [`d${m.states[j]}/dt`, d]);
  if (m.threshold) {
    // The threshold's comparisons (and their conjunction) are lane masks; their operands are expressions.
    const sides = (n: Node): Node[] => (n.t === 'cmp' ? [n.a, n.b] : n.t === 'bin' ? [...sides(n.a), ...sides(n.b)] : []);
    if (!isCondition(m.threshold)) return 'the threshold is not a comparison or a conjunction of comparisons; use euler-f32 or rk4-f32';
    for (const x of sides(m.threshold)) where.push(['the threshold', x]);
  }
  m.resets.forEach((r) => where.push([`the reset of ${m.states[r.target]}`, r.value]));
  for (const [what, n] of where) {
    const r = find(n);
    if (r) {
      return lane === 'f32'
        ? `${what} uses ${r}, which the float32 lanes do not compute (they take + − × ÷, unary minus, min, max, abs, sqrt, exp); use euler-f32 or rk4-f32`
        : `${what} uses ${r}, which has no WebAssembly SIMD instruction (float64 lanes take + − × ÷, unary minus, min, max, abs, sqrt, and stay bit-identical to euler); use euler`;
    }
  }
  return undefined;
}

/** A comparison, or comparisons joined by `and` (lowered as their 0/1 product): a lane mask in SIMD. */
export function isCondition(n: Node): boolean {
  return n.t === 'cmp' || (n.t === 'bin' && n.op === '*' && isCondition(n.a) && isCondition(n.b));
}

/** `n` with state slot i read from register at[i] and the current input from register `stim`. */
export function remap(n: Node, at: readonly number[], stim: number): Node {
  switch (n.t) {
    case 'state': return { t: 'state', i: at[n.i] };
    case 'stim': return { t: 'state', i: stim };
    case 'num': case 'param': return n;
    case 'neg': return { t: 'neg', a: remap(n.a, at, stim) };
    case 'bin': return { t: 'bin', op: n.op, a: remap(n.a, at, stim), b: remap(n.b, at, stim) };
    case 'call': return { t: 'call', fn: n.fn, args: n.args.map((x) => remap(x, at, stim)) };
    case 'cmp': return { t: 'cmp', op: n.op, a: remap(n.a, at, stim), b: remap(n.b, at, stim) };
  }
}

export const reg = (i: number): Node => ({ t: 'state', i });

/** A bound model's bounds as a Program holds them: lower ones first, as the scalar kernels apply them; ∓Infinity (NEST's default V_min) never acts. */
export function finiteBounds(b: Bound): Program['bounds'] {
  return [
    ...b.lowerBounds.filter((l) => l.value > -Infinity).map((l) => ({ target: l.target, value: l.value, upper: false })),
    ...b.upperBounds.filter((l) => l.value < Infinity).map((l) => ({ target: l.target, value: l.value, upper: true })),
  ];
}

const add = (a: Node, b: Node): Node => ({ t: 'bin', op: '+', a, b });
const mul = (a: Node, b: Node): Node => ({ t: 'bin', op: '*', a, b });

/**
 * The step of `method` for a bound model, in the operation order of plugins/schemes/explicit.ts: euler
 * `y + (h * d)`, rk4 with its stages and `y + (h/6 * (((k1 + (2 * k2)) + (2 * k3)) + k4))`.
 */
export function buildProgram(m: CompiledModel, b: Bound, dt: number, method: Method): Program {
  const k = m.states.length, stim = k;
  const hasRefr = m.refractory !== undefined;
  const ys = [...Array(k).keys()];
  let next = k + 1;
  const vec = () => ys.map(() => next++);
  const assigns: Assign[] = [];
  const derivs = (out: number[], at: readonly number[]) =>
    out.forEach((o, j) => assigns.push({ dst: o, expr: remap(b.derivs[j], at, stim), clamp: m.clamped[j] && hasRefr }));
  const stage = (out: number[], f: number, kk: number[]) => out.forEach((o, j) => assigns.push({ dst: o, expr: add(reg(j), mul(num(f), reg(kk[j]))), clamp: false }));
  if (method === 'euler') {
    const d = vec();
    derivs(d, ys);
    stage(ys, dt, d);
  } else if (method === 'exact-decay') {
    // plugins/schemes/euler_exact_decay.ts's expressions, every one from the values at the start of the step.
    const kinds = classify(b.derivs);
    const d = vec();
    const out = vec();
    kinds.forEach((c, j) => {
      if (c.kind === 'euler') {
        assigns.push({ dst: d[j], expr: remap(b.derivs[j], ys, stim), clamp: m.clamped[j] && hasRefr });
        assigns.push({ dst: out[j], expr: add(reg(j), mul(num(dt), reg(d[j]))), clamp: false });
        return;
      }
      if (c.coef?.t !== 'num') throw new Error(`SIMD program: the decay rate of ${m.states[j]} is not a constant once bound`);
      const M = c.coef.v;
      const x = c.kind === 'relax' ? add(reg(j), mul(num(Math.expm1(M * dt) / M), remap(c.rest!, ys, stim))) : reg(j);
      assigns.push({ dst: out[j], expr: mul(x, num(Math.exp(M * dt))), clamp: false, ...(m.clamped[j] && hasRefr ? { hold: j } : {}) });
    });
    ys.forEach((j) => assigns.push({ dst: j, expr: reg(out[j]), clamp: false }));
  } else {
    const [k1, k2, k3, k4, a, bb, c] = [vec(), vec(), vec(), vec(), vec(), vec(), vec()];
    derivs(k1, ys);
    stage(a, dt / 2, k1);
    derivs(k2, a);
    stage(bb, dt / 2, k2);
    derivs(k3, bb);
    stage(c, dt, k3);
    derivs(k4, c);
    ys.forEach((j) => assigns.push({
      dst: j, clamp: false,
      expr: add(reg(j), mul(num(dt / 6), add(add(add(reg(k1[j]), mul(num(2), reg(k2[j]))), mul(num(2), reg(k3[j]))), reg(k4[j])))),
    }));
  }
  // prev(y_j) in a threshold reads slot k + 1 + j: y_j at the start of the step, copied before integrating.
  const prev: number[] = [...ys, stim];
  const reads = (n: Node, j: number): boolean =>
    n.t === 'state' ? n.i === k + 1 + j : n.t === 'neg' ? reads(n.a, j) : n.t === 'bin' || n.t === 'cmp' ? reads(n.a, j) || reads(n.b, j) : n.t === 'call' && n.args.some((x) => reads(x, j));
  for (const j of ys) {
    prev.push(b.threshold && reads(b.threshold, j) ? next : -1);
    if (prev[k + 1 + j] >= 0) assigns.unshift({ dst: next++, expr: reg(j), clamp: false });
  }
  return {
    k, regs: next, assigns, ports: b.ports, hasRefr, refrSteps: b.refrSteps,
    threshold: b.threshold && remap(b.threshold, prev, stim),
    resets: b.resets.map((r) => ({ target: r.target, value: remap(r.value, ys, stim) })),
    bounds: finiteBounds(b),
  };
}

type Closure = (r: Float64Array) => number;

/** A register tree as a closure, every operation rounded to the lane type as a lane instruction rounds it. */
function closureOf(n: Node, F: (x: number) => number): Closure {
  switch (n.t) {
    case 'num': { const v = F(n.v); return () => v; }
    case 'state': { const i = n.i; return (r) => r[i]; }
    case 'neg': { const a = closureOf(n.a, F); return (r) => -a(r); }
    case 'bin': {
      const a = closureOf(n.a, F), b = closureOf(n.b, F);
      switch (n.op) {
        case '+': return (r) => F(a(r) + b(r));
        case '-': return (r) => F(a(r) - b(r));
        case '*': return (r) => F(a(r) * b(r));
        default: return (r) => F(a(r) / b(r));
      }
    }
    case 'call': {
      const a = closureOf(n.args[0], F);
      if (n.fn === 'abs') return (r) => Math.abs(a(r));
      if (n.fn === 'sqrt') return (r) => F(Math.sqrt(a(r)));
      if (n.fn === 'exp') return (r) => expF32(a(r));
      const b = closureOf(n.args[1], F);
      return n.fn === 'min' ? (r) => Math.min(a(r), b(r)) : (r) => Math.max(a(r), b(r));
    }
    case 'cmp': {
      const a = closureOf(n.a, F), b = closureOf(n.b, F);
      switch (n.op) {
        case '<': return (r) => +(a(r) < b(r));
        case '<=': return (r) => +(a(r) <= b(r));
        case '>': return (r) => +(a(r) > b(r));
        case '>=': return (r) => +(a(r) >= b(r));
        case '==': return (r) => +(a(r) === b(r));
        default: return (r) => +(a(r) !== b(r));
      }
    }
    default: throw new Error(`SIMD program: unexpected ${n.t} node`);
  }
}

export const rounding = (lane: LaneType): ((x: number) => number) => (lane === 'f32' ? Math.fround : (x) => x);

/**
 * The program run one neuron at a time in JS over the state arrays (`s`: the model's, then I0 and the
 * refractory count, in the lane type): the SIMD kernel's results without WebAssembly.
 */
export function emulatedStep(p: Program, lane: LaneType, s: readonly FieldArray[], n: number): (ring: RingBuffer, off: number, spikes: Int32Array) => number {
  const F = rounding(lane);
  const { k, hasRefr, refrSteps } = p;
  const S = s.slice(0, k), I0 = s[k], R = s[k + 1];
  const r = new Float64Array(p.regs);
  const assigns = p.assigns.map((a) => ({ dst: a.dst, clamp: a.clamp, hold: a.hold, f: closureOf(a.expr, F) }));
  const bounds = p.bounds.map((x) => ({ ...x, value: F(x.value) }));
  const flush = lane === 'f32';
  const ports = p.ports.map((q) => ({ ...q, scale: F(q.scale) }));
  const thr = p.threshold && closureOf(p.threshold, F);
  const resets = p.resets.map((x) => ({ target: x.target, f: closureOf(x.value, F) }));
  return (ring, off, spikes) => {
    const { ex, inh } = ring, cur = ring.cur;
    let count = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < k; j++) r[j] = S[j][i];
      r[k] = I0[i];
      const refr = hasRefr && R[i] > 0;
      for (const a of assigns) r[a.dst] = refr && a.clamp ? 0 : refr && a.hold !== undefined ? r[a.hold] : a.f(r);
      for (const q of ports) {
        if (q.drop && refr) continue;
        const w = F((q.channel === 'ex' ? ex : inh)[off + i]);
        const inc = q.scale === 1 ? w : F(w * q.scale);
        r[q.target] = F(q.sign > 0 ? r[q.target] + inc : r[q.target] - inc);
      }
      if (!refr) {
        for (const x of bounds) if (x.upper ? r[x.target] > x.value : r[x.target] < x.value) r[x.target] = x.value;
      }
      if (refr) R[i] = R[i] - 1;
      else if (thr && thr(r) !== 0) {
        for (const x of resets) r[x.target] = x.f(r);
        R[i] = refrSteps;
        spikes[count++] = i;
      }
      if (flush) for (let j = 0; j < k; j++) if (Math.abs(r[j]) < F32_FLUSH_BELOW) r[j] = 0;
      for (let j = 0; j < k; j++) S[j][i] = r[j];
      I0[i] = F(cur[off + i]);
    }
    return count;
  };
}
