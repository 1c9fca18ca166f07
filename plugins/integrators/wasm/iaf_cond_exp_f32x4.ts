import type { IntegratorPlugin, NeuronGroup, NeuronGroupContext } from '../../../core/plugin.js';
import { RingBuffer } from '../../../core/ringbuffer.js';
import { refractorySteps } from '../../neurons/propagators.js';
import { module, op, I32, F32, V128 } from './assembler.js';
import { wasm, instantiate, RowCopier, keepSpikes } from './runtime.js';

/**
 * iaf_cond_exp's Auryn-style step (forward Euler on V_m, exponential conductance decay) computed in single
 * precision throughout, four neurons per f32x4, as Auryn's SSE kernels do. `euler-f32` and
 * `euler-f32-wasm-simd` compute each pass in double precision and round where they store; here every
 * intermediate is a float32, so the traces differ from theirs by float32 rounding (about 1e-5 mV per step,
 * tested within 1e-3 mV over 1 s). Twice the lanes of the f64x2 kernel and no promote/demote pairs.
 * The refractory counter is kept as float32 (small integers are exact).
 */

const P = {
  quads: 0, pV: 1, pGex: 2, pGin: 3, pI0: 4, pR: 5, pEx: 6, pInh: 7, pCur: 8, pSpk: 9,
  E_L: 10, gL: 11, E_ex: 12, E_in: 13, I_e: 14, hOverC: 15, Pex: 16, Pin: 17, scale: 18, theta: 19, Vreset: 20, refr: 21,
} as const;
const L = {
  i: 22, o16: 23, o32: 24, count: 25, mask: 26,
  vEL: 27, vGL: 28, vEex: 29, vEin: 30, vIe: 31, vHC: 32, vPex: 33, vPin: 34, vScale: 35, vTheta: 36, vReset: 37, vRefr: 38,
  vOne: 39, vZero: 40, V: 41, R: 42, tmp: 43, sel: 44, spk: 45, gex: 46, gin: 47,
} as const;

/** Lanes 0-1 of each demoted pair: four float32 from two f64x2 halves. */
const LOW_HALVES = [0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23];

function buildModule(): Uint8Array {
  const { get, set, tee } = op;
  const at16 = (ptr: number) => [get(ptr), get(L.o16), op.i32Add()];
  const at32 = (ptr: number) => [get(ptr), get(L.o32), op.i32Add()];
  const loadQuad = (ptr: number) => [...at16(ptr), op.v128Load()];
  // the ring rows are float64: two f64x2 loads, each demoted, packed into one f32x4
  const loadRowQuad = (ptr: number) => [
    ...at32(ptr), op.v128Load(0), op.f32x4DemoteF64x2Zero(),
    ...at32(ptr), op.v128Load(16), op.f32x4DemoteF64x2Zero(),
    op.i8x16Shuffle(LOW_HALVES),
  ];
  const clearRowQuad = (ptr: number) => [...at32(ptr), get(L.vZero), op.v128Store(0), ...at32(ptr), get(L.vZero), op.v128Store(16)];
  const storeQuad = (ptr: number, value: number[][]) => [...at16(ptr), ...value, op.v128Store()];
  const splat = (param: number, local: number) => [get(param), op.f32x4Splat(), set(local)];
  const pushSpike = (lane: number) => [
    get(L.mask), op.i32Const(1 << lane), op.i32And(), op.if(),
    get(P.pSpk), get(L.count), op.i32Const(2), op.i32Shl(), op.i32Add(),
    get(L.i), op.i32Const(2), op.i32Shl(), op.i32Const(lane), op.i32Add(), op.i32Store(),
    get(L.count), op.i32Const(1), op.i32Add(), set(L.count),
    op.end(),
  ];
  const body: number[][] = [
    ...splat(P.E_L, L.vEL), ...splat(P.gL, L.vGL), ...splat(P.E_ex, L.vEex), ...splat(P.E_in, L.vEin), ...splat(P.I_e, L.vIe),
    ...splat(P.hOverC, L.vHC), ...splat(P.Pex, L.vPex), ...splat(P.Pin, L.vPin), ...splat(P.scale, L.vScale),
    ...splat(P.theta, L.vTheta), ...splat(P.Vreset, L.vReset), ...splat(P.refr, L.vRefr),
    op.f32Const(1), op.f32x4Splat(), set(L.vOne),
    op.f32Const(0), op.f32x4Splat(), set(L.vZero),
    op.block(), op.loop(),
    get(L.i), get(P.quads), op.i32GeU(), op.brIf(1),
    get(L.i), op.i32Const(4), op.i32Shl(), set(L.o16),
    get(L.i), op.i32Const(5), op.i32Shl(), set(L.o32),
    ...loadQuad(P.pV), set(L.V),
    ...loadQuad(P.pR), set(L.R),
    ...loadQuad(P.pGex), set(L.gex),
    ...loadQuad(P.pGin), set(L.gin),
    // dV = ((E_L - V) g_L + (E_ex - V) g_ex + (E_in - V) g_in + I0 + I_e) h / C, in euler-f32's order
    get(L.vEL), get(L.V), op.f32x4Sub(), get(L.vGL), op.f32x4Mul(),
    get(L.vEex), get(L.V), op.f32x4Sub(), get(L.gex), op.f32x4Mul(), op.f32x4Add(),
    get(L.vEin), get(L.V), op.f32x4Sub(), get(L.gin), op.f32x4Mul(), op.f32x4Add(),
    ...loadQuad(P.pI0), op.f32x4Add(), get(L.vIe), op.f32x4Add(), get(L.vHC), op.f32x4Mul(), set(L.tmp),
    // V += dV unless refractory
    get(L.V), get(L.tmp), get(L.vZero), get(L.R), get(L.vZero), op.f32x4Eq(), op.v128Bitselect(), op.f32x4Add(), set(L.V),
    // conductances decay and take this step's input (the inhibitory row holds a negative sum)
    ...storeQuad(P.pGex, [get(L.gex), get(L.vPex), op.f32x4Mul(), get(L.vScale), ...loadRowQuad(P.pEx), op.f32x4Mul(), op.f32x4Add()]),
    ...storeQuad(P.pGin, [get(L.gin), get(L.vPin), op.f32x4Mul(), get(L.vScale), ...loadRowQuad(P.pInh), op.f32x4Mul(), op.f32x4Sub()]),
    // refractory: clamp to V_reset and count down
    get(L.R), get(L.vZero), op.f32x4Gt(), set(L.sel),
    get(L.vReset), get(L.V), get(L.sel), op.v128Bitselect(), set(L.V),
    get(L.R), get(L.vOne), get(L.sel), op.v128And(), op.f32x4Sub(), set(L.R),
    // threshold, for the neurons that were not refractory; a quad with a spike takes the scalar path
    get(L.V), get(L.vTheta), op.f32x4Ge(), get(L.sel), op.v128Andnot(), tee(L.spk), op.i32x4Bitmask(), tee(L.mask), op.if(),
    get(L.vReset), get(L.V), get(L.spk), op.v128Bitselect(), set(L.V),
    get(L.vRefr), get(L.R), get(L.spk), op.v128Bitselect(), set(L.R),
    ...pushSpike(0), ...pushSpike(1), ...pushSpike(2), ...pushSpike(3),
    op.end(),
    ...storeQuad(P.pV, [get(L.V)]),
    ...storeQuad(P.pR, [get(L.R)]),
    // the current input acts from the next step
    ...storeQuad(P.pI0, loadRowQuad(P.pCur)),
    // the rows are read: zero them for their next use, as the simulator's ring.clear would
    ...clearRowQuad(P.pEx), ...clearRowQuad(P.pInh), ...clearRowQuad(P.pCur),
    get(L.i), op.i32Const(1), op.i32Add(), set(L.i),
    op.br(0),
    op.end(), op.end(),
    get(L.count),
  ];
  const params = [...Array(10).fill(I32), ...Array(12).fill(F32)];
  return module('step', params, [I32], [[5, I32], [21, V128]], body);
}

let compiled: object | null = null;

export function condExpF32x4Available(): boolean {
  try {
    return wasm.validate(buildModule());
  } catch {
    return false;
  }
}

/** Ring rows the group can hold in its own memory (the simulator asks for max delay + min delay + 1). */
const RING_SLOTS = 64;
/** ... and at most this many bytes of them (the pages are reserved, and only touched rows take memory). */
const RING_BYTES = 1 << 28;

/**
 * The f32x4 group of iaf_cond_exp; `inputScale` as in the TypeScript kernel (1: nS; 1000: PyNN's µS).
 * The kernel reads its input rows in place from a ring in its own memory (allocateRing) and zeroes them;
 * handed any other ring (tests, a population whose size is not a multiple of 4 or whose delays need more
 * rows) it copies the row into scratch rows first.
 */
export function createCondExpEulerF32x4Wasm(ctx: NeuronGroupContext, inputScale = 1): NeuronGroup {
  const { n, params: p, dt: h } = ctx;
  compiled ??= new wasm.Module(buildModule());
  const pad = (n + 3) & ~3;
  const A4 = pad * 4;
  const A8 = pad * 8;
  // V, g_ex, g_in, I0, R (float32); the spike list (int32); scratch ex, inh, cur rows (float64); the ring
  const pR = 4 * A4;
  const pSpk = 5 * A4;
  const pEx = 6 * A4;
  const pInh = pEx + A8;
  const pCur = pInh + A8;
  const pRing = pCur + A8;
  const ringSlots = n % 4 === 0 && n > 0 ? Math.min(RING_SLOTS, Math.floor(RING_BYTES / (24 * n))) : 0;
  const { step, buffer } = instantiate(compiled, pRing + 24 * n * ringSlots);
  new Float32Array(buffer, 0, pad).fill(p.E_L);
  const V = new Float32Array(buffer, 0, n);
  const gex = new Float32Array(buffer, A4, n);
  const gin = new Float32Array(buffer, 2 * A4, n);
  const rows = new RowCopier(new Float64Array(buffer), n, pEx / 8, pInh / 8, pCur / 8);
  const spikeOut = new Int32Array(buffer, pSpk, pad);
  const Pex = Math.exp(-h / p.tau_syn_ex);
  const Pin = Math.exp(-h / p.tau_syn_in);
  const hOverC = h / p.C_m;
  const refr = refractorySteps(p.t_ref, h);
  const quads = pad >> 2;
  const { E_L, g_L, E_ex, E_in, I_e, V_th, V_reset } = p;
  let ownRing: RingBuffer | null = null;
  let ringInhAt = 0;
  let ringCurAt = 0;
  return {
    n,
    state: { V_m: V, g_ex: gex, g_in: gin },
    allocateRing(slots: number): RingBuffer | undefined {
      if (slots > ringSlots) return undefined;
      const len = n * slots;
      ringInhAt = pRing + 8 * len;
      ringCurAt = ringInhAt + 8 * len;
      ownRing = new RingBuffer(n, slots, {
        ex: new Float64Array(buffer, pRing, len),
        inh: new Float64Array(buffer, ringInhAt, len),
        cur: new Float64Array(buffer, ringCurAt, len),
        readerClears: true,
      });
      return ownRing;
    },
    update(_step: number, ring: RingBuffer, off: number, spikes: Int32Array): number {
      if (n === 0) return 0;
      let count: number;
      if (ring === ownRing) {
        const at = off * 8;
        count = step(
          quads, 0, A4, 2 * A4, 3 * A4, pR, pRing + at, ringInhAt + at, ringCurAt + at, pSpk,
          E_L, g_L, E_ex, E_in, I_e, hOverC, Pex, Pin, inputScale, V_th, V_reset, refr,
        );
      } else {
        rows.copy(ring, off);
        count = step(
          quads, 0, A4, 2 * A4, 3 * A4, pR, pEx, pInh, pCur, pSpk,
          E_L, g_L, E_ex, E_in, I_e, hOverC, Pex, Pin, inputScale, V_th, V_reset, refr,
        );
      }
      return keepSpikes(spikeOut, count, n, spikes);
    },
  };
}

export const iafCondExpF32x4Wasm: IntegratorPlugin = {
  kind: 'integrator',
  name: 'euler-f32x4-wasm-simd',
  model: 'iaf_cond_exp',
  doc: 'iaf_cond_exp with Auryn-style Euler integration in float32 arithmetic, four neurons per WebAssembly f32x4 (within float32 rounding of euler-f32)',
  create: (ctx) => createCondExpEulerF32x4Wasm(ctx),
};
