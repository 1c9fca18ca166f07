import type { IntegratorPlugin, NeuronKernel, KernelContext, NeuronGroupContext } from '../../../core/plugin.js';
import { RingBuffer } from '../../../core/ringbuffer.js';
import type { SavedState } from '../../../core/contracts/base.js';
import { restoreArray } from '../../../core/saved-state.js';
import { propagatorExp, refractorySteps } from '../../neurons/propagators.js';
import { module, op, I32, F64, V128 } from './assembler.js';
import { wasm, KernelMemory, RowCopier, keepSpikes } from './runtime.js';
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

// Parameters of `step`: pointers (bytes) and the propagators.
const P = {
  pairs: 0, pV: 1, pIex: 2, pIin: 3, pI0: 4, pR: 5, pEx: 6, pInh: 7, pCur: 8, pSpk: 9,
  E_L: 10, P22: 11, P21ex: 12, P21in: 13, P20: 14, I_e: 15, P11ex: 16, P11in: 17, theta: 18, V_reset: 19, refr: 20,
} as const;
// Locals after the parameters.
const L = {
  i: 21, off: 22, count: 23, mask: 24,
  vEL: 25, vP22: 26, vP21ex: 27, vP21in: 28, vP20: 29, vIe: 30, vP11ex: 31, vP11in: 32, vTheta: 33, vReset: 34, vRefr: 35,
  vOne: 36, vZero: 37, V: 38, R: 39, Iex: 40, Iin: 41, sel: 42, spk: 43,
} as const;

/**
 * `ownRing`: the rows are the kernel's own ring, read in place and zeroed as read (the ring's readerClears);
 * `current`: whether anything can write the current rows (the ring's currentUsed): without, I0 keeps its 0.
 */
function buildModule(ownRing = false, current = true): Uint8Array {
  const { get, set, tee } = op;
  // Addresses are ptr + off.
  const at = (ptr: number) => [get(ptr), get(L.off), op.i32Add()];
  const load = (ptr: number) => [...at(ptr), op.v128Load()];
  const splat = (param: number, local: number) => [get(param), op.f64x2Splat(), set(local)];
  const pushSpike = (lane: number) => [
    // spikes[count++] = 2 i + lane
    get(L.mask), op.i32Const(lane + 1), op.i32And(), op.if(),
    get(P.pSpk), get(L.count), op.i32Const(2), op.i32Shl(), op.i32Add(),
    get(L.i), op.i32Const(1), op.i32Shl(), op.i32Const(lane), op.i32Add(), op.i32Store(),
    get(L.count), op.i32Const(1), op.i32Add(), set(L.count),
    op.end(),
  ];
  /** One pair of neurons (pair i). */
  const pair = (): number[][] => [
    ...load(P.pV), set(L.V),
    ...load(P.pR), set(L.R),
    ...load(P.pIex), set(L.Iex),
    ...load(P.pIin), set(L.Iin),
    // Vnew = E_L + (V - E_L) * P22 + Iex * P21ex + Iin * P21in + (I_e + I0) * P20, left to right as JS does
    get(L.vEL), get(L.V), get(L.vEL), op.f64x2Sub(), get(L.vP22), op.f64x2Mul(), op.f64x2Add(),
    get(L.Iex), get(L.vP21ex), op.f64x2Mul(), op.f64x2Add(),
    get(L.Iin), get(L.vP21in), op.f64x2Mul(), op.f64x2Add(),
    get(L.vIe), ...load(P.pI0), op.f64x2Add(), get(L.vP20), op.f64x2Mul(), op.f64x2Add(),
    // not refractory (R == 0): take Vnew; refractory: keep V and count R down
    get(L.V), get(L.R), get(L.vZero), op.f64x2Eq(), tee(L.sel), op.v128Bitselect(), set(L.V),
    get(L.R), get(L.vZero), get(L.vOne), get(L.sel), op.v128Bitselect(), op.f64x2Sub(), set(L.R),
    // synaptic currents decay and take this step's input
    ...at(P.pIex), get(L.Iex), get(L.vP11ex), op.f64x2Mul(), ...load(P.pEx), op.f64x2Add(), op.v128Store(),
    ...at(P.pIin), get(L.Iin), get(L.vP11in), op.f64x2Mul(), ...load(P.pInh), op.f64x2Add(), op.v128Store(),
    // threshold: the rare spiking pair takes the scalar path
    get(L.V), get(L.vTheta), op.f64x2Ge(), tee(L.spk), op.i64x2Bitmask(), tee(L.mask), op.if(),
    get(L.vReset), get(L.V), get(L.spk), op.v128Bitselect(), set(L.V),
    get(L.vRefr), get(L.R), get(L.spk), op.v128Bitselect(), set(L.R),
    ...pushSpike(0), ...pushSpike(1),
    op.end(),
    ...at(P.pV), get(L.V), op.v128Store(),
    ...at(P.pR), get(L.R), op.v128Store(),
    // the current input acts from the next step
    ...(current ? [...at(P.pI0), ...load(P.pCur), op.v128Store()] : []),
    ...(ownRing ? [...at(P.pEx), get(L.vZero), op.v128Store(), ...at(P.pInh), get(L.vZero), op.v128Store()] : []),
    ...(ownRing && current ? [...at(P.pCur), get(L.vZero), op.v128Store()] : []),
  ];
  const offsetOfPair = [get(L.i), op.i32Const(4), op.i32Shl(), set(L.off)];
  const body: number[][] = [
    ...splat(P.E_L, L.vEL), ...splat(P.P22, L.vP22), ...splat(P.P21ex, L.vP21ex), ...splat(P.P21in, L.vP21in),
    ...splat(P.P20, L.vP20), ...splat(P.I_e, L.vIe), ...splat(P.P11ex, L.vP11ex), ...splat(P.P11in, L.vP11in),
    ...splat(P.theta, L.vTheta), ...splat(P.V_reset, L.vReset), ...splat(P.refr, L.vRefr),
    [0x44, ...new Uint8Array(Float64Array.of(1).buffer)], op.f64x2Splat(), set(L.vOne),
    [0x44, ...new Uint8Array(Float64Array.of(0).buffer)], op.f64x2Splat(), set(L.vZero),
    // (two pairs per iteration measured no faster on va-cuba: the loop is bound by its loads and stores)
    op.block(), op.loop(),
    get(L.i), get(P.pairs), op.i32GeU(), op.brIf(1),
    ...offsetOfPair,
    ...pair(),
    get(L.i), op.i32Const(1), op.i32Add(), set(L.i),
    op.br(0),
    op.end(), op.end(),
    get(L.count),
  ];
  const params = [...Array(10).fill(I32), ...Array(11).fill(F64)];
  return module('step', params, [I32], [[4, I32], [19, V128]], body);
}

const compiled: (object | null)[] = [null, null, null];
const compiledFor = (ownRing: boolean, current: boolean): object => {
  const k = ownRing ? (current ? 1 : 2) : 0;
  return (compiled[k] ??= new wasm.Module(buildModule(ownRing, current)));
};

/** Ring rows the group can hold in its own memory (the simulator asks for max delay + min delay + 1), and at most these bytes of them. */
const RING_SLOTS = 64;
const RING_BYTES = 1 << 28;
/** Room for static tables the group delivers itself (adoptTable), reserved like the ring: 16 million 32-bit targets. */
const TABLE_BYTES = 1 << 26;

/** Whether this JavaScript engine runs WebAssembly SIMD (the integrator is registered either way and says so). */
export function wasmSimdAvailable(): boolean {
  try {
    return wasm.validate(buildModule(false, true));
  } catch {
    return false;
  }
}

/**
 * V, Iex, Iin, I0, R (float64, the state), the ex, inh, cur scratch rows (float64), the spike list (int32),
 * then room for the group's own ring (reserved pages: only the rows in use are touched).
 */
function layoutFor(n: number) {
  const pad = n + (n & 1);
  const bytesPerArray = pad * 8;
  const ringAt = 8 * bytesPerArray + Math.ceil(((n + 1) * 4) / 16) * 16;
  const ringSlots = n > 0 ? Math.min(RING_SLOTS, Math.floor(RING_BYTES / (3 * bytesPerArray))) : 0;
  const batchAt = ringAt + 3 * bytesPerArray * ringSlots;
  const tablesAt = batchAt + SCATTER_BATCH_BYTES;
  return { pad, bytesPerArray, ringAt, ringSlots, batchAt, tablesAt, bytes: tablesAt + TABLE_BYTES };
}

function memoryFor(n: number): KernelMemory {
  const g = layoutFor(n);
  return new KernelMemory(g.bytes, [0, 1, 2, 3, 4].map((k) => k * g.bytesPerArray));
}

function createExactWasm(ctx: KernelContext): NeuronKernel {
  const { n, params: p, dt: h } = ctx;
  const { pad, bytesPerArray, ringAt, ringSlots, batchAt, tablesAt } = layoutFor(n);
  const mem = ctx.arena as KernelMemory;
  const step = mem.instantiate(compiledFor(false, true));
  let ringStep = step;
  let ringStepNoCurrent = step;
  let ownRing: RingBuffer | null = null;
  const buffer = mem.buffer;
  // Padding neurons of an odd n stay at rest (V = E_L) and are dropped from the spike list.
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
  // The five state arrays with the padding neuron of an odd n (it integrates too, with I_e).
  const lanes = new Float64Array(buffer, 0, 5 * pad);
  // The group's own float64 ring in its memory, rows `pad` long: read in place, no copy and no separate clear.
  const ownRingOf = (slots: number): RingBuffer | undefined => {
    if (slots > ringSlots) return undefined;
    const len = pad * slots;
    ringStep = mem.instantiate(compiledFor(true, true));
    ringStepNoCurrent = mem.instantiate(compiledFor(true, false));
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
      let rowBytes = bytesPerArray;
      if (ring === ownRing) {
        kernel = ring.currentUsed ? ringStep : ringStepNoCurrent;
        exAt = ringAt + 8 * off;
        rowBytes = 8 * pad * ring.slots;
      } else rows.copy(ring, off);
      const count = kernel(
        pad >> 1, 0, bytesPerArray, 2 * bytesPerArray, 3 * bytesPerArray, 4 * bytesPerArray, exAt, exAt + rowBytes, exAt + 2 * rowBytes,
        8 * bytesPerArray,
        p.E_L, P22, P21ex, P21in, P20, p.I_e, P11ex, P11in, p.V_th, p.V_reset, refr,
      );
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
