import { module, op, I32, F32, F64 } from './assembler.js';
import { wasm, type StepFn } from './runtime.js';
import type { AdoptedTable, SynapseTable } from '../../../core/contracts/synapse.js';

/**
 * Spike propagation into a ring inside a WebAssembly memory (float32 rows, or float64 ones): a static table
 * with one weight and one delay, copied into the same memory. JavaScript's typed-array scatter costs about
 * 3 ns per event on this machine (bounds checks, float32 <-> float64 conversions; bench/floors), the compiled
 * loop about one.
 *
 * scatter(srcAt, stepAt, count, rowStartAt, targetAt, channelAt, slots, rowBytes, delay, weight):
 * for each of `count` spikes (int32 source indices at srcAt, emission steps at stepAt), add `weight` to
 * the ring row of step + delay (row r starts at channelAt + r × rowBytes) at every target of the source's
 * row (rowStart uint32 at rowStartAt, targets uint16 or uint32 at targetAt). A float64 ring adds as the
 * TypeScript scatter into a Float64Array does, a float32 one as into a Float32Array (one rounding per add).
 */
const A = { srcAt: 0, stepAt: 1, count: 2, rowStartAt: 3, targetAt: 4, channelAt: 5, slots: 6, rowBytes: 7, delay: 8, weight: 9 } as const;
const L = { i: 10, k: 11, end: 12, base: 13, addr: 14, src: 15 } as const;

type Lane = 'f32' | 'f64';

function buildScatter(lane: Lane, indexBytes: 2 | 4): Uint8Array {
  const { get, set, tee } = op;
  const valueShift = lane === 'f32' ? 2 : 3;
  const indexShift = indexBytes === 2 ? 1 : 2;
  const loadIndex = (at: number) => (indexBytes === 2 ? op.i32Load16U(at) : op.i32Load(at));
  /** ring[base + target[k + at/indexBytes]] += weight */
  const addAt = (at: number) => [
    get(L.k), loadIndex(at), op.i32Const(valueShift), op.i32Shl(), get(L.base), op.i32Add(), tee(L.addr),
    ...(lane === 'f32'
      ? [get(L.addr), op.f32Load(), get(A.weight), op.f32Add(), op.f32Store()]
      : [get(L.addr), op.f64Load(), get(A.weight), op.f64Add(), op.f64Store()]),
  ];
  const four = 4 * indexBytes;
  const body: number[][] = [
    op.i32Const(0), set(L.i),
    op.block(), op.loop(),
    get(L.i), get(A.count), op.i32GeU(), op.brIf(1),
    // the row of step + delay in the ring
    get(L.i), op.i32Const(2), op.i32Shl(), get(A.stepAt), op.i32Add(), op.i32Load(),
    get(A.delay), op.i32Add(), get(A.slots), op.i32RemU(), get(A.rowBytes), op.i32Mul(), get(A.channelAt), op.i32Add(), set(L.base),
    // the source's synapses, as byte addresses of their targets
    get(L.i), op.i32Const(2), op.i32Shl(), get(A.srcAt), op.i32Add(), op.i32Load(), op.i32Const(2), op.i32Shl(), get(A.rowStartAt), op.i32Add(), tee(L.src),
    op.i32Load(), op.i32Const(indexShift), op.i32Shl(), get(A.targetAt), op.i32Add(), set(L.k),
    get(L.src), op.i32Load(4), op.i32Const(indexShift), op.i32Shl(), get(A.targetAt), op.i32Add(), set(L.end),
    // four synapses per iteration while four remain (a row's targets are distinct: no two alias), then one
    op.block(), op.loop(),
    get(L.end), get(L.k), op.i32Sub(), op.i32Const(four), op.i32LtU(), op.brIf(1),
    ...[0, 1, 2, 3].flatMap((q) => addAt(q * indexBytes)),
    get(L.k), op.i32Const(four), op.i32Add(), set(L.k),
    op.br(0),
    op.end(), op.end(),
    op.block(), op.loop(),
    get(L.k), get(L.end), op.i32GeU(), op.brIf(1),
    ...addAt(0),
    get(L.k), op.i32Const(indexBytes), op.i32Add(), set(L.k),
    op.br(0),
    op.end(), op.end(),
    get(L.i), op.i32Const(1), op.i32Add(), set(L.i),
    op.br(0),
    op.end(), op.end(),
  ];
  return module('step', [I32, I32, I32, I32, I32, I32, I32, I32, I32, lane === 'f32' ? F32 : F64], [], [[6, I32]], body);
}

const compiled = new Map<string, object>();

/** The scatter function over a memory (one instance per memory; each module is compiled once). */
export function scatterKernel(memory: object, lane: Lane = 'f32', indexBytes: 2 | 4 = 4): StepFn {
  const key = `${lane}/${indexBytes}`;
  let m = compiled.get(key);
  if (!m) compiled.set(key, (m = new wasm.Module(buildScatter(lane, indexBytes))));
  return new wasm.Instance(m, { env: { mem: memory } }).exports.step as StepFn;
}

/** Spikes one scatter call takes (sources and steps, int32). */
export const SCATTER_BATCH = 4096;
/** Bytes of the batch buffer a TableAdopter needs at `batchAt`. */
export const SCATTER_BATCH_BYTES = 8 * SCATTER_BATCH;

/**
 * Static tables (one weight, one delay) copied into a kernel's memory and scattered there by `scatterKernel`
 * into the kernel's own ring (float32 rows, or float64 with lane 'f64'): the adoptTable capability of the
 * WebAssembly neuron kernels. Tables go into `tableBytes` at `tablesAt` (reserved: only what is copied takes
 * memory), their targets as wide as the table's own; one that does not fit is left to the synapse model
 * (adopt returns undefined).
 */
export class TableAdopter {
  private used = 0;
  private readonly scatter = new Map<number, StepFn>();
  private readonly batchSrc: Int32Array;
  private readonly batchStep: Int32Array;
  constructor(
    private readonly memory: object,
    private readonly buffer: ArrayBuffer,
    private readonly batchAt: number,
    private readonly tablesAt: number,
    private readonly tableBytes: number,
    private readonly lane: Lane = 'f32',
  ) {
    this.batchSrc = new Int32Array(buffer, batchAt, SCATTER_BATCH);
    this.batchStep = new Int32Array(buffer, batchAt + 4 * SCATTER_BATCH, SCATTER_BATCH);
  }

  /**
   * `ringAt`: byte address of the ring in the memory, its channels one after the other (ex, then inh, ...), each
   * `ring.slots` rows of `ring.n` values.
   */
  adopt(table: SynapseTable, ring: { readonly n: number; readonly slots: number }, ringAt: number): AdoptedTable | undefined {
    if (table.weight || table.delay) return undefined;
    const valueBytes = this.lane === 'f32' ? 4 : 8;
    const indexBytes = table.target.BYTES_PER_ELEMENT as 2 | 4;
    const rowStartBytes = 4 * (table.sourceCount + 1);
    // Both arrays start on 16 bytes (16-bit targets can leave the last table's end unaligned).
    const rowStartAt = (this.tablesAt + this.used + 15) & ~15;
    if (rowStartAt - this.tablesAt + rowStartBytes + indexBytes * table.count + 15 > this.tableBytes) return undefined;
    const targetAt = (rowStartAt + rowStartBytes + 15) & ~15;
    this.used = targetAt + indexBytes * table.count - this.tablesAt;
    const rowStart = new Uint32Array(this.buffer, rowStartAt, table.sourceCount + 1);
    const target = indexBytes === 2 ? new Uint16Array(this.buffer, targetAt, table.count) : new Uint32Array(this.buffer, targetAt, table.count);
    rowStart.set(table.rowStart);
    target.set(table.target);
    let scatterFn = this.scatter.get(indexBytes);
    if (!scatterFn) this.scatter.set(indexBytes, (scatterFn = scatterKernel(this.memory, this.lane, indexBytes)));
    const scatter = scatterFn;
    const { slots } = ring;
    const rowBytes = valueBytes * ring.n;
    const channelAt = table.homWeight >= 0 ? ringAt : ringAt + rowBytes * slots;
    const delay = table.homDelay;
    const w = table.homWeight;
    const { batchAt, batchSrc, batchStep } = this;
    const stepAt = batchAt + 4 * SCATTER_BATCH;
    const run = (count: number) => scatter(batchAt, stepAt, count, rowStartAt, targetAt, channelAt, slots, rowBytes, delay, w);
    return {
      table: { ...table, rowStart, target },
      deliver(src: number, step: number) {
        batchSrc[0] = src;
        batchStep[0] = step;
        run(1);
      },
      deliverBatch(srcs: Int32Array, steps: Int32Array, count: number) {
        for (let done = 0; done < count; done += SCATTER_BATCH) {
          const m = Math.min(SCATTER_BATCH, count - done);
          for (let j = 0; j < m; j++) {
            batchSrc[j] = srcs[done + j];
            batchStep[j] = steps[done + j];
          }
          run(m);
        }
      },
    };
  }
}
