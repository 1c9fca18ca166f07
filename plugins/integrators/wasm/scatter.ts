import { module, op, I32, F32 } from './assembler.js';
import { wasm, type StepFn } from './runtime.js';

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
