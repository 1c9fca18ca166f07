import type { IntegratorPlugin, NeuronKernel, KernelContext, NeuronGroupContext } from '../../../core/plugin.js';
import type { RingBuffer } from '../../../core/ringbuffer.js';
import type { SavedState } from '../../../core/contracts/base.js';
import { restoreArray } from '../../../core/saved-state.js';
import { refractorySteps } from '../../neurons/propagators.js';
import { module, op, I32, V128 } from './assembler.js';
import { wasm, KernelMemory, RowCopier, LaneConstants, keepSpikes } from './runtime.js';

/**
 * iaf_cond_exp's Auryn-style step (forward Euler on V_m, exact conductance decay, single-precision state:
 * plugins/integrators/euler_f32.ts) as WebAssembly SIMD, two neurons per f64x2. The TypeScript kernel
 * computes every pass in double precision and rounds to float32 where it stores into a Float32Array; this
 * kernel does the same operations in the same order and rounds (f32x4.demote) at the same points, so the
 * results are bit-identical while the eight passes over memory become one.
 */

const P = { pairs: 0, pV: 1, pGex: 2, pGin: 3, pI0: 4, pR: 5, pEx: 6, pInh: 7, pCur: 8, pSpk: 9, pConst: 10 } as const;
const L = {
  i: 11, o4: 12, o8: 13, count: 14, mask: 15,
  vEL: 16, vGL: 17, vEex: 18, vEin: 19, vIe: 20, vHC: 21, vPex: 22, vPin: 23, vScale: 24, vTheta: 25, vReset: 26, vRefr: 27,
  vOne: 28, vZero: 29, V: 30, R: 31, tmp: 32, sel: 33, spk: 34, gex: 35, gin: 36,
} as const;
/** The constants (LaneConstants at pConst), loaded before the loop into the locals vEL... in this order. */
const CONSTANTS = ['E_L', 'g_L', 'E_ex', 'E_in', 'I_e', 'hOverC', 'Pex', 'Pin', 'scale', 'theta', 'V_reset', 'refr', 'one'] as const;

function buildModule(): Uint8Array {
  const { get, set, tee } = op;
  const at4 = (ptr: number) => [get(ptr), get(L.o4), op.i32Add()];
  const at8 = (ptr: number) => [get(ptr), get(L.o8), op.i32Add()];
  const loadF32Pair = (ptr: number) => [...at4(ptr), op.v128Load64Zero(), op.f64x2PromoteLowF32x4()];
  const loadF64Pair = (ptr: number) => [...at8(ptr), op.v128Load()];
  // What a store into a Float32Array does to a double: round to nearest float32.
  const round = () => [op.f32x4DemoteF64x2Zero(), op.f64x2PromoteLowF32x4()];
  const storeF32Pair = (ptr: number, value: number[][]) => [...at4(ptr), ...value, op.f32x4DemoteF64x2Zero(), op.v128Store64Lane0()];
  const pushSpike = (lane: number) => [
    get(L.mask), op.i32Const(lane + 1), op.i32And(), op.if(),
    get(P.pSpk), get(L.count), op.i32Const(2), op.i32Shl(), op.i32Add(),
    get(L.i), op.i32Const(1), op.i32Shl(), op.i32Const(lane), op.i32Add(), op.i32Store(),
    get(L.count), op.i32Const(1), op.i32Add(), set(L.count),
    op.end(),
  ];
  const body: number[][] = [
    ...CONSTANTS.flatMap((_, k) => [get(P.pConst), op.v128Load(16 * k), set(L.vEL + k)]),
    op.v128Const(new Uint8Array(16)), set(L.vZero),
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
  return module('step', Array(11).fill(I32), [I32], [[5, I32], [21, V128]], body);
}

let compiled: object | null = null;

export function condExpSimdAvailable(): boolean {
  try {
    return wasm.validate(buildModule());
  } catch {
    return false;
  }
}

/** V, g_ex, g_in, I0 (float32); R, ex, inh, cur rows (float64); the spike list (int32); the constants. */
function layoutFor(n: number) {
  const pad = n + (n & 1);
  const A4 = pad * 4;
  const A8 = pad * 8;
  const pR = 4 * A4;
  const pEx = pR + A8;
  const pInh = pEx + A8;
  const pCur = pInh + A8;
  const pSpk = pCur + A8;
  const pConst = pSpk + Math.ceil(A4 / 16) * 16;
  return { pad, A4, pR, pEx, pInh, pCur, pSpk, pConst, bytes: pConst + 16 * CONSTANTS.length };
}

/** The WASM kernel of iaf_cond_exp; `inputScale` as in the TypeScript kernel (1: nS; 1000: PyNN's µS). */
export function createCondExpEulerF32Wasm(ctx: KernelContext, inputScale = 1): NeuronKernel {
  const { n, params: p, dt: h } = ctx;
  compiled ??= new wasm.Module(buildModule());
  const { pad, A4, pR, pEx, pInh, pCur, pSpk, pConst } = layoutFor(n);
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
  const constants = new LaneConstants(buffer, pConst, CONSTANTS.length);
  const put = (k: number, v: number) => constants.set(k, v);
  return {
    saveState: () => ({ lanes, refractory }),
    loadState(s: SavedState) {
      restoreArray(s, 'lanes', lanes, 'euler-f32-wasm-simd');
      restoreArray(s, 'refractory', refractory, 'euler-f32-wasm-simd');
    },
    update(_step: number, ring: RingBuffer, off: number, spikes: Int32Array): number {
      if (n === 0) return 0;
      rows.copy(ring, off);
      put(0, p.E_L), put(1, p.g_L), put(2, p.E_ex), put(3, p.E_in), put(4, p.I_e), put(5, hOverC), put(6, Pex);
      put(7, Pin), put(8, inputScale), put(9, p.V_th), put(10, VresetF32), put(11, refr), put(12, 1);
      const count = step(pad >> 1, 0, A4, 2 * A4, 3 * A4, pR, pEx, pInh, pCur, pSpk, pConst);
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
