/**
 * Delayed input of one population: one row per future step, one column per local neuron, one array per
 * channel (excitatory and inhibitory spike input — routed by the weight's sign as NEST does — and current).
 * Slot-major, so a step's input for all neurons is one contiguous row and propagation scatters into one row.
 */
export class RingBuffer {
  readonly ex: Float64Array;
  readonly inh: Float64Array;
  readonly cur: Float64Array;
  /** The neuron group zeroes each row as it reads it, so the simulator need not clear it. */
  readonly readerClears: boolean;
  /**
   * `storage` (optional): arrays of n × slots elements the ring uses instead of its own, e.g. views into a
   * WebAssembly memory so a kernel reads its input rows in place (NeuronGroup.allocateRing).
   */
  constructor(
    readonly n: number,
    readonly slots: number,
    storage?: { ex: Float64Array; inh: Float64Array; cur: Float64Array; readerClears?: boolean },
  ) {
    if (storage) {
      for (const a of [storage.ex, storage.inh, storage.cur]) {
        if (a.length !== n * slots) throw new RangeError(`RingBuffer storage: ${a.length} elements given, ${n * slots} (n × slots) needed`);
      }
    }
    this.ex = storage?.ex ?? new Float64Array(n * slots);
    this.inh = storage?.inh ?? new Float64Array(n * slots);
    this.cur = storage?.cur ?? new Float64Array(n * slots);
    this.readerClears = storage?.readerClears ?? false;
  }
  /** Offset of the row read in `step`. */
  offset(step: number): number {
    return (step % this.slots) * this.n;
  }
  clear(offset: number): void {
    const end = offset + this.n;
    this.ex.fill(0, offset, end);
    this.inh.fill(0, offset, end);
    this.cur.fill(0, offset, end);
  }
  get bytes(): number {
    return this.ex.byteLength * 3;
  }
}
