import type { AnyRing, RingRow } from '../../../core/ringbuffer.js';

/** The part of the WebAssembly JS API used here (the project's TS lib settings carry no WebAssembly types). */
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, Record<string, unknown>>) => { exports: Record<string, unknown> };
  Memory: new (descriptor: { initial: number }) => { buffer: ArrayBuffer };
}
export const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

export type StepFn = (...args: number[]) => number;

/** Instantiate a compiled kernel module over a fresh memory of at least `bytes`. */
export function instantiate(compiled: object, bytes: number): { step: StepFn; buffer: ArrayBuffer } {
  const memory = new wasm.Memory({ initial: Math.max(1, Math.ceil(bytes / 65536)) });
  const step = new wasm.Instance(compiled, { env: { mem: memory } }).exports.step as StepFn;
  return { step, buffer: memory.buffer };
}

/**
 * Copies a step's ring-buffer rows (ex, inh, cur) into module memory at `exAt`, `inhAt`, `curAt`, element
 * indices of `mem` (a float64 or float32 view: the copy converts). A ring is plain JS memory the module
 * cannot read; the views of every row are made once per ring so the copy allocates nothing per step.
 */
export class RowCopier {
  private ring: AnyRing | null = null;
  private ex: RingRow[] = [];
  private inh: RingRow[] = [];
  private cur: RingRow[] = [];
  constructor(
    private readonly mem: RingRow,
    private readonly n: number,
    private readonly exAt: number,
    private readonly inhAt: number,
    private readonly curAt: number,
  ) {}
  copy(ring: AnyRing, off: number): void {
    if (this.ring !== ring) {
      this.ring = ring;
      this.ex = [];
      this.inh = [];
      this.cur = [];
      for (let s = 0; s < ring.slots; s++) {
        const a = s * this.n;
        this.ex.push(ring.ex.subarray(a, a + this.n));
        this.inh.push(ring.inh.subarray(a, a + this.n));
        this.cur.push(ring.cur.subarray(a, a + this.n));
      }
    }
    const row = (off / this.n) | 0;
    this.mem.set(this.ex[row], this.exAt);
    this.mem.set(this.inh[row], this.inhAt);
    this.mem.set(this.cur[row], this.curAt);
  }
}

/** Spike indices the kernel wrote, without the padding neuron of an odd n. */
export function keepSpikes(from: Int32Array, count: number, n: number, to: Int32Array): number {
  let kept = 0;
  for (let k = 0; k < count; k++) {
    const idx = from[k];
    if (idx < n) to[kept++] = idx;
  }
  return kept;
}
