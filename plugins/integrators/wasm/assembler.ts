/**
 * A tiny WebAssembly assembler: just enough of the binary format (one function, one imported memory,
 * SIMD) to write the neuron kernels by hand without a toolchain dependency. Instructions are emitted as
 * bytes by the helpers below; `module` wraps one function body into a complete module.
 */

export const I32 = 0x7f;
export const F64 = 0x7c;
export const F32 = 0x7d;
export const V128 = 0x7b;

export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n = Math.floor(n / 128);
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

export function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

function str(s: string): number[] {
  const b = [...new TextEncoder().encode(s)];
  return [...uleb(b.length), ...b];
}

function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

/** Core instructions (opcode bytes with their immediates). */
export const op = {
  block: () => [0x02, 0x40],
  loop: () => [0x03, 0x40],
  if: () => [0x04, 0x40],
  end: () => [0x0b],
  br: (depth: number) => [0x0c, ...uleb(depth)],
  brIf: (depth: number) => [0x0d, ...uleb(depth)],
  get: (i: number) => [0x20, ...uleb(i)],
  set: (i: number) => [0x21, ...uleb(i)],
  tee: (i: number) => [0x22, ...uleb(i)],
  i32Const: (v: number) => [0x41, ...sleb(v)],
  i32Load: (offset = 0) => [0x28, 2, ...uleb(offset)],
  f32Load: (offset = 0) => [0x2a, 2, ...uleb(offset)],
  f32Store: (offset = 0) => [0x38, 2, ...uleb(offset)],
  f32Add: () => [0x92],
  f64Load: (offset = 0) => [0x2b, 3, ...uleb(offset)],
  f64Store: (offset = 0) => [0x39, 3, ...uleb(offset)],
  f64Add: () => [0xa0],
  i32Load16U: (offset = 0) => [0x2f, 1, ...uleb(offset)],
  i32Mul: () => [0x6c],
  i32RemU: () => [0x70],
  i32Store: (offset = 0) => [0x36, 2, ...uleb(offset)],
  i32Eqz: () => [0x45],
  i32LtU: () => [0x49],
  i32GeU: () => [0x4f],
  i32Add: () => [0x6a],
  i32Sub: () => [0x6b],
  i32And: () => [0x71],
  i32Or: () => [0x72],
  i32Shl: () => [0x74],
  i32ShrU: () => [0x76],
  // SIMD (0xFD prefix, LEB128 sub-opcode)
  v128Load: (offset = 0) => [0xfd, ...uleb(0x00), 4, ...uleb(offset)],
  v128Store: (offset = 0) => [0xfd, ...uleb(0x0b), 4, ...uleb(offset)],
  f64x2Splat: () => [0xfd, ...uleb(0x14)],
  f32x4Splat: () => [0xfd, ...uleb(0x13)],
  f64x2Eq: () => [0xfd, ...uleb(0x47)],
  f64x2Ge: () => [0xfd, ...uleb(0x4c)],
  f32x4Eq: () => [0xfd, ...uleb(0x41)],
  f32x4Ge: () => [0xfd, ...uleb(0x46)],
  v128Bitselect: () => [0xfd, ...uleb(0x52)],
  i64x2Bitmask: () => [0xfd, ...uleb(0xc4)],
  i32x4Bitmask: () => [0xfd, ...uleb(0xa4)],
  f64x2Gt: () => [0xfd, ...uleb(0x4a)],
  v128And: () => [0xfd, ...uleb(0x4e)],
  v128Andnot: () => [0xfd, ...uleb(0x4f)],
  /** Two float32 (8 bytes) into the low half, zero above. */
  v128Load64Zero: (offset = 0) => [0xfd, ...uleb(0x5d), 3, ...uleb(offset)],
  /** The low 8 bytes of a vector (lane 0 of i64x2) to memory. */
  v128Store64Lane0: (offset = 0) => [0xfd, ...uleb(0x5b), 3, ...uleb(offset), 0],
  f32x4DemoteF64x2Zero: () => [0xfd, ...uleb(0x5e)],
  f64x2PromoteLowF32x4: () => [0xfd, ...uleb(0x5f)],
  f64Const: (v: number) => [0x44, ...new Uint8Array(Float64Array.of(v).buffer)],
  f64x2Add: () => [0xfd, ...uleb(0xf0)],
  f64x2Sub: () => [0xfd, ...uleb(0xf1)],
  f64x2Mul: () => [0xfd, ...uleb(0xf2)],
  f32x4Add: () => [0xfd, ...uleb(0xe4)],
  f32x4Sub: () => [0xfd, ...uleb(0xe5)],
  f32x4Mul: () => [0xfd, ...uleb(0xe6)],
  f32x4Gt: () => [0xfd, ...uleb(0x44)],
  f32x4Lt: () => [0xfd, ...uleb(0x43)],
  f32x4Abs: () => [0xfd, ...uleb(0xe0)],
  /** b < a ? b : a, and a < b ? b : a: the selects of a JavaScript clip, NaN and signed zeros included. */
  f32x4Pmin: () => [0xfd, ...uleb(0xea)],
  f32x4Pmax: () => [0xfd, ...uleb(0xeb)],
  // Lane arithmetic and comparisons the equation kernels lower their IR to (plugins/schemes/simd_wasm.ts).
  f32x4Ne: () => [0xfd, ...uleb(0x42)],
  f32x4Le: () => [0xfd, ...uleb(0x45)],
  f32x4Neg: () => [0xfd, ...uleb(0xe1)],
  f32x4Sqrt: () => [0xfd, ...uleb(0xe3)],
  f32x4Div: () => [0xfd, ...uleb(0xe7)],
  /** IEEE min/max as Math.min/max: NaN if either is NaN, -0 below +0. */
  f32x4Min: () => [0xfd, ...uleb(0xe8)],
  f32x4Max: () => [0xfd, ...uleb(0xe9)],
  f64x2Ne: () => [0xfd, ...uleb(0x48)],
  f64x2Lt: () => [0xfd, ...uleb(0x49)],
  f64x2Le: () => [0xfd, ...uleb(0x4b)],
  f64x2Abs: () => [0xfd, ...uleb(0xec)],
  f64x2Neg: () => [0xfd, ...uleb(0xed)],
  f64x2Sqrt: () => [0xfd, ...uleb(0xef)],
  f64x2Div: () => [0xfd, ...uleb(0xf3)],
  f64x2Min: () => [0xfd, ...uleb(0xf4)],
  f64x2Max: () => [0xfd, ...uleb(0xf5)],
  /** Pseudo-maximum a < b ? b : a: one x86 maxpd (f64x2.max is several, for its NaN and -0 rules). */
  f64x2Pmax: () => [0xfd, ...uleb(0xf7)],
  /** Pseudo-minimum b < a ? b : a. */
  f64x2Pmin: () => [0xfd, ...uleb(0xf6)],
  v128Const: (bytes: ArrayLike<number>) => [0xfd, ...uleb(0x0c), ...Array.from(bytes)],
  /** Round to the nearest integer, ties to even. */
  f32x4Nearest: () => [0xfd, ...uleb(0x6a)],
  i32x4Splat: () => [0xfd, ...uleb(0x11)],
  i32x4TruncSatF32x4S: () => [0xfd, ...uleb(0xf8)],
  i32x4Shl: () => [0xfd, ...uleb(0xab)],
  i32x4Add: () => [0xfd, ...uleb(0xae)],
  f32Const: (v: number) => [0x43, ...new Uint8Array(Float32Array.of(v).buffer)],
  /** Byte shuffle of two vectors: `lanes` are 16 indices into the 32 bytes of (a, b). */
  i8x16Shuffle: (lanes: number[]) => [0xfd, ...uleb(0x0d), ...lanes],
  // Scalar control and arithmetic of the plasticity kernels (plugins/synapses/plasticity/axonal_wasm.ts).
  else: () => [0x05],
  ifResult: (type: number) => [0x04, type],
  call: (index: number) => [0x10, ...uleb(index)],
  select: () => [0x1b],
  i32Eq: () => [0x46],
  i32LtS: () => [0x48],
  i32GtS: () => [0x4a],
  i32GeS: () => [0x4e],
  f64Lt: () => [0x63],
  f64Gt: () => [0x64],
  f64Ge: () => [0x66],
  f64Neg: () => [0x9a],
  f64Sub: () => [0xa1],
  f64Mul: () => [0xa2],
  i32TruncF64S: () => [0xaa],
  f32DemoteF64: () => [0xb6],
  f64ConvertI32S: () => [0xb7],
  f64PromoteF32: () => [0xbb],
};

/**
 * A module with one imported memory (`env.mem`, at least one page) and one exported function `name`
 * of the given parameter and result types; `locals` are the extra locals as [count, type] runs.
 */
export function module(name: string, params: number[], results: number[], locals: [number, number][], body: number[][]): Uint8Array {
  return moduleWithImports([], name, params, results, locals, body);
}

/**
 * A module with one imported memory (`env.mem`), imported functions (`env.<name>`, indices 0, 1, … in the
 * order given) and one exported function `name` after them.
 */
export function moduleWithImports(
  imports: { name: string; params: number[]; results: number[] }[],
  name: string, params: number[], results: number[], locals: [number, number][], body: number[][],
): Uint8Array {
  const sig = (p: number[], r: number[]) => [0x60, ...uleb(p.length), ...p, ...uleb(r.length), ...r];
  const types = [...imports.map((f) => sig(f.params, f.results)), sig(params, results)];
  const code = [...uleb(locals.length), ...locals.flatMap(([c, t]) => [...uleb(c), t]), ...body.flat(), 0x0b];
  const importEntries = [[...str('env'), ...str('mem'), 0x02, 0x00, 0x01], ...imports.map((f, k) => [...str('env'), ...str(f.name), 0x00, ...uleb(k)])];
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [...uleb(types.length), ...types.flat()]),
    ...section(2, [...uleb(importEntries.length), ...importEntries.flat()]),
    ...section(3, [1, ...uleb(imports.length)]),
    ...section(7, [1, ...str(name), 0x00, ...uleb(imports.length)]),
    ...section(10, [1, ...uleb(code.length), ...code]),
  ];
  return Uint8Array.from(bytes);
}
