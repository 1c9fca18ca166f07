import { module, op, I32, F32 } from './assembler.js';
import { wasm, type StepFn } from './runtime.js';
import type { AdoptedTable, SynapseTable } from '../../../core/contracts/synapse.js';

/**
 * Spike propagation into a float32 ring inside a WebAssembly memory: a static table with one weight and
 * one delay, copied into the same memory. JavaScript's typed-array scatter costs about 3 ns per event on
 * this machine (bounds checks, float32 <-> float64 conversions; bench/floors), the compiled loop about one.
 *
 * scatter(srcAt, stepAt, count, rowStartAt, targetAt, channelAt, slots, rowBytes, delay, weight):
 * for each of `count` spikes (int32 source indices at srcAt, emission steps at stepAt), add `weight` to
 * the ring row of step + delay (row r starts at channelAt + r × rowBytes) at every target of the source's
 * row (rowStart and target are uint32 arrays at rowStartAt and targetAt).
 */
const A = { srcAt: 0, stepAt: 1, count: 2, rowStartAt: 3, targetAt: 4, channelAt: 5, slots: 6, rowBytes: 7, delay: 8, weight: 9 } as const;
const L = { i: 10, k: 11, end: 12, base: 13, addr: 14, src: 15 } as const;

function buildScatter(): Uint8Array {
  const { get, set, tee } = op;
  /** ring[base + target[k + at/4]] += weight */
  const addAt = (at: number) => [
    get(L.k), op.i32Load(at), op.i32Const(2), op.i32Shl(), get(L.base), op.i32Add(), tee(L.addr),
    get(L.addr), op.f32Load(), get(A.weight), op.f32Add(), op.f32Store(),
  ];
  const body: number[][] = [
    op.i32Const(0), set(L.i),
    op.block(), op.loop(),
    get(L.i), get(A.count), op.i32GeU(), op.brIf(1),
    // the row of step + delay in the ring
    get(L.i), op.i32Const(2), op.i32Shl(), get(A.stepAt), op.i32Add(), op.i32Load(),
    get(A.delay), op.i32Add(), get(A.slots), op.i32RemU(), get(A.rowBytes), op.i32Mul(), get(A.channelAt), op.i32Add(), set(L.base),
    // the source's synapses, as byte addresses of their targets
    get(L.i), op.i32Const(2), op.i32Shl(), get(A.srcAt), op.i32Add(), op.i32Load(), op.i32Const(2), op.i32Shl(), get(A.rowStartAt), op.i32Add(), tee(L.src),
    op.i32Load(), op.i32Const(2), op.i32Shl(), get(A.targetAt), op.i32Add(), set(L.k),
    get(L.src), op.i32Load(4), op.i32Const(2), op.i32Shl(), get(A.targetAt), op.i32Add(), set(L.end),
    // four synapses per iteration while four remain (a row's targets are distinct: no two alias), then one
    op.block(), op.loop(),
    get(L.end), get(L.k), op.i32Sub(), op.i32Const(16), op.i32LtU(), op.brIf(1),
    ...[0, 4, 8, 12].flatMap((at) => addAt(at)),
    get(L.k), op.i32Const(16), op.i32Add(), set(L.k),
    op.br(0),
    op.end(), op.end(),
    op.block(), op.loop(),
    get(L.k), get(L.end), op.i32GeU(), op.brIf(1),
    ...addAt(0),
    get(L.k), op.i32Const(4), op.i32Add(), set(L.k),
    op.br(0),
    op.end(), op.end(),
    get(L.i), op.i32Const(1), op.i32Add(), set(L.i),
    op.br(0),
    op.end(), op.end(),
  ];
  return module('step', [I32, I32, I32, I32, I32, I32, I32, I32, I32, F32], [], [[6, I32]], body);
}

let compiled: object | null = null;

/** The scatter function over a memory (one instance per memory; the module is compiled once). */
export function scatterKernel(memory: object): StepFn {
  compiled ??= new wasm.Module(buildScatter());
  return new wasm.Instance(compiled, { env: { mem: memory } }).exports.step as StepFn;
}

/** Spikes one scatter call takes (sources and steps, int32). */
export const SCATTER_BATCH = 4096;
/** Bytes of the batch buffer a TableAdopter needs at `batchAt`. */
export const SCATTER_BATCH_BYTES = 8 * SCATTER_BATCH;

/**
 * Static tables (one weight, one delay) copied into a kernel's memory and scattered there by `scatterKernel`
 * into the kernel's own float32 ring: the adoptTable capability of the WebAssembly neuron kernels. Tables go
 * into `tableBytes` at `tablesAt` (reserved: only what is copied takes memory); one that does not fit is
 * left to the synapse model (adopt returns undefined).
 */
export class TableAdopter {
  private used = 0;
  private scatter: StepFn | null = null;
  private readonly batchSrc: Int32Array;
  private readonly batchStep: Int32Array;
  constructor(
    private readonly memory: object,
    private readonly buffer: ArrayBuffer,
    private readonly batchAt: number,
    private readonly tablesAt: number,
    private readonly tableBytes: number,
  ) {
    this.batchSrc = new Int32Array(buffer, batchAt, SCATTER_BATCH);
    this.batchStep = new Int32Array(buffer, batchAt + 4 * SCATTER_BATCH, SCATTER_BATCH);
  }

  /** `exAt`, `inhAt`: byte addresses of the ring's channels in the memory; its rows are `ring.n` float32 long. */
  adopt(table: SynapseTable, ring: { readonly n: number; readonly slots: number }, exAt: number, inhAt: number): AdoptedTable | undefined {
    if (table.weight || table.delay) return undefined;
    const rowStartBytes = 4 * (table.sourceCount + 1);
    if (this.used + rowStartBytes + 4 * table.count + 15 > this.tableBytes) return undefined;
    const rowStartAt = this.tablesAt + this.used;
    const targetAt = (rowStartAt + rowStartBytes + 15) & ~15;
    this.used = targetAt + 4 * table.count - this.tablesAt;
    const rowStart = new Uint32Array(this.buffer, rowStartAt, table.sourceCount + 1);
    const target = new Uint32Array(this.buffer, targetAt, table.count);
    rowStart.set(table.rowStart);
    target.set(table.target);
    const kernel = (this.scatter ??= scatterKernel(this.memory));
    const channelAt = table.homWeight >= 0 ? exAt : inhAt;
    const { slots } = ring;
    const rowBytes = 4 * ring.n;
    const delay = table.homDelay;
    const w = table.homWeight;
    const { batchAt, batchSrc, batchStep } = this;
    const stepAt = batchAt + 4 * SCATTER_BATCH;
    const run = (count: number) => kernel(batchAt, stepAt, count, rowStartAt, targetAt, channelAt, slots, rowBytes, delay, w);
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
