import type { AnyRing, RingRow } from '../../../core/ringbuffer.js';
import { BYTES_PER, viewOf, type Arena, type FieldArray, type FieldType } from '../../../core/component.js';

/** The part of the WebAssembly JS API used here (the project's TS lib settings carry no WebAssembly types). */
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, Record<string, unknown>>) => { exports: Record<string, unknown> };
  Memory: new (descriptor: { initial: number }) => { buffer: ArrayBuffer };
}
export const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

export type StepFn = (...args: number[]) => number;

/**
 * A kernel's WebAssembly memory and the arena the core allocates the population's state in: the k-th
 * field allocated (the model's state variables in declaration order, then the scheme's internal ones)
 * lands at byte `offsets[k]`, where the kernel's loads expect it.
 */
export class KernelMemory implements Arena {
  readonly memory: { buffer: ArrayBuffer };
  readonly buffer: ArrayBuffer;
  private next = 0;
  constructor(
    bytes: number,
    private readonly offsets: readonly number[],
  ) {
    this.memory = new wasm.Memory({ initial: Math.max(1, Math.ceil(bytes / 65536)) });
    this.buffer = this.memory.buffer;
  }
  allocate(type: FieldType, length: number, field: string): FieldArray {
    const k = this.next++;
    if (k >= this.offsets.length) throw new RangeError(`kernel memory: no place for state field '${field}' (${this.offsets.length} laid out)`);
    const end = this.offsets[k] + length * BYTES_PER[type];
    if (end > this.buffer.byteLength) throw new RangeError(`kernel memory: field '${field}' ends at byte ${end}, past the memory`);
    return viewOf(type, this.buffer, this.offsets[k], length);
  }
  /** An instance of a compiled kernel module over this memory. */
  instantiate(compiled: object): StepFn {
    return new wasm.Instance(compiled, { env: { mem: this.memory } }).exports.step as StepFn;
  }
}

/**
 * Float64 constants a kernel loads as f64x2 vectors once before its loop, each written to both lanes at
 * `at` (16 bytes apart, in the kernel's order): TurboFan redoes a splat of a parameter at every use inside
 * a loop, a vector loaded from memory stays in its register.
 */
export class LaneConstants {
  private readonly lanes: Float64Array;
  constructor(buffer: ArrayBuffer, at: number, count: number) {
    this.lanes = new Float64Array(buffer, at, 2 * count);
  }
  set(k: number, v: number): void {
    this.lanes[2 * k] = v;
    this.lanes[2 * k + 1] = v;
  }
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
