/**
 * Delayed input of one population: one row per future step, one column per local neuron, one array per
 * channel (excitatory and inhibitory spike input — routed by the weight's sign as NEST does — and current).
 * Slot-major, so a step's input for all neurons is one contiguous row and propagation scatters into one row.
 */
export class RingBuffer {
  readonly ex: Float64Array;
  readonly inh: Float64Array;
  readonly cur: Float64Array;
  constructor(
    readonly n: number,
    readonly slots: number,
  ) {
    this.ex = new Float64Array(n * slots);
    this.inh = new Float64Array(n * slots);
    this.cur = new Float64Array(n * slots);
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
