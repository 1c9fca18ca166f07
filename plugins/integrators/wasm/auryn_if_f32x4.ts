import type { IntegratorPlugin, NeuronKernel, KernelContext, NeuronGroupContext } from '../../../core/plugin.js';
import { RingBuffer, type AnyRing } from '../../../core/ringbuffer.js';
import { NO_PRIVATE_STATE } from '../../../core/contracts/base.js';
import { module, op, I32, V128 } from './assembler.js';
import { wasm, KernelMemory, RowCopier, type StepFn } from './runtime.js';
import { SCATTER_BATCH_BYTES, TableAdopter } from './scatter.js';
import type { AdoptedTable, SynapseTable } from '../../../core/contracts/synapse.js';
import { aurynConstants } from '../../neurons/auryn_if_kernel.js';
import { F32_FLUSH_BELOW } from '../../schemes/simd_program.js';

/**
 * Auryn's IFGroup step four neurons per f32x4, as Auryn's SSE build runs it. The TypeScript kernel
 * (stepAurynIF) rounds every operation to float32 with Math.fround; a float32 operation of WebAssembly is
 * the same correctly rounded result, so this kernel is bit-identical to it (tested over whole networks),
 * in the same order of operations. The input rows stay float64, as the core's ring is: the kernel reads
 * them in place from a float64 ring in its own memory and rounds w / g_L to float32 as the TypeScript
 * kernel does. Padding lanes rest (no input reaches them) and never spike.
 */

/** Constants splatted to four float32 lanes in memory (invGL: two float64 lanes), in this order. */
const CONSTS = ['negAmpa', 'negNmda', 'mulNmda', 'negMulNmda', 'scaleAmpa', 'scaleGaba', 'scaleThr', 'mulTauMem', 'negMulTauMem', 'uRest', 'uReset', 'uInhRev', 'thrRest', 'dthr', 'flushBelow', 'invGL'] as const;
type ConstName = (typeof CONSTS)[number];

/** Ring rows the group can hold in its own memory, and at most this many bytes of them (reserved, touched rows only). */
const RING_SLOTS = 64;
const RING_BYTES = 1 << 28;
/**
 * Room for static tables the group delivers itself (adoptTable), reserved like the ring: 256 MiB holds zenke-25k's
 * static E→E table (20 million 16-bit targets) and the rest; a table that does not fit stays with the synapse model.
 */
const TABLE_BYTES = 1 << 28;

/** Parameters of the kernel function: the state's padded length in bytes, the byte addresses of this step's ex and inh rows. */
const P = { end: 0, ex: 1, inh: 2 } as const;
const L = { o: 3, o8: 4, count: 5, bits: 6, zero128: 7, quads: 8 } as const;
/** Quads each loop iteration advances: independent dependency chains for the CPU to overlap. */
const QUADS = 2;
/** v128 locals of quad q. */
const quadLocals = (q: number) => {
  const b = L.quads + 11 * q;
  return { v: b, ga: b + 1, gn: b + 2, gg: b + 3, th: b + 4, u: b + 5, tExc: b + 6, tInh: b + 7, gaNext: b + 8, ggNext: b + 9, mask: b + 10 };
};

function groupLayout(n: number) {
  const pad = Math.ceil(n / (4 * QUADS)) * 4 * QUADS;
  const A4 = 4 * pad;
  const spikes = 5 * A4;
  const consts = spikes + A4;
  const scratch = consts + 16 * CONSTS.length;
  const ring = scratch + 3 * 8 * pad;
  const ringSlots = n > 0 ? Math.min(RING_SLOTS, Math.floor(RING_BYTES / (24 * pad))) : 0;
  const batchAt = ring + 24 * pad * ringSlots;
  const tablesAt = batchAt + SCATTER_BATCH_BYTES;
  return { pad, A4, spikes, consts, scratch, ring, ringSlots, batchAt, tablesAt, bytes: tablesAt + TABLE_BYTES };
}

/**
 * The step over quads at byte offsets 0, 16, ... < end of the five state arrays (V, thr, g_ampa, g_nmda,
 * g_gaba, `stride` bytes apart). A quad with a spike appends (its byte offset | lane mask) to the spike list.
 */
function buildModule(stride: number): Uint8Array {
  const { get, set, tee } = op;
  const { spikes, consts } = groupLayout(stride / 4);
  const c = (name: ConstName) => [op.i32Const(0), op.v128Load(consts + 16 * CONSTS.indexOf(name))];
  const st = (k: number) => k * stride;
  const [V, THR, GA, GN, GG] = [0, 1, 2, 3, 4].map(st);
  const mul = op.f32x4Mul, add = op.f32x4Add, sub = op.f32x4Sub;
  // Two float64 lanes of a row times 1/g_L, rounded to float32 (low half); the quad's four from two loads.
  // The kernel zeroes what it read (readerClears), while the line is in cache.
  const rowQuad = (row: number, q: number) => [
    get(row), get(L.o8), op.i32Add(), op.v128Load(32 * q), ...c('invGL'), op.f64x2Mul(), op.f32x4DemoteF64x2Zero(),
    get(row), get(L.o8), op.i32Add(), op.v128Load(32 * q + 16), ...c('invGL'), op.f64x2Mul(), op.f32x4DemoteF64x2Zero(),
    op.i8x16Shuffle([0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23]),
    get(row), get(L.o8), op.i32Add(), get(L.zero128), op.v128Store(32 * q),
    get(row), get(L.o8), op.i32Add(), get(L.zero128), op.v128Store(32 * q + 16),
  ];
  // |x| < 2^-126 → +0 (the TypeScript kernel's flush to zero), for a value on the stack.
  const flush = (tmp: number) => [tee(tmp), get(tmp), op.f32x4Abs(), ...c('flushBelow'), op.f32x4Lt(), op.v128Andnot()];
  const quad = (q: number) => {
    const x = quadLocals(q);
    const at = (base: number) => base + 16 * q;
    return [
      get(L.o), op.v128Load(at(V)), set(x.v),
      get(L.o), op.v128Load(at(GA)), set(x.ga),
      get(L.o), op.v128Load(at(GN)), set(x.gn),
      get(L.o), op.v128Load(at(GG)), set(x.gg),
      // integrate_linear_nmda_synapses and the membrane terms, in stepAurynIF's order
      get(x.ga), ...c('negAmpa'), mul(), ...c('negNmda'), get(x.gn), mul(), add(), get(x.v), mul(), set(x.tExc),
      get(x.v), ...c('uInhRev'), sub(), get(x.gg), mul(), set(x.tInh),
      get(x.gn), ...c('mulNmda'), get(x.ga), mul(), add(), set(x.gn),
      get(x.gn), ...c('negMulNmda'), get(x.gn), mul(), add(), set(x.gn),
      get(L.o), get(x.gn), ...flush(x.gn), op.v128Store(at(GN)),
      get(x.ga), ...c('scaleAmpa'), mul(), set(x.gaNext),
      get(x.gg), ...c('scaleGaba'), mul(), set(x.ggNext),
      get(L.o), op.v128Load(at(THR)), ...c('scaleThr'), mul(), ...flush(x.th), set(x.th),
      get(x.v), ...c('mulTauMem'), get(x.tExc), mul(), add(), set(x.u),
      get(x.u), ...c('negMulTauMem'), get(x.tInh), mul(), add(), set(x.u),
      get(x.u), ...c('negMulTauMem'), get(x.v), ...c('uRest'), sub(), mul(), add(), set(x.u),
      // u < u_inh_rev ? u_inh_rev : u > 0 ? 0 : u (pmax/pmin are exactly these selects)
      get(x.u), ...c('uInhRev'), op.f32x4Pmax(), get(L.zero128), op.f32x4Pmin(), set(x.u),
      // check_thresholds: u > thr_rest + thr spikes, resets u and sets the moving threshold
      get(x.u), ...c('thrRest'), get(x.th), add(), op.f32x4Gt(), tee(x.mask), op.i32x4Bitmask(), tee(L.bits), op.if(),
      ...c('uReset'), get(x.u), get(x.mask), op.v128Bitselect(), set(x.u),
      ...c('dthr'), get(x.th), get(x.mask), op.v128Bitselect(), set(x.th),
      get(L.count), op.i32Const(2), op.i32Shl(), get(L.o), op.i32Const(16 * q), op.i32Add(), get(L.bits), op.i32Or(), op.i32Store(spikes),
      get(L.count), op.i32Const(1), op.i32Add(), set(L.count),
      op.end(),
      get(L.o), get(x.u), op.v128Store(at(V)),
      get(L.o), get(x.th), op.v128Store(at(THR)),
      // this step's spikes, after evolve (Auryn's propagate)
      get(L.o), get(x.gaNext), ...rowQuad(P.ex, q), add(), ...flush(x.gaNext), op.v128Store(at(GA)),
      get(L.o), get(x.ggNext), ...rowQuad(P.inh, q), sub(), ...flush(x.ggNext), op.v128Store(at(GG)),
    ];
  };
  const body: number[][] = [
    op.f32Const(0), op.f32x4Splat(), set(L.zero128),
    op.block(), op.loop(),
    get(L.o), get(P.end), op.i32GeU(), op.brIf(1),
    ...Array.from({ length: QUADS }, (_, q) => quad(q)).flat(),
    get(L.o), op.i32Const(16 * QUADS), op.i32Add(), set(L.o),
    get(L.o8), op.i32Const(32 * QUADS), op.i32Add(), set(L.o8),
    op.br(0),
    op.end(), op.end(),
    get(L.count),
  ];
  return module('step', [I32, I32, I32], [I32], [[4, I32], [1 + 11 * QUADS, V128]], body);
}

const modules = new Map<number, object>();
function compiled(stride: number): object {
  let m = modules.get(stride);
  if (!m) {
    m = new wasm.Module(buildModule(stride));
    modules.set(stride, m);
  }
  return m;
}

export function aurynIfF32x4Available(): boolean {
  try {
    return wasm.validate(buildModule(16));
  } catch {
    return false;
  }
}

/** The memory of a group: its state (V, thr, g_ampa, g_nmda, g_gaba: float32) `A4` bytes apart from address 0. */
function aurynMemory(n: number): KernelMemory {
  const g = groupLayout(n);
  return new KernelMemory(g.bytes, [0, 1, 2, 3, 4].map((k) => k * g.A4));
}

export function createAurynIfF32x4(ctx: KernelContext): NeuronKernel {
  const { n } = ctx;
  const g = groupLayout(n);
  const mem = ctx.arena as KernelMemory;
  const buffer = mem.buffer;
  const step = n > 0 ? mem.instantiate(compiled(g.A4)) : ((() => 0) as StepFn);
  const k = aurynConstants(ctx.params, ctx.dt);
  const values: Record<ConstName, number> = { ...k, negMulNmda: -k.mulNmda, negMulTauMem: -k.mulTauMem, flushBelow: F32_FLUSH_BELOW };
  const f32 = new Float32Array(buffer, g.consts, 4 * CONSTS.length);
  CONSTS.forEach((name, i) => f32.fill(values[name], 4 * i, 4 * i + 4));
  new Float64Array(buffer, g.consts + 16 * CONSTS.indexOf('invGL'), 2).fill(k.invGL);
  // Padding lanes rest where a fresh neuron starts.
  new Float32Array(buffer, 0, g.pad).fill(Math.fround(ctx.params.u_rest), n);
  const records = new Int32Array(buffer, g.spikes, g.pad);
  const rows = new RowCopier(new Float64Array(buffer), n, g.scratch / 8, g.scratch / 8 + g.pad, g.scratch / 8 + 2 * g.pad);
  let ownRing: RingBuffer | null = null;
  // Static tables scattered in WebAssembly into the float64 ring: the same float64 additions as the TypeScript scatter.
  const adopter = new TableAdopter(mem.memory, buffer, g.batchAt, g.tablesAt, TABLE_BYTES, 'f64');
  const adoptTable = (table: SynapseTable, ring: AnyRing): AdoptedTable | undefined => {
    if (!ownRing || ring !== ownRing) return undefined;
    return adopter.adopt(table, ownRing, g.ring);
  };
  const unpack = (count: number, spikes: Int32Array): number => {
    let total = 0;
    for (let j = 0; j < count; j++) {
      const rec = records[j];
      const first = (rec & ~15) >> 2;
      for (let lane = 0; lane < 4; lane++) if (rec & (1 << lane) && first + lane < n) spikes[total++] = first + lane;
    }
    return total;
  };
  return {
    ...NO_PRIVATE_STATE,
    update(_step: number, ring: AnyRing, off: number, spikes: Int32Array): number {
      if (ring === ownRing) return unpack(step(g.A4, g.ring + 8 * off, g.ring + 8 * (off + ring.n * ring.slots)), spikes);
      rows.copy(ring, off);
      return unpack(step(g.A4, g.scratch, g.scratch + 8 * g.pad), spikes);
    },
    capabilities: {
      // Rows `pad` long, so the last quads read and clear their own row only.
      ownRing(slots: number) {
        if (slots > g.ringSlots) return undefined;
        const len = g.pad * slots;
        ownRing = new RingBuffer(g.pad, slots, {
          ex: new Float64Array(buffer, g.ring, len),
          inh: new Float64Array(buffer, g.ring + 8 * len, len),
          cur: new Float64Array(buffer, g.ring + 16 * len, len),
          readerClears: true,
        });
        return ownRing;
      },
      adoptTable,
    },
  };
}

export const aurynIfF32x4Wasm: IntegratorPlugin = {
  kind: 'integrator',
  name: 'euler-f32x4-wasm-simd',
  model: 'IFGroup',
  doc: "IFGroup's float32 Euler step four neurons per WebAssembly f32x4 (Auryn's SSE build), bit-identical to euler-f32",
  precision: 'f32',
  arena: (ctx: NeuronGroupContext) => aurynMemory(ctx.n),
  create: createAurynIfF32x4,
};
