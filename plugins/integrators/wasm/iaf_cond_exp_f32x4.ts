import type { AdoptedTable, IntegratorPlugin, NeuronKernel, KernelContext, NeuronGroupContext, SynapseTable } from '../../../core/plugin.js';
import { RingBuffer, type AnyRing } from '../../../core/ringbuffer.js';
import type { SavedState } from '../../../core/contracts/base.js';
import { restoreArray } from '../../../core/saved-state.js';
import { refractorySteps } from '../../neurons/propagators.js';
import { module, op, I32, V128 } from './assembler.js';
import { wasm, KernelMemory, RowCopier, type StepFn } from './runtime.js';
import { SCATTER_BATCH_BYTES, TableAdopter } from './scatter.js';
import { stepThrough } from '../../../core/slices.js';

/**
 * iaf_cond_exp's Auryn-style step (forward Euler on V_m, exponential conductance decay) computed in single
 * precision throughout, four neurons per f32x4, as Auryn's SSE kernels do. `euler-f32` and
 * `euler-f32-wasm-simd` compute each pass in double precision and round where they store; here every
 * intermediate is a float32, so the traces differ from theirs by float32 rounding (about 1e-5 mV per step,
 * tested within 1e-3 mV over 1 s). Twice the lanes of the f64x2 kernel and no promote/demote pairs.
 * The refractory counter is kept as float32 (small integers are exact).
 */

/** Most steps one kernel call advances: the spike lists hold n × this many entries. */
const CHUNK = 16;

const P = { end: 0, nSteps: 1 } as const;

/**
 * The kernel's constants, each splatted to four lanes in memory (CONSTS order). Loaded where they are used:
 * TurboFan does not keep a dozen splat locals in registers across the loop (it re-broadcasts them every
 * iteration and spills the state), and a load is cheaper than either.
 */
const CONSTS = ['E_L', 'gL', 'E_ex', 'E_in', 'I_e', 'hOverC', 'Pex', 'Pin', 'scale', 'theta', 'Vreset', 'refr', 'one'] as const;
type ConstName = (typeof CONSTS)[number];
/** Quads each step of the inner loop advances together: independent dependency chains for the CPU to overlap. */
const QUADS = 3;
/**
 * A group is padded to a multiple of this many neurons: whole inner-loop iterations of this kernel (4 ×
 * QUADS neurons), 48 as in earlier versions, so that their checkpoints restore.
 */
const PAD_TO = 48;

const L = {
  o16: 2, count: 3, mask: 4, k: 5, row: 6,
  zero: 7, tmp: 8, sel: 9, spk: 10,
  /** V, R, g_ex, g_in, I0 of quad q are locals quad(q) + 0..4 */
  quads: 11,
} as const;
const quadLocals = (q: number) => {
  const b = L.quads + 5 * q;
  return { V: b, R: b + 1, GE: b + 2, GI: b + 3, I0: b + 4 };
};

/** Byte addresses of the parts of a group's memory (`A4`: bytes of one float32 state array, padded). */
function layout(A4: number) {
  const spikeIdx = 5 * A4;
  const spikeLag = spikeIdx + CHUNK * A4;
  const rowTable = spikeLag + CHUNK * A4;
  const consts = rowTable + 4 * CHUNK;
  const scratch = consts + 16 * CONSTS.length;
  const ring = scratch + 3 * A4;
  return { spikeIdx, spikeLag, rowTable, consts, scratch, ring };
}

/**
 * One module per memory layout: the state arrays sit `stride` bytes apart from address 0 (V, g_ex, g_in,
 * I0, R), then the spike index and spike lag lists and the row table, and the ex, inh, cur rows of a step
 * sit `channel` bytes apart. These distances are baked into the loads' constant offsets, so the loops carry
 * just two addresses (state and row) and need no address arithmetic per array.
 *
 * The function advances `nSteps` steps: for each group of QUADS quads it loads the state once, runs every
 * step with the state in registers (the row of step k starts at the byte address rowTable[k]), and stores
 * it once. A min-delay slice's input rows are all complete before it starts, so the step order inside a
 * slice is free (the slice capability); one step is the per-step `update`. One quad's steps form a
 * chain of dependent operations about as long as the work in them, hence several quads per step.
 */
function buildModule(stride: number, channel: number, scaled: boolean, current: boolean): Uint8Array {
  const { get, set, tee } = op;
  const { spikeIdx, spikeLag, rowTable, consts } = layout(stride);
  const c = (name: ConstName) => [op.i32Const(0), op.v128Load(consts + 16 * CONSTS.indexOf(name))];
  const state = (k: number, q: number) => k * stride + 16 * q;
  const order = ['V', 'GE', 'GI', 'I0', 'R'] as const;
  const loadStates = (q: number) => order.flatMap((name, k) => [get(L.o16), op.v128Load(state(k, q)), set(quadLocals(q)[name])]);
  const storeStates = (q: number) => order.flatMap((name, k) => [get(L.o16), get(quadLocals(q)[name]), op.v128Store(state(k, q))]);
  const loadRow = (c: number, q: number) => [get(L.row), op.v128Load(c * channel + 16 * q)];
  const clearRow = (c: number, q: number) => [get(L.row), get(L.zero), op.v128Store(c * channel + 16 * q)];
  // A quad with a spike appends one record: its byte offset in the state arrays (a multiple of 16) ORed
  // with the 4-bit lane mask, and the step k. Small branch bodies keep the loop's registers unspilled.
  const recordSpikes = (q: number) => [
    get(L.count), op.i32Const(2), op.i32Shl(), get(L.o16), op.i32Const(16 * q), op.i32Add(), get(L.mask), op.i32Or(), op.i32Store(spikeIdx),
    get(L.count), op.i32Const(2), op.i32Shl(), get(L.k), op.i32Store(spikeLag),
    get(L.count), op.i32Const(1), op.i32Add(), set(L.count),
  ];
  const quadStep = (q: number) => {
    const { V, R, GE, GI, I0 } = quadLocals(q);
    return [
      // dV = ((E_L - V) g_L + (E_ex - V) g_ex + (E_in - V) g_in + I0 + I_e) h / C, in euler-f32's order
      ...c('E_L'), get(V), op.f32x4Sub(), ...c('gL'), op.f32x4Mul(),
      ...c('E_ex'), get(V), op.f32x4Sub(), get(GE), op.f32x4Mul(), op.f32x4Add(),
      ...c('E_in'), get(V), op.f32x4Sub(), get(GI), op.f32x4Mul(), op.f32x4Add(),
      get(I0), op.f32x4Add(), ...c('I_e'), op.f32x4Add(), ...c('hOverC'), op.f32x4Mul(), set(L.tmp),
      // conductances decay and take this step's input (the inhibitory row holds a negative sum)
      get(GE), ...c('Pex'), op.f32x4Mul(), ...loadRow(0, q), ...(scaled ? [...c('scale'), op.f32x4Mul()] : []), op.f32x4Add(), set(GE),
      get(GI), ...c('Pin'), op.f32x4Mul(), ...loadRow(1, q), ...(scaled ? [...c('scale'), op.f32x4Mul()] : []), op.f32x4Sub(), set(GI),
      // refractory (R > 0): V holds (it is V_reset: clamped at the spike and at every call's start) and R
      // counts down; else V += dV
      get(R), get(L.zero), op.f32x4Gt(), set(L.sel),
      get(V), get(L.tmp), get(L.sel), op.v128Andnot(), op.f32x4Add(), set(V),
      get(R), ...c('one'), get(L.sel), op.v128And(), op.f32x4Sub(), set(R),
      // threshold (a held V_reset < V_th never crosses); a quad with a spike resets and records it
      get(V), ...c('theta'), op.f32x4Ge(), tee(L.spk), op.i32x4Bitmask(), tee(L.mask), op.if(),
      ...c('Vreset'), get(V), get(L.spk), op.v128Bitselect(), set(V),
      ...c('refr'), get(R), get(L.spk), op.v128Bitselect(), set(R),
      ...recordSpikes(q),
      op.end(),
      // the current input acts from the next step (a ring whose current channel nobody asked for: I0 stays)
      ...(current ? [...loadRow(2, q), set(I0)] : []),
      // the rows are read: zero them for their next use, as the simulator's ring.clear would
      ...clearRow(0, q), ...clearRow(1, q), ...(current ? clearRow(2, q) : []),
    ];
  };
  /** At a call's start a refractory neuron's V is clamped to V_reset, as the per-step scheme does each step. */
  const clampRefractory = (q: number) => {
    const { V, R } = quadLocals(q);
    return [...c('Vreset'), get(V), get(R), get(L.zero), op.f32x4Gt(), op.v128Bitselect(), set(V)];
  };
  const quadIds = Array.from({ length: QUADS }, (_, q) => q);
  const body: number[][] = [
    op.f32Const(0), op.f32x4Splat(), set(L.zero),
    op.block(), op.loop(),
    get(L.o16), get(P.end), op.i32GeU(), op.brIf(1),
    ...quadIds.flatMap(loadStates),
    ...quadIds.flatMap(clampRefractory),
    op.i32Const(0), set(L.k),
    op.block(), op.loop(),
    get(L.k), get(P.nSteps), op.i32GeU(), op.brIf(1),
    // this step's row: rowTable[k] + the group's offset (state and rows are both 4 bytes per neuron)
    get(L.k), op.i32Const(2), op.i32Shl(), op.i32Load(rowTable), get(L.o16), op.i32Add(), set(L.row),
    ...quadIds.flatMap(quadStep),
    get(L.k), op.i32Const(1), op.i32Add(), set(L.k),
    op.br(0),
    op.end(), op.end(),
    ...quadIds.flatMap(storeStates),
    get(L.o16), op.i32Const(16 * QUADS), op.i32Add(), set(L.o16),
    op.br(0),
    op.end(), op.end(),
    get(L.count),
  ];
  return module('step', [I32, I32], [I32], [[5, I32], [4 + 5 * QUADS, V128]], body);
}

const modules = new Map<string, object>();
function compiled(stride: number, channel: number, scaled: boolean, current: boolean): object {
  const key = `${stride}/${channel}/${scaled}/${current}`;
  let m = modules.get(key);
  if (!m) {
    m = new wasm.Module(buildModule(stride, channel, scaled, current));
    modules.set(key, m);
  }
  return m;
}

export function condExpF32x4Available(): boolean {
  try {
    return wasm.validate(buildModule(48, 48, true, true));
  } catch {
    return false;
  }
}

/**
 * The kernel's spike records (quad byte offset | lane mask, and step) as neuron indices and lags, appended
 * at `total`; padding lanes are dropped. Lanes come out ascending, so each step's indices ascend.
 */
function unpackSpikes(
  records: Int32Array, steps: Int32Array, count: number, n: number, lag0: number, spikes: Int32Array, lags: Int32Array | null, total: number,
): number {
  for (let j = 0; j < count; j++) {
    const rec = records[j];
    const first = (rec & ~15) >> 2;
    for (let lane = 0; lane < 4; lane++) {
      if ((rec & (1 << lane)) === 0 || first + lane >= n) continue;
      spikes[total] = first + lane;
      if (lags) lags[total] = lag0 + steps[j];
      total++;
    }
  }
  return total;
}

/** Ring rows the group can hold in its own memory (the simulator asks for max delay + min delay + 1). */
const RING_SLOTS = 64;
/** ... and at most this many bytes of them (the pages are reserved, and only touched rows take memory). */
const RING_BYTES = 1 << 28;
/**
 * Room for static tables the group delivers itself (the adoptTable capability), reserved like the ring: a table that
 * does not fit is scattered by the synapse model in TypeScript instead. 64 MiB is 16 million synapses.
 */
const TABLE_BYTES = 1 << 26;

/** Where everything of a group of n neurons sits in its memory, and how big the memory is. */
function groupLayout(n: number) {
  const pad = Math.ceil(n / PAD_TO) * PAD_TO;
  const A4 = pad * 4;
  const at = layout(A4);
  // ring rows are `pad` long, so the last group of quads reads and clears its own row only
  const ringSlots = n > 0 ? Math.min(RING_SLOTS, Math.floor(RING_BYTES / (12 * pad))) : 0;
  const batchAt = at.ring + 12 * pad * ringSlots;
  const tablesAt = batchAt + SCATTER_BATCH_BYTES;
  return { pad, A4, at, ringSlots, batchAt, tablesAt, bytes: tablesAt + TABLE_BYTES };
}

/** The memory of a group, with its state (V, g_ex, g_in, I0, R: float32) at `A4` bytes apart from address 0. */
export function f32x4Memory(n: number): KernelMemory {
  const g = groupLayout(n);
  return new KernelMemory(g.bytes, [0, 1, 2, 3, 4].map((k) => k * g.A4));
}

/**
 * The f32x4 kernel of iaf_cond_exp; `inputScale` as in the TypeScript kernel (1: nS; 1000: PyNN's µS).
 * The kernel reads its input rows in place from a float32 ring in its own memory (the ownRing capability)
 * and zeroes them. Input is summed in float32 there, as Auryn's float state vectors do; the kernel's
 * arithmetic is float32 anyway. Handed any other ring (tests, a population whose delays need more rows)
 * it copies the step's rows into scratch rows first.
 */
export function createCondExpEulerF32x4Wasm(ctx: KernelContext, inputScale = 1): NeuronKernel {
  const { n, params: p, dt: h } = ctx;
  const { pad, A4, at, ringSlots, batchAt, tablesAt } = groupLayout(n);
  const mem = ctx.arena as KernelMemory;
  const memory = mem.memory;
  const buffer = mem.buffer;
  const scaled = inputScale !== 1;
  const kernel = (channel: number, current = true): StepFn =>
    new wasm.Instance(compiled(A4, channel, scaled, current), { env: { mem: memory } }).exports.step as StepFn;
  const scratchKernel = kernel(A4);
  // Padding lanes stay at rest.
  new Float32Array(buffer, 0, pad).fill(p.E_L, n);
  const spikeIdx = new Int32Array(buffer, at.spikeIdx, pad * CHUNK);
  const spikeLag = new Int32Array(buffer, at.spikeLag, pad * CHUNK);
  const rowTable = new Int32Array(buffer, at.rowTable, CHUNK);
  const rows = new RowCopier(new Float32Array(buffer), n, at.scratch / 4, at.scratch / 4 + pad, at.scratch / 4 + 2 * pad);
  const Pex = Math.exp(-h / p.tau_syn_ex);
  const Pin = Math.exp(-h / p.tau_syn_in);
  const hOverC = h / p.C_m;
  const refr = refractorySteps(p.t_ref, h);
  const end = A4;
  const { E_L, g_L, E_ex, E_in, I_e, V_th, V_reset } = p;
  let ownRing: RingBuffer<Float32Array> | null = null;
  let ringKernel: StepFn = scratchKernel;
  let ringKernelNoCurrent: StepFn = scratchKernel;
  const constValues: Record<ConstName, number> = {
    E_L, gL: g_L, E_ex, E_in, I_e, hOverC, Pex, Pin, scale: inputScale, theta: V_th, Vreset: V_reset, refr, one: 1,
  };
  const constMemory = new Float32Array(buffer, at.consts, 4 * CONSTS.length);
  CONSTS.forEach((name, i) => constMemory.fill(constValues[name], 4 * i, 4 * i + 4));
  const run = (k: StepFn, nSteps: number) => k(end, nSteps);
  const fallback = new Int32Array(Math.max(1, n));
  const ownRingOf = (slots: number): RingBuffer<Float32Array> | undefined => {
    if (slots > ringSlots) return undefined;
    const len = pad * slots;
    ringKernel = kernel(4 * len);
    ringKernelNoCurrent = kernel(4 * len, false);
    ownRing = new RingBuffer(pad, slots, {
      ex: new Float32Array(buffer, at.ring, len),
      inh: new Float32Array(buffer, at.ring + 4 * len, len),
      cur: new Float32Array(buffer, at.ring + 8 * len, len),
      readerClears: true,
    });
    return ownRing;
  };
  const adopter = new TableAdopter(memory, buffer, batchAt, tablesAt, TABLE_BYTES);
  const adoptTable = (table: SynapseTable, ring: AnyRing): AdoptedTable | undefined => {
    if (!ownRing || ring !== ownRing) return undefined;
    return adopter.adopt(table, ownRing, at.ring);
  };
  const kernelObj: NeuronKernel = {
    update(_step: number, ring: AnyRing, off: number, spikes: Int32Array): number {
      if (n === 0) return 0;
      let count: number;
      if (ring === ownRing) {
        rowTable[0] = at.ring + 4 * off;
        count = run(ring.currentUsed ? ringKernel : ringKernelNoCurrent, 1);
      } else {
        rows.copy(ring, off);
        rowTable[0] = at.scratch;
        count = run(scratchKernel, 1);
      }
      return unpackSpikes(spikeIdx, spikeLag, count, n, 0, spikes, null, 0);
    },
  };
  const slice = (from: number, to: number, ring: AnyRing, spikes: Int32Array, lags: Int32Array): number => {
    if (ring !== ownRing || n === 0) return stepThrough(kernelObj, ring, from, to, fallback, spikes, lags);
    let total = 0;
    for (let s0 = from; s0 < to; s0 += CHUNK) {
      const nSteps = Math.min(CHUNK, to - s0);
      for (let k = 0; k < nSteps; k++) rowTable[k] = at.ring + 4 * ownRing.offset(s0 + k);
      const count = run(ownRing.currentUsed ? ringKernel : ringKernelNoCurrent, nSteps);
      total = unpackSpikes(spikeIdx, spikeLag, count, n, s0 - from, spikes, lags, total);
    }
    return total;
  };
  // The five state arrays with the padding lanes (they integrate too, with I_e); the own ring is saved as the population's ring.
  const lanes = new Float32Array(buffer, 0, 5 * pad);
  return {
    update: kernelObj.update,
    capabilities: { ownRing: ownRingOf, slice, adoptTable },
    saveState: () => ({ lanes }),
    loadState: (s: SavedState) => restoreArray(s, 'lanes', lanes, 'iaf_cond_exp f32x4'),
  };
}

export const iafCondExpF32x4Wasm: IntegratorPlugin = {
  kind: 'integrator',
  name: 'euler-f32x4-wasm-simd',
  model: 'iaf_cond_exp',
  doc: 'iaf_cond_exp with Auryn-style Euler integration in float32 arithmetic, four neurons per WebAssembly f32x4 (within float32 rounding of euler-f32)',
  ...f32x4Scheme(1),
};

/** The scheme for a weight unit (1: nS; 1000: PyNN's µS). */
export function f32x4Scheme(inputScale: number) {
  return {
    precision: 'f32' as const,
    // I0 and the refractory count are float32 lanes beside the state (small integers are exact).
    internal: { I0: { type: 'f32' as const, unit: 'pA', doc: 'current input acting this step' }, r: { type: 'f32' as const, unit: 'steps', doc: 'refractory steps left' } },
    arena: (ctx: NeuronGroupContext) => f32x4Memory(ctx.n),
    create: (ctx: KernelContext) => createCondExpEulerF32x4Wasm(ctx, inputScale),
  };
}
