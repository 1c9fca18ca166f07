import { moduleWithImports, op, I32, F64 } from '../../integrators/wasm/assembler.js';
import { wasm } from '../../integrators/wasm/runtime.js';
import type { TargetIndex } from '../../../core/contracts/synapse.js';
import type { RingRow } from '../../../core/ringbuffer.js';
import type { StdpRule } from './rule.js';
import type { AxonalState } from './axonal.js';
import type { decayFactor } from './decay.js';

/**
 * The axonal handler's arrival (axonal.ts, `arrive`) as a WebAssembly loop, for a rule that states its closed
 * form (StdpRule.tripletHom). The JavaScript kernel spends most of a plastic zenke-25k run in that loop: per
 * synapse, typed-array checks and branches on where its pending post spikes are. The compiled loop computes
 * the same float64 expressions in the same order, so the weights and the spikes keep their bits.
 *
 * The per-target lines, the histories and the decay tables live in the kernel's memory (AxonalState's arrays
 * become views of it); a row's targets and weights are copied in, updated, and the weights copied back, after
 * which the row is transmitted by a plain scatter.
 */
export type ArriveKernel = (
  st: AxonalState, rule: StdpRule, src: number, T: number,
  rowStart: Uint32Array, target: TargetIndex, weight: Float32Array, sign: number, buf: RingRow, off: number, decay: typeof decayFactor,
) => void;

let enabled = true;
let compiled = 0;
/** How many projections got the compiled arrival in this thread (for tests and the bench). */
export function compiledArrivals(): number {
  return compiled;
}
/** Use the compiled arrival where a rule offers its closed form (the default), or always the JavaScript one. */
export function setAxonalWasm(on: boolean): void {
  enabled = on;
}

/** Largest memory the kernel lays out; a bigger projection keeps the JavaScript loop. */
const MAX_BYTES = 1 << 30;

interface Layout {
  tgt: number; tgtPrev: number; hist: number; decay2: number; postTab: number; homTab: number; preTab: number; rowTarget: number; rowWeight: number; bytes: number;
}

function layout(st: AxonalState, longestRow: number, indexBytes: number): Layout {
  let at = 0;
  const take = (bytes: number) => {
    const here = at;
    at += Math.ceil(bytes / 16) * 16;
    return here;
  };
  const tgt = take(st.tgt.byteLength);
  const tgtPrev = take(st.tgtPrev.byteLength);
  const hist = take(st.hist.byteLength);
  const decay2 = take(st.decay2.byteLength);
  const postTab = take(st.dPost.table.byteLength);
  const homTab = take(st.dPostHom.table.byteLength);
  const preTab = take(st.preLong.byteLength);
  const rowTarget = take(longestRow * indexBytes);
  const rowWeight = take(longestRow * 4);
  return { tgt, tgtPrev, hist, decay2, postTab, homTab, preTab, rowTarget, rowWeight, bytes: at };
}

// Parameters and locals of the compiled arrival.
const P = { count: 0, last: 1, has: 2, x1: 3, preSlowBefore: 4, T: 5, sign: 6 } as const;
const L = { i: 7, j: 8, b: 9, lp: 10, c: 11, e: 12, base: 13, dp: 14, dk: 15, p: 16, wk: 17, slow: 18, ps: 19, pre: 20, post: 21, hom: 22, touch: 23, lastF: 24, w: 25 } as const;

function build(lay: Layout, st: AxonalState, form: NonNullable<StdpRule['tripletHom']>, indexBytes: number): Uint8Array {
  const { get, set, tee } = op;
  const c32 = op.i32Const;
  const f = op.f64Const;
  const EXP = 0;
  const loadTarget = () => (indexBytes === 2 ? op.i32Load16U(lay.rowTarget) : op.i32Load(lay.rowTarget));
  const indexAddr = [get(L.i), c32(indexBytes === 2 ? 1 : 2), op.i32Shl()];
  // table[k] for an i32 k on the stack, where table starts at byte `at`
  const tableAt = (at: number) => [c32(3), op.i32Shl(), op.f64Load(at)];
  /** factor(k) = k < len ? table[k] : exp(-k rate), k in local `k` (>= 1) */
  const farDecay = (k: number, at: number, len: number, rate: number) => [
    get(k), c32(len), op.i32LtS(), op.ifResult(F64),
    get(k), ...tableAt(at),
    op.else(),
    get(k), op.f64ConvertI32S(), op.f64Neg(), f(rate), op.f64Mul(), op.call(EXP),
    op.end(),
  ];
  const postLen = st.dPost.table.length;
  const homLen = st.dPostHom.table.length;
  const preLen = st.preLong.length;
  const H16 = 16 * st.H;
  /** onPost: w + a3·pre·slow, clipped at wmax; then stored as float32 (sign·w1) and read back. */
  const potentiate = [
    get(P.sign), get(L.wk), op.f64Mul(),
    f(form.potentiation), get(L.pre), op.f64Mul(), get(L.slow), op.f64Mul(), op.f64Add(), set(L.w),
    get(L.w), f(form.wmax), get(L.w), f(form.wmax), op.f64Lt(), op.select(),
    get(P.sign), op.f64Mul(), op.f32DemoteF64(), op.f64PromoteF32(), set(L.wk),
  ];
  const body: number[][] = [
    get(P.last), op.f64ConvertI32S(), set(L.lastF),
    // The targets' lines first, in a loop of independent loads: many misses in flight.
    c32(0), set(L.i),
    op.block(), op.loop(),
    get(L.i), get(P.count), op.i32GeS(), op.brIf(1),
    get(L.touch), ...indexAddr, loadTarget(), c32(5), op.i32Shl(), op.f64Load(lay.tgt), op.f64Add(), set(L.touch),
    get(L.i), c32(1), op.i32Add(), set(L.i),
    op.br(0),
    op.end(), op.end(),
    c32(0), set(L.i),
    op.block(), op.loop(),
    get(L.i), get(P.count), op.i32GeS(), op.brIf(1),
    ...indexAddr, loadTarget(), set(L.j),
    get(L.j), c32(5), op.i32Shl(), tee(L.b), op.i32Load(lay.tgt + 24), set(L.lp),
    get(L.b), op.i32Load(lay.tgt + 28), set(L.c),
    get(L.i), c32(2), op.i32Shl(), op.f32Load(lay.rowWeight), op.f64PromoteF32(), set(L.wk),
    // Post spikes of j since this source's last arrival: replay their facilitation.
    get(L.lp), get(P.last), op.i32GeS(), get(L.c), c32(0), op.i32GtS(), op.i32And(), op.if(),
    get(L.j), c32(H16), op.i32Mul(), c32(lay.hist), op.i32Add(), set(L.base),
    get(L.j), c32(4), op.i32Shl(), c32(lay.tgtPrev), op.i32Add(), set(L.p),
    get(L.c), c32(1), op.i32Sub(), set(L.e),
    get(L.c), c32(1), op.i32GtS(), get(L.p), op.f64Load(8), get(L.lastF), op.f64Ge(), op.i32And(), op.if(),
    get(L.c), c32(2), op.i32Sub(), set(L.e),
    op.block(), op.loop(),
    get(L.e), c32(0), op.i32GtS(), op.i32Eqz(), op.brIf(1),
    get(L.base), get(L.e), c32(1), op.i32Sub(), c32(4), op.i32Shl(), op.i32Add(), op.f64Load(), get(L.lastF), op.f64Ge(), op.i32Eqz(), op.brIf(1),
    get(L.e), c32(1), op.i32Sub(), set(L.e),
    op.br(0),
    op.end(), op.end(),
    op.end(),
    op.block(), op.loop(),
    get(L.e), get(L.c), op.i32GeS(), op.brIf(1),
    // The entry: newest in the line, the one before in tgtPrev, older ones in the history.
    get(L.e), get(L.c), c32(1), op.i32Sub(), op.i32Eq(), op.if(),
    get(L.lp), op.f64ConvertI32S(), set(L.ps), get(L.b), op.f64Load(lay.tgt + 16), set(L.slow),
    op.else(),
    get(L.e), get(L.c), c32(2), op.i32Sub(), op.i32Eq(), op.if(),
    get(L.p), op.f64Load(8), set(L.ps), get(L.p), op.f64Load(0), set(L.slow),
    op.else(),
    get(L.base), get(L.e), c32(4), op.i32Shl(), op.i32Add(), tee(L.dp), op.f64Load(0), set(L.ps), get(L.dp), op.f64Load(8), set(L.slow),
    op.end(),
    op.end(),
    // The pre trace as this post spike saw it (0 before the source's first arrival).
    f(0), set(L.pre),
    get(P.has), op.if(),
    get(L.ps), get(L.lastF), op.f64Sub(), op.i32TruncF64S(), tee(L.dp), op.i32Eqz(), op.if(),
    get(P.x1), f(1), op.f64Sub(), set(L.pre),
    op.else(),
    get(P.x1), ...farDecay(L.dp, lay.preTab, preLen, st.dPre.rate), op.f64Mul(), set(L.pre),
    op.end(),
    op.end(),
    ...potentiate,
    get(L.e), c32(1), op.i32Add(), set(L.e),
    op.br(0),
    op.end(), op.end(),
    op.end(),
    // The depression: post and homeostatic traces decayed to T.
    get(P.T), get(L.lp), op.i32Sub(), set(L.dk),
    get(L.dk), c32(st.decayLen), op.i32LtS(), op.if(),
    get(L.b), op.f64Load(lay.tgt + 8), get(L.dk), c32(4), op.i32Shl(), op.f64Load(lay.decay2 + 8), op.f64Mul(), set(L.hom),
    get(L.b), op.f64Load(lay.tgt), get(L.dk), c32(4), op.i32Shl(), op.f64Load(lay.decay2), op.f64Mul(), set(L.post),
    op.else(),
    get(L.b), op.f64Load(lay.tgt + 8), ...farDecay(L.dk, lay.homTab, homLen, st.dPostHom.rate), op.f64Mul(), set(L.hom),
    get(L.b), op.f64Load(lay.tgt), ...farDecay(L.dk, lay.postTab, postLen, st.dPost.rate), op.f64Mul(), set(L.post),
    op.end(),
    // onPre: w − d·post·hom·hom, clipped at 0; stored as float32 (sign·w).
    get(P.sign), get(L.wk), op.f64Mul(),
    f(form.depression), get(L.post), op.f64Mul(), get(L.hom), op.f64Mul(), get(L.hom), op.f64Mul(), op.f64Sub(), set(L.w),
    get(L.i), c32(2), op.i32Shl(),
    get(L.w), f(0), get(L.w), f(0), op.f64Gt(), op.select(),
    get(P.sign), op.f64Mul(), op.f32DemoteF64(), op.f32Store(lay.rowWeight),
    get(L.i), c32(1), op.i32Add(), set(L.i),
    op.br(0),
    op.end(), op.end(),
    get(L.touch),
  ];
  return moduleWithImports(
    [{ name: 'exp', params: [F64], results: [F64] }],
    'arrive', [I32, I32, I32, F64, F64, I32, F64], [F64],
    [[10, I32], [9, F64]], body,
  );
}

/**
 * The compiled arrival for this projection, with AxonalState's per-target arrays moved into its memory; null
 * where the rule states no closed form, the handler keeps no history, WebAssembly is missing, or the memory
 * would be too large (the JavaScript kernel then runs, with the same bits).
 */
export function compiledArrive(st: AxonalState, rule: StdpRule, rowStart: Uint32Array, target: TargetIndex): ArriveKernel | null {
  const form = rule.tripletHom;
  if (!enabled || !form || !wasm || st.H === 0 || st.dPostHom.rate === Infinity || st.dPre.rate === Infinity) return null;
  let longest = 0;
  for (let s = 0; s + 1 < rowStart.length; s++) longest = Math.max(longest, rowStart[s + 1] - rowStart[s]);
  const indexBytes = target.BYTES_PER_ELEMENT;
  const lay = layout(st, longest, indexBytes);
  if (lay.bytes > MAX_BYTES) return null;
  let run: (count: number, last: number, has: number, x1: number, preSlowBefore: number, T: number, sign: number) => number;
  let buffer: ArrayBuffer;
  try {
    const memory = new wasm.Memory({ initial: Math.max(1, Math.ceil(lay.bytes / 65536)) });
    buffer = memory.buffer;
    const instance = new wasm.Instance(new wasm.Module(build(lay, st, form, indexBytes)), { env: { mem: memory, exp: Math.exp } });
    run = instance.exports.arrive as typeof run;
  } catch {
    return null;
  }
  const f64 = (at: number, from: Float64Array) => {
    const v = new Float64Array(buffer, at, from.length);
    v.set(from);
    return v;
  };
  st.tgt = f64(lay.tgt, st.tgt);
  st.tgtI = new Int32Array(buffer, lay.tgt, st.tgt.length * 2);
  st.tgtPrev = f64(lay.tgtPrev, st.tgtPrev);
  st.hist = f64(lay.hist, st.hist);
  f64(lay.decay2, st.decay2);
  f64(lay.postTab, st.dPost.table);
  f64(lay.homTab, st.dPostHom.table);
  f64(lay.preTab, st.preLong);
  const rowTarget = indexBytes === 2 ? new Uint16Array(buffer, lay.rowTarget, longest) : new Uint32Array(buffer, lay.rowTarget, longest);
  const rowWeight = new Float32Array(buffer, lay.rowWeight, longest);
  compiled++;
  return (st, _rule, src, T, rowStart, target, weight, sign, buf, off, decay) => {
    const start = rowStart[src];
    const end = rowStart[src + 1];
    const last = st.lastArr[src];
    const has = last >= 0;
    const preSlowBefore = has ? st.x2[src] * decay(st.dPreSlow.table, st.dPreSlow.rate, T - last) : 0;
    const x1 = has ? st.x1[src] : 0;
    rowTarget.set(target.subarray(start, end));
    rowWeight.set(weight.subarray(start, end));
    // The returned sum keeps the loads alive inside wasm; storing it on st sent this wrapper into a
    // deopt loop (V8: 'wrong map' at st.x1, ~2900 bailouts per zenke-25k second).
    run(end - start, last, has ? 1 : 0, x1, preSlowBefore, T, sign);
    weight.set(rowWeight.subarray(0, end - start), start);
    for (let k = start; k < end; k++) buf[off + target[k]] += weight[k];
    st.x1[src] = (has ? x1 * decay(st.dPre.table, st.dPre.rate, T - last) : 0) + 1;
    st.x2[src] = preSlowBefore + 1;
    st.lastArr[src] = T;
  };
}
