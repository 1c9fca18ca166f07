import type { IntegratorPlugin, NeuronGroup, NeuronGroupContext } from '../../../core/plugin.js';
import { RingBuffer } from '../../../core/ringbuffer.js';
import { refractorySteps } from '../../neurons/propagators.js';
import { module, op, I32, F32, V128 } from './assembler.js';
import { wasm, RowCopier, keepSpikes, type StepFn } from './runtime.js';

/**
 * iaf_cond_exp's Auryn-style step (forward Euler on V_m, exponential conductance decay) computed in single
 * precision throughout, four neurons per f32x4, as Auryn's SSE kernels do. `euler-f32` and
 * `euler-f32-wasm-simd` compute each pass in double precision and round where they store; here every
 * intermediate is a float32, so the traces differ from theirs by float32 rounding (about 1e-5 mV per step,
 * tested within 1e-3 mV over 1 s). Twice the lanes of the f64x2 kernel and no promote/demote pairs.
 * The refractory counter is kept as float32 (small integers are exact).
 */

const P = {
  end: 0, row: 1,
  E_L: 2, gL: 3, E_ex: 4, E_in: 5, I_e: 6, hOverC: 7, Pex: 8, Pin: 9, scale: 10, theta: 11, Vreset: 12, refr: 13,
} as const;
const L = {
  o16: 14, o32: 15, count: 16, mask: 17,
  vEL: 18, vGL: 19, vEex: 20, vEin: 21, vIe: 22, vHC: 23, vPex: 24, vPin: 25, vScale: 26, vTheta: 27, vReset: 28, vRefr: 29,
  vOne: 30, vZero: 31, V: 32, R: 33, tmp: 34, sel: 35, spk: 36,
} as const;

/** Lanes 0-1 of each demoted pair: four float32 from two f64x2 halves. */
const LOW_HALVES = [0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23];

/**
 * One module per memory layout: the state arrays sit `stride` bytes apart from address 0 (V, g_ex, g_in,
 * I0, R, then the spike list) and the ex, inh, cur input rows `channel` bytes apart from the `row` address
 * given per step. Both distances are baked into the loads' constant offsets, so the loop carries just two
 * addresses (state and row) and the compiled code needs no address arithmetic per array.
 */
function buildModule(stride: number, channel: number): Uint8Array {
  const { get, set, tee } = op;
  const state = (k: number) => k * stride;
  const loadState = (k: number) => [get(L.o16), op.v128Load(state(k))];
  const storeState = (k: number, value: number[][]) => [get(L.o16), ...value, op.v128Store(state(k))];
  // the ring rows are float64: two f64x2 loads, each demoted, packed into one f32x4
  const loadRowQuad = (c: number) => [
    get(L.o32), op.v128Load(c * channel), op.f32x4DemoteF64x2Zero(),
    get(L.o32), op.v128Load(c * channel + 16), op.f32x4DemoteF64x2Zero(),
    op.i8x16Shuffle(LOW_HALVES),
  ];
  const clearRowQuad = (c: number) => [get(L.o32), get(L.vZero), op.v128Store(c * channel), get(L.o32), get(L.vZero), op.v128Store(c * channel + 16)];
  const splat = (param: number, local: number) => [get(param), op.f32x4Splat(), set(local)];
  const pushSpike = (lane: number) => [
    get(L.mask), op.i32Const(1 << lane), op.i32And(), op.if(),
    get(L.count), op.i32Const(2), op.i32Shl(),
    get(L.o16), op.i32Const(2), op.i32ShrU(), op.i32Const(lane), op.i32Add(), op.i32Store(state(5)),
    get(L.count), op.i32Const(1), op.i32Add(), set(L.count),
    op.end(),
  ];
  const body: number[][] = [
    ...splat(P.E_L, L.vEL), ...splat(P.gL, L.vGL), ...splat(P.E_ex, L.vEex), ...splat(P.E_in, L.vEin), ...splat(P.I_e, L.vIe),
    ...splat(P.hOverC, L.vHC), ...splat(P.Pex, L.vPex), ...splat(P.Pin, L.vPin), ...splat(P.scale, L.vScale),
    ...splat(P.theta, L.vTheta), ...splat(P.Vreset, L.vReset), ...splat(P.refr, L.vRefr),
    op.f32Const(1), op.f32x4Splat(), set(L.vOne),
    op.f32Const(0), op.f32x4Splat(), set(L.vZero),
    get(P.row), set(L.o32),
    op.block(), op.loop(),
    get(L.o16), get(P.end), op.i32GeU(), op.brIf(1),
    ...loadState(0), set(L.V),
    ...loadState(4), set(L.R),
    // dV = ((E_L - V) g_L + (E_ex - V) g_ex + (E_in - V) g_in + I0 + I_e) h / C, in euler-f32's order
    get(L.vEL), get(L.V), op.f32x4Sub(), get(L.vGL), op.f32x4Mul(),
    get(L.vEex), get(L.V), op.f32x4Sub(), ...loadState(1), op.f32x4Mul(), op.f32x4Add(),
    get(L.vEin), get(L.V), op.f32x4Sub(), ...loadState(2), op.f32x4Mul(), op.f32x4Add(),
    ...loadState(3), op.f32x4Add(), get(L.vIe), op.f32x4Add(), get(L.vHC), op.f32x4Mul(), set(L.tmp),
    // conductances decay and take this step's input (the inhibitory row holds a negative sum)
    ...storeState(1, [...loadState(1), get(L.vPex), op.f32x4Mul(), get(L.vScale), ...loadRowQuad(0), op.f32x4Mul(), op.f32x4Add()]),
    ...storeState(2, [...loadState(2), get(L.vPin), op.f32x4Mul(), get(L.vScale), ...loadRowQuad(1), op.f32x4Mul(), op.f32x4Sub()]),
    // refractory (R > 0): clamp to V_reset and count down; else V += dV
    get(L.R), get(L.vZero), op.f32x4Gt(), set(L.sel),
    get(L.vReset), get(L.V), get(L.tmp), op.f32x4Add(), get(L.sel), op.v128Bitselect(), set(L.V),
    get(L.R), get(L.vOne), get(L.sel), op.v128And(), op.f32x4Sub(), set(L.R),
    // threshold, for the neurons that were not refractory; a quad with a spike takes the scalar path
    get(L.V), get(L.vTheta), op.f32x4Ge(), get(L.sel), op.v128Andnot(), tee(L.spk), op.i32x4Bitmask(), tee(L.mask), op.if(),
    get(L.vReset), get(L.V), get(L.spk), op.v128Bitselect(), set(L.V),
    get(L.vRefr), get(L.R), get(L.spk), op.v128Bitselect(), set(L.R),
    ...pushSpike(0), ...pushSpike(1), ...pushSpike(2), ...pushSpike(3),
    op.end(),
    ...storeState(0, [get(L.V)]),
    ...storeState(4, [get(L.R)]),
    // the current input acts from the next step
    ...storeState(3, loadRowQuad(2)),
    // the rows are read: zero them for their next use, as the simulator's ring.clear would
    ...clearRowQuad(0), ...clearRowQuad(1), ...clearRowQuad(2),
    get(L.o16), op.i32Const(16), op.i32Add(), set(L.o16),
    get(L.o32), op.i32Const(32), op.i32Add(), set(L.o32),
    op.br(0),
    op.end(), op.end(),
    get(L.count),
  ];
  const params = [I32, I32, ...Array(12).fill(F32)];
  return module('step', params, [I32], [[4, I32], [19, V128]], body);
}

const modules = new Map<string, object>();
function compiled(stride: number, channel: number): object {
  const key = `${stride}/${channel}`;
  let m = modules.get(key);
  if (!m) {
    m = new wasm.Module(buildModule(stride, channel));
    modules.set(key, m);
  }
  return m;
}

export function condExpF32x4Available(): boolean {
  try {
    return wasm.validate(buildModule(16, 32));
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
  const pad = (n + 3) & ~3;
  const A4 = pad * 4;
  const A8 = pad * 8;
  // V, g_ex, g_in, I0, R (float32); the spike list (int32); scratch ex, inh, cur rows (float64); the ring
  const pSpk = 5 * A4;
  const pEx = 6 * A4;
  const pRing = pEx + 3 * A8;
  const ringSlots = n % 4 === 0 && n > 0 ? Math.min(RING_SLOTS, Math.floor(RING_BYTES / (24 * n))) : 0;
  const bytes = pRing + 24 * n * ringSlots;
  const memory = new wasm.Memory({ initial: Math.max(1, Math.ceil(bytes / 65536)) });
  const buffer = memory.buffer;
  const kernel = (channel: number) => new wasm.Instance(compiled(A4, channel), { env: { mem: memory } }).exports.step as StepFn;
  const copyStep = kernel(A8);
  new Float32Array(buffer, 0, pad).fill(p.E_L);
  const V = new Float32Array(buffer, 0, n);
  const gex = new Float32Array(buffer, A4, n);
  const gin = new Float32Array(buffer, 2 * A4, n);
  const rows = new RowCopier(new Float64Array(buffer), n, pEx / 8, pEx / 8 + pad, pEx / 8 + 2 * pad);
  const spikeOut = new Int32Array(buffer, pSpk, pad);
  const Pex = Math.exp(-h / p.tau_syn_ex);
  const Pin = Math.exp(-h / p.tau_syn_in);
  const hOverC = h / p.C_m;
  const refr = refractorySteps(p.t_ref, h);
  const end = pad * 4;
  const { E_L, g_L, E_ex, E_in, I_e, V_th, V_reset } = p;
  let ownRing: RingBuffer | null = null;
  let ringStep: StepFn = copyStep;
  return {
    n,
    state: { V_m: V, g_ex: gex, g_in: gin },
    allocateRing(slots: number): RingBuffer | undefined {
      if (slots > ringSlots) return undefined;
      const len = n * slots;
      ringStep = kernel(8 * len);
      ownRing = new RingBuffer(n, slots, {
        ex: new Float64Array(buffer, pRing, len),
        inh: new Float64Array(buffer, pRing + 8 * len, len),
        cur: new Float64Array(buffer, pRing + 16 * len, len),
        readerClears: true,
      });
      return ownRing;
    },
    update(_step: number, ring: RingBuffer, off: number, spikes: Int32Array): number {
      if (n === 0) return 0;
      let count: number;
      if (ring === ownRing) {
        count = ringStep(end, pRing + off * 8, E_L, g_L, E_ex, E_in, I_e, hOverC, Pex, Pin, inputScale, V_th, V_reset, refr);
      } else {
        rows.copy(ring, off);
        count = copyStep(end, pEx, E_L, g_L, E_ex, E_in, I_e, hOverC, Pex, Pin, inputScale, V_th, V_reset, refr);
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
