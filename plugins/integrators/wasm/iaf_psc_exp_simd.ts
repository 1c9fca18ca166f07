import type { IntegratorPlugin, NeuronKernel, KernelContext, NeuronGroupContext } from '../../../core/plugin.js';
import { RingBuffer } from '../../../core/ringbuffer.js';
import type { SavedState } from '../../../core/contracts/base.js';
import { restoreArray } from '../../../core/saved-state.js';
import { propagatorExp, refractorySteps } from '../../neurons/propagators.js';
import { module, op, I32, F64, V128 } from './assembler.js';
import { wasm, KernelMemory, RowCopier, LaneConstants, keepSpikes } from './runtime.js';
import { SCATTER_BATCH_BYTES, TableAdopter } from './scatter.js';
import type { AdoptedTable, SynapseTable } from '../../../core/contracts/synapse.js';
import type { AnyRing } from '../../../core/ringbuffer.js';

/**
 * iaf_psc_exp's exact step as WebAssembly SIMD, two neurons per f64x2 lane pair: the same operations in the
 * same order as the TypeScript kernel (plugins/neurons/iaf_psc_exp.ts), so the results are bit-identical;
 * only the refractory and threshold branches become lane selects. The state lives in the module's memory,
 * and so does the group's input ring where the simulator lets the kernel own it (read in place and zeroed);
 * handed another ring, the kernel copies the step's rows in first (three memcpy).
 */

// Parameters of `step`: the byte end of the state rows, the address of the step's ex row.
const P = { end: 0, ring: 1 } as const;
// Locals after the parameters: the constants (in CONSTANTS' order) first.
const L = {
  off: 2, count: 3, mask: 4,
  vEL: 5, vP22: 6, vP21ex: 7, vP21in: 8, vP20: 9, vIe: 10, vP11ex: 11, vP11in: 12, vTheta: 13, vReset: 14, vRefr: 15, vOne: 16,
  V: 17, R: 18, Iex: 19, Iin: 20, spk: 21,
} as const;
/** The constants the caller writes (LaneConstants at `constAt`) before each call. */
const CONSTANTS = ['E_L', 'P22', 'P21ex', 'P21in', 'P20', 'I_e', 'P11ex', 'P11in', 'theta', 'V_reset', 'refr', 'one'] as const;

/**
 * Where a kernel's rows are, in bytes: the state rows `stride` apart from 0, the ring rows `rowBytes` apart,
 * the constants at `constAt`.
 */
interface Rows {
  stride: number;
  rowBytes: number;
  constAt: number;
}

/**
 * `ownRing`: the rows are the kernel's own ring, read in place and zeroed as read (the ring's readerClears);
 * `current`: whether anything can write the current rows (the ring's currentUsed): without, I0 keeps its 0
 * and (I_e + I0) * P20 is the constant the caller passes as I_e.
 * The row distances are the loads' constant offsets, so a pair costs no address arithmetic; the constants
 * are loaded from memory before the loop (splats of parameters would be redone at every use inside it).
 */
function buildModule({ stride, rowBytes, constAt }: Rows, ownRing: boolean, current: boolean): Uint8Array {
  const { get, set, tee } = op;
  const V = 0, Iex = stride, Iin = 2 * stride, I0 = 3 * stride, R = 4 * stride, spikesAt = 8 * stride;
  const zero = op.v128Const(new Uint8Array(16));
  const load = (at: number) => [get(L.off), op.v128Load(at)];
  const ringLoad = (row: number) => [get(P.ring), op.v128Load(row * rowBytes)];
  const pushSpike = (lane: number) => [
    // spikes[count++] = off / 8 + lane
    get(L.mask), op.i32Const(lane + 1), op.i32And(), op.if(),
    get(L.count), op.i32Const(2), op.i32Shl(),
    get(L.off), op.i32Const(3), op.i32ShrU(), op.i32Const(lane), op.i32Add(), op.i32Store(spikesAt),
    get(L.count), op.i32Const(1), op.i32Add(), set(L.count),
    op.end(),
  ];
  // One pair of neurons: bytes off to off + 16 of each row. (Two pairs per iteration measured no faster on
  // va-cuba: twelve constants leave no registers for a second pair's state.)
  const pair = (): number[][] => [
    ...load(V), set(L.V),
    ...load(R), set(L.R),
    ...load(Iex), set(L.Iex),
    ...load(Iin), set(L.Iin),
    // Vnew = E_L + (V - E_L) * P22 + Iex * P21ex + Iin * P21in + (I_e + I0) * P20, left to right as JS does
    get(L.vEL), get(L.V), get(L.vEL), op.f64x2Sub(), get(L.vP22), op.f64x2Mul(), op.f64x2Add(),
    get(L.Iex), get(L.vP21ex), op.f64x2Mul(), op.f64x2Add(),
    get(L.Iin), get(L.vP21in), op.f64x2Mul(), op.f64x2Add(),
    ...(current ? [get(L.vIe), ...load(I0), op.f64x2Add(), get(L.vP20), op.f64x2Mul()] : [get(L.vIe)]), op.f64x2Add(),
    // not refractory (R == 0): take Vnew; refractory: keep V and count R down
    get(L.V), get(L.R), zero, op.f64x2Eq(), op.v128Bitselect(), set(L.V),
    get(L.R), get(L.vOne), op.f64x2Sub(), zero, op.f64x2Pmax(), set(L.R),
    // synaptic currents decay and take this step's input
    get(L.off), get(L.Iex), get(L.vP11ex), op.f64x2Mul(), ...ringLoad(0), op.f64x2Add(), op.v128Store(Iex),
    get(L.off), get(L.Iin), get(L.vP11in), op.f64x2Mul(), ...ringLoad(1), op.f64x2Add(), op.v128Store(Iin),
    // threshold: the rare spiking pair takes the scalar path
    get(L.V), get(L.vTheta), op.f64x2Ge(), tee(L.spk), op.i64x2Bitmask(), tee(L.mask), op.if(),
    get(L.vReset), get(L.V), get(L.spk), op.v128Bitselect(), set(L.V),
    get(L.vRefr), get(L.R), get(L.spk), op.v128Bitselect(), set(L.R),
    ...pushSpike(0), ...pushSpike(1),
    op.end(),
    get(L.off), get(L.V), op.v128Store(V),
    get(L.off), get(L.R), op.v128Store(R),
    // the current input acts from the next step
    ...(current ? [get(L.off), ...ringLoad(2), op.v128Store(I0)] : []),
    ...(ownRing ? [get(P.ring), zero, op.v128Store(0), get(P.ring), zero, op.v128Store(rowBytes)] : []),
    ...(ownRing && current ? [get(P.ring), zero, op.v128Store(2 * rowBytes)] : []),
  ];
  const body: number[][] = [
    ...CONSTANTS.flatMap((_, k) => [op.i32Const(0), op.v128Load(constAt + 16 * k), set(L.vEL + k)]),
    op.block(), op.loop(),
    get(L.off), get(P.end), op.i32GeU(), op.brIf(1),
    ...pair(),
    get(L.off), op.i32Const(16), op.i32Add(), set(L.off),
    get(P.ring), op.i32Const(16), op.i32Add(), set(P.ring),
    op.br(0),
    op.end(), op.end(),
    get(L.count),
  ];
  return module('step', [I32, I32], [I32], [[3, I32], [CONSTANTS.length + 5, V128]], body);
}

const compiled = new Map<string, object>();
const compiledFor = (rows: Rows, ownRing: boolean, current: boolean): object => {
  const key = `${rows.stride}/${rows.rowBytes}/${rows.constAt}/${ownRing}/${current}`;
  let m = compiled.get(key);
  if (!m) compiled.set(key, (m = new wasm.Module(buildModule(rows, ownRing, current))));
  return m;
};

/** Ring rows the group can hold in its own memory (the simulator asks for max delay + min delay + 1), and at most these bytes of them. */
const RING_SLOTS = 64;
const RING_BYTES = 1 << 28;
/** Room for static tables the group delivers itself (adoptTable), reserved like the ring: 16 million 32-bit targets. */
const TABLE_BYTES = 1 << 26;

/** Whether this JavaScript engine runs WebAssembly SIMD (the integrator is registered either way and says so). */
export function wasmSimdAvailable(): boolean {
  try {
    return wasm.validate(buildModule({ stride: 16, rowBytes: 16, constAt: 128 }, false, true));
  } catch {
    return false;
  }
}

/**
 * V, Iex, Iin, I0, R (float64, the state), the ex, inh, cur scratch rows (float64), the spike list (int32),
 * the constants, then room for the group's own ring (reserved pages: only the rows in use are touched).
 */
function layoutFor(n: number) {
  const pad = n + (n & 1);
  const bytesPerArray = pad * 8;
  const constAt = 8 * bytesPerArray + Math.ceil(((n + 1) * 4) / 16) * 16;
  const ringAt = constAt + 16 * CONSTANTS.length;
  const ringSlots = n > 0 ? Math.min(RING_SLOTS, Math.floor(RING_BYTES / (3 * bytesPerArray))) : 0;
  const batchAt = ringAt + 3 * bytesPerArray * ringSlots;
  const tablesAt = batchAt + SCATTER_BATCH_BYTES;
  return { pad, bytesPerArray, constAt, ringAt, ringSlots, batchAt, tablesAt, bytes: tablesAt + TABLE_BYTES };
}

function memoryFor(n: number): KernelMemory {
  const g = layoutFor(n);
  return new KernelMemory(g.bytes, [0, 1, 2, 3, 4].map((k) => k * g.bytesPerArray));
}

function createExactWasm(ctx: KernelContext): NeuronKernel {
  const { n, params: p, dt: h } = ctx;
  const { pad, bytesPerArray, constAt, ringAt, ringSlots, batchAt, tablesAt } = layoutFor(n);
  const mem = ctx.arena as KernelMemory;
  const step = mem.instantiate(compiledFor({ stride: bytesPerArray, rowBytes: bytesPerArray, constAt }, false, true));
  let ringStep = step;
  let ringStepNoCurrent = step;
  let ownRing: RingBuffer | null = null;
  const buffer = mem.buffer;
  // Padding neurons stay at rest (V = E_L) and are dropped from the spike list.
  new Float64Array(buffer, 0, pad).fill(p.E_L, n);
  const rows = new RowCopier(new Float64Array(buffer), n, (5 * bytesPerArray) / 8, (6 * bytesPerArray) / 8, (7 * bytesPerArray) / 8);
  const spikeOut = new Int32Array(buffer, 8 * bytesPerArray, pad);
  const P11ex = Math.exp(-h / p.tau_syn_ex);
  const P11in = Math.exp(-h / p.tau_syn_in);
  const P22 = Math.exp(-h / p.tau_m);
  const P21ex = propagatorExp(p.tau_syn_ex, p.tau_m, p.C_m, h);
  const P21in = propagatorExp(p.tau_syn_in, p.tau_m, p.C_m, h);
  const P20 = (-p.tau_m / p.C_m) * Math.expm1(-h / p.tau_m);
  const refr = refractorySteps(p.t_ref, h);
  // The input term while no current can arrive: I0 stays 0, and (I_e + 0) * P20 is what the kernel would compute.
  const IeP20 = (p.I_e + 0) * P20;
  const constants = new LaneConstants(buffer, constAt, CONSTANTS.length);
  const put = (k: number, v: number) => constants.set(k, v);
  // The five state arrays with the padding neurons (they integrate too, with I_e).
  const lanes = new Float64Array(buffer, 0, 5 * pad);
  // The group's own float64 ring in its memory, rows `pad` long: read in place, no copy and no separate clear.
  const ownRingOf = (slots: number): RingBuffer | undefined => {
    if (slots > ringSlots) return undefined;
    const len = pad * slots;
    const inRing = { stride: bytesPerArray, rowBytes: 8 * len, constAt };
    ringStep = mem.instantiate(compiledFor(inRing, true, true));
    ringStepNoCurrent = mem.instantiate(compiledFor(inRing, true, false));
    ownRing = new RingBuffer(pad, slots, {
      ex: new Float64Array(buffer, ringAt, len),
      inh: new Float64Array(buffer, ringAt + 8 * len, len),
      cur: new Float64Array(buffer, ringAt + 16 * len, len),
      readerClears: true,
    });
    return ownRing;
  };
  // Static tables scattered in WebAssembly into the own float64 ring: the TypeScript scatter's float64 additions.
  const adopter = new TableAdopter(mem.memory, buffer, batchAt, tablesAt, TABLE_BYTES, 'f64');
  const adoptTable = (table: SynapseTable, ring: AnyRing): AdoptedTable | undefined => {
    if (!ownRing || ring !== ownRing) return undefined;
    return adopter.adopt(table, ownRing, ringAt);
  };
  return {
    saveState: () => ({ lanes }),
    loadState: (s: SavedState) => restoreArray(s, 'lanes', lanes, 'exact-wasm-simd'),
    update(_step: number, ring: RingBuffer, off: number, spikes: Int32Array): number {
      if (n === 0) return 0;
      // The step's ex, inh and cur rows: in place in the own ring, else copied into the scratch rows.
      let kernel = step;
      let exAt = 5 * bytesPerArray;
      let Ie = p.I_e;
      if (ring === ownRing) {
        exAt = ringAt + 8 * off;
        if (ring.currentUsed) kernel = ringStep;
        else {
          kernel = ringStepNoCurrent;
          Ie = IeP20;
        }
      } else rows.copy(ring, off);
      put(0, p.E_L), put(1, P22), put(2, P21ex), put(3, P21in), put(4, P20), put(5, Ie);
      put(6, P11ex), put(7, P11in), put(8, p.V_th), put(9, p.V_reset), put(10, refr), put(11, 1);
      const count = kernel(8 * pad, exAt);
      return keepSpikes(spikeOut, count, n, spikes);
    },
    capabilities: { ownRing: ownRingOf, adoptTable },
  };
}

export const iafPscExpWasm: IntegratorPlugin = {
  kind: 'integrator',
  name: 'exact-wasm-simd',
  model: 'iaf_psc_exp',
  doc: 'iaf_psc_exp exact integration as WebAssembly SIMD (f64x2), bit-identical to the TypeScript kernel',
  // The refractory count is a float64 lane like the rest of the state.
  internal: { I0: { unit: 'pA', doc: 'current input acting this step' }, r: { unit: 'steps', doc: 'refractory steps left' } },
  arena: (ctx: NeuronGroupContext) => memoryFor(ctx.n),
  create: createExactWasm,
};
