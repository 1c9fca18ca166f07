import { heapArena } from '../../core/component.js';
import type { KernelContext, NeuronGroupContext, NeuronKernel, NeuronScheme } from '../../core/contracts/neuron.js';
import { NO_PRIVATE_STATE } from '../../core/contracts/base.js';
import type { RingBuffer } from '../../core/ringbuffer.js';
import type { EquationModel } from '../../core/equations/define.js';
import { bindModel, type Codegen } from '../../core/equations/kernel.js';
import type { CompiledModel, EquationScheme } from '../../core/equations/scheme.js';
import { wasm } from '../integrators/wasm/runtime.js';
import { eulerF32, eulerF64, rk4F32 } from './explicit.js';
import { eulerExactDecay, eulerExactDecayF32 } from './euler_exact_decay.js';
import { buildProgram, emulatedStep, refuseSimd, type LaneType, type Method } from './simd_program.js';
import { programConstants, simdKernel, simdMemory } from './simd_wasm.js';

/**
 * WebAssembly SIMD kernels for equation models, generated at run time from the same IR as the JS kernels.
 * Each is registered as an EquationScheme (so defineModel lists it, or says why it is refused), and
 * plugins/schemes' defineModel swaps in its NeuronScheme: the population's state in the module's memory,
 * lanes of float32 (f32x4) or float64 (f64x2), I0 and the refractory count lanes of the same type.
 */

interface SimdDef {
  readonly name: string;
  readonly method: Method;
  readonly lane: LaneType;
  /** The JS scheme of the same method and storage: what core/equations' own defineModel builds for this name. */
  readonly js: EquationScheme;
  readonly doc: string;
}

const DEFS: readonly SimdDef[] = [
  {
    name: 'euler-f32x4-wasm-simd', method: 'euler', lane: 'f32', js: eulerF32,
    doc: 'forward Euler in float32 arithmetic, four neurons per WebAssembly f32x4 (within float32 rounding of euler-f32)',
  },
  {
    name: 'rk4-f32x4-wasm-simd', method: 'rk4', lane: 'f32', js: rk4F32,
    doc: 'classical RK4 in float32 arithmetic, four neurons per WebAssembly f32x4 (within float32 rounding of rk4-f32)',
  },
  {
    name: 'euler-f64x2-wasm-simd', method: 'euler', lane: 'f64', js: eulerF64,
    doc: 'forward Euler in float64, two neurons per WebAssembly f64x2, bit-identical to euler',
  },
  {
    name: 'euler-exact-decay-f32x4-wasm-simd', method: 'exact-decay', lane: 'f32', js: eulerExactDecayF32,
    doc: "Auryn's scheme (exact decay of the linear variables, Euler for the others) in float32 arithmetic, four neurons per WebAssembly f32x4 (within float32 rounding of euler-exact-decay-f32)",
  },
  {
    name: 'euler-exact-decay-f64x2-wasm-simd', method: 'exact-decay', lane: 'f64', js: eulerExactDecay,
    doc: "Auryn's scheme in float64, two neurons per WebAssembly f64x2, bit-identical to euler-exact-decay",
  },
];

/**
 * The registered form. `emit` and `fallback` are the JS scheme of the same method (euler-f32, rk4-f32,
 * euler): only a model made by core/equations' defineModel without this plugin's wrapper runs them.
 */
function equationScheme(d: SimdDef): EquationScheme {
  return { name: d.name, doc: d.doc, precision: d.lane, refuse: (m) => d.js.refuse?.(m) ?? refuseSimd(m, d.lane), prepare: d.js.prepare, emit: d.js.emit, fallback: d.js.fallback };
}

export const simdSchemes: readonly EquationScheme[] = DEFS.map(equationScheme);
export const [eulerF32x4Wasm, rk4F32x4Wasm, eulerF64x2Wasm, eulerExactDecayF32x4Wasm, eulerExactDecayF64x2Wasm] = simdSchemes;

let usable: boolean | undefined;
/** Whether this engine compiles WebAssembly SIMD here (not under --disallow-code-generation-from-strings, say). */
export function simdAvailable(): boolean {
  if (usable === undefined) {
    try {
      // f32x4.splat of 0, dropped: the smallest module with a SIMD instruction.
      const bytes = Uint8Array.from([0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 3, 2, 1, 0, 10, 12, 1, 10, 0, 67, 0, 0, 0, 0, 253, 19, 26, 11]);
      usable = wasm !== undefined && wasm.validate(bytes) && new wasm.Module(bytes) !== undefined;
    } catch {
      usable = false;
    }
  }
  return usable;
}

/** A population's program (bound to its parameters and dt). */
const programOf = (m: CompiledModel, d: SimdDef, ctx: NeuronGroupContext) => buildProgram(m, bindModel(m, ctx.params, ctx.dt), ctx.dt, d.method);

/** The JS form of the same program, for a kernel without WebAssembly: the same results, one neuron at a time. */
function emulatedKernel(m: CompiledModel, d: SimdDef, ctx: KernelContext): NeuronKernel & { generated: boolean } {
  const fields = [...m.states, 'I0', 'r'].map((v) => ctx.state[v]);
  const step = emulatedStep(programOf(m, d, ctx), d.lane, fields, ctx.n);
  return { ...NO_PRIVATE_STATE, generated: false, update: (_s: number, ring: RingBuffer, off: number, spikes: Int32Array) => step(ring, off, spikes) };
}

/** The NeuronScheme of one SIMD scheme for a model: WebAssembly where it compiles and codegen is not 'off'. */
export function simdIntegrator(m: CompiledModel, d: SimdDef, codegen: Codegen = 'auto'): NeuronScheme {
  const useWasm = () => codegen === 'auto' && simdAvailable();
  return {
    precision: d.lane,
    internal: {
      I0: { type: d.lane, unit: 'pA', doc: 'current input of the previous step, acting in this one (I_stim)' },
      r: { type: d.lane, unit: 'steps', doc: 'refractory steps left (a lane: small integers are exact)' },
    },
    arena: (ctx) => (useWasm() ? simdMemory(ctx.n, m.states.length, d.lane, programConstants(programOf(m, d, ctx), d.lane).length) : heapArena),
    create: (ctx) => (ctx.arena === heapArena ? emulatedKernel(m, d, ctx) : simdKernel(programOf(m, d, ctx), d.lane, ctx)),
  };
}

/** `model` with the WebAssembly kernels in place of the registered JS forms of the SIMD schemes it lists. */
export function withSimdKernels(model: EquationModel, codegen?: Codegen): EquationModel {
  const integrators: Record<string, NeuronScheme> = {};
  let changed = false;
  for (const [name, s] of Object.entries(model.integrators)) {
    const i = simdSchemes.findIndex((x) => x.name === name);
    const mine = i >= 0 && model.scheme(name) === simdSchemes[i];
    integrators[name] = mine ? simdIntegrator(model.compiled, DEFS[i], codegen) : s;
    changed ||= mine;
  }
  return changed ? { ...model, integrators } : model;
}
