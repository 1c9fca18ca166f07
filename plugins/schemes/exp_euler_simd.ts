import { heapArena } from '../../core/component.js';
import type { KernelContext, NeuronGroupContext, NeuronKernel, NeuronScheme } from '../../core/contracts/neuron.js';
import { NO_PRIVATE_STATE } from '../../core/contracts/base.js';
import type { RingBuffer } from '../../core/ringbuffer.js';
import type { EquationModel } from '../../core/equations/define.js';
import { bindModel, type Bound, type Codegen } from '../../core/equations/kernel.js';
import type { CompiledModel, EquationScheme } from '../../core/equations/scheme.js';
import { bind, num, type Node } from '../../core/equations/ir.js';
import { exponentialEuler, splitLinear } from './exp_euler.js';
import { simdAvailable } from './simd.js';
import { emulatedStep, finiteBounds, refuseSimd, remap, reg, type Assign, type Program } from './simd_program.js';
import { programConstants, simdKernel, simdMemory } from './simd_wasm.js';

/**
 * exponential-euler in float32 lanes, four neurons per WebAssembly f32x4, through the SIMD back end of
 * simd_program.ts / simd_wasm.ts (its float32 exp, its JS emulation as the fallback). The lanes have no
 * select, so this is Brian2's form exactly, without exp_euler.ts's guard: per variable
 * q = B/M, e = exp(M·dt), x ← ((x + q)·e) − q; x·e where B is absent (e a constant where M is one);
 * x + dt·B where M is absent. An M that is exactly 0 at run time gives NaN, as in Brian2.
 */

export const NAME = 'exponential-euler-f32x4-wasm-simd';

function refuse(m: CompiledModel): string | undefined {
  return exponentialEuler.refuse!(m) ?? refuseSimd(m, 'f32');
}

const bin = (op: '+' | '-' | '*' | '/', a: Node, b: Node): Node => ({ t: 'bin', op, a, b });
const present = (n: Node | null): Node | null => {
  if (n === null) return null;
  const b = bind(n, {});
  return b.t === 'num' && b.v === 0 ? null : b;
};

/** The step as register assignments: every M, B, B/M and exp(M·dt) from the old state, then the new values. */
export function buildExpEulerProgram(m: CompiledModel, b: Bound, dt: number): Program {
  const k = m.states.length, stim = k;
  const ys = [...Array(k).keys()];
  let next = k + 1;
  const assigns: Assign[] = [];
  const put = (expr: Node) => {
    assigns.push({ dst: next, expr, clamp: false });
    return next++;
  };
  const fresh: Node[] = ys.map((j) => {
    const s = splitLinear(b.derivs[j], j);
    if ('nonlinear' in s) throw new Error(`${NAME}: ${m.states[j]} (${s.nonlinear})`);
    const M = present(s.coef), B = present(s.rest);
    const y = reg(j);
    if (M === null) return B === null ? y : bin('+', y, bin('*', num(dt), reg(put(remap(B, ys, stim)))));
    if (M.t === 'num' && B === null) return bin('*', y, num(Math.exp(M.v * dt)));
    const a = put(remap(M, ys, stim));
    const e = put({ t: 'call', fn: 'exp', args: [bin('*', reg(a), num(dt))] });
    if (B === null) return bin('*', y, reg(e));
    const q = put(bin('/', reg(put(remap(B, ys, stim))), reg(a)));
    return bin('-', bin('*', bin('+', y, reg(q)), reg(e)), reg(q));
  });
  // A variable clamped while refractory keeps its value on those lanes (a select), as exponential-euler holds it.
  const held = m.refractory !== undefined ? m.clamped : [];
  const out = fresh.map((f, j) => {
    assigns.push({ dst: next, expr: f, clamp: false, ...(held[j] ? { hold: j } : {}) });
    return next++;
  });
  ys.forEach((j) => assigns.push({ dst: j, expr: reg(out[j]), clamp: false }));
  // prev(y_j) in a threshold reads slot k + 1 + j: y_j at the start of the step, copied before integrating.
  const prev: number[] = [...ys, stim];
  const reads = (n: Node, j: number): boolean =>
    n.t === 'state' ? n.i === k + 1 + j : n.t === 'neg' ? reads(n.a, j) : n.t === 'bin' || n.t === 'cmp' ? reads(n.a, j) || reads(n.b, j) : n.t === 'call' && n.args.some((x) => reads(x, j));
  for (const j of ys) {
    prev.push(b.threshold && reads(b.threshold, j) ? next : -1);
    if (prev[k + 1 + j] >= 0) assigns.unshift({ dst: next++, expr: reg(j), clamp: false });
  }
  return {
    k, regs: next, assigns, ports: b.ports, hasRefr: m.refractory !== undefined, refrSteps: b.refrSteps,
    threshold: b.threshold && remap(b.threshold, prev, stim),
    resets: b.resets.map((r) => ({ target: r.target, value: remap(r.value, ys, stim) })),
    bounds: finiteBounds(b),
  };
}

/**
 * The registered form: a model made by core/equations' own defineModel (without plugins/schemes' wrapper)
 * runs exponential-euler's JS step over Float32Array state; plugins/schemes' defineModel swaps in the lanes.
 */
export const expEulerF32x4Wasm: EquationScheme = {
  name: NAME,
  doc: 'exponential Euler (Brian2\'s form, no M = 0 guard) in float32 arithmetic, four neurons per WebAssembly f32x4 (within float32 rounding of exponential-euler)',
  precision: 'f32',
  refuse,
  prepare: exponentialEuler.prepare,
  emit: exponentialEuler.emit,
  fallback: exponentialEuler.fallback,
};

const programOf = (m: CompiledModel, ctx: NeuronGroupContext) => buildExpEulerProgram(m, bindModel(m, ctx.params, ctx.dt), ctx.dt);

function emulatedKernel(m: CompiledModel, ctx: KernelContext): NeuronKernel & { generated: boolean } {
  const fields = [...m.states, 'I0', 'r'].map((v) => ctx.state[v]);
  const step = emulatedStep(programOf(m, ctx), 'f32', fields, ctx.n);
  return { ...NO_PRIVATE_STATE, generated: false, update: (_s: number, ring: RingBuffer, off: number, spikes: Int32Array) => step(ring, off, spikes) };
}

/** As simd.ts's simdIntegrator: WebAssembly where it compiles and codegen is not 'off', else its JS emulation. */
function integrator(m: CompiledModel, codegen: Codegen = 'auto'): NeuronScheme {
  const useWasm = () => codegen === 'auto' && simdAvailable();
  return {
    precision: 'f32',
    internal: {
      I0: { type: 'f32', unit: 'pA', doc: 'current input of the previous step, acting in this one (I_stim)' },
      r: { type: 'f32', unit: 'steps', doc: 'refractory steps left (a lane: small integers are exact)' },
    },
    arena: (ctx) => (useWasm() ? simdMemory(ctx.n, m.states.length, 'f32', programConstants(programOf(m, ctx), 'f32').length) : heapArena),
    create: (ctx) => (ctx.arena === heapArena ? emulatedKernel(m, ctx) : simdKernel(programOf(m, ctx), 'f32', ctx)),
  };
}

/** `model` with the WebAssembly kernel in place of the registered JS form, where it lists the scheme. */
export function withExpEulerSimd(model: EquationModel, codegen?: Codegen): EquationModel {
  if (!(NAME in model.integrators) || model.scheme(NAME) !== expEulerF32x4Wasm) return model;
  return { ...model, integrators: { ...model.integrators, [NAME]: integrator(model.compiled, codegen) } };
}
