import type { IntegratorPlugin, NeuronKernel, KernelContext, NeuronGroupContext } from '../../../core/plugin.js';
import type { RingBuffer } from '../../../core/ringbuffer.js';
import type { SavedState } from '../../../core/contracts/base.js';
import { restoreArray } from '../../../core/saved-state.js';
import { refractorySteps } from '../../neurons/propagators.js';
import { module, op, I32, F64, V128 } from './assembler.js';
import { wasm, KernelMemory, RowCopier, keepSpikes } from './runtime.js';

/**
 * iaf_cond_exp's Auryn-style step (forward Euler on V_m, exact conductance decay, single-precision state:
 * plugins/integrators/euler_f32.ts) as WebAssembly SIMD, two neurons per f64x2. The TypeScript kernel
 * computes every pass in double precision and rounds to float32 where it stores into a Float32Array; this
 * kernel does the same operations in the same order and rounds (f32x4.demote) at the same points, so the
 * results are bit-identical while the eight passes over memory become one.
 */

const P = {
  pairs: 0, pV: 1, pGex: 2, pGin: 3, pI0: 4, pR: 5, pEx: 6, pInh: 7, pCur: 8, pSpk: 9,
  E_L: 10, gL: 11, E_ex: 12, E_in: 13, I_e: 14, hOverC: 15, Pex: 16, Pin: 17, scale: 18, theta: 19, Vreset: 20, refr: 21,
} as const;
const L = {
  i: 22, o4: 23, o8: 24, count: 25, mask: 26,
  vEL: 27, vGL: 28, vEex: 29, vEin: 30, vIe: 31, vHC: 32, vPex: 33, vPin: 34, vScale: 35, vTheta: 36, vReset: 37, vRefr: 38,
  vOne: 39, vZero: 40, V: 41, R: 42, tmp: 43, sel: 44, spk: 45, gex: 46, gin: 47,
} as const;

function buildModule(): Uint8Array {
  const { get, set, tee } = op;
  const at4 = (ptr: number) => [get(ptr), get(L.o4), op.i32Add()];
  const at8 = (ptr: number) => [get(ptr), get(L.o8), op.i32Add()];
  const loadF32Pair = (ptr: number) => [...at4(ptr), op.v128Load64Zero(), op.f64x2PromoteLowF32x4()];
  const loadF64Pair = (ptr: number) => [...at8(ptr), op.v128Load()];
  // What a store into a Float32Array does to a double: round to nearest float32.
  const round = () => [op.f32x4DemoteF64x2Zero(), op.f64x2PromoteLowF32x4()];
  const storeF32Pair = (ptr: number, value: number[][]) => [...at4(ptr), ...value, op.f32x4DemoteF64x2Zero(), op.v128Store64Lane0()];
  const splat = (param: number, local: number) => [get(param), op.f64x2Splat(), set(local)];
  const pushSpike = (lane: number) => [
    get(L.mask), op.i32Const(lane + 1), op.i32And(), op.if(),
    get(P.pSpk), get(L.count), op.i32Const(2), op.i32Shl(), op.i32Add(),
    get(L.i), op.i32Const(1), op.i32Shl(), op.i32Const(lane), op.i32Add(), op.i32Store(),
    get(L.count), op.i32Const(1), op.i32Add(), set(L.count),
    op.end(),
  ];
  const body: number[][] = [
    ...splat(P.E_L, L.vEL), ...splat(P.gL, L.vGL), ...splat(P.E_ex, L.vEex), ...splat(P.E_in, L.vEin), ...splat(P.I_e, L.vIe),
    ...splat(P.hOverC, L.vHC), ...splat(P.Pex, L.vPex), ...splat(P.Pin, L.vPin), ...splat(P.scale, L.vScale),
    ...splat(P.theta, L.vTheta), ...splat(P.Vreset, L.vReset), ...splat(P.refr, L.vRefr),
    op.f64Const(1), op.f64x2Splat(), set(L.vOne),
    op.f64Const(0), op.f64x2Splat(), set(L.vZero),
    op.block(), op.loop(),
    get(L.i), get(P.pairs), op.i32GeU(), op.brIf(1),
    get(L.i), op.i32Const(3), op.i32Shl(), set(L.o4),
    get(L.i), op.i32Const(4), op.i32Shl(), set(L.o8),
    ...loadF32Pair(P.pV), set(L.V),
    ...loadF64Pair(P.pR), set(L.R),
    ...loadF32Pair(P.pGex), set(L.gex),
    ...loadF32Pair(P.pGin), set(L.gin),
    // tmp = (E_L - V) g_L; tmp += (E_ex - V) g_ex; tmp += (E_in - V) g_in; tmp = (tmp + I0 + I_e) h / C
    get(L.vEL), get(L.V), op.f64x2Sub(), get(L.vGL), op.f64x2Mul(), ...round(), set(L.tmp),
    get(L.tmp), get(L.vEex), get(L.V), op.f64x2Sub(), get(L.gex), op.f64x2Mul(), op.f64x2Add(), ...round(), set(L.tmp),
    get(L.tmp), get(L.vEin), get(L.V), op.f64x2Sub(), get(L.gin), op.f64x2Mul(), op.f64x2Add(), ...round(), set(L.tmp),
    get(L.tmp), ...loadF32Pair(P.pI0), op.f64x2Add(), get(L.vIe), op.f64x2Add(), get(L.vHC), op.f64x2Mul(), ...round(), set(L.tmp),
    // V += tmp unless refractory
    get(L.V), get(L.tmp), get(L.vZero), get(L.R), get(L.vZero), op.f64x2Eq(), op.v128Bitselect(), op.f64x2Add(), ...round(), set(L.V),
    // conductances decay and take this step's input (the inhibitory row holds a negative sum)
    ...storeF32Pair(P.pGex, [get(L.gex), get(L.vPex), op.f64x2Mul(), get(L.vScale), ...loadF64Pair(P.pEx), op.f64x2Mul(), op.f64x2Add()]),
    ...storeF32Pair(P.pGin, [get(L.gin), get(L.vPin), op.f64x2Mul(), get(L.vScale), ...loadF64Pair(P.pInh), op.f64x2Mul(), op.f64x2Sub()]),
    // refractory: clamp to V_reset and count down
    get(L.R), get(L.vZero), op.f64x2Gt(), set(L.sel),
    get(L.vReset), get(L.V), get(L.sel), op.v128Bitselect(), set(L.V),
    get(L.R), get(L.vOne), get(L.vZero), get(L.sel), op.v128Bitselect(), op.f64x2Sub(), set(L.R),
    // threshold, for the neurons that were not refractory; the rare spiking pair takes the scalar path
    get(L.V), get(L.vTheta), op.f64x2Ge(), get(L.sel), op.v128Andnot(), tee(L.spk), op.i64x2Bitmask(), tee(L.mask), op.if(),
    get(L.vReset), get(L.V), get(L.spk), op.v128Bitselect(), set(L.V),
    get(L.vRefr), get(L.R), get(L.spk), op.v128Bitselect(), set(L.R),
    ...pushSpike(0), ...pushSpike(1),
    op.end(),
    ...storeF32Pair(P.pV, [get(L.V)]),
    ...at8(P.pR), get(L.R), op.v128Store(),
    // the current input acts from the next step
    ...storeF32Pair(P.pI0, loadF64Pair(P.pCur)),
    get(L.i), op.i32Const(1), op.i32Add(), set(L.i),
    op.br(0),
    op.end(), op.end(),
    get(L.count),
  ];
  const params = [...Array(10).fill(I32), ...Array(12).fill(F64)];
  return module('step', params, [I32], [[5, I32], [21, V128]], body);
}

let compiled: object | null = null;

export function condExpSimdAvailable(): boolean {
  try {
    return wasm.validate(buildModule());
  } catch {
    return false;
  }
}

/** V, g_ex, g_in, I0 (float32); R, ex, inh, cur rows (float64); the spike list (int32). */
function layoutFor(n: number) {
  const pad = n + (n & 1);
  const A4 = pad * 4;
  const A8 = pad * 8;
  const pR = 4 * A4;
  const pEx = pR + A8;
  const pInh = pEx + A8;
  const pCur = pInh + A8;
  const pSpk = pCur + A8;
  return { pad, A4, pR, pEx, pInh, pCur, pSpk, bytes: pSpk + A4 };
}

/** The WASM kernel of iaf_cond_exp; `inputScale` as in the TypeScript kernel (1: nS; 1000: PyNN's µS). */
export function createCondExpEulerF32Wasm(ctx: KernelContext, inputScale = 1): NeuronKernel {
  const { n, params: p, dt: h } = ctx;
  compiled ??= new wasm.Module(buildModule());
  const { pad, A4, pR, pEx, pInh, pCur, pSpk } = layoutFor(n);
  const mem = ctx.arena as KernelMemory;
  const step = mem.instantiate(compiled);
  const buffer = mem.buffer;
  new Float32Array(buffer, 0, pad).fill(p.E_L, n);
  const rows = new RowCopier(new Float64Array(buffer), n, pEx / 8, pInh / 8, pCur / 8);
  const spikeOut = new Int32Array(buffer, pSpk, pad);
  const Pex = Math.exp(-h / p.tau_syn_ex);
  const Pin = Math.exp(-h / p.tau_syn_in);
  const hOverC = h / p.C_m;
  const refr = refractorySteps(p.t_ref, h);
  const VresetF32 = Math.fround(p.V_reset);
  // The state arrays with the padding neuron of an odd n (it integrates too, with I_e): four float32, R float64.
  const lanes = new Float32Array(buffer, 0, A4);
  const refractory = new Float64Array(buffer, pR, pad);
  return {
    saveState: () => ({ lanes, refractory }),
    loadState(s: SavedState) {
      restoreArray(s, 'lanes', lanes, 'euler-f32-wasm-simd');
      restoreArray(s, 'refractory', refractory, 'euler-f32-wasm-simd');
    },
    update(_step: number, ring: RingBuffer, off: number, spikes: Int32Array): number {
      if (n === 0) return 0;
      rows.copy(ring, off);
      const count = step(
        pad >> 1, 0, A4, 2 * A4, 3 * A4, pR, pEx, pInh, pCur, pSpk,
        p.E_L, p.g_L, p.E_ex, p.E_in, p.I_e, hOverC, Pex, Pin, inputScale, p.V_th, VresetF32, refr,
      );
      return keepSpikes(spikeOut, count, n, spikes);
    },
  };
}

export const iafCondExpWasm: IntegratorPlugin = {
  kind: 'integrator',
  name: 'euler-f32-wasm-simd',
  model: 'iaf_cond_exp',
  doc: 'iaf_cond_exp with Auryn-style Euler/float32 integration as one WebAssembly SIMD pass, bit-identical to euler-f32',
  ...condExpF32WasmScheme(1),
};

/** The scheme's state layout in its memory and its kernel, for a weight unit (1: nS; 1000: PyNN's µS). */
export function condExpF32WasmScheme(inputScale: number) {
  return {
    precision: 'f32' as const,
    internal: { I0: { type: 'f32' as const, unit: 'pA', doc: 'current input acting this step' }, r: { unit: 'steps', doc: 'refractory steps left (a float64 lane)' } },
    arena: (ctx: NeuronGroupContext) => {
      const l = layoutFor(ctx.n);
      return new KernelMemory(l.bytes, [0, l.A4, 2 * l.A4, 3 * l.A4, l.pR]);
    },
    create: (ctx: KernelContext) => createCondExpEulerF32Wasm(ctx, inputScale),
  };
}
