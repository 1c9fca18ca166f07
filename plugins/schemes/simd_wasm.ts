import { NO_PRIVATE_STATE } from '../../core/contracts/base.js';
import type { KernelContext, NeuronKernel } from '../../core/contracts/neuron.js';
import { RingBuffer, type AnyRing } from '../../core/ringbuffer.js';
import type { Node } from '../../core/equations/ir.js';
import { module, op, I32, V128 } from '../integrators/wasm/assembler.js';
import { wasm, KernelMemory, RowCopier, type StepFn } from '../integrators/wasm/runtime.js';
import { SCATTER_BATCH_BYTES, TableAdopter } from '../integrators/wasm/scatter.js';
import type { AdoptedTable, SynapseTable } from '../../core/contracts/synapse.js';
import { EXP, F32_FLUSH_BELOW, rounding, type LaneType, type Program } from './simd_program.js';

/**
 * A Program (simd_program.ts) lowered to WebAssembly SIMD: one 128-bit vector of neurons per loop
 * iteration (four float32 or two float64 lanes), registers as v128 locals, the refractory count a lane of
 * the lane type, the threshold a lane comparison whose bitmask records the vector, resets and refractory
 * selects as bitselect. The population's state lives in the module's memory (KernelMemory), the input ring
 * too where the simulator lets the kernel own it; a foreign ring's rows are copied in first (RowCopier).
 */

type Ins = () => number[];
interface Isa {
  readonly lanes: number;
  readonly bytes: number;
  readonly bin: Readonly<Record<'+' | '-' | '*' | '/', Ins>>;
  readonly cmp: Readonly<Record<'<' | '<=' | '>' | '>=' | '==' | '!=', Ins>>;
  readonly call: Readonly<Record<'min' | 'max' | 'abs' | 'sqrt', Ins>>;
  readonly neg: Ins;
  readonly bitmask: Ins;
  /** a < b ? b : a and b < a ? b : a, lane by lane: a bound as the scalar kernels' `if` applies it. */
  readonly pmax: Ins;
  readonly pmin: Ins;
}

const ISA: Record<LaneType, Isa> = {
  f32: {
    lanes: 4, bytes: 4,
    bin: { '+': op.f32x4Add, '-': op.f32x4Sub, '*': op.f32x4Mul, '/': op.f32x4Div },
    cmp: { '<': op.f32x4Lt, '<=': op.f32x4Le, '>': op.f32x4Gt, '>=': op.f32x4Ge, '==': op.f32x4Eq, '!=': op.f32x4Ne },
    call: { min: op.f32x4Min, max: op.f32x4Max, abs: op.f32x4Abs, sqrt: op.f32x4Sqrt },
    neg: op.f32x4Neg, bitmask: op.i32x4Bitmask, pmax: op.f32x4Pmax, pmin: op.f32x4Pmin,
  },
  f64: {
    lanes: 2, bytes: 8,
    bin: { '+': op.f64x2Add, '-': op.f64x2Sub, '*': op.f64x2Mul, '/': op.f64x2Div },
    cmp: { '<': op.f64x2Lt, '<=': op.f64x2Le, '>': op.f64x2Gt, '>=': op.f64x2Ge, '==': op.f64x2Eq, '!=': op.f64x2Ne },
    call: { min: op.f64x2Min, max: op.f64x2Max, abs: op.f64x2Abs, sqrt: op.f64x2Sqrt },
    neg: op.f64x2Neg, bitmask: op.i64x2Bitmask, pmax: op.f64x2Pmax, pmin: op.f64x2Pmin,
  },
};

/** Ring rows a population can hold in its memory, and at most this many bytes of them (reserved; touched rows only). */
const RING_SLOTS = 64;
const RING_BYTES = 1 << 28;
/** Room for the static tables a float32 population scatters itself into its ring (reserved like the ring; 16 million synapses). */
const TABLE_BYTES = 1 << 26;

/** Byte addresses in a population's memory; `A`: bytes of one padded state array. */
export function simdLayout(n: number, k: number, lane: LaneType, nConsts: number) {
  const { lanes, bytes } = ISA[lane];
  const pad = Math.max(lanes, Math.ceil(n / lanes) * lanes);
  const A = pad * bytes;
  // The model's k variables, I0 and the refractory count; then the spike records (one int32 per vector).
  const records = (k + 2) * A;
  const consts = records + A;
  const scratch = consts + 16 * nConsts;
  const ring = scratch + 3 * A;
  const ringSlots = n > 0 ? Math.min(RING_SLOTS, Math.floor(RING_BYTES / (3 * A))) : 0;
  // Float32 lanes take static tables into their memory (TableAdopter): the WebAssembly scatter adds in float32 as the ring holds.
  const batchAt = ring + 3 * A * ringSlots;
  const tableBytes = lane === 'f32' && n > 0 ? TABLE_BYTES : 0;
  const tablesAt = batchAt + (tableBytes > 0 ? SCATTER_BATCH_BYTES : 0);
  return { pad, A, records, consts, scratch, ring, ringSlots, batchAt, tablesAt, tableBytes, bytes: tablesAt + tableBytes };
}

/** The constants a program reads, in the order the module addresses them (16 bytes each). */
export function programConstants(p: Program, lane: LaneType): number[] {
  const F = rounding(lane);
  const out: number[] = [];
  const seen = new Set<string>();
  const keep = (v: number) => {
    const key = Object.is(F(v), -0) ? '-0' : String(F(v));
    if (!seen.has(key)) { seen.add(key); out.push(F(v)); }
  };
  const walk = (n: Node): void => {
    switch (n.t) {
      case 'num': keep(n.v); break;
      case 'neg': walk(n.a); break;
      case 'bin': case 'cmp': walk(n.a); walk(n.b); break;
      case 'call':
        n.args.forEach(walk);
        if (n.fn === 'exp') [EXP.HI, EXP.LO, EXP.LOG2E, EXP.C1, EXP.C2, ...EXP.P, 1].forEach(keep);
        break;
      default: break;
    }
  };
  p.assigns.forEach((a) => walk(a.expr));
  p.ports.forEach((q) => keep(q.scale));
  if (p.threshold) walk(p.threshold);
  p.resets.forEach((r) => walk(r.value));
  p.bounds.forEach((x) => keep(x.value));
  if (lane === 'f32') keep(F32_FLUSH_BELOW);
  keep(1);
  keep(p.refrSteps);
  return out;
}

// Parameters: end (bytes of one state array), then the byte addresses of the step's ex, inh and cur rows.
const P = { end: 0, ex: 1, inh: 2, cur: 3 } as const;
/** v128 locals from `zero`; X, N, Rr: exp's scratch (an argument is evaluated before its exp uses them). */
const L = { o: 4, count: 5, bits: 6, zero: 7, refr: 8, R: 9, spk: 10, X: 11, N: 12, Rr: 13, regs: 14 } as const;

/** The module of a program over a layout; its bytes are the cache key (constants live in memory). */
export function buildSimdModule(p: Program, lane: LaneType, A: number, recordsAt: number, constsAt: number, consts: readonly number[]): Uint8Array {
  const isa = ISA[lane];
  const F = rounding(lane);
  const { get, set, tee } = op;
  const { k } = p;
  const index = new Map(consts.map((v, i) => [Object.is(v, -0) ? '-0' : String(v), i]));
  const konst = (v: number) => {
    const i = index.get(Object.is(F(v), -0) ? '-0' : String(F(v)));
    if (i === undefined) throw new Error(`SIMD kernel: constant ${v} not laid out`);
    return [op.i32Const(0), op.v128Load(constsAt + 16 * i)];
  };
  const R = (i: number) => L.regs + i;
  const expr = (n: Node): number[][] => {
    switch (n.t) {
      case 'num': return konst(n.v);
      case 'state': return [get(R(n.i))];
      case 'neg': return [...expr(n.a), isa.neg()];
      case 'bin': return [...expr(n.a), ...expr(n.b), isa.bin[n.op]()];
      case 'cmp': return [...expr(n.a), ...expr(n.b), isa.cmp[n.op]()];
      case 'call':
        if (n.fn === 'exp' && lane === 'f32') return [...expr(n.args[0]), ...exp()];
        if (!(n.fn in isa.call)) throw new Error(`SIMD kernel: no ${lane} lane operation for ${n.fn}()`);
        return [...n.args.flatMap(expr), isa.call[n.fn as keyof Isa['call']]()];
      default: throw new Error(`SIMD kernel: unexpected ${n.t} node`);
    }
  };
  // exp of the float32 lanes on the stack, as expF32 (simd_program.ts) computes it.
  const exp = (): number[][] => [
    ...konst(EXP.HI), op.f32x4Min(), ...konst(EXP.LO), op.f32x4Max(), tee(L.X), ...konst(EXP.LOG2E), op.f32x4Mul(), op.f32x4Nearest(), set(L.N),
    get(L.X), get(L.N), ...konst(EXP.C1), op.f32x4Mul(), op.f32x4Sub(), get(L.N), ...konst(EXP.C2), op.f32x4Mul(), op.f32x4Sub(), tee(L.Rr),
    ...konst(EXP.P[0]), op.f32x4Mul(),
    ...[1, 2, 3, 4].flatMap((q) => [...konst(EXP.P[q]), op.f32x4Add(), get(L.Rr), op.f32x4Mul()]),
    ...konst(EXP.P[5]), op.f32x4Add(),
    get(L.Rr), get(L.Rr), op.f32x4Mul(), op.f32x4Mul(), get(L.Rr), op.f32x4Add(), ...konst(1), op.f32x4Add(),
    // × 2^n: n's bits in the exponent field
    get(L.N), op.i32x4TruncSatF32x4S(), op.i32Const(127), op.i32x4Splat(), op.i32x4Add(), op.i32Const(23), op.i32x4Shl(), op.f32x4Mul(),
  ];
  const row = (ptr: number) => [get(ptr), get(L.o), op.i32Add()];
  const vector: number[][] = [];
  for (let j = 0; j < k; j++) vector.push(get(L.o), op.v128Load(j * A), set(R(j)));
  vector.push(get(L.o), op.v128Load(k * A), set(R(k)));
  if (p.hasRefr) vector.push(get(L.o), op.v128Load((k + 1) * A), tee(L.R), get(L.zero), isa.cmp['>'](), set(L.refr));
  for (const a of p.assigns) {
    const value = [...expr(a.expr), ...(a.clamp ? [get(L.refr), op.v128Andnot()] : [])];
    // A held register: its old value on the refractory lanes, the expression's on the others.
    vector.push(...(a.hold !== undefined ? [get(R(a.hold)), ...value, get(L.refr), op.v128Bitselect()] : value), set(R(a.dst)));
  }
  for (const q of p.ports) {
    const y = R(q.target);
    const inc = [...row(q.channel === 'ex' ? P.ex : P.inh), op.v128Load(), ...(q.scale === 1 ? [] : [...konst(q.scale), isa.bin['*']()])];
    const sum = [get(y), ...inc, isa.bin[q.sign > 0 ? '+' : '-']()];
    // Refractory lanes keep y bit for bit (a select, not y + 0: -0 + 0 is +0).
    vector.push(...(q.drop && p.hasRefr ? [get(y), ...sum, get(L.refr), op.v128Bitselect()] : sum), set(y));
  }
  for (const x of p.bounds) {
    const y = R(x.target);
    const bounded = [get(y), ...konst(x.value), x.upper ? isa.pmin() : isa.pmax()];
    vector.push(...(p.hasRefr ? [get(y), ...bounded, get(L.refr), op.v128Bitselect()] : bounded), set(y));
  }
  if (p.hasRefr) vector.push(get(L.R), ...konst(1), get(L.refr), op.v128And(), isa.bin['-'](), set(L.R));
  // A condition as a lane mask: comparisons, and their conjunction (a 0/1 product in the IR) as v128.and.
  const mask = (n: Node): number[][] => (n.t === 'bin' && n.op === '*' ? [...mask(n.a), ...mask(n.b), op.v128And()] : expr(n));
  if (p.threshold) {
    vector.push(...mask(p.threshold), ...(p.hasRefr ? [get(L.refr), op.v128Andnot()] : []), tee(L.spk), isa.bitmask(), tee(L.bits), op.if());
    // Resets in order, each reading the values the previous ones left, on the spiking lanes only.
    for (const r of p.resets) vector.push(...expr(r.value), get(R(r.target)), get(L.spk), op.v128Bitselect(), set(R(r.target)));
    if (p.hasRefr) vector.push(...konst(p.refrSteps), get(L.R), get(L.spk), op.v128Bitselect(), set(L.R));
    // The record: the vector's byte offset (a multiple of 16) | its lane mask.
    vector.push(
      get(L.count), op.i32Const(2), op.i32Shl(), get(L.o), get(L.bits), op.i32Or(), op.i32Store(recordsAt),
      get(L.count), op.i32Const(1), op.i32Add(), set(L.count),
      op.end(),
    );
  }
  // Subnormal state stored as +0 (the lanes where |y| < 2^-126 cleared).
  if (lane === 'f32') for (let j = 0; j < k; j++) vector.push(get(R(j)), get(R(j)), op.f32x4Abs(), ...konst(F32_FLUSH_BELOW), op.f32x4Lt(), op.v128Andnot(), set(R(j)));
  for (let j = 0; j < k; j++) vector.push(get(L.o), get(R(j)), op.v128Store(j * A));
  if (p.hasRefr) vector.push(get(L.o), get(L.R), op.v128Store((k + 1) * A));
  // The current input acts from the next step; the rows are read, zeroed for their next use.
  vector.push(get(L.o), ...row(P.cur), op.v128Load(), op.v128Store(k * A));
  for (const ptr of [P.ex, P.inh, P.cur]) vector.push(...row(ptr), get(L.zero), op.v128Store());
  const body: number[][] = [
    op.f32Const(0), op.f32x4Splat(), set(L.zero),
    op.block(), op.loop(),
    get(L.o), get(P.end), op.i32GeU(), op.brIf(1),
    ...vector,
    get(L.o), op.i32Const(16), op.i32Add(), set(L.o),
    op.br(0),
    op.end(), op.end(),
    get(L.count),
  ];
  return module('step', [I32, I32, I32, I32], [I32], [[3, I32], [L.regs - L.zero + p.regs, V128]], body);
}

const modules = new Map<string, object>();
function compiled(bytes: Uint8Array): object {
  const key = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  let m = modules.get(key);
  if (!m) {
    m = new wasm.Module(bytes);
    modules.set(key, m);
  }
  return m;
}

/** The memory of a population: the state arrays `A` bytes apart from address 0, where the module loads them. */
export function simdMemory(n: number, k: number, lane: LaneType, nConsts: number): KernelMemory {
  const g = simdLayout(n, k, lane, nConsts);
  return new KernelMemory(g.bytes, [...Array(k + 2).keys()].map((j) => j * g.A));
}

/** The WebAssembly kernel of a program over the population's memory (throws where WebAssembly cannot compile). */
export function simdKernel(p: Program, lane: LaneType, ctx: KernelContext): NeuronKernel {
  const { n } = ctx;
  const { lanes, bytes } = ISA[lane];
  const consts = programConstants(p, lane);
  const g = simdLayout(n, p.k, lane, consts.length);
  const mem = ctx.arena as KernelMemory;
  const buffer = mem.buffer;
  const step: StepFn = n > 0 ? mem.instantiate(compiled(buildSimdModule(p, lane, g.A, g.records, g.consts, consts))) : () => 0;
  const View = lane === 'f32' ? Float32Array : Float64Array;
  const table = new View(buffer, g.consts, (16 / bytes) * consts.length);
  consts.forEach((v, i) => table.fill(v, (16 / bytes) * i, (16 / bytes) * (i + 1)));
  if (n > 0) {
    // Padding lanes start where neuron 0 starts, take no input, and (refractory for ever) never spike.
    for (let j = 0; j < p.k; j++) {
      const a = new View(buffer, j * g.A, g.pad);
      a.fill(a[0], n);
    }
    if (p.hasRefr) new View(buffer, (p.k + 1) * g.A, g.pad).fill(Infinity, n);
  }
  const records = new Int32Array(buffer, g.records, g.pad / lanes);
  const shift = Math.log2(bytes);
  const unpack = (count: number, spikes: Int32Array): number => {
    let total = 0;
    for (let j = 0; j < count; j++) {
      const rec = records[j];
      const first = (rec & ~15) >> shift;
      for (let lane = 0; lane < lanes; lane++) if (rec & (1 << lane) && first + lane < n) spikes[total++] = first + lane;
    }
    return total;
  };
  const rows = new RowCopier(new View(buffer), n, g.scratch / bytes, g.scratch / bytes + g.pad, g.scratch / bytes + 2 * g.pad);
  let ownRing: AnyRing | null = null;
  let len = 0;
  const adopter = g.tableBytes > 0 ? new TableAdopter(mem.memory, buffer, g.batchAt, g.tablesAt, g.tableBytes) : null;
  return {
    ...NO_PRIVATE_STATE,
    generated: true,
    update(_step: number, ring: AnyRing, off: number, spikes: Int32Array): number {
      if (n === 0) return 0;
      if (ring === ownRing) return unpack(step(g.A, g.ring + bytes * off, g.ring + bytes * (len + off), g.ring + bytes * (2 * len + off)), spikes);
      rows.copy(ring, off);
      return unpack(step(g.A, g.scratch, g.scratch + g.A, g.scratch + 2 * g.A), spikes);
    },
    capabilities: {
      // Rows `pad` long: the last vector reads and clears its own row only.
      ownRing(slots: number) {
        if (slots > g.ringSlots) return undefined;
        len = g.pad * slots;
        ownRing = new RingBuffer<Float32Array | Float64Array>(g.pad, slots, {
          ex: new View(buffer, g.ring, len), inh: new View(buffer, g.ring + bytes * len, len), cur: new View(buffer, g.ring + 2 * bytes * len, len),
          readerClears: true,
        });
        return ownRing;
      },
      adoptTable(table: SynapseTable, ring: AnyRing): AdoptedTable | undefined {
        if (!adopter || ring !== ownRing) return undefined;
        return adopter.adopt(table, ring, g.ring);
      },
    },
  } as NeuronKernel & { generated: boolean };
}
